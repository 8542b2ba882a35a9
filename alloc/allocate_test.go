package alloc

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/memfile"
)

const baseConfig = `{"Dhcp4": {
  "valid-lifetime": 4000, "min-valid-lifetime": 2000, "max-valid-lifetime": 6000,
  "decline-probation-period": 300,
  "subnet4": [{
    "id": 1, "subnet": "198.51.100.0/24",
    "pools": [{"pool": "198.51.100.10 - 198.51.100.19"}],
    "reservations": [
      {"hw-address": "aa:aa:aa:aa:aa:01", "ip-address": "198.51.100.50"},
      {"hw-address": "aa:aa:aa:aa:aa:02", "ip-address": "198.51.100.12"},
      {"client-id": "01:aa:aa:aa:aa:aa:03", "ip-address": "198.51.100.51"},
      {"duid": "00:03:00:01:aa:aa:aa:aa:aa:04", "ip-address": "198.51.100.52"},
      {"circuit-id": "'port-5'", "ip-address": "198.51.100.53"},
      {"flex-id": "'flex6'", "ip-address": "198.51.100.54"}
    ]
  }],
  "host-reservation-identifiers": ["hw-address", "duid", "circuit-id", "client-id", "flex-id"]
}}`

func TestDecisionOrder(t *testing.T) {
	const now = 1_800_000_000
	tests := []struct {
		name  string
		setup func(ev *env)
		c     client
		fake  bool
		req   string
		want  string
		// check the context after allocation
		unknown  bool
		conflict bool
		reused   bool
	}{
		{name: "discover new address from the pool", c: client{mac: mac(1)}, fake: true, want: "198.51.100.10"},
		{name: "discover honours a free requested address", c: client{mac: mac(1)}, fake: true, req: "198.51.100.15", want: "198.51.100.15"},
		{name: "discover ignores requested address reserved for another", c: client{mac: mac(1)}, fake: true, req: "198.51.100.12", want: "198.51.100.10"},
		{name: "discover ignores requested address out of pool", c: client{mac: mac(1)}, fake: true, req: "198.51.100.100", want: "198.51.100.10"},
		{name: "discover skips an address reserved for another", setup: func(ev *env) {
			for i := 10; i < 12; i++ {
				ev.addLease("198.51.100."+itoa(i), mac(100+i), now, 4000, lease.StateDefault)
			}
		}, c: client{mac: mac(1)}, fake: true, want: "198.51.100.13"},
		{name: "discover offers the client's existing lease", setup: func(ev *env) {
			ev.addLease("198.51.100.17", mac(1), now-10, 4000, lease.StateDefault)
		}, c: client{mac: mac(1)}, fake: true, req: "198.51.100.15", want: "198.51.100.17"},
		{name: "discover offers the reserved address first", setup: func(ev *env) {
			ev.addLease("198.51.100.17", "aa:aa:aa:aa:aa:01", now-10, 4000, lease.StateDefault)
		}, c: client{mac: "aa:aa:aa:aa:aa:01"}, fake: true, want: "198.51.100.50"},
		{name: "discover reservation conflict gives another address", setup: func(ev *env) {
			ev.addLease("198.51.100.12", mac(9), now-10, 4000, lease.StateDefault)
		}, c: client{mac: "aa:aa:aa:aa:aa:02"}, fake: true, want: "198.51.100.10", conflict: true},
		{name: "discover reuses an expired lease of another client", setup: func(ev *env) {
			ev.addLease("198.51.100.15", mac(9), now-5000, 4000, lease.StateDefault)
		}, c: client{mac: mac(1)}, fake: true, req: "198.51.100.15", want: "198.51.100.15", reused: true},
		{name: "discover does not offer a declined address", setup: func(ev *env) {
			ev.addLease("198.51.100.15", "", now-10, 300, lease.StateDeclined)
		}, c: client{mac: mac(1)}, fake: true, req: "198.51.100.15", want: "198.51.100.10"},
		{name: "request a free address", c: client{mac: mac(1)}, req: "198.51.100.16", want: "198.51.100.16"},
		{name: "request an address leased to another", setup: func(ev *env) {
			ev.addLease("198.51.100.16", mac(9), now-10, 4000, lease.StateDefault)
		}, c: client{mac: mac(1)}, req: "198.51.100.16", want: ""},
		{name: "request an address reserved for another", c: client{mac: mac(1)}, req: "198.51.100.12", want: ""},
		{name: "request an address out of the pools", c: client{mac: mac(1)}, req: "198.51.100.100", want: "", unknown: true},
		{name: "request another address while the reserved one is free", c: client{mac: "aa:aa:aa:aa:aa:01"}, req: "198.51.100.16", want: ""},
		{name: "request another address while the reserved one is taken", setup: func(ev *env) {
			ev.addLease("198.51.100.12", mac(9), now-10, 4000, lease.StateDefault)
		}, c: client{mac: "aa:aa:aa:aa:aa:02"}, req: "198.51.100.16", want: "198.51.100.16"},
		{name: "request without address gets the reservation", c: client{mac: "aa:aa:aa:aa:aa:01"}, want: "198.51.100.50"},
		{name: "request without address renews the lease", setup: func(ev *env) {
			ev.addLease("198.51.100.18", mac(1), now-10, 4000, lease.StateDefault)
		}, c: client{mac: mac(1)}, want: "198.51.100.18"},
		{name: "request renewing keeps the address", setup: func(ev *env) {
			ev.addLease("198.51.100.18", mac(1), now-3000, 4000, lease.StateDefault)
		}, c: client{mac: mac(1)}, req: "198.51.100.18", want: "198.51.100.18"},
		{name: "request reuses an expired lease", setup: func(ev *env) {
			ev.addLease("198.51.100.16", mac(9), now-5000, 4000, lease.StateDefault)
		}, c: client{mac: mac(1)}, req: "198.51.100.16", want: "198.51.100.16", reused: true},
		{name: "request a declined address in probation", setup: func(ev *env) {
			ev.addLease("198.51.100.16", "", now-10, 300, lease.StateDeclined)
		}, c: client{mac: mac(1)}, req: "198.51.100.16", want: ""},
		{name: "request a declined address after probation", setup: func(ev *env) {
			ev.addLease("198.51.100.16", "", now-400, 300, lease.StateDeclined)
		}, c: client{mac: mac(1)}, req: "198.51.100.16", want: "198.51.100.16", reused: true},
		{name: "reservation by client-id", c: client{mac: mac(1), clientID: "01:aa:aa:aa:aa:aa:03"}, want: "198.51.100.51"},
		{name: "reservation by duid", c: client{mac: mac(1), clientID: "ff:00:00:00:01:00:03:00:01:aa:aa:aa:aa:aa:04"}, want: "198.51.100.52"},
		{name: "reservation by circuit-id", c: client{mac: mac(1), circuit: "port-5"}, want: "198.51.100.53"},
		{name: "reservation by flex-id", c: client{mac: mac(1), flex: "flex6"}, want: "198.51.100.54"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newEnv(t, baseConfig, nil)
			if tt.setup != nil {
				tt.setup(ev)
			}
			ctx := ev.ctx(tt.c, 1, tt.fake, tt.req)
			got := ev.alloc(ctx)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if ctx.UnknownRequestedAddr != tt.unknown {
				t.Errorf("UnknownRequestedAddr = %v", ctx.UnknownRequestedAddr)
			}
			if c := ev.stat("v4-reservation-conflicts"); (c == 1) != tt.conflict || (tt.conflict && ev.stat("subnet[1].v4-reservation-conflicts") != 1) {
				t.Errorf("v4-reservation-conflicts = %d", c)
			}
			if ctx.Reused != tt.reused {
				t.Errorf("Reused = %v", ctx.Reused)
			}
			if tt.fake && tt.setup == nil && got != "" && ev.lease(got) != nil {
				t.Errorf("DISCOVER wrote lease %s", got)
			}
			if !tt.fake && got != "" {
				l := ev.lease(got)
				if l.CLTT != now || l.ValidLifetime != 4000 || l.State != lease.StateDefault || l.SubnetID != 1 {
					t.Errorf("stored lease %+v", l)
				}
			}
		})
	}
}

