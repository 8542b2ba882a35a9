package alloc

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/memfile"
)

func poolConfig(allocator, pool string) string {
	return `{"Dhcp4": {"allocator": "` + allocator + `", "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
	  "pools": [{"pool": "` + pool + `"}]}]}}`
}

// TestExhaustOnce gives every address of a small pool exactly once with
// each allocator, then fails.
func TestExhaustOnce(t *testing.T) {
	for _, alloc := range []string{"iterative", "random", "flq"} {
		t.Run(alloc, func(t *testing.T) {
			ev := newEnv(t, poolConfig(alloc, "198.51.100.10 - 198.51.100.29"), nil)
			seen := map[string]bool{}
			for i := range 20 {
				a := ev.request(client{mac: mac(i)}, 1)
				if a == "" || seen[a] {
					t.Fatalf("client %d got %q (seen %v)", i, a, seen[a])
				}
				seen[a] = true
			}
			if a := ev.request(client{mac: mac(99)}, 1); a != "" {
				t.Fatalf("exhausted pool gave %q", a)
			}
			if ev.stat("v4-allocation-fail") != 1 || ev.stat("v4-allocation-fail-subnet") != 1 {
				t.Errorf("fail stats")
			}
			// A released address is given again (FLQ: the queue follows
			// the store).
			var freed string
			for a := range seen {
				l := ev.lease(a)
				if l.HWAddr.String() == mac(5) {
					freed = a
				}
			}
			if old, err := ev.eng.Release4(ev.ctx(client{mac: mac(5)}, 1, false, ""), addr(freed)); err != nil || old == nil {
				t.Fatalf("release %v %v", old, err)
			}
			if a := ev.request(client{mac: mac(100)}, 1); a != freed {
				t.Errorf("after release got %q, want %q", a, freed)
			}
		})
	}
}

// TestExpiredReuseWhenFull: once a pool has no free address, an expired
// lease is reused (iterative and random); FLQ waits for reclamation.
func TestExpiredReuseWhenFull(t *testing.T) {
	for _, alloc := range []string{"iterative", "random", "flq"} {
		t.Run(alloc, func(t *testing.T) {
			ev := newEnv(t, poolConfig(alloc, "198.51.100.10 - 198.51.100.13"), nil)
			for i := range 4 {
				ev.addLease(fmt.Sprintf("198.51.100.%d", 10+i), mac(i), ev.now.Unix()-int64(5000*(i%2)), 4000, lease.StateDefault)
			}
			a := ev.request(client{mac: mac(50)}, 1)
			if alloc == "flq" {
				if a != "" {
					t.Fatalf("flq reused unreclaimed %q", a)
				}
				NewReclaimer4(ev.eng).ReclaimNow(false)
				a = ev.request(client{mac: mac(50)}, 1)
			}
			if a != "198.51.100.11" && a != "198.51.100.13" {
				t.Fatalf("got %q", a)
			}
		})
	}
}

// TestConcurrentAllocation: many goroutines allocating never give one
// address to two clients.
func TestConcurrentAllocation(t *testing.T) {
	for _, alloc := range []string{"iterative", "random", "flq"} {
		t.Run(alloc, func(t *testing.T) {
			ev := newEnv(t, poolConfig(alloc, "198.51.100.10 - 198.51.100.59"), nil)
			const clients = 80
			got := make([]string, clients)
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g; i < clients; i += 8 {
						ctx := ev.ctx(client{mac: mac(i)}, 1, true, "")
						l, _, err := ev.eng.Allocate4(ctx)
						if err != nil {
							t.Error(err)
							return
						}
						req := ""
						if l != nil {
							req = l.Addr.String()
						}
						ctx = ev.ctx(client{mac: mac(i)}, 1, false, req)
						l, _, err = ev.eng.Allocate4(ctx)
						if err != nil {
							t.Error(err)
							return
						}
						if l == nil { // NAK: start over without a hint
							l, _, _ = ev.eng.Allocate4(ev.ctx(client{mac: mac(i)}, 1, false, ""))
						}
						if l != nil {
							got[i] = l.Addr.String()
						}
					}
				}()
			}
			wg.Wait()
			owner := map[string]int{}
			n := 0
			for i, a := range got {
				if a == "" {
					continue
				}
				n++
				if j, dup := owner[a]; dup {
					t.Errorf("%s given to clients %d and %d", a, j, i)
				}
				owner[a] = i
				if l := ev.lease(a); l == nil || l.HWAddr.String() != mac(i) {
					t.Errorf("%s stored as %+v, want client %d", a, l, i)
				}
			}
			if n != 50 {
				t.Errorf("%d clients got an address, want 50", n)
			}
			if v := ev.stat("subnet[1].assigned-addresses"); v != 50 {
				t.Errorf("assigned-addresses %d", v)
			}
		})
	}
}

