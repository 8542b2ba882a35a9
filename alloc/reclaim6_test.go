package alloc

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/memfile"
	"github.com/nestordhcp/nestor/stats"
)

// withELP6 adds an expired-leases-processing map to the engine test
// configuration.
func withELP6(elp string) string {
	js := engine6TestConfig
	return js[:len(js)-2] + `, "expired-leases-processing": ` + elp + `}}`
}

func (v *env6) lease(t lease.Type, a string) *lease.Lease6 {
	l, err := v.store.Lease6(t, netip.MustParseAddr(a))
	if err != nil {
		return nil
	}
	return l
}

func (v *env6) stats(names ...string) map[string]int64 {
	out := map[string]int64{}
	for _, n := range names {
		out[n] = v.stat(n)
	}
	return out
}

// later moves the engine's clock by d.
func (v *env6) later(d time.Duration) {
	now := v.e.Now().Add(d)
	v.e.Now = func() time.Time { return now }
}

func TestReclaim6(t *testing.T) {
	for _, remove := range []bool{false, true} {
		t.Run(map[bool]string{false: "keep", true: "remove"}[remove], func(t *testing.T) {
			hk := withHooks(t, nil)
			v := newEnv6With(t, engine6TestConfig, hk)
			c1 := v.ctx(1, false)
			c1.Hostname, c1.FwdDNS = "one.example.org.", true
			na, err := v.e.Allocate6(c1, &IA6{Type: lease.TypeNA, IAID: 1})
			if err != nil || len(na.Leases) != 1 {
				t.Fatalf("allocate: %v %v", na, err)
			}
			pd, err := v.e.Allocate6(v.ctx(2, false), &IA6{Type: lease.TypePD, IAID: 2})
			if err != nil || len(pd.Leases) != 1 {
				t.Fatalf("allocate pd: %v %v", pd, err)
			}
			a, p := na.Leases[0].Addr.String(), pd.Leases[0].Addr.String()
			// Nothing is expired yet.
			if n, err := NewReclaimer6(v.e).ReclaimNow(remove); err != nil || n != 0 {
				t.Fatalf("reclaimed %d live leases (%v)", n, err)
			}
			v.later(4001 * time.Second)
			n, err := NewReclaimer6(v.e).ReclaimNow(remove)
			if err != nil || n != 2 {
				t.Fatalf("reclaimed %d %v", n, err)
			}
			for _, x := range []struct {
				t lease.Type
				a string
			}{{lease.TypeNA, a}, {lease.TypePD, p}} {
				l := v.lease(x.t, x.a)
				if remove != (l == nil) || (l != nil && (l.State != lease.StateExpiredReclaimed || l.Hostname != "" || l.FQDNFwd)) {
					t.Errorf("%s after reclamation: %+v", x.a, l)
				}
			}
			want := map[string]int64{"reclaimed-leases": 2, "subnet[1].reclaimed-leases": 2,
				"subnet[1].assigned-nas": 0, "subnet[1].assigned-pds": 0, "subnet[1].pool[0].reclaimed-leases": 1,
				"subnet[1].pd-pool[0].reclaimed-leases": 1, "subnet[1].pool[0].assigned-nas": 0}
			if d := cmp.Diff(want, v.stats(keys(want)...)); d != "" {
				t.Errorf("stats (-want +got):\n%s", d)
			}
			testHooks.Lock()
			rm := testHooks.remove
			testHooks.Unlock()
			if d := cmp.Diff([]bool{remove, remove}, rm); d != "" {
				t.Errorf("lease6_expire remove_lease (-want +got):\n%s", d)
			}
			if !remove {
				// The client gets its expired-reclaimed address back, counted
				// as assigned again; the flush deletes the other held lease
				// once hold-reclaimed-time (3600 s by default) passed.
				r, _ := v.e.Allocate6(v.ctx(1, false), &IA6{Type: lease.TypeNA, IAID: 1})
				if got := prefixes(r.Leases); len(got) != 1 || got[0] != a+"/128" {
					t.Errorf("affinity: got %v want %s", got, a)
				}
				if v.stat("subnet[1].assigned-nas") != 1 {
					t.Errorf("assigned-nas after reuse %d", v.stat("subnet[1].assigned-nas"))
				}
				v.later(3601 * time.Second)
				if n, _ := NewReclaimer6(v.e).Flush(); n != 1 || v.lease(lease.TypePD, p) != nil {
					t.Errorf("flush deleted %d, %s left %+v", n, p, v.lease(lease.TypePD, p))
				}
				if v.lease(lease.TypeNA, a) == nil {
					t.Errorf("flush deleted the reassigned lease")
				}
			}
		})
	}
	t.Run("expire skipped", func(t *testing.T) {
		hk := withHooks(t, map[string]hooks.NextStep{"lease6_expire": hooks.Skip})
		v := newEnv6With(t, engine6TestConfig, hk)
		r, _ := v.e.Allocate6(v.ctx(1, false), &IA6{Type: lease.TypeNA, IAID: 1})
		v.later(4001 * time.Second)
		if _, err := NewReclaimer6(v.e).ReclaimNow(true); err != nil {
			t.Fatal(err)
		}
		// The callouts took the lease over: it is left as it was, and
		// counted as reclaimed all the same (Kea does).
		if l := v.lease(lease.TypeNA, r.Leases[0].Addr.String()); l == nil || l.State != lease.StateDefault {
			t.Errorf("skipped lease changed: %+v", l)
		}
		if v.stat("reclaimed-leases") != 1 || v.stat("subnet[1].assigned-nas") != 0 {
			t.Errorf("reclaimed-leases %d assigned-nas %d", v.stat("reclaimed-leases"), v.stat("subnet[1].assigned-nas"))
		}
	})
}

