package server6

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// nestorBinary builds cmd/nestor once per test run.
func nestorBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nestor6-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nestor")
		if out, err := exec.Command("go", "build", "-o", binPath, "../cmd/nestor").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

const e2eConfig = `{"Dhcp6": {
  "interfaces-config": {"interfaces": ["IFACE/2001:db8:1::1"]},
  "data-directory": "DIR",
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl.sock"},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv", "lfc-interval": 0},
  "preferred-lifetime": 30, "valid-lifetime": 60, "renew-timer": 4, "rebind-timer": 20,
  "option-data": [{"name": "dns-servers", "data": "2001:db8:1::53"}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "IFACE",
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 40, "delegated-len": 56}]},
   {"id": 2, "subnet": "2001:db8:2::/64", "relay": {"ip-addresses": ["2001:db8:1::2"]},
    "pools": [{"pool": "2001:db8:2::100-2001:db8:2::fff"}]}]}}`

type e2e struct {
	p   *testnet.Pair
	srv *testnet.Proc
}

func startE2E(t *testing.T, prefix string, programs ...string) *e2e {
	t.Helper()
	testnet.Require(t, programs...)
	bin := nestorBinary(t)
	p := testnet.NewPair(t, prefix)
	cfg := filepath.Join(p.Dir, "kea-dhcp6.json")
	text := strings.NewReplacer("DIR", p.Dir, "IFACE", p.ServerIface).Replace(e2eConfig)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	e := &e2e{p: p, srv: p.Server.Start(p.Dir, "nestor", env, bin, "dhcp6", "-c", cfg)}
	if err := e.srv.WaitLog("DHCP6_STARTED", 10*time.Second); err != nil {
		t.Fatalf("server did not start: %v\n%s", err, e.srv.Output())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", e.srv.Output())
		}
	})
	return e
}

func waitFile(t *testing.T, path, re string, timeout time.Duration) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(path)
		if m := rx.FindStringSubmatch(string(b)); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never matched %q:\n%s", filepath.Base(path), re, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestE2EDhclient: dhclient -6 gets an address and a prefix, renews them
// and releases them; the server's lease file and DUID file follow.
func TestE2EDhclient(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	e := startE2E(t, "s6dc", "dhclient")
	dir := e.p.Dir
	lf, pf := filepath.Join(dir, "dhclient6.leases"), filepath.Join(dir, "dhclient6.pid")
	if err := os.WriteFile(lf, []byte(`default-duid "\000\003\000\001\002\000\000\000\000\042";`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Wait for DAD on the client's link-local address.
	time.Sleep(2 * time.Second)
	cl := e.p.Client.Start(dir, "dhclient", nil, "dhclient", "-6", "-d", "-v", "-N", "-P", "-sf", "/bin/true", "-lf", lf, "-pf", pf, e.p.ClientIface)
	m := waitFile(t, lf, `iaaddr (2001:db8:1::1[0-9a-f]{2}) \{`, 20*time.Second)
	addr := m[1]
	waitFile(t, lf, `iaprefix 2001:db8:80[0-9a-f]{2}:?[0-9a-f:]*/56 \{`, 5*time.Second)
	leases := filepath.Join(dir, "leases6.csv")
	waitFile(t, leases, addr+`,00:03:00:01:02:00:00:00:00:22,60,\d+,1,30,0,`, 5*time.Second)
	waitFile(t, leases, `2001:db8:80[0-9a-f:]*,00:03:00:01:02:00:00:00:00:22,\d+,\d+,1,\d+,2,\d+,56,`, 5*time.Second)
	if _, err := os.Stat(filepath.Join(dir, "kea-dhcp6-serverid")); err != nil {
		t.Errorf("server DUID not stored: %v", err)
	}
	// dhclient renews at T1 (4 s): a second row for the address.
	deadline := time.Now().Add(15 * time.Second)
	for {
		b, _ := os.ReadFile(leases)
		if strings.Count(string(b), addr+",") >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no renewal in the lease file:\n%s", b)
		}
		time.Sleep(200 * time.Millisecond)
	}
	cl.Stop()
	out, err := e.p.Client.Command("dhclient", "-6", "-r", "-v", "-N", "-P", "-sf", "/bin/true", "-lf", lf, "-pf", pf, e.p.ClientIface).CombinedOutput()
	if err != nil {
		t.Logf("dhclient -r: %v\n%s", err, out)
	}
	// A release is written as a row with valid lifetime 0 (memfile's
	// deletion record).
	waitFile(t, leases, addr+`,00:03:00:01:02:00:00:00:00:22,0,`, 10*time.Second)
}

// TestE2EPerfdhcp: perfdhcp -6 completes its exchanges directly and as a
// relay (-A 1), the relayed ones from the subnet listing the relay.
func TestE2EPerfdhcp(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	e := startE2E(t, "s6pf", "perfdhcp")
	e.p.AddClientAddrs()
	time.Sleep(2 * time.Second)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"direct", []string{"-6", "-l", e.p.ClientIface, "-R", "50", "-p", "4", "-r", "20", "-W", "200000"}},
		{"relayed", []string{"-6", "-A", "1", "-l", e.p.ClientIface, "-R", "50", "-p", "4", "-r", "20", "-W", "200000", testnet.ServerV6}},
	} {
		out, _ := e.p.Client.Command("perfdhcp", tt.args...).CombinedOutput()
		m := regexp.MustCompile(`received packets: (\d+)`).FindAllStringSubmatch(string(out), -1)
		if len(m) < 2 || m[0][1] == "0" || m[1][1] == "0" {
			t.Errorf("%s: perfdhcp did not complete exchanges:\n%s", tt.name, out)
		}
		b, _ := os.ReadFile(filepath.Join(e.p.Dir, "leases6.csv"))
		t.Logf("%s: %d lease rows", tt.name, strings.Count(string(b), "\n")-1)
	}
	b, _ := os.ReadFile(filepath.Join(e.p.Dir, "leases6.csv"))
	if !strings.Contains(string(b), "2001:db8:2::") {
		t.Errorf("no relayed lease from subnet 2:\n%s", b)
	}
}
