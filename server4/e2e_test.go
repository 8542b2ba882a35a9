package server4_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// End-to-end tests: the nestor binary built by the test runs as
// "nestor dhcp4 -c" in a server namespace; real clients run in a client
// namespace joined to it by a veth pair.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the binary built for the end-to-end tests.
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
		dir, err := os.MkdirTemp("", "nestor-e2e-")
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

const e2eConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl.sock"},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 40, "renew-timer": 4, "rebind-timer": 30,
  "decline-probation-period": 600,
  "client-classes": [{"name": "nestor-test-class",
      "test": "option[vendor-class-identifier].text == 'nestor-test'",
      "option-data": [{"name": "ntp-servers", "data": "198.51.100.123", "always-send": true}]}],
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}],
      "option-data": [
          {"name": "routers", "data": "198.51.100.1"},
          {"name": "domain-name-servers", "data": "198.51.100.53"},
          {"name": "domain-name", "data": "example.org"},
          {"name": "classless-static-route", "data": "203.0.113.0/24 - 198.51.100.1"}],
      "reservations": [{"hw-address": "02:00:00:00:aa:01", "ip-address": "198.51.100.20"}]}],
  "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "output_options": [{"output": "stdout"}]}]
}}`

// e2e is a running server in a namespace pair.
type e2e struct {
	p      *testnet.Pair
	srv    *testnet.Proc
	cfg    string
	leases string
	hook   string
}

func startE2E(t *testing.T, prefix string, programs ...string) *e2e {
	t.Helper()
	return startE2ESetup(t, prefix, nil, programs...)
}

// startE2ESetup is startE2E with setup run on the namespaces before the
// server starts (nil: nothing).
func startE2ESetup(t *testing.T, prefix string, setup func(*testnet.Pair), programs ...string) *e2e {
	t.Helper()
	testnet.Require(t, programs...)
	bin := nestorBinary(t)
	p := testnet.NewPair(t, prefix)
	if setup != nil {
		setup(p)
	}
	e := &e2e{p: p, cfg: filepath.Join(p.Dir, "kea-dhcp4.json"), leases: filepath.Join(p.Dir, "leases4.csv"),
		hook: filepath.Join(p.Dir, "hook.log")}
	if err := os.WriteFile(e.cfg, []byte(strings.ReplaceAll(e2eConfig, "DIR", p.Dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	e.srv = p.Server.Start(p.Dir, "nestor", env, bin, "dhcp4", "-c", e.cfg)
	if err := e.srv.WaitLog("DHCP4_STARTED", 10*time.Second); err != nil {
		t.Fatalf("server did not start: %v\n%s", err, e.srv.Output())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", e.srv.Output())
			for _, n := range []string{"dhclient", "udhcpc"} {
				if b, err := os.ReadFile(filepath.Join(p.Dir, n+".log")); err == nil {
					t.Logf("%s log:\n%s", n, b)
				}
			}
		}
	})
	return e
}

// hookScript returns the client hook path (copied beside the logs).
func (e *e2e) hookScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/client-hook.sh")
	if err != nil {
		t.Fatal(err)
	}
	// dhclient clears the environment of its script: the log path is
	// written into the copy.
	b = []byte(strings.Replace(string(b), "/tmp/nestor-test/run/client-hook.log", e.hook, 1))
	path := filepath.Join(e.p.Dir, "client-hook.sh")
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitFile waits (bounded) until the file matches re and returns the match.
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

// lastLeaseRow returns the last lease file row of addr.
func lastLeaseRow(t *testing.T, path, addr string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var last []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), addr+",") {
			last = strings.Split(sc.Text(), ",")
		}
	}
	return last
}

func TestE2EDhclient(t *testing.T) {
	e := startE2E(t, "s4dc", "dhclient")
	hook := e.hookScript(t)
	conf, _ := filepath.Abs("testdata/dhclient.conf")
	lf, pf := filepath.Join(e.p.Dir, "dhclient.leases"), filepath.Join(e.p.Dir, "dhclient.pid")
	env := []string{"HOOK_LOG=" + e.hook}
	e.p.Client.Start(e.p.Dir, "dhclient", env, "dhclient", "-4", "-d", "-v", "-cf", conf, "-sf", hook, "-lf", lf, "-pf", pf, e.p.ClientIface)
	m := waitFile(t, e.hook, `reason=BOUND[^=]*=[\s\S]*?new_ip_address=(198\.51\.100\.\d+)`, 20*time.Second)
	addr := m[1]
	log, _ := os.ReadFile(e.hook)
	for _, want := range []string{
		"new_routers=198.51.100.1", "new_domain_name_servers=198.51.100.53", "new_domain_name=example.org",
		"new_dhcp_lease_time=40", "new_dhcp_renewal_time=4", "new_dhcp_rebinding_time=30",
		"new_rfc3442_classless_static_routes=24 203 0 113 198 51 100 1", "new_subnet_mask=255.255.255.0",
	} {
		if !strings.Contains(string(log), want) {
			t.Errorf("dhclient was not given %s:\n%s", want, log)
		}
	}
	if row := lastLeaseRow(t, e.leases, addr); len(row) < 4 || row[3] != "40" {
		t.Errorf("lease file row of %s: %v", addr, row)
	}
	// dhclient renews at T1 (4 s).
	waitFile(t, e.hook, `reason=RENEW`, 15*time.Second)
	// Release.
	e.p.Client.Run("dhclient", "-4", "-r", "-cf", conf, "-sf", hook, "-lf", lf, "-pf", pf, e.p.ClientIface)
	deadline := time.Now().Add(5 * time.Second)
	for {
		row := lastLeaseRow(t, e.leases, addr)
		if len(row) > 3 && row[3] == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("release not recorded: last row %v", row)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestE2EUdhcpcReservationAndClass(t *testing.T) {
	e := startE2E(t, "s4ud", "udhcpc")
	hook := e.hookScript(t)
	e.p.Client.Run("ip", "link", "set", "dev", e.p.ClientIface, "address", "02:00:00:00:aa:01")
	env := []string{"HOOK_LOG=" + e.hook}
	u := e.p.Client.Start(e.p.Dir, "udhcpc", env, "udhcpc", "-i", e.p.ClientIface, "-f", "-R", "-t", "5", "-T", "2",
		"-s", hook, "-V", "nestor-test", "-O", "staticroutes", "-O", "ntpsrv")
	waitFile(t, e.hook, `argv='bound'[^\n]*\n(?:\S+=.*\n)*subnet=`, 20*time.Second)
	log, _ := os.ReadFile(e.hook)
	for _, want := range []string{"ip=198.51.100.20", "router=198.51.100.1", "dns=198.51.100.53", "domain=example.org",
		"lease=40", "ntpsrv=198.51.100.123", "staticroutes=203.0.113.0/24 198.51.100.1"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("udhcpc was not given %s:\n%s", want, log)
		}
	}
	// SIGUSR1 makes udhcpc renew.
	u.Signal(syscall.SIGUSR1)
	waitFile(t, e.hook, `argv='renew'[^\n]*\n(?:\S+=.*\n)*subnet=`, 10*time.Second)
	// The hook logs before it re-adds the address; udhcpc binds to that
	// address to send its RELEASE, so wait until it is back.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if strings.Contains(e.p.Client.Run("ip", "-4", "addr", "show", "dev", e.p.ClientIface), "198.51.100.20/") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the renewed address never came back on the client interface")
		}
	}
	// SIGTERM with -R releases.
	u.Stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		row := lastLeaseRow(t, e.leases, "198.51.100.20")
		if len(row) > 3 && row[3] == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("udhcpc release not recorded: %v", row)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestE2EDhcpcd(t *testing.T) {
	e := startE2E(t, "s4cd", "dhcpcd")
	hook := e.hookScript(t)
	conf, _ := filepath.Abs("testdata/dhcpcd.conf")
	env := []string{"HOOK_LOG=" + e.hook}
	out, err := e.p.Client.Command("env", append(env, "dhcpcd", "-1", "-4", "-B", "-t", "15", "-f", conf, "-c", hook, e.p.ClientIface)...).CombinedOutput()
	if err != nil {
		t.Fatalf("dhcpcd: %v\n%s", err, out)
	}
	m := waitFile(t, e.hook, `new_ip_address=(198\.51\.100\.\d+)`, 5*time.Second)
	log, _ := os.ReadFile(e.hook)
	for _, want := range []string{"new_routers=198.51.100.1", "new_domain_name_servers=198.51.100.53",
		"new_domain_name=example.org", "new_dhcp_lease_time=40", "new_dhcp_renewal_time=4", "new_dhcp_rebinding_time=30"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("dhcpcd was not given %s:\n%s", want, log)
		}
	}
	if row := lastLeaseRow(t, e.leases, m[1]); len(row) < 4 || row[3] != "40" {
		t.Errorf("lease file row of %s: %v", m[1], row)
	}
	// -n renews (a new REQUEST), -k releases.
	before := countRows(t, e.leases, m[1])
	e.p.Client.Command("dhcpcd", "-4", "-n", "-f", conf, e.p.ClientIface).Run()
	deadline := time.Now().Add(10 * time.Second)
	for countRows(t, e.leases, m[1]) == before && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if countRows(t, e.leases, m[1]) == before {
		t.Errorf("dhcpcd -n: no renewal written")
	}
	e.p.Client.Command("dhcpcd", "-4", "-k", "-f", conf, e.p.ClientIface).Run()
	deadline = time.Now().Add(10 * time.Second)
	for {
		row := lastLeaseRow(t, e.leases, m[1])
		if len(row) > 3 && row[3] == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dhcpcd release not recorded: %v", row)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func countRows(t *testing.T, path, addr string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n"+addr+",")
}

func TestE2EPerfdhcpRelay(t *testing.T) {
	e := startE2E(t, "s4pf", "perfdhcp")
	e.p.AddClientAddrs()
	out, err := e.p.Client.Command("perfdhcp", "-4", "-l", e.p.ClientIface, "-R", "50", "-n", "50", "-r", "50",
		"-W", "200000", "-t", "1", testnet.ServerV4).CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 3 {
			t.Fatalf("perfdhcp: %v\n%s", err, out)
		}
	}
	text := string(out)
	// Both exchanges (DISCOVER-OFFER and REQUEST-ACK): 50 sent, 50 received.
	if n := strings.Count(text, "received packets: 50"); n != 2 {
		t.Errorf("perfdhcp did not complete every exchange (%d of 2 counts at 50):\n%s", n, text)
	}
}
