package admin

import (
	"bytes"
	"context"
	"database/sql"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/pgsql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

// testDB is one throw-away database and the arguments that reach it.
type testDB struct {
	backend string
	cfg     sqlcommon.Config
	args    []string // -h/-u/-n for both kea-admin and nestor admin
}

func newTestDB(t *testing.T, backend string) testDB {
	t.Helper()
	name := storetest.TestName()
	switch backend {
	case "pgsql":
		admin, err := pgsql.OpenDB(sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: "postgres"})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CreateDB(t, admin, "PostgreSQL", "CREATE DATABASE "+name, "DROP DATABASE "+name+" WITH (FORCE)")
		return testDB{backend, sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: name, PoolSize: 2},
			[]string{"-h", storetest.PgHost(), "-u", "postgres", "-p", "", "-n", name}}
	default:
		admin, err := mysql.OpenDB(sqlcommon.Config{Host: storetest.MySQLHost(), User: "root"})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CreateDB(t, admin, "MySQL", "CREATE DATABASE "+name, "DROP DATABASE "+name)
		return testDB{backend, sqlcommon.Config{Host: storetest.MySQLHost(), User: "root", Name: name, PoolSize: 2},
			[]string{"-h", storetest.MySQLHost(), "-u", "root", "-p", "", "-n", name}}
	}
}

func nestorAdmin(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	code := Main(args, &out, &out)
	return out.String(), code
}