func itoa(i int) string { return netip.AddrFrom4([4]byte{0, 0, 0, byte(i)}).String()[6:] }

func TestRequestStatsAndPersistence(t *testing.T) {
	ev := newEnv(t, baseConfig, nil)
	a := ev.request(client{mac: mac(1)}, 1)
	b := ev.request(client{mac: mac(2)}, 1)
	if a == "" || b == "" || a == b {
		t.Fatalf("got %q and %q", a, b)
	}
	// A new address for client 1 replaces its lease.
	ctx := ev.ctx(client{mac: mac(1)}, 1, false, "198.51.100.19")
	if got := ev.alloc(ctx); got != "198.51.100.19" {
		t.Fatalf("got %q", got)
	}
	if ctx.OldLease == nil || ctx.OldLease.Addr.String() != a || ev.lease(a) != nil {
		t.Errorf("old lease %v, still stored %v", ctx.OldLease, ev.lease(a))
	}
	want := map[string]int64{
		"subnet[1].assigned-addresses":            2,
		"subnet[1].pool[0].assigned-addresses":    2,
		"subnet[1].cumulative-assigned-addresses": 3,
		"cumulative-assigned-addresses":           3,
	}
	got := map[string]int64{}
	for k := range want {
		got[k] = ev.stat(k)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("stats (-want +got):\n%s", d)
	}
	// The lease file holds what the store holds.
	ev.store.Close()
	s2, err := memfile.Open4(memfile.Config{Persist: true, Name: ev.path})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	all, _ := s2.AllLeases4()
	var addrs []string
	for _, l := range all {
		addrs = append(addrs, l.Addr.String())
	}
	if d := cmp.Diff([]string{b, "198.51.100.19"}, addrs); d != "" {
		t.Errorf("reloaded leases (-want +got):\n%s", d)
	}
}

func TestValidLifetime(t *testing.T) {
	js := `{"Dhcp4": {"valid-lifetime": 4000, "min-valid-lifetime": 2000, "max-valid-lifetime": 6000,
	  "client-classes": [{"name": "short", "valid-lifetime": 100, "min-valid-lifetime": 50, "max-valid-lifetime": 200}],
	  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10 - 198.51.100.19"}]}]}}`
	tests := []struct {
		name    string
		classes []string
		req     uint32
		want    uint32
	}{
		{"default", nil, 0, 4000},
		{"requested within bounds", nil, 3000, 3000},
		{"requested below min", nil, 10, 2000},
		{"requested above max", nil, 9000, 6000},
		{"class default", []string{"short"}, 0, 100},
		{"class clamps", []string{"short"}, 9000, 200},
		{"bootp infinite", []string{"BOOTP"}, 0, lease.InfiniteLifetime},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newEnv(t, js, nil)
			ctx := ev.ctx(client{mac: mac(i), classes: tt.classes}, 1, false, "")
			ctx.RequestedLifetime = tt.req
			l, _, err := ev.eng.Allocate4(ctx)
			if err != nil || l == nil {
				t.Fatalf("lease %v err %v", l, err)
			}
			if l.ValidLifetime != tt.want {
				t.Errorf("valid %d, want %d", l.ValidLifetime, tt.want)
			}
		})
	}
}
