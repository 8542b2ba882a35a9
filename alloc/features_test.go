package alloc

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
)

func TestSharedNetworkFallback(t *testing.T) {
	js := `{"Dhcp4": {"shared-networks": [{"name": "net", "subnet4": [
	  {"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.11"}]},
	  {"id": 2, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.10 - 203.0.113.11"}]}]}]}}`
	ev := newEnv(t, js, nil)
	var got []string
	var subnets []uint32
	for i := range 5 {
		ctx := ev.ctx(client{mac: mac(i)}, 1, false, "")
		got = append(got, ev.alloc(ctx))
		subnets = append(subnets, ctx.Subnet.ID)
	}
	want := []string{"198.51.100.10", "198.51.100.11", "203.0.113.10", "203.0.113.11", ""}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("addresses (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]uint32{1, 1, 2, 2}, subnets[:4]); d != "" {
		t.Errorf("subnets (-want +got):\n%s", d)
	}
	if ev.stat("v4-allocation-fail-shared-network") != 1 || ev.stat("v4-allocation-fail") != 1 {
		t.Errorf("fail stats %d %d", ev.stat("v4-allocation-fail-shared-network"), ev.stat("v4-allocation-fail"))
	}
	// The client's lease in the sibling subnet is found from subnet 1.
	ctx := ev.ctx(client{mac: mac(3)}, 1, true, "")
	if got := ev.alloc(ctx); got != "203.0.113.11" || ctx.Subnet.ID != 2 {
		t.Errorf("existing lease: %q in subnet %d", got, ctx.Subnet.ID)
	}
}

