package mysql

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"

	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

var (
	//go:embed schema/create.sql
	createSQL string
	//go:embed schema/upgrade_14_to_22.sql
	upgrade14to22SQL string
)

// Upgrade is one step of the schema upgrade path.
type Upgrade struct {
	From, To sqlcommon.Version
	SQL      string
}

// Upgrades lists the steps Nestor knows, in order.
var Upgrades = []Upgrade{{From: Kea22, To: Kea26, SQL: upgrade14to22SQL}}

// statements splits a script at its ";;" lines.
func statements(script string) []string {
	var out []string
	for _, s := range strings.Split(script, "\n;;\n") {
		lines := strings.Split(s, "\n")
		keep := lines[:0]
		for _, l := range lines {
			if !strings.HasPrefix(strings.TrimSpace(l), "--") {
				keep = append(keep, l)
			}
		}
		if s := strings.TrimSpace(strings.Join(keep, "\n")); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func run(ctx context.Context, db *sql.DB, script string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, st := range statements(script) {
		if _, err := conn.ExecContext(ctx, st); err != nil {
			first, _, _ := strings.Cut(st, "\n")
			return fmt.Errorf("%s: %w", first, err)
		}
	}
	return nil
}

// InitSchema creates Nestor's schema at version v (Kea22 or Kea26) in an
// empty database. MySQL commits each DDL statement on its own, so a
// failure leaves a partial schema, as with Kea's script.
func InitSchema(ctx context.Context, db *sql.DB, v sqlcommon.Version) error {
	switch v {
	case Kea22:
		return run(ctx, db, createSQL)
	case Kea26:
		if err := run(ctx, db, createSQL); err != nil {
			return err
		}
		return run(ctx, db, upgrade14to22SQL)
	}
	return fmt.Errorf("Nestor cannot create MySQL schema version %s (it knows %s and %s)", v, Kea22, Kea26)
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
		if err := run(ctx, db, u.SQL); err != nil {
			return done, fmt.Errorf("upgrade from %s to %s: %w", u.From, u.To, err)
		}
		done = append(done, u.To)
	}
	return done, nil
}
