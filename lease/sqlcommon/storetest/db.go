package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"
)

// TestName returns a fresh database name starting with nestor_test_.
func TestName() string {
	b := make([]byte, 4)
	rand.Read(b)
	return "nestor_test_" + hex.EncodeToString(b)
}

// PgHost is where the PostgreSQL tests connect (NESTOR_TEST_PGSQL_HOST,
// default 127.0.0.1 with trust authentication as user postgres).
func PgHost() string {
	if h := os.Getenv("NESTOR_TEST_PGSQL_HOST"); h != "" {
		return h
	}
	return "127.0.0.1"
}

// MySQLHost is where the MySQL tests connect (NESTOR_TEST_MYSQL_HOST,
// default localhost, the server's unix socket, as root without password).
func MySQLHost() string {
	if h := os.Getenv("NESTOR_TEST_MYSQL_HOST"); h != "" {
		return h
	}
	return "localhost"
}

// CreateDB runs create on admin (a connection to the server) and drops
// the database with drop at the end of the test. It skips the test when
// the server cannot be reached.
func CreateDB(t testing.TB, admin *sql.DB, what, create, drop string) {
	t.Helper()
	if err := admin.Ping(); err != nil {
		admin.Close()
		t.Skipf("no %s server to test with: %v", what, err)
	}
	if _, err := admin.Exec(create); err != nil {
		admin.Close()
		t.Fatalf("%s: %v", create, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(drop); err != nil {
			t.Errorf("%s: %v", drop, err)
		}
		admin.Close()
	})
}