func TestReclaimDeclined6(t *testing.T) {
	for _, skip := range []bool{false, true} {
		t.Run(map[bool]string{false: "recovered", true: "recover skipped"}[skip], func(t *testing.T) {
			var st map[string]hooks.NextStep
			if skip {
				st = map[string]hooks.NextStep{"lease6_recover": hooks.Skip}
			}
			hk := withHooks(t, st)
			v := newEnv6With(t, withELP6(`{"flush-reclaimed-timer-wait-time": 0}`), hk)
			c := v.ctx(1, false)
			r, _ := v.e.Allocate6(c, &IA6{Type: lease.TypeNA, IAID: 1})
			a := r.Leases[0].Addr
			if out, _, err := v.e.Decline6(c, 1, a); err != nil || out != Released {
				t.Fatalf("decline %v %v", out, err)
			}
			// In probation the address is not reclaimed.
			v.later(85000 * time.Second)
			if n, _ := NewReclaimer6(v.e).ReclaimCycle(); n != 0 {
				t.Fatalf("reclaimed %d in probation", n)
			}
			v.later(2000 * time.Second) // past the 86400 s probation
			n, err := NewReclaimer6(v.e).ReclaimCycle()
			if want := map[bool]int{false: 1, true: 0}[skip]; err != nil || n != want {
				t.Fatalf("reclaimed %d %v, want %d", n, err, want)
			}
			// Recovered, the lease is deleted; when lease6_recover skipped,
			// it is kept declined and tried again at the next cycle.
			l := v.lease(lease.TypeNA, a.String())
			if skip != (l != nil) || (l != nil && l.State != lease.StateDeclined) {
				t.Errorf("declined lease after reclamation: %+v", l)
			}
			want := map[string]int64{"declined-addresses": 0, "subnet[1].declined-addresses": 0,
				"reclaimed-declined-addresses": 1, "subnet[1].reclaimed-declined-addresses": 1,
				"reclaimed-leases": 1, "subnet[1].assigned-nas": 0}
			if skip {
				want["declined-addresses"], want["subnet[1].declined-addresses"] = 1, 1
				want["reclaimed-declined-addresses"], want["subnet[1].reclaimed-declined-addresses"] = 0, 0
				want["reclaimed-leases"], want["subnet[1].assigned-nas"] = 0, 1
			}
			if d := cmp.Diff(want, v.stats(keys(want)...)); d != "" {
				t.Errorf("stats (-want +got):\n%s", d)
			}
			if hookCalls("lease6_expire") != 1 || hookCalls("lease6_recover") != 1 {
				t.Errorf("hook calls %v", testHooks.calls)
			}
			if skip {
				// The next cycle tries again.
				if _, err := NewReclaimer6(v.e).ReclaimCycle(); err != nil || hookCalls("lease6_recover") != 2 || v.stat("subnet[1].assigned-nas") != 1 {
					t.Errorf("second cycle: %v, %d lease6_recover calls, assigned-nas %d", err, hookCalls("lease6_recover"), v.stat("subnet[1].assigned-nas"))
				}
			}
		})
	}
}

