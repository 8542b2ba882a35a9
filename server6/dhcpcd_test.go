package server6

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// dhcpcdDUID is the DUID the test gives dhcpcd (its duid file).
const dhcpcdDUID = "00:03:00:01:02:00:00:00:00:23"

// dhcpcd6 runs dhcpcd with its state kept in the test's directory: the
// program hard-codes /var/lib/dhcpcd (DUID, leases) and /run/dhcpcd (pid
// file, control socket), so each run bind-mounts the test's own
// directories there inside the mount namespace ip netns exec makes for it
// (private to the command, not propagated to the root namespace's
// mounts). The control socket is reached through the same directory by
// every run, so -n, -k and -x find the running dhcpcd.
type dhcpcd6 struct {
	p              *testnet.Pair
	db, run, conf  string
	script, events string
}

func newDhcpcd6(t *testing.T, p *testnet.Pair) *dhcpcd6 {
	t.Helper()
	d := &dhcpcd6{p: p,
		db: filepath.Join(p.Dir, "dhcpcd-db"), run: filepath.Join(p.Dir, "dhcpcd-run"),
		conf: filepath.Join(p.Dir, "dhcpcd.conf"), script: filepath.Join(p.Dir, "dhcpcd-hook.sh"),
		events: filepath.Join(p.Dir, "dhcpcd-events.log")}
	for _, dir := range []string{d.db, d.run} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(d.db, "duid"): dhcpcdDUID + "\n",
		// Only IPv6, no router solicitation (the IAs start DHCPv6 at
		// once), no /dev modules; the script below replaces the system's
		// hooks, so nothing outside the namespace is configured.
		d.conf: "ipv6only\nnoipv6rs\nnodev\nduid\noption dhcp6_name_servers\n" +
			"interface " + p.ClientIface + "\n  ia_na 1\n  ia_pd 2\n",
		d.script: "#!/bin/sh\n{ echo \"reason=$reason\"; env | grep -E '^(new|old)_dhcp6_' | sort; echo ---; } >> " + d.events + "\n",
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// argv is the command line running dhcpcd with the test's state
// directories mounted over the system's.
func (d *dhcpcd6) argv(args ...string) []string {
	sh := `mount --bind "$1" /var/lib/dhcpcd && mount --bind "$2" /run/dhcpcd && shift 2 && exec dhcpcd "$@"`
	return append([]string{"-c", sh, "dhcpcd-wrapper", d.db, d.run}, args...)
}

func (d *dhcpcd6) start(t *testing.T, name string) *testnet.Proc {
	return d.p.Client.Start(d.p.Dir, name, nil, "sh",
		d.argv("-6", "-B", "-d", "-f", d.conf, "-c", d.script, d.p.ClientIface)...)
}

// control runs dhcpcd with a control flag (-n, -k, -x) against the
// running one.
func (d *dhcpcd6) control(t *testing.T, flag string) {
	out, err := d.p.Client.Command("sh", d.argv("-6", flag, "-f", d.conf, d.p.ClientIface)...).CombinedOutput()
	if err != nil {
		t.Logf("dhcpcd %s: %v\n%s", flag, err, out)
	}
}

// TestE2EDhcpcd6: dhcpcd -6 gets an address (IA_NA) and a delegated prefix
// (IA_PD), renews them at T1 and on -n, and releases them on -k; the
// server's lease file is checked after each step.
func TestE2EDhcpcd6(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	e := startE2E(t, "s6cd", "dhcpcd")
	if _, err := os.Stat("/var/lib/dhcpcd"); err != nil {
		t.Skip("no /var/lib/dhcpcd to mount the test's state over")
	}
	if _, err := os.Stat("/run/dhcpcd"); err != nil {
		t.Skip("no /run/dhcpcd to mount the test's state over")
	}
	d := newDhcpcd6(t, e.p)
	// Wait for DAD on the client's link-local address.
	time.Sleep(2 * time.Second)
	cl := d.start(t, "dhcpcd")
	defer func() {
		if t.Failed() {
			t.Logf("dhcpcd log:\n%s", cl.Output())
			b, _ := os.ReadFile(d.events)
			t.Logf("dhcpcd hook events:\n%s", b)
		}
	}()
	m := waitFile(t, d.events, `new_dhcp6_ia_na1_ia_addr1=(2001:db8:1::1[0-9a-f]{2})`, 20*time.Second)
	addr := m[1]
	leases := filepath.Join(e.p.Dir, "leases6.csv")
	waitFile(t, leases, addr+`,`+dhcpcdDUID+`,60,\d+,1,30,0,1,128,`, 5*time.Second)
	pm := waitFile(t, d.events, `new_dhcp6_ia_pd1_prefix1=(2001:db8:80[0-9a-f:]*)\s+new_dhcp6_ia_pd1_prefix1_length=56`, 5*time.Second)
	prefix := pm[1]
	waitFile(t, leases, prefix+`,`+dhcpcdDUID+`,60,\d+,1,30,2,2,56,`, 5*time.Second)

	rows := func(a string) int {
		b, _ := os.ReadFile(leases)
		return strings.Count(string(b), "\n"+a+",")
	}
	waitMore := func(what, a string, before int, timeout time.Duration) {
		t.Helper()
		deadline := time.Now().Add(timeout)
		for rows(a) <= before {
			if time.Now().After(deadline) {
				t.Fatalf("%s: no new lease file row for %s", what, a)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// dhcpcd renews at T1 (4 s): new rows for the address and the prefix.
	na, pd := rows(addr), rows(prefix)
	waitMore("renewal at T1", addr, na, 15*time.Second)
	waitMore("renewal at T1", prefix, pd, 5*time.Second)
	last := testnet.LastLeaseRows(t, leases)
	if r := last[addr]; r[1] != dhcpcdDUID || r[2] != "60" {
		t.Errorf("renewed address row %v", r)
	}
	// -n: dhcpcd rebinds (or renews) at once.
	na = rows(addr)
	d.control(t, "-n")
	waitMore("dhcpcd -n", addr, na, 10*time.Second)
	if r := testnet.LastLeaseRows(t, leases)[addr]; r[2] != "60" {
		t.Errorf("address row after -n: %v", r)
	}
	// -k: RELEASE; memfile writes each released lease as a row with
	// valid lifetime 0.
	d.control(t, "-k")
	waitFile(t, leases, addr+`,`+dhcpcdDUID+`,0,`, 10*time.Second)
	waitFile(t, leases, prefix+`,`+dhcpcdDUID+`,0,`, 5*time.Second)
	// dhcpcd exits after a release of its only interface. Started again
	// it gets a lease; -x stops it without a release (no "release" in
	// its configuration), so the lease stays valid in the file.
	for deadline := time.Now().Add(5 * time.Second); !cl.Exited() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if !cl.Exited() {
		t.Fatalf("dhcpcd still running after -k")
	}
	cl = d.start(t, "dhcpcd-2")
	m = waitFile(t, d.events, `reason=BOUND6[\s\S]*reason=BOUND6[^-]*new_dhcp6_ia_na1_ia_addr1=(2001:db8:1::1[0-9a-f]{2})`, 20*time.Second)
	addr = m[1]
	waitFile(t, leases, addr+`,`+dhcpcdDUID+`,60,`, 5*time.Second)
	d.control(t, "-x")
	for deadline := time.Now().Add(5 * time.Second); !cl.Exited() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if !cl.Exited() {
		t.Errorf("dhcpcd -x did not stop dhcpcd")
	}
	if r := testnet.LastLeaseRows(t, leases)[addr]; r[1] != dhcpcdDUID || r[2] != "60" {
		t.Errorf("address row after -x: %v (want the lease kept)", r)
	}
}