func TestClassGuardedPools(t *testing.T) {
	js := `{"Dhcp4": {"client-classes": [{"name": "gold"}], "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [
	  {"pool": "198.51.100.10 - 198.51.100.10", "client-class": "gold"},
	  {"pool": "198.51.100.20 - 198.51.100.20"}]}]}}`
	tests := []struct {
		name    string
		classes []string
		req     string
		want    []string
	}{
		{"unclassified client uses the open pool only", nil, "", []string{"198.51.100.20", ""}},
		{"member uses both", []string{"gold"}, "", []string{"198.51.100.10", "198.51.100.20"}},
		{"requested guarded address refused", nil, "198.51.100.10", []string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newEnv(t, js, nil)
			var got []string
			for i := range 2 {
				ctx := ev.ctx(client{mac: mac(i), classes: tt.classes}, 1, false, tt.req)
				got = append(got, ev.alloc(ctx))
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestReservationModes(t *testing.T) {
	js := func(flags string) string {
		return `{"Dhcp4": {` + flags + `
		  "reservations": [{"hw-address": "aa:aa:aa:aa:aa:09", "ip-address": "198.51.100.60"}],
		  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.11"}],
		    "reservations": [{"hw-address": "aa:aa:aa:aa:aa:01", "ip-address": "198.51.100.10"},
		                     {"hw-address": "aa:aa:aa:aa:aa:09", "ip-address": "198.51.100.61"}]}]}}`
	}
	tests := []struct {
		name  string
		flags string
		c     client
		want  string
	}{
		{"in-subnet reservation", ``, client{mac: "aa:aa:aa:aa:aa:01"}, "198.51.100.10"},
		{"in-pool reserved address kept from others", ``, client{mac: mac(1)}, "198.51.100.11"},
		{"out-of-pool mode gives in-pool reserved address to others", `"reservations-out-of-pool": true,`, client{mac: mac(1)}, "198.51.100.10"},
		{"out-of-pool mode ignores in-pool reservation", `"reservations-out-of-pool": true,`, client{mac: "aa:aa:aa:aa:aa:01"}, "198.51.100.10"},
		{"subnet reservation beats global", `"reservations-global": true,`, client{mac: "aa:aa:aa:aa:aa:09"}, "198.51.100.61"},
		{"global only", `"reservations-global": true, "reservations-in-subnet": false,`, client{mac: "aa:aa:aa:aa:aa:09"}, "198.51.100.60"},
		{"reservations disabled", `"reservations-in-subnet": false,`, client{mac: "aa:aa:aa:aa:aa:09"}, "198.51.100.10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newEnv(t, js(tt.flags), nil)
			if got := ev.request(tt.c, 1); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLeaseCaching(t *testing.T) {
	js := `{"Dhcp4": {"valid-lifetime": 2000, "cache-threshold": 0.25, "cache-max-age": 600,
	  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.19"}]}]}}`
	tests := []struct {
		name     string
		age      int64
		hostname string
		want     uint32 // remaining lifetime, 0: not reused
	}{
		{"young lease reused", 100, "", 1900},
		{"older than threshold", 501, "", 0},
		{"changed hostname", 100, "new", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newEnv(t, js, nil)
			c := client{mac: mac(1)}
			a := ev.request(c, 1)
			before := ev.lease(a)
			ev.now = ev.now.Add(secs(tt.age))
			ctx := ev.ctx(c, 1, false, a)
			ctx.Hostname = tt.hostname
			if got := ev.alloc(ctx); got != a {
				t.Fatalf("got %q", got)
			}
			if ctx.ReusableLifetime != tt.want {
				t.Errorf("ReusableLifetime %d, want %d", ctx.ReusableLifetime, tt.want)
			}
			after := ev.lease(a)
			if unchanged := after.CLTT == before.CLTT; unchanged != (tt.want != 0) {
				t.Errorf("store cltt %d -> %d", before.CLTT, after.CLTT)
			}
			if reuses := ev.stat("v4-lease-reuses"); (reuses == 1) != (tt.want != 0) || ev.stat("subnet[1].v4-lease-reuses") != reuses {
				t.Errorf("v4-lease-reuses %d", reuses)
			}
		})
	}
}

func TestOfferLifetime(t *testing.T) {
	js := `{"Dhcp4": {"valid-lifetime": 4000, "offer-lifetime": 60,
	  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.19"}]}]}}`
	ev := newEnv(t, js, nil)
	c := client{mac: mac(1)}
	ctx := ev.ctx(c, 1, true, "")
	a := ev.alloc(ctx)
	l := ev.lease(a)
	if ctx.OfferLifetime != 60 || l == nil || l.ValidLifetime != 60 {
		t.Fatalf("offer lifetime %d, stored %+v", ctx.OfferLifetime, l)
	}
	if ev.stat("subnet[1].assigned-addresses") != 1 {
		t.Errorf("assigned %d", ev.stat("subnet[1].assigned-addresses"))
	}
	// Another DISCOVER gets the same address; another client does not.
	if got := ev.alloc(ev.ctx(c, 1, true, "")); got != a {
		t.Errorf("second discover %q", got)
	}
	if got := ev.alloc(ev.ctx(client{mac: mac(2)}, 1, true, a)); got == a {
		t.Errorf("other client offered %q", got)
	}
	// REQUEST turns it into a full lease without counting it twice.
	if got := ev.alloc(ev.ctx(c, 1, false, a)); got != a || ev.lease(a).ValidLifetime != 4000 {
		t.Errorf("request %q valid %d", got, ev.lease(a).ValidLifetime)
	}
	if ev.stat("subnet[1].assigned-addresses") != 2 { // client 2's offer is stored too
		t.Errorf("assigned %d", ev.stat("subnet[1].assigned-addresses"))
	}
}

func TestHookSkip(t *testing.T) {
	t.Run("lease4_select", func(t *testing.T) {
		hk := withHooks(t, map[string]hooks.NextStep{"lease4_select": hooks.Skip})
		ev := newEnv(t, baseConfig, hk)
		if got := ev.request(client{mac: mac(1)}, 1); got != "" {
			t.Errorf("got %q", got)
		}
		if n := hookCalls("lease4_select"); n != 1 {
			t.Errorf("lease4_select called %d times", n)
		}
		if all, _ := ev.store.AllLeases4(); len(all) != 0 {
			t.Errorf("store holds %d leases", len(all))
		}
	})
	t.Run("lease4_renew", func(t *testing.T) {
		hk := withHooks(t, map[string]hooks.NextStep{"lease4_renew": hooks.Skip})
		ev := newEnv(t, baseConfig, hk)
		a := ev.request(client{mac: mac(1)}, 1)
		before := ev.lease(a)
		ev.now = ev.now.Add(secs(1000))
		if got := ev.alloc(ev.ctx(client{mac: mac(1)}, 1, false, a)); got != a {
			t.Fatalf("got %q", got)
		}
		if after := ev.lease(a); after.CLTT != before.CLTT || hookCalls("lease4_renew") != 1 {
			t.Errorf("renewal was written: cltt %d -> %d; calls %d", before.CLTT, after.CLTT, hookCalls("lease4_renew"))
		}
	})
}

func TestReleaseAndDecline(t *testing.T) {
	tests := []struct {
		name     string
		affinity bool
	}{{"delete", false}, {"affinity", true}}
	for _, tt := range tests {
		t.Run("release "+tt.name, func(t *testing.T) {
			js := baseConfig
			if tt.affinity {
				js = js[:len(js)-2] + `, "expired-leases-processing": {"flush-reclaimed-timer-wait-time": 25, "hold-reclaimed-time": 3600}}}`
			} else {
				js = js[:len(js)-2] + `, "expired-leases-processing": {"flush-reclaimed-timer-wait-time": 0}}}`
			}
			ev := newEnv(t, js, nil)
			c := client{mac: mac(1)}
			a := ev.request(c, 1)
			// Another client cannot release it.
			if old, _ := ev.eng.Release4(ev.ctx(client{mac: mac(2)}, 1, false, ""), addr(a)); old != nil {
				t.Fatal("released by another client")
			}
			old, err := ev.eng.Release4(ev.ctx(c, 1, false, ""), addr(a))
			if err != nil || old == nil {
				t.Fatalf("release: %v %v", old, err)
			}
			l := ev.lease(a)
			if tt.affinity != (l != nil) || (l != nil && l.ValidLifetime != 0) {
				t.Errorf("after release: %+v", l)
			}
			if ev.stat("subnet[1].assigned-addresses") != 0 {
				t.Errorf("assigned %d", ev.stat("subnet[1].assigned-addresses"))
			}
			// The client comes back: with affinity it gets the same address.
			if got := ev.request(c, 1); tt.affinity && got != a {
				t.Errorf("returning client got %q, want %q", got, a)
			}
			if ev.stat("subnet[1].assigned-addresses") != 1 {
				t.Errorf("assigned after return %d", ev.stat("subnet[1].assigned-addresses"))
			}
		})
	}
	t.Run("decline and recovery", func(t *testing.T) {
		hk := withHooks(t, nil)
		ev := newEnv(t, baseConfig, hk)
		c := client{mac: mac(1)}
		a := ev.request(c, 1)
		old, err := ev.eng.Decline4(ev.ctx(c, 1, false, ""), addr(a))
		if err != nil || old == nil {
			t.Fatalf("decline %v %v", old, err)
		}
		l := ev.lease(a)
		if l.State != lease.StateDeclined || l.ValidLifetime != 300 || !l.HWAddr.IsZero() || l.ClientID != nil {
			t.Errorf("declined lease %+v", l)
		}
		if ev.stat("declined-addresses") != 1 || ev.stat("subnet[1].declined-addresses") != 1 || ev.stat("subnet[1].pool[0].declined-addresses") != 1 {
			t.Errorf("declined stats")
		}
		// In probation the address is not given out.
		if got := ev.request(client{mac: mac(2)}, 1); got == a {
			t.Errorf("declined address given out")
		}
		rc := NewReclaimer4(ev.eng)
		ev.now = ev.now.Add(secs(301))
		n, err := rc.ReclaimNow(false)
		if err != nil || n != 1 {
			t.Fatalf("reclaimed %d %v", n, err)
		}
		if ev.lease(a) != nil {
			t.Errorf("recovered lease kept: %+v", ev.lease(a))
		}
		want := map[string]int64{"declined-addresses": 0, "reclaimed-declined-addresses": 1, "subnet[1].reclaimed-declined-addresses": 1,
			"reclaimed-leases": 1, "subnet[1].assigned-addresses": 1, "subnet[1].pool[0].reclaimed-declined-addresses": 1}
		got := map[string]int64{}
		for k := range want {
			got[k] = ev.stat(k)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("stats (-want +got):\n%s", d)
		}
		if hookCalls("lease4_decline") != 1 || hookCalls("lease4_recover") != 1 || hookCalls("lease4_expire") != 1 {
			t.Errorf("hook calls %v", testHooks.calls)
		}
	})
}

func TestReclamation(t *testing.T) {
	for _, remove := range []bool{false, true} {
		t.Run(map[bool]string{false: "keep", true: "remove"}[remove], func(t *testing.T) {
			hk := withHooks(t, nil)
			ev := newEnv(t, baseConfig, hk)
			a := ev.request(client{mac: mac(1)}, 1)
			b := ev.request(client{mac: mac(2)}, 1)
			ev.now = ev.now.Add(secs(4001))
			n, err := NewReclaimer4(ev.eng).ReclaimNow(remove)
			if err != nil || n != 2 {
				t.Fatalf("reclaimed %d %v", n, err)
			}
			for _, x := range []string{a, b} {
				l := ev.lease(x)
				if remove != (l == nil) || (l != nil && l.State != lease.StateExpiredReclaimed) {
					t.Errorf("%s after reclamation: %+v", x, l)
				}
			}
			if ev.stat("reclaimed-leases") != 2 || ev.stat("subnet[1].assigned-addresses") != 0 || ev.stat("subnet[1].pool[0].reclaimed-leases") != 2 {
				t.Errorf("stats reclaimed %d assigned %d", ev.stat("reclaimed-leases"), ev.stat("subnet[1].assigned-addresses"))
			}
			testHooks.Lock()
			rm := testHooks.remove
			testHooks.Unlock()
			if d := cmp.Diff([]bool{remove, remove}, rm); d != "" {
				t.Errorf("remove_lease (-want +got):\n%s", d)
			}
			if !remove {
				// Lease affinity: the client gets its address back; the
				// flush deletes held leases once hold-reclaimed-time passed.
				if got := ev.request(client{mac: mac(1)}, 1); got != a {
					t.Errorf("affinity: got %q want %q", got, a)
				}
				ev.now = ev.now.Add(secs(3601))
				if n, _ := NewReclaimer4(ev.eng).Flush(); n != 1 || ev.lease(b) != nil {
					t.Errorf("flush deleted %d, %s left %+v", n, b, ev.lease(b))
				}
			}
		})
	}
	t.Run("limits", func(t *testing.T) {
		js := baseConfig[:len(baseConfig)-2] + `, "expired-leases-processing": {"max-reclaim-leases": 2, "flush-reclaimed-timer-wait-time": 0}}}`
		ev := newEnv(t, js, nil)
		for i := range 5 {
			ev.request(client{mac: mac(i)}, 1)
		}
		ev.now = ev.now.Add(secs(5000))
		rc := NewReclaimer4(ev.eng)
		for i, want := range []int{2, 2, 1, 0} {
			if n, err := rc.ReclaimCycle(); err != nil || n != want {
				t.Errorf("cycle %d reclaimed %d (%v), want %d", i, n, err, want)
			}
		}
		if all, _ := ev.store.AllLeases4(); len(all) != 0 {
			t.Errorf("%d leases left", len(all))
		}
	})
}

// TestReclaimerTimer: the reclaim timer reclaims expired leases by itself.
func TestReclaimerTimer(t *testing.T) {
	js := baseConfig[:len(baseConfig)-2] + `, "expired-leases-processing": {"reclaim-timer-wait-time": 1, "flush-reclaimed-timer-wait-time": 1, "hold-reclaimed-time": 1}}}`
	ev := newEnv(t, js, nil)
	a := ev.request(client{mac: mac(1)}, 1)
	// Real time is used by the timers; the engine's clock is moved past
	// the lease's end and the hold time.
	var mu sync.Mutex
	now := ev.now.Add(secs(5000))
	ev.eng.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	rc := NewReclaimer4(ev.eng)
	rc.Start()
	defer rc.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for ev.lease(a) != nil && time.Now().Before(deadline) {
		mu.Lock()
		now = now.Add(secs(2))
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	if l := ev.lease(a); l != nil {
		t.Fatalf("lease not reclaimed and flushed by the timers: %+v", l)
	}
	if ev.stat("reclaimed-leases") != 1 {
		t.Errorf("reclaimed-leases %d", ev.stat("reclaimed-leases"))
	}
}
