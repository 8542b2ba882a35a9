package pgsql

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"

	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

var (
	//go:embed schema/create.sql
	createSQL string
	//go:embed schema/upgrade_13_to_22.sql
	upgrade13to22SQL string
)

// Upgrade is one step of the schema upgrade path.
type Upgrade struct {
	From, To sqlcommon.Version
	SQL      string
}

// Upgrades lists the steps Nestor knows, in order.
var Upgrades = []Upgrade{{From: Kea22, To: Kea26, SQL: upgrade13to22SQL}}

// InitSchema creates Nestor's schema at version v (Kea22 or Kea26) in an
// empty database, in one transaction.
func InitSchema(ctx context.Context, db *sql.DB, v sqlcommon.Version) error {
	steps := ""
	switch v {
	case Kea22:
	case Kea26:
		steps = upgrade13to22SQL
	default:
		return fmt.Errorf("Nestor cannot create PostgreSQL schema version %s (it knows %s and %s)", v, Kea22, Kea26)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "START TRANSACTION;\n"+createSQL+"\nCOMMIT;"); err != nil {
		conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	if steps != "" {
		if _, err := conn.ExecContext(ctx, steps); err != nil {
			conn.ExecContext(ctx, "ROLLBACK")
			return err
		}
	}
	return nil
}

// UpgradeSchema runs every known upgrade step from the database's
// version on and returns the versions it passed through.
func UpgradeSchema(ctx context.Context, db *sql.DB) ([]sqlcommon.Version, error) {
	var done []sqlcommon.Version
	for _, u := range Upgrades {
		v, err := sqlcommon.ReadVersion(ctx, db)
		if err != nil {
			return done, err
		}
		if v != u.From {
			continue
		}
		conn, err := db.Conn(ctx)
		if err != nil {
			return done, err
		}
		_, err = conn.ExecContext(ctx, u.SQL)
		if err != nil {
			conn.ExecContext(ctx, "ROLLBACK")
		}
		conn.Close()
		if err != nil {
			return done, fmt.Errorf("upgrade from %s to %s: %w", u.From, u.To, err)
		}
		done = append(done, u.To)
	}
	return done, nil
}