// TestReuseExpired6: an expired lease given to another client, or extended
// by its own, is reclaimed first (lease6_expire with remove_lease false).
func TestReuseExpired6(t *testing.T) {
	t.Run("other client", func(t *testing.T) {
		hk := withHooks(t, nil)
		v := newEnv6With(t, engine6TestConfig, hk)
		first, _ := v.e.Allocate6(v.ctx(1, false), &IA6{Type: lease.TypeNA, IAID: 1})
		if r, _ := v.e.Allocate6(v.ctx(2, false), &IA6{Type: lease.TypeNA, IAID: 1}); len(r.Leases) != 1 {
			t.Fatal("second client got nothing")
		}
		v.later(4001 * time.Second)
		// A SOLICIT does not reclaim.
		if r, _ := v.e.Allocate6(v.ctx(3, true), &IA6{Type: lease.TypeNA, IAID: 1}); len(r.Leases) != 1 || hookCalls("lease6_expire") != 0 {
			t.Fatalf("solicit: %v, %d lease6_expire calls", prefixes(r.Leases), hookCalls("lease6_expire"))
		}
		ia := &IA6{Type: lease.TypeNA, IAID: 1, Hints: []Hint6{{Prefix: netip.PrefixFrom(first.Leases[0].Addr, 128)}}}
		r, _ := v.e.Allocate6(v.ctx(3, false), ia)
		if len(r.Leases) != 1 || r.Leases[0].Addr != first.Leases[0].Addr {
			t.Fatalf("third client: %v", prefixes(r.Leases))
		}
		want := map[string]int64{"reclaimed-leases": 1, "subnet[1].reclaimed-leases": 1, "subnet[1].assigned-nas": 2,
			"cumulative-assigned-nas": 3}
		if d := cmp.Diff(want, v.stats(keys(want)...)); d != "" {
			t.Errorf("stats (-want +got):\n%s", d)
		}
		testHooks.Lock()
		rm := testHooks.remove
		testHooks.Unlock()
		if d := cmp.Diff([]bool{false}, rm); d != "" {
			t.Errorf("lease6_expire remove_lease (-want +got):\n%s", d)
		}
	})
	t.Run("own lease", func(t *testing.T) {
		hk := withHooks(t, nil)
		v := newEnv6With(t, engine6TestConfig, hk)
		r, _ := v.e.Allocate6(v.ctx(1, false), &IA6{Type: lease.TypePD, IAID: 1})
		v.later(4001 * time.Second)
		r2, err := v.e.Renew6(v.ctx(1, false), &IA6{Type: lease.TypePD, IAID: 1}, false)
		if err != nil || len(r2.Leases) != 1 || r2.Leases[0].Addr != r.Leases[0].Addr {
			t.Fatalf("renew: %v %v", prefixes(r2.Leases), err)
		}
		// Kea 2.2 counts the extended expired lease as assigned again,
		// cumulatively too.
		want := map[string]int64{"reclaimed-leases": 1, "subnet[1].assigned-pds": 1, "cumulative-assigned-pds": 2}
		if d := cmp.Diff(want, v.stats(keys(want)...)); d != "" {
			t.Errorf("stats (-want +got):\n%s", d)
		}
		if hookCalls("lease6_expire") != 1 {
			t.Errorf("lease6_expire calls %d", hookCalls("lease6_expire"))
		}
		// Renewed, it is no longer expired: nothing left to reclaim.
		if n, _ := NewReclaimer6(v.e).ReclaimNow(true); n != 0 {
			t.Errorf("reclaimed %d after the renewal", n)
		}
	})
}

func TestReclaim6Limits(t *testing.T) {
	v := newEnv6With(t, withELP6(`{"max-reclaim-leases": 2, "flush-reclaimed-timer-wait-time": 0}`), nil)
	for i := range 2 {
		v.e.Allocate6(v.ctx(byte(1+i), false), &IA6{Type: lease.TypeNA, IAID: 1})
	}
	for i := range 3 {
		v.e.Allocate6(v.ctx(byte(10+i), false), &IA6{Type: lease.TypePD, IAID: 1})
	}
	if all, _ := v.store.AllLeases6(); len(all) != 5 {
		t.Fatalf("%d leases, want 5", len(all))
	}
	v.later(5000 * time.Second)
	rc := NewReclaimer6(v.e)
	for i, want := range []int{2, 2, 1, 0} {
		if n, err := rc.ReclaimCycle(); err != nil || n != want {
			t.Errorf("cycle %d reclaimed %d (%v), want %d", i, n, err, want)
		}
	}
	if all, _ := v.store.AllLeases6(); len(all) != 0 {
		t.Errorf("%d leases left", len(all))
	}
	if v.stat("reclaimed-leases") != 5 || v.stat("subnet[1].assigned-pds") != 0 {
		t.Errorf("reclaimed-leases %d assigned-pds %d", v.stat("reclaimed-leases"), v.stat("subnet[1].assigned-pds"))
	}
}

