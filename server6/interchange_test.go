package server6

import (
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/internal/testnet"
)

const interchangeConfig6 = `{"Dhcp6": {
  "interfaces-config": {"interfaces": ["IFACE/2001:db8:1::1"]},
  "data-directory": "DIR",
  "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102030405060708", "persist": false},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv", "lfc-interval": 0},
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl.sock"},
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 40, "delegated-len": 56}]}]}}`

// TestLeaseFileInterchangeKea22 runs kea-dhcp6 2.2, then nestor on the
// lease file Kea wrote, then Kea again on the file nestor appended to (the
// same directory and configuration): each server finds the clients'
// addresses and prefixes, the declined and released ones as the other
// left them, and counts the same statistics.
func TestLeaseFileInterchangeKea22(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "kea-dhcp6")
	bin := nestorBinary(t)
	p := testnet.NewPair(t, "s6xi")
	p.AddClientAddrs()
	cfg := filepath.Join(p.Dir, "kea-dhcp6.json")
	text := strings.NewReplacer("DIR", p.Dir, "IFACE", p.ServerIface).Replace(interchangeConfig6)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	conn := relayConn6(t, p)
	var proc *testnet.Proc
	start := func(name string, argv ...string) *diffServer6 {
		t.Helper()
		proc = p.Server.Start(p.Dir, name, env, argv[0], argv[1:]...)
		if err := proc.WaitLog("DHCP6_STARTED", 10*time.Second); err != nil {
			t.Fatalf("%s did not start: %v\n%s", name, err, proc.Output())
		}
		return &diffServer6{name: name, p: p, conn: conn}
	}
	stop := func() {
		t.Helper()
		if err := proc.Stop(); err != nil && !strings.Contains(err.Error(), "signal") {
			t.Logf("%s exit: %v", proc.Name, err)
		}
	}
	xid := uint32(0x700)
	ask := func(d *diffServer6, q query6) *dhcp6.Packet {
		t.Helper()
		xid++
		q.xid = xid
		return d.ask(t, q.encode(t), xid)
	}
	request := func(d *diffServer6, client byte, ias ...ia6) *dhcp6.Packet {
		t.Helper()
		r := ask(d, query6{t: dhcp6.MsgRequest, client: client, server: true, ias: ias})
		if r == nil {
			t.Fatalf("%s: no reply to the REQUEST of client %d", d.name, client)
		}
		return r
	}
	one := func(r *dhcp6.Packet, pd bool, iaid uint32) netip.Prefix {
		t.Helper()
		got := leased(r, pd, iaid)
		if len(got) != 1 {
			t.Fatalf("IA %d (pd %v): %v\n%s", iaid, pd, got, describe6(r))
		}
		return got[0]
	}
	// bindings asks again for each client's IAs, without hints: a server
	// that read the lease file answers with the leases it found.
	type binding struct {
		client byte
		pd     bool
		iaid   uint32
		want   netip.Prefix
	}
	check := func(d *diffServer6, bs []binding) {
		t.Helper()
		for _, b := range bs {
			ia := na(b.iaid)
			if b.pd {
				ia = pd(b.iaid)
			}
			if got := one(request(d, b.client, ia), b.pd, b.iaid); got != b.want {
				t.Errorf("%s: client %d IA %d got %s, want %s (the lease in the file)", d.name, b.client, b.iaid, got, b.want)
			}
		}
	}
	stats := func(d *diffServer6) map[string]float64 {
		s := d.stats(t)
		delete(s, "reclaimed-leases")
		delete(s, "subnet[1].reclaimed-leases")
		delete(s, "reclaimed-declined-addresses")
		delete(s, "subnet[1].reclaimed-declined-addresses")
		delete(s, "cumulative-assigned-nas") // counts since start-up
		delete(s, "cumulative-assigned-pds")
		return s
	}

	// Kea writes.
	kea := start("kea-dhcp6", "kea-dhcp6", "-c", cfg)
	r := request(kea, 1, na(1), pd(2))
	bs := []binding{{1, false, 1, one(r, false, 1)}, {1, true, 2, one(r, true, 2)}}
	declined := one(request(kea, 2, na(1)), false, 1)
	if r := ask(kea, query6{t: dhcp6.MsgDecline, client: 2, server: true, ias: []ia6{na(1, declined)}}); r == nil {
		t.Fatal("kea-dhcp6: no reply to DECLINE")
	}
	released := one(request(kea, 3, na(1)), false, 1)
	if r := ask(kea, query6{t: dhcp6.MsgRelease, client: 3, server: true, ias: []ia6{na(1, released)}}); r == nil {
		t.Fatal("kea-dhcp6: no reply to RELEASE")
	}
	keaStats := stats(kea)
	stop()

	// Nestor reads Kea's file and appends to it.
	nes := start("nestor", bin, "dhcp6", "-c", cfg)
	if d := diffMaps(keaStats, stats(nes)); d != "" {
		t.Errorf("statistics after loading Kea's file (kea-dhcp6 2.2 before, nestor after):\n%s", d)
	}
	check(nes, bs)
	for i := byte(0); i < 3; i++ {
		got := one(request(nes, 10+i, na(1)), false, 1)
		if got == declined {
			t.Errorf("nestor gave the address Kea holds declined: %s", got)
		}
		for _, b := range bs {
			if got == b.want {
				t.Errorf("nestor gave client %d's address to client %d", b.client, 10+i)
			}
		}
		bs = append(bs, binding{10 + i, false, 1, got})
	}
	r = request(nes, 20, pd(5))
	bs = append(bs, binding{20, true, 5, one(r, true, 5)})
	nesStats := stats(nes)
	stop()

	// Kea reads the file Nestor appended to.
	kea = start("kea-dhcp6", "kea-dhcp6", "-c", cfg)
	if d := diffMaps(nesStats, stats(kea)); d != "" {
		t.Errorf("statistics after loading nestor's rows (nestor before, kea-dhcp6 2.2 after):\n%s", d)
	}
	check(kea, bs)
	if got := one(request(kea, 30, na(1)), false, 1); got == declined {
		t.Errorf("kea-dhcp6 gave the declined address: %s", got)
	}
	stop()
}

// diffMaps lists the keys whose values differ.
func diffMaps(a, b map[string]float64) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k+": "+ftoa(v)+" -> "+ftoa(b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k+": (none) -> "+ftoa(v))
		}
	}
	return strings.Join(out, "\n")
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