func keaAdmin(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("kea-admin", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("kea-admin %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func needKeaAdmin(t *testing.T) {
	if _, err := exec.LookPath("kea-admin"); err != nil {
		t.Skip("kea-admin (Kea 2.2) is not installed: no oracle")
	}
}

func (d testDB) store4(t *testing.T) lease.Store4 {
	var s *sqlcommon.Store4
	var err error
	if d.backend == "pgsql" {
		s, err = pgsql.Open4(d.cfg)
	} else {
		s, err = mysql.Open4(d.cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (d testDB) store6(t *testing.T) lease.Store6 {
	var s *sqlcommon.Store6
	var err error
	if d.backend == "pgsql" {
		s, err = pgsql.Open6(d.cfg)
	} else {
		s, err = mysql.Open6(d.cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (d testDB) db(t *testing.T) *sql.DB {
	var db *sql.DB
	var err error
	if d.backend == "pgsql" {
		db, err = pgsql.OpenDB(d.cfg)
	} else {
		db, err = mysql.OpenDB(d.cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sampleLeases puts leases with awkward values (commas, backslashes,
// missing client id, declined without hardware address) in both tables.
func sampleLeases(t *testing.T, d testDB) {
	s4 := d.store4(t)
	for i := 1; i <= 5; i++ {
		l := storetest.Lease4(i)
		switch i {
		case 2:
			l.Hostname = `a,b\c`
			l.UserContext = []byte(`{"comment": "x, y"}`)
		case 3:
			l.ClientID = nil
			l.FQDNFwd = true
		case 4:
			l.HWAddr, l.State = lease.HWAddr{}, lease.StateDeclined
		case 5:
			l.State = lease.StateExpiredReclaimed
			l.ValidLifetime = lease.InfiniteLifetime
		}
		if err := s4.AddLease4(l); err != nil {
			t.Fatal(err)
		}
	}
	s6 := d.store6(t)
	for i := 1; i <= 12; i++ {
		typ := lease.TypeNA
		if i > 9 {
			typ = lease.TypePD
		}
		l := storetest.Lease6(i, typ)
		if i == 2 {
			l.HWAddr = lease.HWAddr{Bytes: []byte{1, 2, 3, 4, 5, 6}, Type: 1, Source: lease.HWAddrSourceRaw}
			l.Hostname = "h,1"
		}
		if err := s6.AddLease6(l); err != nil {
			t.Fatal(err)
		}
	}
}

// compareDumps dumps with kea-admin and nestor admin and compares the files.
func compareDumps(t *testing.T, d testDB) {
	dir := t.TempDir()
	for _, fam := range []string{"-4", "-6"} {
		kea := filepath.Join(dir, "kea"+fam+".csv")
		nestor := filepath.Join(dir, "nestor"+fam+".csv")
		keaAdmin(t, append(append([]string{"lease-dump", d.backend}, d.args...), fam, "-o", kea, "-y")...)
		if out, code := nestorAdmin(t, append(append([]string{"lease-dump", d.backend}, d.args...), fam, "-o", nestor, "-y")...); code != 0 {
			t.Fatalf("nestor admin lease-dump: %d\n%s", code, out)
		}
		k, _ := os.ReadFile(kea)
		n, _ := os.ReadFile(nestor)
		if d := cmp.Diff(string(k), string(n)); d != "" {
			t.Errorf("lease-dump %s (-kea-admin +nestor)\n%s", fam, d)
		}
		if bytes.Count(k, []byte("\n")) < 6 {
			t.Errorf("kea-admin dumped too little:\n%s", k)
		}
	}
}

// TestKeaSchemaToNestor: kea-admin db-init, Nestor stores and reads leases,
// kea-admin and nestor admin dump the same files.
func TestKeaSchemaToNestor(t *testing.T) {
	needKeaAdmin(t)
	for _, backend := range []string{"pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			d := newTestDB(t, backend)
			keaAdmin(t, append([]string{"db-init", backend}, d.args...)...)
			sampleLeases(t, d)
			got, err := d.store4(t).Lease4(storetest.Lease4(2).Addr)
			if err != nil || got.Hostname != `a,b\c` {
				t.Errorf("lease 2 read back as %+v, %v", got, err)
			}
			compareDumps(t, d)
		})
	}
}

// TestNestorSchemaToKea: nestor admin db-init; kea-admin reports the
// version and dumps what Nestor dumps; db-upgrade reaches Kea 2.6's
// version and keeps the leases; stats-recount rebuilds the counts.
func TestNestorSchemaToKea(t *testing.T) {
	needKeaAdmin(t)
	want := map[string][2]string{"pgsql": {"13.0", "22.0"}, "mysql": {"14.0", "22.0"}}
	for _, backend := range []string{"pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			d := newTestDB(t, backend)
			if out, code := nestorAdmin(t, append([]string{"db-init", backend}, d.args...)...); code != 0 ||
				!strings.Contains(out, "Database version reported after initialization: "+want[backend][0]) {
				t.Fatalf("nestor admin db-init: %d\n%s", code, out)
			}
			if out, code := nestorAdmin(t, append([]string{"db-init", backend}, d.args...)...); code == 0 ||
				!strings.Contains(out, "ERROR/kea-admin: Expected empty database") {
				t.Errorf("second db-init: %d\n%s", code, out)
			}
			if v := strings.TrimSpace(keaAdmin(t, append([]string{"db-version", backend}, d.args...)...)); v != want[backend][0] {
				t.Errorf("kea-admin db-version = %q, want %s", v, want[backend][0])
			}
			sampleLeases(t, d)
			compareDumps(t, d)

			out, code := nestorAdmin(t, append([]string{"db-upgrade", backend}, d.args...)...)
			if code != 0 || !strings.Contains(out, "Database version reported after upgrade: "+want[backend][1]) {
				t.Fatalf("db-upgrade: %d\n%s", code, out)
			}
			if v, _ := nestorAdmin(t, append([]string{"db-version", backend}, d.args...)...); strings.TrimSpace(v) != want[backend][1] {
				t.Errorf("db-version after upgrade = %q", v)
			}
			all, err := d.store6(t).AllLeases6()
			if err != nil || len(all) != 12 {
				t.Fatalf("after the upgrade: %d leases, %v", len(all), err)
			}
			// Pool identifiers are kept from 22.0 on.
			l := storetest.Lease4(9)
			l.PoolID = 4
			s4 := d.store4(t)
			if err := s4.AddLease4(l); err != nil {
				t.Fatal(err)
			}
			if got, _ := s4.Lease4(l.Addr); got == nil || got.PoolID != 4 {
				t.Errorf("pool id after the upgrade: %+v", got)
			}

			// stats-recount rebuilds a damaged statistics table.
			db := d.db(t)
			if _, err := db.Exec("UPDATE lease4_stat SET leases = 77"); err != nil {
				t.Fatal(err)
			}
			if out, code := nestorAdmin(t, append([]string{"stats-recount", backend}, d.args...)...); code != 0 {
				t.Fatalf("stats-recount: %d\n%s", code, out)
			}
			rows, _ := s4.LeaseStats4(0, 0)
			var total int64
			for _, r := range rows {
				total += r.Count
			}
			var fromTable int64
			db.QueryRow("SELECT SUM(leases) FROM lease4_stat").Scan(&fromTable)
			// Leases 1, 2, 3, 9 default and 4 declined; 5 is reclaimed.
			if total != 5 || fromTable != 5 {
				t.Errorf("after stats-recount: pool stats %d, lease4_stat %d, want 5", total, fromTable)
			}
		})
	}
}

// TestLeaseUpload uploads a memfile lease file (with a renewal and a
// deletion in it) and reads the leases back.
func TestLeaseUpload(t *testing.T) {
	for _, backend := range []string{"pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			d := newTestDB(t, backend)
			if out, code := nestorAdmin(t, append([]string{"db-init", backend, "--schema-version", "22.0"}, d.args...)...); code != 0 {
				t.Fatalf("db-init: %s", out)
			}
			file := filepath.Join(t.TempDir(), "kea-leases4.csv")
			os.WriteFile(file, []byte("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n"+
				"198.51.100.10,aa:bb:cc:dd:ee:01,01:02:03,3600,1700003600,1,0,0,one&#x2cx,0,,2\n"+
				"198.51.100.11,aa:bb:cc:dd:ee:02,,3600,1700003600,1,0,0,,0,,0\n"+
				"198.51.100.10,aa:bb:cc:dd:ee:01,01:02:03,3600,1700007200,1,0,0,one&#x2cx,0,{ \"a\": 1 },2\n"+
				"198.51.100.11,aa:bb:cc:dd:ee:02,,0,1700003600,1,0,0,,0,,0\n"), 0o644)
			out, code := nestorAdmin(t, append([]string{"lease-upload", backend, "-4", "-i", file}, d.args...)...)
			if code != 0 || !strings.Contains(out, "INFO/kea-admin: Successfully updated table lease4.") {
				t.Fatalf("lease-upload: %d\n%s", code, out)
			}
			all, _ := d.store4(t).AllLeases4()
			if len(all) != 1 {
				t.Fatalf("uploaded %d leases, want 1", len(all))
			}
			l := all[0]
			if l.Addr != netip.MustParseAddr("198.51.100.10") || l.CLTT != 1700003600 || l.Hostname != "one,x" || l.PoolID != 2 ||
				string(l.UserContext) == "" {
				t.Errorf("uploaded lease %+v", l)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 1, "ERROR/kea-admin: missing command"},
		{[]string{"db-frob", "pgsql"}, 1, "ERROR/kea-admin: invalid command: db-frob"},
		{[]string{"db-init"}, 1, "ERROR/kea-admin: missing backend"},
		{[]string{"db-init", "sqlite"}, 1, "ERROR/kea-admin: invalid backend: sqlite"},
		{[]string{"db-init", "pgsql", "-q"}, 1, "ERROR/kea-admin: invalid option: -q"},
		{[]string{"db-init", "pgsql", "-h"}, 1, "ERROR/kea-admin: -h or --host requires a parameter"},
		{[]string{"lease-dump", "pgsql", "-4", "-6"}, 1, "ERROR/kea-admin: you may not specify both -4 and -6"},
		{[]string{"lease-dump", "memfile"}, 1, "ERROR/kea-admin: lease-dump is not supported for memfile"},
		{[]string{"db-init", "memfile"}, 1, "ERROR/kea-admin: NOT IMPLEMENTED"},
		{[]string{"stats-recount", "memfile"}, 0, "INFO/kea-admin: memfile does not keep lease statistics"},
	} {
		out, code := nestorAdmin(t, tc.args...)
		if code != tc.code || !strings.HasPrefix(out, tc.want) {
			t.Errorf("%v: %d %q, want %d %q", tc.args, code, firstLine(out), tc.code, tc.want)
		}
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

var _ = context.Background

// TestMySQLCanCreate: db-init on MySQL checks, as kea-admin's
// mysql_can_create, that the user may create tables and triggers, with
// kea-admin's messages; a user without the TRIGGER privilege is refused.
func TestMySQLCanCreate(t *testing.T) {
	needKeaAdmin(t)
	d := newTestDB(t, "mysql")
	root, err := mysql.OpenDB(d.cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	user := "nestor_sql_" + strings.TrimPrefix(d.cfg.Name, "nestor_test_")
	for _, q := range []string{"CREATE USER '" + user + "'@'localhost'",
		"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE ROUTINE, ALTER ROUTINE, EXECUTE ON " + d.cfg.Name + ".* TO '" + user + "'@'localhost'"} {
		if _, err := root.Exec(q); err != nil {
			t.Skipf("%s: %v", q, err)
		}
	}
	defer root.Exec("DROP USER '" + user + "'@'localhost'")
	args := []string{"-h", d.args[1], "-u", user, "-p", "", "-n", d.cfg.Name}
	lines := func(out string) []string {
		var ls []string
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "mysql_can_create") || strings.Contains(l, "Create failed") || strings.HasPrefix(l, "Verifying") {
				ls = append(ls, strings.TrimSpace(l))
			}
		}
		return ls
	}
	out, code := nestorAdmin(t, append([]string{"db-init", "mysql"}, args...)...)
	kea, kerr := exec.Command("kea-admin", append([]string{"db-init", "mysql"}, args...)...).CombinedOutput()
	if code != 1 || kerr == nil {
		t.Fatalf("db-init without TRIGGER: nestor %d, kea-admin %v\n%s\n%s", code, kerr, out, kea)
	}
	if d := cmp.Diff(lines(string(kea)), lines(out)); d != "" || len(lines(out)) != 3 {
		t.Errorf("db-init without TRIGGER (-kea-admin +nestor):\n%s\n%s", d, out)
	}
	var n int
	if err := root.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", d.cfg.Name).Scan(&n); err != nil || n != 0 {
		t.Errorf("tables left after the refused db-init: %d, %v", n, err)
	}
	out, code = nestorAdmin(t, append([]string{"db-init", "mysql"}, d.args...)...)
	if code != 0 || !strings.Contains(out, "Verifying create permissions for root\nMySQL Version is: ") {
		t.Errorf("db-init as root: %d\n%s", code, out)
	}
}
