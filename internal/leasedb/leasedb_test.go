package leasedb_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nestordhcp/nestor/internal/leasedb"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// TestOpenError: a database that does not exist is reported with Kea
// 2.2's text (recorded from kea-dhcp4 2.2.0 with the same lease-database).
func TestOpenError(t *testing.T) {
	tests := []struct {
		typ  string
		cfg  sqlcommon.Config
		skip func() bool
		want string
	}{
		{"postgresql", sqlcommon.Config{Host: pgSocketDir, User: "postgres", Name: "nonexistent_db_x"},
			func() bool { _, err := os.Stat(filepath.Join(pgSocketDir, ".s.PGSQL.5432")); return err != nil },
			`Unable to open database: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "nonexistent_db_x" does not exist`},
		{"mysql", sqlcommon.Config{Host: "localhost", User: "root", Name: "nonexistent_db_x"},
			func() bool { _, err := os.Stat(mysql.SocketPath()); return err != nil },
			`Unable to open database: Unknown database 'nonexistent_db_x'`},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			if tc.skip() {
				t.Skipf("no %s server socket", tc.typ)
			}
			st, err := leasedb.Open4(tc.typ, tc.cfg)
			if err == nil {
				st.Close()
				t.Fatal("opened a database that does not exist")
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}
