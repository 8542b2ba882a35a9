package runscript

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// End-to-end decline and expiry: udhcpc -a probes the offered address with
// ARP; the server namespace owns the first pool address (on its loopback,
// so the kernel answers ARP for it on every interface), so the client
// declines it (lease4_decline, leases4_committed for the DECLINE) and takes
// the second. The client is then killed without releasing; the lease
// expires and is reclaimed (lease4_expire), and the declined address comes
// back after its probation (lease4_recover). The same run against
// kea-dhcp4 2.2 with Kea's libdhcp_run_script.so gives the reference
// environments, compared variable by variable; kea-hook-runscript.so is
// not installed anywhere, so that flavour is checked against its README's
// variable lists only.
//
// Both servers run single-threaded (Kea 2.2's default): in multi-threaded
// mode Nestor serialises a client's queries as Kea's ClientHandler does, and
// with the synchronous script the DISCOVER udhcpc sends after declining
// replaces the second copy of its DECLINE while the first is processed, so
// the second leases4_committed run would not happen (Kea 2.2 runs the
// script asynchronously and is never slow enough for that).

const declineConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["IFACE"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 5, "renew-timer": 3, "rebind-timer": 4,
  "decline-probation-period": 8,
  "multi-threading": {"enable-multi-threading": false},
  "expired-leases-processing": {"reclaim-timer-wait-time": 1, "flush-reclaimed-timer-wait-time": 0,
      "hold-reclaimed-time": 0, "max-reclaim-time": 0, "max-reclaim-leases": 0},
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
      "pools": [{"pool": "198.51.100.150 - 198.51.100.151"}],
      "option-data": [{"name": "routers", "data": "198.51.100.1"}]}],
  "hooks-libraries": [LIBRARY],
  "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "output_options": [{"output": "stdout"}]}]
}}`

const (
	declined = "198.51.100.150"
	bound    = "198.51.100.151"
)

// runDeclineExpire runs the scenario against the server in argv with the
// hooks-libraries entry lib (DIR stands for the scenario's directory) and
// returns the recorded runs.
func runDeclineExpire(t *testing.T, prefix, lib string, argv ...string) []dump {
	t.Helper()
	p := testnet.NewPair(t, prefix)
	// The server namespace answers ARP for the first pool address. The
	// address is on lo, not on the DHCP interface: a second address there
	// would give the server a second raw socket on the interface, and each
	// broadcast would reach it twice (as it reaches Kea twice), the second
	// copy of the first DISCOVER being offered the second pool address.
	// With multi-threading the two copies race and the client could be
	// offered (and bind) the second address first, never declining.
	p.Server.Run("ip", "addr", "add", declined+"/32", "dev", "lo")
	dumpDir := filepath.Join(p.Dir, "dumps")
	if err := os.MkdirAll(dumpDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dumpScript(t, dumpDir)
	cfg := filepath.Join(p.Dir, "dhcp4.json")
	text := strings.Replace(declineConfig, "LIBRARY", lib, 1)
	text = strings.NewReplacer("DIR", p.Dir, "IFACE", p.ServerIface).Replace(text)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	args := append(argv[1:], "-c", cfg)
	srv := p.Server.Start(p.Dir, filepath.Base(argv[0]), env, argv[0], args...)
	if err := srv.WaitLog("DHCP4_STARTED", 15*time.Second); err != nil {
		t.Fatalf("server did not start: %v\n%s", err, srv.Output())
	}
	cs := filepath.Join(p.Dir, "udhcpc.sh")
	if err := os.WriteFile(cs, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cli := p.Client.Start(p.Dir, "udhcpc", nil, "udhcpc", "-i", p.ClientIface, "-f", "-a", "-A", "1",
		"-t", "8", "-T", "2", "-s", cs)
	if err := cli.WaitLog(`lease of `+regexp.QuoteMeta(bound)+` obtained`, 30*time.Second); err != nil {
		t.Fatalf("udhcpc did not get %s: %v\nserver:\n%s", bound, err, srv.Output())
	}
	// Gone without a release: SIGKILL, so that udhcpc cannot send one.
	_ = syscall.Kill(cli.PID(), syscall.SIGKILL)
	// Wait for the runs the tests look at: the decline of the first
	// address, the expiry of the second (not just any expiry: the declined
	// lease's reclamation may come first when the second lease was granted
	// late) and the recovery of the first.
	for _, want := range []struct{ hook, addr string }{
		{"lease4_decline", declined}, {"lease4_expire", bound}, {"lease4_recover", declined},
	} {
		if !waitRun(dumpDir, want.hook, want.addr) {
			t.Logf("no %s run for %s recorded\nserver:\n%s", want.hook, want.addr, srv.Output())
		}
	}
	srv.Stop()
	return dumps(t, dumpDir)
}

// waitRun waits (bounded) until dir holds a run of hook whose lease address
// (either library's variable) is addr.
func waitRun(dir, hook, addr string) bool {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "run.*.dump"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			d := string(b)
			if strings.Contains(d, "ARG1="+hook+"\n") &&
				(strings.Contains(d, "\nLEASE4_ADDRESS="+addr+"\n") || strings.Contains(d, "\nKEA_LEASE4_ADDRESS="+addr+"\n")) {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// runsByHook keys the runs by hook and, for lease4_expire, the address.
// Runs of a hook are in the order they were made.
func runsByHook(ds []dump) map[string][]dump {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].mtime.Before(ds[j].mtime) })
	m := byHook(ds)
	for k, v := range m {
		if k != "lease4_expire" {
			continue
		}
		for _, d := range v {
			key := k + "/" + d.vars["LEASE4_ADDRESS"] + d.vars["KEA_LEASE4_ADDRESS"]
			m[key] = append(m[key], d)
		}
	}
	return m
}

func TestE2EDeclineExpireRunScript(t *testing.T) {
	testnet.Require(t, "udhcpc")
	bin := buildNestor(t)
	lib := `{"library": "` + keaRunScript + `", "parameters": {"name": "DIR/dumps/dump.sh", "sync": true}}`
	runs := runsByHook(runDeclineExpire(t, "rdn", lib, bin, "dhcp4"))
	checks := []struct {
		hook, v, want string
	}{
		{"lease4_decline", "LEASE4_ADDRESS", declined},
		{"lease4_decline", "QUERY4_TYPE", "DHCPDECLINE"},
		{"leases4_committed/DHCPDECLINE", "DELETED_LEASES4_SIZE", "0"},
		{"leases4_committed/DHCPDECLINE", "LEASES4_AT0_STATE", "declined"},
		{"lease4_expire/" + bound, "LEASE4_ADDRESS", bound},
		{"lease4_expire/" + bound, "REMOVE_LEASE", "true"},
		{"lease4_recover", "LEASE4_ADDRESS", declined},
	}
	for _, c := range checks {
		r := runs[c.hook]
		if len(r) == 0 {
			t.Errorf("no %s run (runs: %v)", c.hook, keys(runs))
			continue
		}
		if got := r[0].vars[c.v]; got != c.want {
			t.Errorf("%s %s = %q, want %q", c.hook, c.v, got, c.want)
		}
	}

	if _, err := os.Stat(keaRunScript); err != nil {
		t.Skip("Kea's libdhcp_run_script.so is not installed: no comparison with Kea")
	}
	if _, err := exec.LookPath("kea-dhcp4"); err != nil {
		t.Skip("kea-dhcp4 not installed: no comparison with Kea")
	}
	kruns := runsByHook(runDeclineExpire(t, "rdk", lib, "/usr/sbin/kea-dhcp4"))
	for _, hook := range []string{"lease4_decline", "leases4_committed/DHCPDECLINE", "lease4_expire/" + bound, "lease4_recover"} {
		n, k := runs[hook], kruns[hook]
		if len(k) == 0 {
			t.Errorf("Kea did not run the script for %s (runs: %v)", hook, keys(kruns))
			continue
		}
		if len(n) == 0 {
			t.Errorf("Nestor did not run the script for %s", hook)
			continue
		}
		if len(n) != len(k) {
			t.Errorf("%s: Nestor ran the script %d times, Kea %d", hook, len(n), len(k))
		}
		for i := range min(len(n), len(k)) {
			for _, diff := range compareEnv(n[i].vars, k[i].vars, "", "") {
				t.Errorf("%s (run %d): %s", hook, i+1, diff)
			}
		}
		t.Logf("%s: %d variables compared with Kea 2.2 (runs: Nestor %d, Kea %d)", hook, len(k[0].vars), len(n), len(k))
	}
	for _, hook := range keys(kruns) {
		if _, ok := runs[hook]; !ok {
			t.Errorf("Kea ran the script for %s, Nestor did not", hook)
		}
	}
}

// TestE2EDeclineExpireThirdParty runs the scenario with kea-hook-runscript.so
// inside the nestor binary. That library is not installed here (it is
// built from source against Kea's headers), so its runs are checked
// against its README's variable lists and a few values, not against Kea.
func TestE2EDeclineExpireThirdParty(t *testing.T) {
	testnet.Require(t, "udhcpc")
	bin := buildNestor(t)
	lib := `{"library": "kea-hook-runscript.so", "parameters": {"script": "DIR/dumps/dump.sh", "wait": true}}`
	runs := runsByHook(runDeclineExpire(t, "rdt", lib, bin, "dhcp4"))
	tests := []struct {
		hook  string
		names []string
		want  map[string]string
	}{
		{"lease4_decline", cat(tpQ4, tpL4), map[string]string{"KEA_LEASE4_ADDRESS": declined, "KEA_QUERY4_TYPE": "DHCPDECLINE"}},
		{"lease4_expire/" + bound, cat(tpL4, []string{"KEA_REMOVE_LEASE"}), map[string]string{
			"KEA_LEASE4_ADDRESS": bound, "KEA_REMOVE_LEASE": "1", "KEA_LEASE4_IS_EXPIRED": "1"}},
		{"lease4_recover", cat(tpL4), map[string]string{"KEA_LEASE4_ADDRESS": declined, "KEA_LEASE4_STATE": "declined"}},
	}
	for _, tc := range tests {
		r := runs[tc.hook]
		if len(r) == 0 {
			t.Errorf("no %s run (runs: %v)", tc.hook, keys(runs))
			continue
		}
		if diff := cmp.Diff(tc.names, names(r[0].vars)); diff != "" {
			t.Errorf("%s: variable names differ from the README (-readme +got):\n%s", tc.hook, diff)
		}
		for k, v := range tc.want {
			if r[0].vars[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.hook, k, r[0].vars[k], v)
			}
		}
	}
}
