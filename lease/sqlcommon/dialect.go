package sqlcommon

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Version is a schema version as Kea's schema_version table holds it.
type Version struct{ Major, Minor int }

func (v Version) String() string { return strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor) }

// Layout is what the lease code needs to know about a schema version.
type Layout struct {
	Version Version
	// PoolID: lease4 and lease6 have a pool_id column and the
	// lease4_pool_stat/lease6_pool_stat tables exist (Kea 2.6).
	PoolID bool
	// Addr6Native: lease6.address is INET (PostgreSQL) or BINARY(16)
	// (MySQL) rather than Kea 2.2's VARCHAR(39) text.
	Addr6Native bool
}

// Dialect is what a backend supplies to the common store code.
type Dialect struct {
	// Name is Kea's name of the database in messages: "PostgreSQL", "MySQL".
	Name string
	// Dollar: placeholders are $1, $2... (PostgreSQL) rather than ?.
	Dollar bool
	// Open opens the connection pool (no round trip needed).
	Open func(cfg *Config) (*sql.DB, error)
	// Layouts maps every schema version the backend can use to its layout.
	Layouts map[Version]Layout
	// Want is the version named in the mismatch message (the default
	// version Nestor creates).
	Want Version
	// ExpireCol is the SELECT expression giving expire as unix seconds.
	ExpireCol string
	// TimeParam wraps a placeholder holding unix seconds into a timestamp.
	TimeParam func(ph string) string
	// Addr6Col, Addr6Key, Addr6Param and Addr6KeyParam are the
	// expressions for lease6.address: the column as text, the column as
	// an ordered key, a text parameter as a column value, a text
	// parameter as an ordered key.
	Addr6Col      func(Layout) string
	Addr6Key      func(Layout) string
	Addr6Param    func(l Layout, ph string) string
	Addr6KeyParam func(l Layout, ph string) string
	// IAIDSigned: the iaid column is a signed 32-bit integer (PostgreSQL).
	IAIDSigned bool
	// IsDuplicate reports a primary key violation.
	IsDuplicate func(error) bool
	// IsConnError reports an error that means the connection is unusable.
	IsConnError func(error) bool
	// IsNoSchema reports the error of a missing schema_version table.
	IsNoSchema func(error) bool
	// Init creates Nestor's schema in an empty database (used when the
	// schema is missing at open and the database is not read-only); may
	// be nil.
	Init func(ctx context.Context, db *sql.DB) error
}

// rebind turns ? placeholders into $n for PostgreSQL.
func (d *Dialect) rebind(q string) string {
	if !d.Dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// ReadVersion returns the schema version stored in db.
func ReadVersion(ctx context.Context, db *sql.DB) (Version, error) {
	var v Version
	var minor sql.NullInt64
	err := db.QueryRowContext(ctx, "SELECT version, minor FROM schema_version").Scan(&v.Major, &minor)
	v.Minor = int(minor.Int64)
	return v, err
}

// layoutFor checks the schema version of db and returns its layout, with
// Kea's message when Nestor cannot use it.
func (d *Dialect) layoutFor(ctx context.Context, db *sql.DB, cfg *Config) (Layout, error) {
	v, err := ReadVersion(ctx, db)
	if err != nil && d.IsNoSchema != nil && d.IsNoSchema(err) && !cfg.Readonly && d.Init != nil {
		cfg.logf("DHCPSRV_%s_INITIALIZE_SCHEMA Initializing the %s schema with version %s", strings.ToUpper(d.Name), d.Name, d.Want)
		ictx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		err = d.Init(ictx, db)
		cancel()
		if err != nil {
			return Layout{}, fmt.Errorf("%s schema initialization failed: %w", d.Name, err)
		}
		v, err = ReadVersion(ctx, db)
	}
	if err != nil {
		return Layout{}, err
	}
	l, ok := d.Layouts[v]
	if !ok {
		return Layout{}, fmt.Errorf("%s schema version mismatch: need version: %s found version: %s", d.Name, d.Want, v)
	}
	return l, nil
}
