package runscript

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// End-to-end: the nestor binary (with this package built in) serves DHCPv4
// in a namespace pair with libdhcp_run_script.so configured sync; udhcpc
// does a DORA and releases on exit. The script's dumps must show
// leases4_committed with the granted address and lease4_release. When
// Kea 2.2 is installed, the same config and client run against kea-dhcp4
// and the environments are compared variable by variable.

const ipCmd = "/usr/sbin/ip"

const keaRunScript = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_run_script.so"

const e2eConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["IFACE"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 400, "renew-timer": 100, "rebind-timer": 300,
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
      "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}],
      "option-data": [{"name": "routers", "data": "198.51.100.1"}]}],
  "hooks-libraries": [{"library": "` + keaRunScript + `",
      "parameters": {"name": "DIR/dumps/dump.sh", "sync": true}}],
  "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "output_options": [{"output": "stdout"}]}]
}}`

// runDORA starts the server (argv) in a fresh namespace pair, runs udhcpc
// once (lease, then release on exit) and returns the recorded runs and the
// address udhcpc got.
func runDORA(t *testing.T, prefix string, argv ...string) ([]dump, string) {
	t.Helper()
	p := testnet.NewPair(t, prefix)
	dumpDir := filepath.Join(p.Dir, "dumps")
	if err := os.MkdirAll(dumpDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dumpScript(t, dumpDir)
	cfg := filepath.Join(p.Dir, "dhcp4.json")
	text := strings.NewReplacer("DIR", p.Dir, "IFACE", p.ServerIface).Replace(e2eConfig)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	args := append(argv[1:], "-c", cfg)
	srv := p.Server.Start(p.Dir, filepath.Base(argv[0]), env, argv[0], args...)
	if err := srv.WaitLog("DHCP4_STARTED", 15*time.Second); err != nil {
		t.Fatalf("server did not start: %v\n%s", err, srv.Output())
	}
	// The client script configures the address: udhcpc unicasts the
	// release from it.
	cs := filepath.Join(p.Dir, "udhcpc.sh")
	body := "#!/bin/sh\ncase \"$1\" in bound|renew) " + ipCmd + " addr replace \"$ip/24\" dev \"$interface\";; esac\nexit 0\n"
	if err := os.WriteFile(cs, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	cli := p.Client.Start(p.Dir, "udhcpc", nil, "udhcpc", "-i", p.ClientIface, "-f",
		"-t", "5", "-T", "2", "-s", cs)
	if err := cli.WaitLog(`lease of [0-9.]+ obtained`, 20*time.Second); err != nil {
		t.Fatalf("udhcpc got no lease: %v\n%s\nserver:\n%s", err, cli.Output(), srv.Output())
	}
	addr := regexp.MustCompile(`lease of ([0-9.]+) obtained`).FindStringSubmatch(cli.Output())[1]
	// SIGUSR1 renews, SIGUSR2 releases.
	cli.Signal(syscall.SIGUSR1)
	if !waitRuns(dumpDir, "lease4_renew") {
		t.Logf("no lease4_renew run recorded\n%s", cli.Output())
	}
	cli.Signal(syscall.SIGUSR2)
	if !waitRuns(dumpDir, "lease4_release") || !waitCount(dumpDir, "leases4_committed", 3) {
		t.Logf("no lease4_release run recorded\nudhcpc:\n%s\nserver:\n%s", cli.Output(), srv.Output())
	}
	cli.Stop()
	srv.Stop()
	return dumps(t, dumpDir), addr
}

// waitCount waits (bounded) for n runs of hook in dir.
func waitCount(dir, hook string, n int) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "run.*.dump"))
		c := 0
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "ARG1="+hook+"\n") {
				c++
			}
		}
		if c >= n {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// waitRuns waits (bounded) for a run of hook to be recorded in dir.
func waitRuns(dir, hook string) bool {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "run.*.dump"))
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "ARG1="+hook+"\n") {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

func byHook(ds []dump) map[string][]dump {
	m := map[string][]dump{}
	for _, d := range ds {
		key := d.arg1
		if key == "leases4_committed" {
			key += "/" + d.vars["QUERY4_TYPE"]
		}
		m[key] = append(m[key], d)
	}
	return m
}

func buildNestor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nestor")
	if out, err := exec.Command("go", "build", "-o", bin, "./internal/nestorrs").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestE2EDORARunScript(t *testing.T) {
	testnet.Require(t, "udhcpc")
	bin := buildNestor(t)
	ds, addr := runDORA(t, "rsn", bin, "dhcp4")
	runs := byHook(ds)
	c := runs["leases4_committed/DHCPREQUEST"]
	if len(c) != 2 { // the DORA's REQUEST and the renewal
		t.Fatalf("leases4_committed for DHCPREQUEST ran %d times, want 2 (runs: %v)", len(c), keys(runs))
	}
	if got := c[0].vars["LEASES4_AT0_ADDRESS"]; got != addr || c[0].vars["LEASES4_SIZE"] != "1" {
		t.Errorf("LEASES4_AT0_ADDRESS = %q (size %s), want the granted %s", got, c[0].vars["LEASES4_SIZE"], addr)
	}
	if r := runs["lease4_release"]; len(r) != 1 || r[0].vars["LEASE4_ADDRESS"] != addr {
		t.Errorf("lease4_release runs %d, want 1 for %s", len(r), addr)
	}
	for name, d := range runs {
		t.Logf("nestor %s: %d vars", name, len(d[0].vars))
	}

	if _, err := os.Stat(keaRunScript); err != nil {
		t.Skip("Kea's libdhcp_run_script.so is not installed: no comparison with Kea")
	}
	if _, err := exec.LookPath("kea-dhcp4"); err != nil {
		t.Skip("kea-dhcp4 not installed: no comparison with Kea")
	}
	kds, kaddr := runDORA(t, "rsk", "/usr/sbin/kea-dhcp4")
	kruns := byHook(kds)
	for _, hook := range []string{"leases4_committed/DHCPREQUEST", "lease4_renew", "lease4_release", "leases4_committed/DHCPRELEASE"} {
		n, k := runs[hook], kruns[hook]
		if len(k) == 0 {
			t.Errorf("Kea did not run the script for %s (runs: %v)", hook, keys(kruns))
			continue
		}
		if len(n) == 0 {
			t.Errorf("Nestor did not run the script for %s", hook)
			continue
		}
		for _, diff := range compareEnv(n[0].vars, k[0].vars, addr, kaddr) {
			t.Errorf("%s: %s", hook, diff)
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// volatile are variables whose values differ between two runs by nature
// (times, transaction ids, interface indexes, ports the client chose).
var volatile = regexp.MustCompile(`_(CLTT|TXID|IFACE_INDEX|IFACE_NAME|SECS)$|HWADDR$|CLIENT_ID$`)

// compareEnv compares the variable names and, for the stable ones, the
// values; addresses granted may differ between servers and are mapped.
func compareEnv(n, k map[string]string, naddr, kaddr string) []string {
	var diffs []string
	for _, name := range keys(k) {
		nv, ok := n[name]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s=%q set by Kea, missing in Nestor", name, k[name]))
			continue
		}
		kv := strings.ReplaceAll(k[name], kaddr, naddr)
		if volatile.MatchString(name) {
			if (nv == "") != (kv == "") {
				diffs = append(diffs, fmt.Sprintf("%s: Nestor %q, Kea %q (emptiness differs)", name, nv, kv))
			}
			continue
		}
		if nv != kv {
			diffs = append(diffs, fmt.Sprintf("%s: Nestor %q, Kea %q", name, nv, k[name]))
		}
	}
	for _, name := range keys(n) {
		if _, ok := k[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s=%q set by Nestor, not by Kea", name, n[name]))
		}
	}
	return diffs
}
