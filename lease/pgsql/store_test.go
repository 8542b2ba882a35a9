package pgsql

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

// newDB creates an empty database on the test server and returns its
// configuration; it is dropped when the test ends.
func newDB(t testing.TB) sqlcommon.Config {
	t.Helper()
	admin, err := OpenDB(sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: "postgres"})
	if err != nil {
		t.Fatal(err)
	}
	name := storetest.TestName()
	storetest.CreateDB(t, admin, "PostgreSQL", "CREATE DATABASE "+name, "DROP DATABASE "+name+" WITH (FORCE)")
	return sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: name, PoolSize: 4}
}

// newSchemaDB is newDB with Nestor's schema at version v.
func newSchemaDB(t testing.TB, v sqlcommon.Version) sqlcommon.Config {
	t.Helper()
	cfg := newDB(t)
	db, err := OpenDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := InitSchema(context.Background(), db, v); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func open4(t *testing.T, cfg sqlcommon.Config) lease.Store4 {
	s, err := Open4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func open6(t *testing.T, cfg sqlcommon.Config) lease.Store6 {
	s, err := Open6(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore4Contract(t *testing.T) {
	for _, v := range []sqlcommon.Version{Kea22, Kea26} {
		t.Run(v.String(), func(t *testing.T) {
			storetest.Run4(t, func(t *testing.T) lease.Store4 { return open4(t, newSchemaDB(t, v)) }, v == Kea26)
		})
	}
}

func TestStore6Contract(t *testing.T) {
	for _, v := range []sqlcommon.Version{Kea22, Kea26} {
		t.Run(v.String(), func(t *testing.T) {
			storetest.Run6(t, func(t *testing.T) lease.Store6 { return open6(t, newSchemaDB(t, v)) }, v == Kea26)
		})
	}
}

func TestSchemaVersionMismatch(t *testing.T) {
	cfg := newSchemaDB(t, Kea22)
	db, _ := OpenDB(cfg)
	defer db.Close()
	if _, err := db.Exec("UPDATE schema_version SET version = 12"); err != nil {
		t.Fatal(err)
	}
	_, err := Open4(cfg)
	want := "PostgreSQL schema version mismatch: need version: 22.0 found version: 12.0"
	if err == nil || err.Error() != want {
		t.Errorf("Open4 on schema 12.0: %v, want %q", err, want)
	}
}

func TestInitOnEmptyDatabase(t *testing.T) {
	cfg := newDB(t)
	s, err := Open4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, _ := OpenDB(cfg)
	defer db.Close()
	if v, err := sqlcommon.ReadVersion(context.Background(), db); err != nil || v != DefaultVersion {
		t.Errorf("schema created at open: %v, %v", v, err)
	}
	ro := cfg
	ro.Readonly = true
	ro.Name = newDB(t).Name
	if s, err := Open4(ro); err == nil {
		s.Close()
		t.Errorf("a read-only empty database was initialised")
	}
}

var _ = sql.ErrNoRows

func TestLostConnection(t *testing.T) {
	cfg := newSchemaDB(t, Kea26)
	admin, err := OpenDB(sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: "postgres"})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	faults := storetest.Faults{
		Open: func(t *testing.T, ev sqlcommon.Events, tries int, wait time.Duration, of sqlcommon.OnFail, retry bool) lease.Store4 {
			c := cfg
			c.Events, c.MaxReconnectTries, c.ReconnectWaitTime, c.OnFail = ev, tries, wait, of
			c.ConnectTimeout = 2 * time.Second
			c.RetryOnStartup = retry
			return open4(t, c)
		},
		Kill: func(t *testing.T) {
			var n int
			if err := admin.QueryRow("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", cfg.Name).Scan(&n); err != nil {
				t.Fatal(err)
			}
			t.Logf("terminated %d connections", n)
		},
		Block: func(t *testing.T, on bool) {
			if _, err := admin.Exec(fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %v", cfg.Name, !on)); err != nil {
				t.Fatal(err)
			}
		},
	}
	storetest.RunLostConnection(t, faults)
	t.Run("RetryOnStartup", func(t *testing.T) { storetest.RunRetryOnStartup(t, faults) })
}

// BenchmarkStore4 runs against the local server (Kea 2.6's schema).
func BenchmarkStore4(b *testing.B) {
	cfg := newSchemaDB(b, Kea26)
	s, err := Open4(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.Bench4(b, s)
}
