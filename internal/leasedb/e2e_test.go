package leasedb_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/internal/testnet"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/pgsql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

// End-to-end tests of the SQL lease databases: kea-admin (Kea 2.2)
// creates the database, a DHCP server (nestor or Kea 2.2) in a test
// namespace serves perfdhcp leases into it, and the other implementation
// reads them back with lease4-get-all / lease6-get-all (lease_cmds). The
// servers reach the databases through their unix sockets.

const (
	leaseCmdsHook = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"
	pgSocketDir   = "/var/run/postgresql"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

func nestorBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nestor-leasedb-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nestor")
		if out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/nestor").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// testDB is a database created by Kea 2.2's kea-admin db-init.
type testDB struct {
	backend string // pgsql or mysql (kea-admin's names)
	name    string
	user    string
	admin   *sql.DB // the test's own connection to the server
}

// leaseDB is the lease-database entry of the servers' configuration.
func (d *testDB) leaseDB(extra map[string]any) map[string]any {
	m := map[string]any{"type": "postgresql", "name": d.name, "host": pgSocketDir, "user": d.user}
	if d.backend == "mysql" {
		m = map[string]any{"type": "mysql", "name": d.name, "host": "localhost", "user": d.user}
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func newKeaDB(t *testing.T, backend string) *testDB {
	t.Helper()
	if _, err := exec.LookPath("kea-admin"); err != nil {
		t.Skip("kea-admin (Kea 2.2) is not installed")
	}
	d := &testDB{backend: backend, name: storetest.TestName()}
	var args []string
	switch backend {
	case "pgsql":
		if _, err := os.Stat(filepath.Join(pgSocketDir, ".s.PGSQL.5432")); err != nil {
			t.Skip("no PostgreSQL unix socket in " + pgSocketDir)
		}
		admin, err := pgsql.OpenDB(sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: "postgres"})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CreateDB(t, admin, "PostgreSQL", "CREATE DATABASE "+d.name, "DROP DATABASE "+d.name+" WITH (FORCE)")
		d.admin, d.user = admin, "postgres"
		args = []string{"-h", storetest.PgHost(), "-u", "postgres", "-p", "", "-n", d.name}
	default:
		if p := mysql.SocketPath(); p != "/run/mysqld/mysqld.sock" && p != "/var/run/mysqld/mysqld.sock" {
			t.Skip("Kea's MySQL client library looks for the server socket elsewhere")
		}
		admin, err := mysql.OpenDB(sqlcommon.Config{Host: storetest.MySQLHost(), User: "root"})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CreateDB(t, admin, "MySQL", "CREATE DATABASE "+d.name, "DROP DATABASE "+d.name)
		// A user of its own, so that the test can lock it out.
		d.admin, d.user = admin, d.name
		for _, q := range []string{
			"CREATE USER '" + d.user + "'@'localhost'",
			"GRANT ALL ON " + d.name + ".* TO '" + d.user + "'@'localhost'",
		} {
			if _, err := admin.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		t.Cleanup(func() { admin.Exec("DROP USER '" + d.user + "'@'localhost'") })
		args = []string{"-h", storetest.MySQLHost(), "-u", "root", "-p", "", "-n", d.name}
	}
	out, err := exec.Command("kea-admin", append([]string{"db-init", backend}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("kea-admin db-init %s: %v\n%s", backend, err, out)
	}
	return d
}

// block makes the database unreachable for the servers and kills their
// connections; unblock lets them in again.
func (d *testDB) block(t *testing.T) {
	t.Helper()
	var qs []string
	if d.backend == "pgsql" {
		qs = []string{"ALTER DATABASE " + d.name + " ALLOW_CONNECTIONS false",
			"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + d.name + "'"}
	} else {
		qs = []string{"ALTER USER '" + d.user + "'@'localhost' ACCOUNT LOCK"}
		rows, err := d.admin.Query("SELECT id FROM information_schema.processlist WHERE user = ?", d.user)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			qs = append(qs, fmt.Sprintf("KILL %d", id))
		}
		rows.Close()
	}
	for _, q := range qs {
		if _, err := d.admin.Exec(q); err != nil && !strings.HasPrefix(q, "KILL") {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func (d *testDB) unblock(t *testing.T) {
	t.Helper()
	q := "ALTER DATABASE " + d.name + " ALLOW_CONNECTIONS true"
	if d.backend == "mysql" {
		q = "ALTER USER '" + d.user + "'@'localhost' ACCOUNT UNLOCK"
	}
	if _, err := d.admin.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// server is a kea-dhcpN or nestor dhcpN process in a test namespace.
type server struct {
	proc *testnet.Proc
	sock string
	impl string
}

// serverConfig is the configuration both implementations run: serve
// (interfaces veth-srv) or only answer commands (no interfaces).
func serverConfig(family int, dir string, serve bool, leaseDB map[string]any, mutate func(map[string]any)) (cfgFile, sock string) {
	sock = filepath.Join(dir, fmt.Sprintf("ctl%d-%v-%d.sock", family, serve, time.Now().UnixNano()%1e6))
	ifaces := []string{}
	if serve {
		ifaces = []string{"veth-srv"}
	}
	conf := map[string]any{
		"interfaces-config": map[string]any{"interfaces": ifaces},
		"lease-database":    leaseDB,
		"control-socket":    map[string]any{"socket-type": "unix", "socket-name": sock},
		"hooks-libraries":   []any{map[string]any{"library": leaseCmdsHook}},
		"valid-lifetime":    4000, "renew-timer": 1000, "rebind-timer": 2000,
		"loggers": []any{map[string]any{"name": fmt.Sprintf("kea-dhcp%d", family), "severity": "INFO",
			"output_options": []any{map[string]any{"output": "stdout"}}}},
	}
	if family == 4 {
		conf["subnet4"] = []any{map[string]any{"id": 1, "subnet": "198.51.100.0/24",
			"pools": []any{map[string]any{"pool": "198.51.100.10 - 198.51.100.250"}}}}
	} else {
		conf["preferred-lifetime"] = 3000
		conf["subnet6"] = []any{map[string]any{"id": 1, "subnet": "2001:db8:1::/64", "interface": "veth-srv",
			"pools": []any{map[string]any{"pool": "2001:db8:1::1000 - 2001:db8:1::1fff"}}}}
		conf["server-id"] = map[string]any{"type": "EN", "enterprise-id": 2495, "identifier": "0102030405", "persist": false}
	}
	if mutate != nil {
		mutate(conf)
	}
	b, _ := json.MarshalIndent(map[string]any{fmt.Sprintf("Dhcp%d", family): conf}, "", " ")
	cfgFile = sock + ".json"
	os.WriteFile(cfgFile, b, 0o644)
	return cfgFile, sock
}

func startServer(t *testing.T, p *testnet.Pair, impl string, family int, serve bool, leaseDB map[string]any) *server {
	t.Helper()
	return startServerWith(t, p, impl, family, serve, leaseDB, nil)
}

// startServerWith is startServer with a change to the configuration.
func startServerWith(t *testing.T, p *testnet.Pair, impl string, family int, serve bool, leaseDB map[string]any, mutate func(map[string]any)) *server {
	t.Helper()
	cfgFile, sock := serverConfig(family, p.Dir, serve, leaseDB, mutate)
	var prog string
	var args []string
	if impl == "kea" {
		prog = fmt.Sprintf("kea-dhcp%d", family)
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s (Kea 2.2) is not installed", prog)
		}
		if _, err := os.Stat(leaseCmdsHook); err != nil {
			t.Skipf("Kea's lease_cmds hook library is not installed: %v", err)
		}
		args = []string{"-c", cfgFile}
	} else {
		prog = nestorBinary(t)
		args = []string{fmt.Sprintf("dhcp%d", family), "-c", cfgFile}
	}
	env := []string{"KEA_PIDFILE_DIR=" + filepath.Dir(sock), "KEA_LOCKFILE_DIR=" + filepath.Dir(sock)}
	name := fmt.Sprintf("%s-dhcp%d-%s", impl, family, filepath.Base(sock))
	proc := p.Server.Start(p.Dir, name, env, prog, args...)
	if err := proc.WaitLog(fmt.Sprintf("DHCP%d_STARTED", family), 20*time.Second); err != nil {
		t.Fatalf("%s did not start: %v", name, err)
	}
	s := &server{proc: proc, sock: sock, impl: impl}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s log:\n%s", name, proc.Output())
		}
	})
	return s
}

type answer struct {
	Result    int             `json:"result"`
	Text      string          `json:"text"`
	Arguments json.RawMessage `json:"arguments"`
}

func (s *server) command(t *testing.T, name string, args any) answer {
	t.Helper()
	c, err := net.Dial("unix", s.sock)
	if err != nil {
		t.Fatalf("%s: %v", s.impl, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(15 * time.Second))
	req := map[string]any{"command": name}
	if args != nil {
		req["arguments"] = args
	}
	json.NewEncoder(c).Encode(req)
	b, err := io.ReadAll(c)
	if err != nil && len(b) == 0 {
		t.Fatalf("%s %s: %v", s.impl, name, err)
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("%s %s: %v\n%s", s.impl, name, err, b)
	}
	return a
}

// leases returns the answer to leaseN-get-all, keyed by address.
func (s *server) leases(t *testing.T, family int) map[string]map[string]any {
	t.Helper()
	a := s.command(t, fmt.Sprintf("lease%d-get-all", family), nil)
	if a.Result != 0 && a.Result != 3 {
		t.Fatalf("%s lease%d-get-all: %d %s", s.impl, family, a.Result, a.Text)
	}
	var args struct {
		Leases []map[string]any `json:"leases"`
	}
	if len(a.Arguments) > 0 {
		if err := json.Unmarshal(a.Arguments, &args); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]map[string]any{}
	for _, l := range args.Leases {
		out[l["ip-address"].(string)] = l
	}
	return out
}

var allocRE = map[int]*regexp.Regexp{
	4: regexp.MustCompile(`DHCP4_LEASE_ALLOC .*lease (\S+) has been allocated`),
	6: regexp.MustCompile(`DHCP6_LEASE_ALLOC .*lease for address (\S+) and iaid`),
}

// allocated returns the addresses the server's log says it leased (and
// so acknowledged to the client), in log order.
func allocated(family int, log string) []string {
	var out []string
	for _, m := range allocRE[family].FindAllStringSubmatch(log, -1) {
		out = append(out, m[1])
	}
	return out
}

// perfdhcp runs a bounded perfdhcp in the client namespace.
func perfdhcp(t *testing.T, p *testnet.Pair, family, rate, n int) string {
	t.Helper()
	args := []string{"-4", "-l", p.ClientIface, "-r", fmt.Sprint(rate), "-n", fmt.Sprint(n), "-R", fmt.Sprint(n),
		"-W", "2000000", testnet.ServerV4}
	if family == 6 {
		args = []string{"-6", "-l", p.ClientIface, "-r", fmt.Sprint(rate), "-n", fmt.Sprint(n), "-R", fmt.Sprint(n), "-W", "2000000"}
	}
	out, _ := p.Client.Command("perfdhcp", args...).CombinedOutput()
	return string(out)
}

// TestInterchange: kea-admin creates the database; one implementation
// serves perfdhcp's clients into it; both Kea 2.2 and Nestor, reading the
// same database, answer leaseN-get-all with exactly the leases the
// server's log says it allocated, field for field the same.
func TestInterchange(t *testing.T) {
	testnet.Require(t, "perfdhcp")
	for _, backend := range []string{"pgsql", "mysql"} {
		for _, family := range []int{4, 6} {
			for _, srv := range []string{"nestor", "kea"} {
				t.Run(fmt.Sprintf("%s/v%d/%s-serves", backend, family, srv), func(t *testing.T) {
					d := newKeaDB(t, backend)
					p := testnet.NewPair(t, "ldb")
					if family == 4 {
						p.AddClientAddrs()
					}
					s := startServer(t, p, srv, family, true, d.leaseDB(nil))
					out := perfdhcp(t, p, family, 20, 20)
					acked := acks(family, out)
					if acked == 0 {
						t.Fatalf("perfdhcp got no lease from %s:\n%s", srv, out)
					}
					got := allocated(family, s.proc.Output())
					other := "kea"
					if srv == "kea" {
						other = "nestor"
					}
					r := startServer(t, p, other, family, false, d.leaseDB(nil))
					fromReader := r.leases(t, family)
					fromServer := s.leases(t, family)
					if len(got) != acked {
						t.Errorf("perfdhcp received %d acknowledgements, %s allocated %d leases", acked, srv, len(got))
					}
					for _, a := range got {
						if fromReader[a] == nil {
							t.Errorf("%s does not see the lease of %s that %s allocated", other, a, srv)
						}
					}
					if len(fromReader) != len(got) {
						t.Errorf("%s sees %d leases, %s allocated %d", other, len(fromReader), srv, len(got))
					}
					if diff := cmp.Diff(fromServer, fromReader); diff != "" {
						t.Errorf("lease%d-get-all (-%s +%s):\n%s", family, srv, other, diff)
					}
					// The statistics are recounted from the database at start.
					stat := "subnet[1].assigned-addresses"
					if family == 6 {
						stat = "subnet[1].assigned-nas"
					}
					if n := statValue(t, r, stat); n != int64(len(got)) {
						t.Errorf("%s %s = %d, want %d", other, stat, n, len(got))
					}
					t.Logf("%d leases", len(got))
				})
			}
		}
	}
}

var ackRE = regexp.MustCompile(`(?s)\*\*\*Statistics for: REQUEST-(?:ACK|REPLY)\*\*\*\nsent packets: \d+\nreceived packets: (\d+)`)

// acks returns how many REQUEST-ACK / REQUEST-REPLY exchanges perfdhcp
// completed (each a different client: -R equals -n).
func acks(family int, out string) int {
	m := ackRE.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}

func pgOpen(name string) (*sql.DB, error) {
	return pgsql.OpenDB(sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: name})
}

// statValue returns the current value of a statistic (statistic-get).
func statValue(t *testing.T, s *server, name string) int64 {
	t.Helper()
	a := s.command(t, "statistic-get", map[string]any{"name": name})
	var args map[string][][]any
	if err := json.Unmarshal(a.Arguments, &args); err != nil || len(args[name]) == 0 {
		t.Fatalf("%s statistic-get %s: %d %s %s", s.impl, name, a.Result, a.Text, a.Arguments)
	}
	v, _ := args[name][0][0].(float64)
	return int64(v)
}

// TestLostConnection: the database becomes unreachable in the middle of a
// perfdhcp run (every connection of the server killed, new ones refused)
// and comes back; Nestor stops serving (on-fail stop-retry-exit), keeps
// answering commands, reconnects and serves again, and every lease it
// acknowledged is in the database (read back by Kea 2.2).
func TestLostConnection(t *testing.T) {
	testnet.Require(t, "perfdhcp")
	for _, backend := range []string{"pgsql", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			d := newKeaDB(t, backend)
			p := testnet.NewPair(t, "ldl")
			p.AddClientAddrs()
			s := startServer(t, p, "nestor", 4, true, d.leaseDB(map[string]any{
				"max-reconnect-tries": 60, "reconnect-wait-time": 250, "on-fail": "stop-retry-exit"}))
			perf := p.Client.Start(p.Dir, "perfdhcp", nil, "perfdhcp", "-4", "-l", p.ClientIface,
				"-r", "20", "-n", "160", "-R", "160", "-W", "2000000", testnet.ServerV4)
			if err := s.proc.WaitLog(`(?s)(DHCP4_LEASE_ALLOC.*){10}`, 20*time.Second); err != nil {
				t.Fatal(err)
			}
			d.block(t)
			if err := s.proc.WaitLog("DHCP4_DB_RECONNECT_LOST_CONNECTION", 20*time.Second); err != nil {
				d.unblock(t)
				t.Fatal(err)
			}
			// Commands are answered while the service is down.
			if a := s.command(t, "version-get", nil); a.Result != 0 {
				t.Errorf("version-get while the database is down: %d %s", a.Result, a.Text)
			}
			time.Sleep(time.Second)
			d.unblock(t)
			if err := s.proc.WaitLog("DHCP4_DB_RECONNECT_SUCCEEDED", 30*time.Second); err != nil {
				t.Fatal(err)
			}
			select {
			case <-waitExit(perf):
			case <-time.After(60 * time.Second):
				t.Fatal("perfdhcp did not finish")
			}
			if s.proc.Exited() {
				t.Fatal("the server exited")
			}
			log := s.proc.Output()
			got := allocated(4, log)
			after := allocated(4, log[strings.Index(log, "DHCP4_DB_RECONNECT_SUCCEEDED"):])
			if len(after) == 0 {
				t.Errorf("no lease allocated after the connection was recovered")
			}
			r := startServer(t, p, "kea", 4, false, d.leaseDB(nil))
			inDB := r.leases(t, 4)
			missing := 0
			for _, a := range got {
				if inDB[a] == nil {
					missing++
					t.Errorf("acknowledged lease %s is not in the database", a)
				}
			}
			t.Logf("%d leases acknowledged (%d after recovery), %d in the database, %d missing; perfdhcp acks %d",
				len(got), len(after), len(inDB), missing, acks(4, perf.Output()))
		})
	}
}

// TestReconnectExhausted: with the database unreachable for good, the
// server exits with status 1 after max-reconnect-tries for on-fail
// stop-retry-exit and serve-retry-exit, and keeps running for
// serve-retry-continue.
func TestReconnectExhausted(t *testing.T) {
	testnet.Require(t)
	type tc struct {
		backend, onFail string
		family          int
	}
	var cases []tc
	for _, backend := range []string{"pgsql", "mysql"} {
		for _, onFail := range []string{"stop-retry-exit", "serve-retry-exit", "serve-retry-continue"} {
			cases = append(cases, tc{backend, onFail, 4})
		}
	}
	cases = append(cases, tc{"pgsql", "stop-retry-exit", 6}, tc{"mysql", "serve-retry-continue", 6})
	for _, c := range cases {
		backend, onFail, family := c.backend, c.onFail, c.family
		{
			t.Run(fmt.Sprintf("%s/v%d/%s", backend, family, onFail), func(t *testing.T) {
				d := newKeaDB(t, backend)
				p := testnet.NewPair(t, "ldx")
				s := startServer(t, p, "nestor", family, true, d.leaseDB(map[string]any{
					"max-reconnect-tries": 3, "reconnect-wait-time": 100, "on-fail": onFail}))
				d.block(t)
				defer d.unblock(t)
				// A command that needs the database notices the loss.
				s.command(t, fmt.Sprintf("lease%d-get-all", family), nil)
				if err := s.proc.WaitLog(fmt.Sprintf("DHCP%d_DB_RECONNECT_FAILED", family), 20*time.Second); err != nil {
					t.Fatal(err)
				}
				if onFail == "serve-retry-continue" {
					time.Sleep(500 * time.Millisecond)
					if s.proc.Exited() {
						t.Fatal("the server exited")
					}
					if a := s.command(t, "version-get", nil); a.Result != 0 {
						t.Errorf("version-get: %d %s", a.Result, a.Text)
					}
					return
				}
				select {
				case <-waitExit(s.proc):
				case <-time.After(20 * time.Second):
					t.Fatal("the server did not exit")
				}
				err := s.proc.Stop()
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
					t.Errorf("exit: %v, want exit status 1", err)
				}
			})
		}
	}
}

func waitExit(p *testnet.Proc) <-chan struct{} {
	c := make(chan struct{})
	go func() {
		for !p.Exited() {
			time.Sleep(50 * time.Millisecond)
		}
		close(c)
	}()
	return c
}