// TestReconfigureKeepsPosition: the iterative allocator continues where
// it was after a reconfiguration with the same pools.
func TestReconfigureKeepsPosition(t *testing.T) {
	ev := newEnv(t, poolConfig("iterative", "198.51.100.10 - 198.51.100.29"), nil)
	ev.request(client{mac: mac(1)}, 1)
	ev.request(client{mac: mac(2)}, 1)
	ev.eng.Release4(ev.ctx(client{mac: mac(1)}, 1, false, ""), addr("198.51.100.10"))
	cfg := loadConfig(t, poolConfig("iterative", "198.51.100.10 - 198.51.100.29"))
	ev.eng.Reconfigure(cfg, nil)
	ev.cfg = cfg
	if a := ev.request(client{mac: mac(3)}, 1); a != "198.51.100.12" {
		t.Errorf("got %q, want 198.51.100.12", a)
	}
	// A new pool is loaded from the store.
	cfg = loadConfig(t, poolConfig("iterative", "198.51.100.11 - 198.51.100.13"))
	ev.eng.Reconfigure(cfg, nil)
	ev.cfg = cfg
	if a := ev.request(client{mac: mac(4)}, 1); a != "198.51.100.13" {
		t.Errorf("got %q, want 198.51.100.13", a)
	}
}

// BenchmarkAllocateIterative16 allocates new leases (REQUEST) in a /16 pool
// that already holds 60,000 leases.
func BenchmarkAllocateIterative16(b *testing.B) {
	for _, alloc := range []string{"iterative", "random", "flq"} {
		b.Run(alloc, func(b *testing.B) {
			js := `{"Dhcp4": {"allocator": "` + alloc + `", "subnet4": [{"id": 1, "subnet": "10.0.0.0/8",
			  "pools": [{"pool": "10.1.0.0/16"}]}]}}`
			cfg := loadConfig(b, js)
			store, err := memfile.Open4(memfile.Config{Persist: true, Name: filepath.Join(b.TempDir(), "l.csv")})
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			now := time.Now().Unix()
			for i := range 60000 {
				a := netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)})
				hw := lease.HWAddr{Bytes: []byte{2, 0, 0, 1, byte(i >> 8), byte(i)}, Type: lease.HTypeEther}
				if err := store.AddLease4(&lease.Lease4{Addr: a, HWAddr: hw, CLTT: now, ValidLifetime: 4000, SubnetID: 1}); err != nil {
					b.Fatal(err)
				}
			}
			eng := NewEngine4(cfg, store, nil, nil, nil, quietLog())
			defer eng.Close()
			s := cfg.Subnet(1)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				hw := lease.HWAddr{Bytes: []byte{2, 0, 0, 2, byte(i >> 16), byte(i >> 8), byte(i)}, Type: lease.HTypeEther}
				ctx := &Context4{Subnet: s, HWAddr: hw}
				l, _, err := eng.Allocate4(ctx)
				if err != nil || l == nil {
					b.Fatalf("allocation %d failed: %v", i, err)
				}
				if i%5000 == 4999 {
					// Keep the pool from filling: free what was given.
					b.StopTimer()
					page, _ := store.Leases4Page(netip.AddrFrom4([4]byte{10, 1, 234, 95}), 5000)
					for _, p := range page {
						store.DeleteLease4(p.Addr)
					}
					b.StartTimer()
				}
			}
		})
	}
}