// TestReclaimer6Timer: the timers reclaim and flush expired leases by
// themselves.
func TestReclaimer6Timer(t *testing.T) {
	v := newEnv6With(t, withELP6(`{"reclaim-timer-wait-time": 1, "flush-reclaimed-timer-wait-time": 1, "hold-reclaimed-time": 1}`), nil)
	r, _ := v.e.Allocate6(v.ctx(1, false), &IA6{Type: lease.TypePD, IAID: 1})
	a := r.Leases[0].Addr.String()
	var mu sync.Mutex
	now := time.Now().Add(5000 * time.Second)
	v.e.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	rc := NewReclaimer6(v.e)
	rc.Start()
	defer rc.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for v.lease(lease.TypePD, a) != nil && time.Now().Before(deadline) {
		mu.Lock()
		now = now.Add(2 * time.Second)
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
	if l := v.lease(lease.TypePD, a); l != nil {
		t.Fatalf("lease not reclaimed and flushed by the timers: %+v", l)
	}
	if v.stat("reclaimed-leases") != 1 {
		t.Errorf("reclaimed-leases %d", v.stat("reclaimed-leases"))
	}
}

func keys(m map[string]int64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// BenchmarkReclaim6: reclaiming expired DHCPv6 leases from memfile (kept
// as expired-reclaimed), per lease.
func BenchmarkReclaim6(b *testing.B) {
	js := `{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/64"}]}]}}`
	cfg, _, err := config.ParseDhcp6("t.json", []byte(js), config.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	store, err := memfile.Open6(memfile.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	e := NewEngine6(cfg, store, nil, nil, stats.New(), quietLog())
	base := netip.MustParseAddr("2001:db8:1::").As16()
	now := time.Now().Unix()
	for i := 0; i < b.N; i++ {
		a := base
		a[12], a[13], a[14], a[15] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
		l := &lease.Lease6{Addr: netip.AddrFrom16(a), Type: lease.TypeNA, PrefixLen: 128, SubnetID: 1, IAID: 1,
			DUID: []byte{0, 3, 0, 1, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)}, ValidLifetime: 10, CLTT: now - 100}
		if err := store.AddLease6(l); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	n, _, err := e.ReclaimExpired(0, 0, false)
	if err != nil || n != b.N {
		b.Fatalf("reclaimed %d of %d: %v", n, b.N, err)
	}
}

// TestRelease6Affinity checks RELEASE with and without lease affinity: the
// lease is kept expired (and later reclaimed without counting
// assigned-nas/pds down twice) or deleted.
func TestRelease6Affinity(t *testing.T) {
	for _, tc := range []struct {
		name string
		elp  string
		keep bool
	}{
		{"affinity", `{"flush-reclaimed-timer-wait-time": 25, "hold-reclaimed-time": 3600}`, true},
		{"no flush", `{"flush-reclaimed-timer-wait-time": 0, "hold-reclaimed-time": 3600}`, false},
		{"no hold", `{"flush-reclaimed-timer-wait-time": 25, "hold-reclaimed-time": 0}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newEnv6With(t, withELP6(tc.elp), nil)
			for _, typ := range []lease.Type{lease.TypeNA, lease.TypePD} {
				stat := typeStat(typ, "subnet[1].assigned-nas", "subnet[1].assigned-pds")
				c := v.ctx(1, false)
				r, err := v.e.Allocate6(c, &IA6{Type: typ, IAID: 7})
				if err != nil || len(r.Leases) != 1 {
					t.Fatalf("allocate: %v %v", r, err)
				}
				l := r.Leases[0]
				out, old, err := v.e.Release6(c, typ, 7, netip.PrefixFrom(l.Addr, int(l.PrefixLen)))
				if err != nil || out != Released || old == nil || old.ValidLifetime == 0 {
					t.Fatalf("release: %v %+v %v", out, old, err)
				}
				kept, _ := v.store.Lease6(typ, l.Addr)
				if (kept != nil) != tc.keep {
					t.Fatalf("%v lease after release: %+v, want kept %v", typ, kept, tc.keep)
				}
				if v.stat(stat) != 0 {
					t.Errorf("%s after release %d", stat, v.stat(stat))
				}
				if tc.keep {
					v.later(2 * time.Second)
					if n, _, err := v.e.ReclaimExpired(0, 0, false); err != nil || n != 1 {
						t.Errorf("reclaimed %d %v", n, err)
					}
					if l, _ := v.store.Lease6(typ, l.Addr); l == nil || l.State != lease.StateExpiredReclaimed {
						t.Errorf("after reclamation %+v", l)
					}
					if v.stat(stat) != 0 {
						t.Errorf("%s after reclamation %d", stat, v.stat(stat))
					}
				}
				again, err := v.e.Allocate6(c, &IA6{Type: typ, IAID: 7})
				if err != nil || len(again.Leases) != 1 {
					t.Fatalf("allocate again: %v %v", again, err)
				}
				if tc.keep && again.Leases[0].Addr != l.Addr {
					t.Errorf("returning client got %s, want its released %s", again.Leases[0].Addr, l.Addr)
				}
				if v.stat(stat) != 1 {
					t.Errorf("%s after allocating again %d", stat, v.stat(stat))
				}
			}
		})
	}
}
