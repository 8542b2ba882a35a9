package alloc

import (
	"net/netip"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/memfile"
	"github.com/nestordhcp/nestor/pkt"
	"github.com/nestordhcp/nestor/stats"
)

const engine6TestConfig = `{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
    "pools": [{"pool": "2001:db8:1::10-2001:db8:1::12"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 54, "delegated-len": 56}],
    "reservations": [{"duid": "00:03:00:01:00:00:00:00:00:99", "ip-addresses": ["2001:db8:1::99"], "prefixes": ["2001:db8:9900::/56"]},
                     {"duid": "00:03:00:01:00:00:00:00:00:98", "ip-addresses": ["2001:db8:1::11"]}]}]}}`

type env6 struct {
	e     *Engine6
	store *memfile.Store6
	st    *stats.Registry
	cfg   *config.Dhcp6
}

func newEnv6(t *testing.T) *env6 { return newEnv6With(t, engine6TestConfig, nil) }

// newEnv6With is newEnv6 with another configuration and a hooks manager.
func newEnv6With(t *testing.T, js string, hk *hooks.Manager) *env6 {
	t.Helper()
	cfg, _, err := config.ParseDhcp6("t.json", []byte(js), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	store, err := memfile.Open6(memfile.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	hs, err := host.FromConfig6(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := stats.New()
	e := NewEngine6(cfg, store, hs, hk, st, quietLog())
	return &env6{e: e, store: store, st: st, cfg: cfg}
}

func (v *env6) ctx(duid byte, fake bool) *Context6 {
	c := &Context6{Subnet: v.cfg.Subnet(1), DUID: []byte{0, 3, 0, 1, 0, 0, 0, 0, 0, duid}, FakeAllocation: fake}
	c.HostIdentifiers = host.ClientIdentifiers6(nil, c.DUID, nil, nil)
	v.e.FindReservations6(c)
	return c
}

func (v *env6) stat(name string) int64 {
	s, ok := v.st.Get(name)
	if !ok {
		return 0
	}
	return s.Int
}

func prefixes(ls []*lease.Lease6) []string {
	var out []string
	for _, l := range ls {
		out = append(out, leasePrefix(l).String())
	}
	return out
}

func TestAllocate6(t *testing.T) {
	v := newEnv6(t)
	na := func(iaid uint32) *IA6 { return &IA6{Type: lease.TypeNA, IAID: iaid} }

	// SOLICIT: picked, not written. The reserved ::11 is skipped.
	r, err := v.e.Allocate6(v.ctx(1, true), na(1))
	if err != nil || len(r.Leases) != 1 || r.Leases[0].Addr != netip.MustParseAddr("2001:db8:1::10") {
		t.Fatalf("solicit: %v %v", prefixes(r.Leases), err)
	}
	if l := r.Leases[0]; l.PreferredLifetime != 3000 || l.ValidLifetime != 4000 {
		t.Errorf("lifetimes %d %d", l.PreferredLifetime, l.ValidLifetime)
	}
	if all, _ := v.store.AllLeases6(); len(all) != 0 {
		t.Fatalf("fake allocation wrote %d leases", len(all))
	}
	// REQUEST with a hint in the pool.
	ia := na(1)
	ia.Hints = []Hint6{{Prefix: netip.MustParsePrefix("2001:db8:1::12/128"), Valid: 100000}}
	r, err = v.e.Allocate6(v.ctx(1, false), ia)
	if err != nil || len(prefixes(r.Leases)) != 1 || r.Leases[0].Addr != netip.MustParseAddr("2001:db8:1::12") || r.Leases[0].ValidLifetime != 4000 {
		t.Fatalf("request: %v %v", r.Leases, err)
	}
	// The same IA again gets the same lease.
	r, _ = v.e.Allocate6(v.ctx(1, false), na(1))
	if got := prefixes(r.Leases); len(got) != 1 || got[0] != "2001:db8:1::12/128" {
		t.Fatalf("again: %v", got)
	}
	// Another client gets ::10; a third finds the pool full (::11 is
	// reserved for someone else).
	if r, _ = v.e.Allocate6(v.ctx(2, false), na(7)); len(r.Leases) != 1 || r.Leases[0].Addr != netip.MustParseAddr("2001:db8:1::10") {
		t.Fatalf("client 2: %v", prefixes(r.Leases))
	}
	if r, _ = v.e.Allocate6(v.ctx(3, false), na(7)); len(r.Leases) != 0 {
		t.Fatalf("client 3 got %v", prefixes(r.Leases))
	}
	// The reserved client gets its reservation, in or out of the pool.
	if r, _ = v.e.Allocate6(v.ctx(0x98, false), na(1)); len(r.Leases) != 1 || r.Leases[0].Addr != netip.MustParseAddr("2001:db8:1::11") {
		t.Fatalf("reserved in pool: %v", prefixes(r.Leases))
	}
	if r, _ = v.e.Allocate6(v.ctx(0x99, false), na(1)); len(r.Leases) != 1 || r.Leases[0].Addr != netip.MustParseAddr("2001:db8:1::99") {
		t.Fatalf("reserved out of pool: %v", prefixes(r.Leases))
	}
	if a := v.stat("subnet[1].assigned-nas"); a != 4 {
		t.Errorf("assigned-nas %d", a)
	}
	if a := v.stat("cumulative-assigned-nas"); a != 4 {
		t.Errorf("cumulative-assigned-nas %d", a)
	}
	if tot := v.e.Capacity(1, lease.TypeNA); tot.Int64() != 3 {
		t.Errorf("total-nas %v", tot)
	}
}

func TestAllocate6PD(t *testing.T) {
	v := newEnv6(t)
	want := []string{"2001:db8:8000::/56", "2001:db8:8000:100::/56", "2001:db8:8000:200::/56", "2001:db8:8000:300::/56"}
	for i, w := range want {
		r, err := v.e.Allocate6(v.ctx(byte(10+i), false), &IA6{Type: lease.TypePD, IAID: 1})
		if err != nil || len(r.Leases) != 1 || leasePrefix(r.Leases[0]).String() != w {
			t.Fatalf("client %d: %v %v", i, prefixes(r.Leases), err)
		}
	}
	if r, _ := v.e.Allocate6(v.ctx(20, false), &IA6{Type: lease.TypePD, IAID: 1}); len(r.Leases) != 0 {
		t.Fatalf("pool of 4 gave a 5th: %v", prefixes(r.Leases))
	}
	r, _ := v.e.Allocate6(v.ctx(0x99, false), &IA6{Type: lease.TypePD, IAID: 3})
	if got := prefixes(r.Leases); len(got) != 1 || got[0] != "2001:db8:9900::/56" {
		t.Fatalf("reserved prefix: %v", got)
	}
	if a := v.stat("subnet[1].assigned-pds"); a != 5 {
		t.Errorf("assigned-pds %d", a)
	}
	if tot := v.e.Capacity(1, lease.TypePD); tot.Int64() != 4 {
		t.Errorf("total-pds %v", tot)
	}
}

func TestRenewReleaseDecline6(t *testing.T) {
	v := newEnv6(t)
	c := v.ctx(1, false)
	// RENEW without a binding allocates, as Kea does.
	r, err := v.e.Renew6(c, &IA6{Type: lease.TypeNA, IAID: 5}, false)
	if err != nil || len(r.Leases) != 1 {
		t.Fatalf("renew: %v %v", r, err)
	}
	addr := r.Leases[0].Addr
	v.e.Now = func() time.Time { return time.Now().Add(time.Hour) }
	r, _ = v.e.Renew6(c, &IA6{Type: lease.TypeNA, IAID: 5}, true)
	if len(r.Leases) != 1 || r.Leases[0].Addr != addr || r.Leases[0].CLTT < time.Now().Add(59*time.Minute).Unix() {
		t.Fatalf("rebind did not extend: %+v", r.Leases)
	}
	tests := []struct {
		name string
		duid byte
		iaid uint32
		addr netip.Addr
		want Release6Outcome
	}{
		{"other duid", 2, 5, addr, NotOwner},
		{"other iaid", 1, 6, addr, WrongIAID},
		{"unknown", 1, 5, netip.MustParseAddr("2001:db8:1::77"), NoLease},
		{"owner", 1, 5, addr, Released},
		// Lease affinity (on by default) keeps the released lease:
		// releasing it again finds it.
		{"again", 1, 5, addr, Released},
	}
	for _, tt := range tests {
		out, _, err := v.e.Release6(v.ctx(tt.duid, false), lease.TypeNA, tt.iaid, netip.PrefixFrom(tt.addr, 128))
		if err != nil || out != tt.want {
			t.Errorf("%s: %v %v, want %v", tt.name, out, err, tt.want)
		}
	}
	if a := v.stat("subnet[1].assigned-nas"); a != 0 {
		t.Errorf("assigned-nas after release %d", a)
	}
	if l, _ := v.store.Lease6(lease.TypeNA, addr); l == nil || l.ValidLifetime != 0 || l.PreferredLifetime != 0 || l.State != lease.StateDefault {
		t.Errorf("released lease with lease affinity %+v", l)
	}
	r, _ = v.e.Allocate6(c, &IA6{Type: lease.TypeNA, IAID: 5})
	if len(r.Leases) != 1 || r.Leases[0].Addr != addr {
		t.Errorf("allocation after release: %+v, want the released %s", r.Leases, addr)
	}
	if a := v.stat("subnet[1].assigned-nas"); a != 1 {
		t.Errorf("assigned-nas after allocation of the released lease %d", a)
	}
	out, _, err := v.e.Decline6(c, 5, r.Leases[0].Addr)
	if err != nil || out != Released {
		t.Fatalf("decline: %v %v", out, err)
	}
	l, _ := v.store.Lease6(lease.TypeNA, r.Leases[0].Addr)
	if l == nil || l.State != lease.StateDeclined || l.ValidLifetime != config.DefaultDeclineProbation || len(l.DUID) != 1 {
		t.Errorf("declined lease %+v", l)
	}
	if d := v.stat("declined-addresses"); d != 1 || v.stat("subnet[1].declined-addresses") != 1 {
		t.Errorf("declined-addresses %d", d)
	}
	// The declined address is not given to the client again.
	r2, _ := v.e.Allocate6(c, &IA6{Type: lease.TypeNA, IAID: 5})
	if len(r2.Leases) != 1 || r2.Leases[0].Addr == r.Leases[0].Addr {
		t.Errorf("after decline got %v", prefixes(r2.Leases))
	}
}

func TestLifetimes6(t *testing.T) {
	s := &config.Subnet6{}
	s.Eff.ValidLifetime, s.Eff.MinValidLifetime, s.Eff.MaxValidLifetime = 4000, 2000, 8000
	s.Eff.PreferredLifetime, s.Eff.MinPreferredLifetime, s.Eff.MaxPreferredLifetime = 3000, 1000, 5000
	tests := []struct{ ph, vh, wp, wv uint32 }{
		{0, 0, 3000, 4000},
		{100, 100, 1000, 2000},
		{9000, 9000, 5000, 8000},
		{4500, 2500, 2500, 2500},
	}
	for _, tt := range tests {
		if p, v := Lifetimes6(s, tt.ph, tt.vh); p != tt.wp || v != tt.wv {
			t.Errorf("Lifetimes6(%d, %d) = %d, %d", tt.ph, tt.vh, p, v)
		}
	}
}

// TestClassLifetimes6: the first of the client's classes that sets a
// lifetime gives it, bounding hints with its own min and max (its value
// when unset); extensions take the subnet's (Kea 2.2's extendLease6).
func TestClassLifetimes6(t *testing.T) {
	js := engine6TestConfig[:len(engine6TestConfig)-2] + `, "client-classes": [
	  {"name": "a", "valid-lifetime": 5000, "max-valid-lifetime": 6000},
	  {"name": "b", "valid-lifetime": 7000, "preferred-lifetime": 3500}]}}`
	v := newEnv6With(t, js, nil)
	tests := []struct {
		name             string
		classes          []string
		hintPref, hintV  uint32
		wantPref, wantV  uint32
		extendPref, extV uint32
	}{
		{"no class", []string{"ALL"}, 0, 0, 3000, 4000, 3000, 4000},
		{"class a", []string{"ALL", "a"}, 0, 0, 3000, 5000, 3000, 4000},
		{"class a, hint bounded by its max", []string{"a"}, 0, 9000, 3000, 6000, 3000, 4000},
		{"class b: both, hint pinned to its value", []string{"b"}, 100, 100, 3500, 7000, 3000, 4000},
		{"a first: valid from a, preferred from b", []string{"a", "b"}, 0, 0, 3500, 5000, 3000, 4000},
	}
	for i, tt := range tests {
		c := v.ctx(byte(40+i), false)
		c.Query = &pkt.Pkt6{}
		c.Query.Classes = tt.classes
		ia := &IA6{Type: lease.TypeNA, IAID: 1}
		if tt.hintV != 0 {
			ia.Hints = []Hint6{{Preferred: tt.hintPref, Valid: tt.hintV}}
		}
		r, err := v.e.Allocate6(c, ia)
		if err != nil || len(r.Leases) != 1 {
			t.Fatalf("%s: %v %v", tt.name, prefixes(r.Leases), err)
		}
		if l := r.Leases[0]; l.PreferredLifetime != tt.wantPref || l.ValidLifetime != tt.wantV {
			t.Errorf("%s: lifetimes %d/%d, want %d/%d", tt.name, l.PreferredLifetime, l.ValidLifetime, tt.wantPref, tt.wantV)
		}
		r, err = v.e.Renew6(c, &IA6{Type: lease.TypeNA, IAID: 1}, false)
		if err != nil || len(r.Leases) != 1 {
			t.Fatalf("%s renew: %v %v", tt.name, prefixes(r.Leases), err)
		}
		if l := r.Leases[0]; l.PreferredLifetime != tt.extendPref || l.ValidLifetime != tt.extV {
			t.Errorf("%s renew: lifetimes %d/%d, want %d/%d", tt.name, l.PreferredLifetime, l.ValidLifetime, tt.extendPref, tt.extV)
		}
		v.e.Release6(c, lease.TypeNA, 1, leasePrefix(r.Leases[0]))
	}
}

// TestRandomAllocator6: with "allocator" and "pd-allocator" random, every
// address and prefix of the pools is given once before the pools are
// full, and not in the pools' order.
func TestRandomAllocator6(t *testing.T) {
	js := `{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "allocator": "random", "pd-allocator": "random",
    "pools": [{"pool": "2001:db8:1::1-2001:db8:1::40"}, {"pool": "2001:db8:1::1:0/122"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 50, "delegated-len": 56}]}]}}`
	v := newEnv6With(t, js, nil)
	for _, tc := range []struct {
		t    lease.Type
		size int
	}{{lease.TypeNA, 128}, {lease.TypePD, 64}} {
		seen := map[string]bool{}
		var order []string
		for i := range tc.size {
			c := &Context6{Subnet: v.cfg.Subnet(1), DUID: []byte{0, 3, 0, 1, 0, 0, byte(tc.t), 0, byte(i >> 8), byte(i)}}
			r, err := v.e.Allocate6(c, &IA6{Type: tc.t, IAID: 1})
			if err != nil || len(r.Leases) != 1 {
				t.Fatalf("%v client %d: %v %v", tc.t, i, prefixes(r.Leases), err)
			}
			p := leasePrefix(r.Leases[0]).String()
			if seen[p] {
				t.Fatalf("%v: %s given twice", tc.t, p)
			}
			seen[p] = true
			order = append(order, p)
		}
		c := &Context6{Subnet: v.cfg.Subnet(1), DUID: []byte{0, 3, 0, 1, 0, 0, byte(tc.t), 0, 0xff, 0xff}}
		if r, _ := v.e.Allocate6(c, &IA6{Type: tc.t, IAID: 1}); len(r.Leases) != 0 {
			t.Errorf("%v: full pools gave %v", tc.t, prefixes(r.Leases))
		}
		// The iterative allocator would give the pools' order; a random
		// one gives the first eight in order once in 40320 runs.
		sorted := true
		for i := 1; i < 8; i++ {
			a, b := netip.MustParsePrefix(order[i-1]).Addr(), netip.MustParsePrefix(order[i]).Addr()
			if a.Compare(b) > 0 {
				sorted = false
			}
		}
		if sorted {
			t.Errorf("%v: the first leases came in order: %v", tc.t, order[:8])
		}
	}
}

// TestFLQAllocator6: with "pd-allocator" flq, prefixes come from the free
// lease queue: each once until the pool is full, a prefix leased before
// the engine started never, a released one again.
func TestFLQAllocator6(t *testing.T) {
	js := `{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pd-allocator": "flq",
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 52, "delegated-len": 56}]}]}}`
	cfg, _, err := config.ParseDhcp6("t.json", []byte(js), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	store, err := memfile.Open6(memfile.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	pre := &lease.Lease6{Addr: netip.MustParseAddr("2001:db8:8000:500::"), Type: lease.TypePD, PrefixLen: 56, SubnetID: 1,
		DUID: []byte{0, 3, 0, 1, 0, 0, 0, 0, 0, 0xee}, IAID: 1, ValidLifetime: 4000, PreferredLifetime: 3000, CLTT: time.Now().Unix()}
	if err := store.AddLease6(pre); err != nil {
		t.Fatal(err)
	}
	e := NewEngine6(cfg, store, nil, nil, nil, quietLog())
	ctx := func(i byte) *Context6 {
		return &Context6{Subnet: cfg.Subnet(1), DUID: []byte{0, 3, 0, 1, 0, 0, 0, 0, 0, i}}
	}
	seen := map[string]bool{}
	for i := range byte(15) {
		r, err := e.Allocate6(ctx(i), &IA6{Type: lease.TypePD, IAID: 1})
		if err != nil || len(r.Leases) != 1 {
			t.Fatalf("client %d: %v %v", i, prefixes(r.Leases), err)
		}
		p := leasePrefix(r.Leases[0]).String()
		if seen[p] || p == "2001:db8:8000:500::/56" {
			t.Fatalf("client %d got %s again", i, p)
		}
		seen[p] = true
	}
	if r, _ := e.Allocate6(ctx(99), &IA6{Type: lease.TypePD, IAID: 1}); len(r.Leases) != 0 {
		t.Fatalf("full pool gave %v", prefixes(r.Leases))
	}
	// A released prefix is queued again and given to the next client.
	all, _ := store.Leases6ByDUIDIAID(lease.TypePD, ctx(3).DUID, 1)
	if out, _, err := e.Release6(ctx(3), lease.TypePD, 1, leasePrefix(all[0])); err != nil || out != Released {
		t.Fatalf("release: %v %v", out, err)
	}
	r, _ := e.Allocate6(ctx(99), &IA6{Type: lease.TypePD, IAID: 1})
	if len(r.Leases) != 1 || leasePrefix(r.Leases[0]) != leasePrefix(all[0]) {
		t.Errorf("after release got %v, want %s", prefixes(r.Leases), leasePrefix(all[0]))
	}
}
