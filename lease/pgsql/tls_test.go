package pgsql

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

const pgBin = "/usr/lib/postgresql/15/bin"

// tlsServer starts a PostgreSQL cluster of the test's own (initdb in a
// temporary directory, 127.0.0.1 on a free port, TLS only: pg_hba.conf
// has hostssl lines and no host lines) and stops it when the test ends.
func tlsServer(t *testing.T) (port int, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("starting a PostgreSQL cluster as user postgres needs root")
	}
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Skip("PostgreSQL 15 server binaries are not installed")
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		t.Skip("no postgres user")
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	dir, err = os.MkdirTemp("", "nestor-pgtls-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	data := filepath.Join(dir, "data")
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	os.Chown(dir, uid, gid)
	run(filepath.Join(pgBin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
	ca := storetest.NewCA(t, dir, "ca")
	storetest.ServerCert(t, data, "server", ca)
	for _, f := range []string{"server.crt", "server.key"} {
		os.Chown(filepath.Join(data, f), uid, gid)
	}
	port = storetest.FreePort(t)
	conf := fmt.Sprintf("\nport = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nssl = on\n"+
		"ssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nfsync = off\n", port, dir)
	f, _ := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(conf)
	f.Close()
	os.WriteFile(filepath.Join(data, "pg_hba.conf"), []byte("local all all trust\nhostssl all all 127.0.0.1/32 trust\n"), 0o600)
	os.Chown(filepath.Join(data, "pg_hba.conf"), uid, gid)
	run(filepath.Join(pgBin, "pg_ctl"), "start", "-w", "-t", "30", "-D", data, "-l", filepath.Join(dir, "server.log"))
	t.Cleanup(func() {
		exec.Command("runuser", "-u", "postgres", "--", filepath.Join(pgBin, "pg_ctl"), "stop", "-m", "immediate", "-D", data).Run()
	})
	return port, dir
}

// TestTLS: with trust-anchor set the store connects over TLS and checks
// the server's certificate; without TLS parameters the server (hostssl
// only) refuses it; with another CA the certificate check fails.
func TestTLS(t *testing.T) {
	port, dir := tlsServer(t)
	base := sqlcommon.Config{Host: "127.0.0.1", Port: port, User: "postgres", Name: "postgres", PoolSize: 2}

	plain := base
	if _, err := Open4(plain); err == nil || !strings.Contains(err.Error(), "no encryption") {
		t.Errorf("without TLS: %v, want the server's refusal (no encryption)", err)
	}

	storetest.NewCA(t, dir, "other")
	wrong := base
	wrong.TrustAnchor = filepath.Join(dir, "other.crt")
	if _, err := Open4(wrong); err == nil {
		t.Error("a server certificate from another CA was accepted")
	}

	good := base
	good.TrustAnchor = filepath.Join(dir, "ca.crt")
	st, err := Open4(good)
	if err != nil {
		t.Fatalf("with trust-anchor: %v", err)
	}
	defer st.Close()
	addr := netip.MustParseAddr("198.51.100.9")
	if err := st.AddLease4(&lease.Lease4{Addr: addr, HWAddr: lease.HWAddr{Type: 1, Bytes: []byte{2, 0, 0, 0, 0, 9}},
		ValidLifetime: 3600, CLTT: time.Now().Unix(), SubnetID: 1}); err != nil {
		t.Fatal(err)
	}
	if l, err := st.Lease4(addr); err != nil || l.SubnetID != 1 {
		t.Fatalf("read back over TLS: %v %v", l, err)
	}
	var ssl bool
	if err := st.Conn().DB.QueryRow("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl); err != nil || !ssl {
		t.Errorf("pg_stat_ssl says ssl=%v (%v)", ssl, err)
	}
}
