package mysql

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

// tlsServer starts a MariaDB server of the test's own (a new data
// directory, 127.0.0.1 on a free port, require_secure_transport) and
// stops it, by its PID, when the test ends.
func tlsServer(t *testing.T) (port int, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("running mariadbd --user=root needs root")
	}
	for _, p := range []string{"mariadb-install-db", "mariadbd"} {
		if _, err := exec.LookPath(p); err != nil {
			if _, err := os.Stat("/usr/sbin/" + p); err != nil {
				t.Skipf("%s is not installed", p)
			}
		}
	}
	dir = t.TempDir()
	data := filepath.Join(dir, "data")
	if out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+data, "--user=root",
		"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	ca := storetest.NewCA(t, dir, "ca")
	srv := storetest.ServerCert(t, dir, "server", ca)
	port = storetest.FreePort(t)
	bin := "mariadbd"
	if _, err := exec.LookPath(bin); err != nil {
		bin = "/usr/sbin/mariadbd"
	}
	log, _ := os.Create(filepath.Join(dir, "server.log"))
	cmd := exec.Command(bin, "--no-defaults", "--datadir="+data, "--socket="+filepath.Join(dir, "sock"),
		fmt.Sprintf("--port=%d", port), "--bind-address=127.0.0.1", "--user=root", "--pid-file="+filepath.Join(dir, "pid"),
		"--ssl-ca="+ca.CertFile, "--ssl-cert="+srv.CertFile, "--ssl-key="+srv.KeyFile, "--require-secure-transport=ON",
		"--skip-log-bin", "--innodb-buffer-pool-size=16M", "--innodb-flush-log-at-trx-commit=2")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); log.Close(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	// Wait (bounded) for the server to accept connections on its socket.
	admin, _ := OpenDB(sqlcommon.Config{Host: filepath.Join(dir, "sock"), User: "root"})
	defer admin.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if admin.Ping() == nil {
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Fatalf("mariadbd did not start:\n%s", b)
		}
	}
	if _, err := admin.Exec("CREATE DATABASE kea"); err != nil {
		t.Fatal(err)
	}
	return port, dir
}

// TestTLS: with trust-anchor the store connects over TLS and checks the
// server's certificate; without TLS parameters the server refuses it
// (require_secure_transport); with another CA the check fails.
func TestTLS(t *testing.T) {
	port, dir := tlsServer(t)
	base := sqlcommon.Config{Host: "127.0.0.1", Port: port, User: "root", Name: "kea", PoolSize: 2}

	// MariaDB answers an insecure connection with "Access denied"; the
	// same credentials work over TLS below, so the refusal is the
	// transport's.
	if _, err := Open4(base); err == nil {
		t.Error("without TLS: the server accepted a plain connection")
	} else {
		t.Logf("without TLS: %v", err)
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
	var name, cipher string
	if err := st.Conn().DB.QueryRow("SHOW SESSION STATUS LIKE 'Ssl_cipher'").Scan(&name, &cipher); err != nil || cipher == "" {
		t.Errorf("Ssl_cipher = %q (%v)", cipher, err)
	}
}
