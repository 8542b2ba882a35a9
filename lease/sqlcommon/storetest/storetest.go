// Package storetest holds the lease store contract tests shared by the SQL
// backends (the scenarios of the memfile tests) and helpers that create
// throw-away databases on the local PostgreSQL and MariaDB servers.
package storetest

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease"
)

var cmpIP = cmp.Comparer(func(x, y netip.Addr) bool { return x == y })

// Lease4 returns the i-th test lease.
func Lease4(i int) *lease.Lease4 {
	return &lease.Lease4{
		Addr:          netip.AddrFrom4([4]byte{198, 51, byte(100 + i>>8), byte(i)}),
		HWAddr:        lease.HWAddr{Bytes: []byte{0xaa, 0, 0, 0, byte(i >> 8), byte(i)}, Type: lease.HTypeEther},
		ClientID:      []byte{1, 0xaa, byte(i >> 8), byte(i)},
		ValidLifetime: 3600,
		CLTT:          int64(1_700_000_000 + i),
		SubnetID:      uint32(1 + i%2),
		Hostname:      fmt.Sprintf("host%d.example.org", i),
	}
}

// Lease6 returns the i-th test lease of type t.
func Lease6(i int, t lease.Type) *lease.Lease6 {
	l := &lease.Lease6{
		Addr:              netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 14: byte(i >> 8), 15: byte(i)}),
		Type:              t,
		PrefixLen:         128,
		IAID:              uint32(i % 3),
		DUID:              []byte{0, 3, 0, 1, 0xaa, byte(i % 4)},
		PreferredLifetime: 1800,
		ValidLifetime:     3600,
		CLTT:              1_700_000_000,
		SubnetID:          1,
	}
	if t == lease.TypePD {
		l.Addr = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 8, byte(i), 15: 0})
		l.PrefixLen = 56
	}
	return l
}

func addrs4(ls []*lease.Lease4) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Addr.String())
	}
	return out
}

// Opener returns a fresh, empty store for one subtest.
type Opener4 func(t *testing.T) lease.Store4

// Opener6 is Opener4 for DHCPv6.
type Opener6 func(t *testing.T) lease.Store6

// Run4 runs the DHCPv4 contract. poolIDs says whether the schema keeps
// pool identifiers (Kea 2.6's) or drops them (Kea 2.2's).
func Run4(t *testing.T, open Opener4, poolIDs bool) {
	t.Run("Operations", func(t *testing.T) { operations4(t, open(t)) })
	t.Run("Expiration", func(t *testing.T) { expiration4(t, open(t)) })
	t.Run("Stats", func(t *testing.T) { stats4(t, open(t), poolIDs) })
	t.Run("Rejects", func(t *testing.T) { rejects4(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { concurrent4(t, open(t)) })
	t.Run("Watch", func(t *testing.T) { watch4(t, open(t)) })
	t.Run("RoundTrip", func(t *testing.T) { roundTrip4(t, open(t), poolIDs) })
	t.Run("Conditional", func(t *testing.T) { conditional4(t, open(t)) })
	t.Run("ClientLeases", func(t *testing.T) { clientLeases4(t, open(t)) })
}

// clientLeases4: the one-statement client lookup returns what the three
// lookups it replaces return.
func clientLeases4(t *testing.T, s lease.Store4) {
	cl, ok := s.(lease.ClientLeaser4)
	if !ok {
		t.Skip("no ClientLeases4")
	}
	// Leases 1-3 share a client identifier, 2-5 a hardware address; 6
	// is declined (empty hardware address, no client identifier).
	for i := 1; i <= 6; i++ {
		l := Lease4(i)
		if i <= 3 {
			l.ClientID = []byte{1, 2, 3}
		}
		if i >= 2 && i <= 5 {
			l.HWAddr.Bytes = []byte{0xbb, 0, 0, 0, 0, 1}
		}
		if i == 6 {
			l.HWAddr, l.ClientID, l.State = lease.HWAddr{}, nil, lease.StateDeclined
		}
		if err := s.AddLease4(l); err != nil {
			t.Fatal(err)
		}
	}
	check := func(cid, hw []byte, addr netip.Addr) {
		t.Helper()
		byCID, byHW, at, err := cl.ClientLeases4(cid, hw, addr)
		if err != nil {
			t.Fatal(err)
		}
		var wantCID, wantHW []*lease.Lease4
		var wantAt *lease.Lease4
		if len(cid) > 0 {
			wantCID, _ = s.Leases4ByClientID(cid)
		}
		if len(hw) > 0 {
			wantHW, _ = s.Leases4ByHWAddr(hw)
		}
		if addr.IsValid() {
			wantAt, _ = s.Lease4(addr)
		}
		if d := cmp.Diff(addrs4(wantCID), addrs4(byCID)); d != "" {
			t.Errorf("by client id %x (-want +got)\n%s", cid, d)
		}
		if d := cmp.Diff(addrs4(wantHW), addrs4(byHW)); d != "" {
			t.Errorf("by hardware address %x (-want +got)\n%s", hw, d)
		}
		if d := cmp.Diff(wantAt, at, cmpIP); d != "" {
			t.Errorf("at %v (-want +got)\n%s", addr, d)
		}
		for _, l := range append(byCID, byHW...) {
			if want, _ := s.Lease4(l.Addr); !cmp.Equal(want, l, cmpIP) {
				t.Errorf("lease %v read as %+v, want %+v", l.Addr, l, want)
			}
		}
	}
	check([]byte{1, 2, 3}, []byte{0xbb, 0, 0, 0, 0, 1}, Lease4(6).Addr)
	check([]byte{1, 2, 3}, nil, netip.Addr{})
	check(nil, []byte{0xbb, 0, 0, 0, 0, 1}, Lease4(4).Addr)
	check(nil, nil, Lease4(1).Addr)
	check([]byte{9}, []byte{9}, Lease4(9).Addr)
	check(nil, []byte{}, netip.Addr{}) // not the declined lease's empty hardware address
	check(nil, nil, netip.Addr{})
}

// conditional4: the conditional writes of a shared store succeed only
// while the stored lease expires when the caller's copy does.
func conditional4(t *testing.T, s lease.Store4) {
	cs, ok := s.(lease.SharedStore4)
	if !ok {
		t.Skip("not a shared store")
	}
	l := Lease4(1)
	if err := s.AddLease4(l); err != nil {
		t.Fatal(err)
	}
	stale := l.Clone()
	stale.CLTT--
	n := l.Clone()
	n.Hostname, n.CLTT = "renewed.example.org", l.CLTT+60
	if err := cs.UpdateLease4Cond(n, stale); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("update over a changed lease: %v, want ErrNotFound", err)
	}
	if err := cs.DeleteLease4Cond(stale); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("delete of a changed lease: %v, want ErrNotFound", err)
	}
	if got, err := s.Lease4(l.Addr); err != nil || got.Hostname != l.Hostname || got.CLTT != l.CLTT {
		t.Fatalf("lease after refused writes: %+v, %v", got, err)
	}
	if err := cs.UpdateLease4Cond(n, l); err != nil {
		t.Fatalf("update over the lease as read: %v", err)
	}
	if got, err := s.Lease4(l.Addr); err != nil || got.Hostname != n.Hostname || got.CLTT != n.CLTT {
		t.Fatalf("lease after update: %+v, %v", got, err)
	}
	if err := cs.DeleteLease4Cond(l); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("delete with the copy before the update: %v, want ErrNotFound", err)
	}
	if err := cs.DeleteLease4Cond(n); err != nil {
		t.Fatalf("delete of the lease as read: %v", err)
	}
	if _, err := s.Lease4(l.Addr); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("lease after delete: %v", err)
	}
	if err := cs.UpdateLease4Cond(n, n); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("update of a deleted lease: %v, want ErrNotFound", err)
	}
}

func operations4(t *testing.T, s lease.Store4) {
	for i := 1; i <= 10; i++ {
		if err := s.AddLease4(Lease4(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddLease4(Lease4(3)); !errors.Is(err, lease.ErrExists) {
		t.Errorf("duplicate add: %v, want ErrExists", err)
	}
	if err := s.UpdateLease4(Lease4(99)); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("update of unknown lease: %v, want ErrNotFound", err)
	}
	got, err := s.Lease4(Lease4(4).Addr)
	if err != nil || cmp.Diff(Lease4(4), got, cmpIP) != "" {
		t.Errorf("Lease4 = %+v, %v (-want +got)\n%s", got, err, cmp.Diff(Lease4(4), got, cmpIP))
	}
	if _, err := s.Lease4(netip.MustParseAddr("203.0.113.1")); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("Lease4 of an unknown address: %v", err)
	}
	up := Lease4(5)
	up.HWAddr.Bytes = []byte{0xbb, 1, 2, 3, 4, 5}
	up.SubnetID = 9
	if err := s.UpdateLease4(up); err != nil {
		t.Fatal(err)
	}
	if ls, _ := s.Leases4ByHWAddr(Lease4(5).HWAddr.Bytes); len(ls) != 0 {
		t.Errorf("old hardware address still finds %v", addrs4(ls))
	}
	if ls, _ := s.Leases4ByHWAddr(up.HWAddr.Bytes); len(ls) != 1 || ls[0].SubnetID != 9 {
		t.Errorf("new hardware address finds %v", addrs4(ls))
	}
	if l, err := s.Lease4ByHWAddrSubnet(up.HWAddr.Bytes, 9); err != nil || l.Addr != up.Addr {
		t.Errorf("Lease4ByHWAddrSubnet = %v, %v", l, err)
	}
	if _, err := s.Lease4ByHWAddrSubnet(up.HWAddr.Bytes, 1); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("Lease4ByHWAddrSubnet in another subnet: %v", err)
	}
	if l, err := s.Lease4ByClientIDSubnet(Lease4(6).ClientID, 1); err != nil || l.Addr != Lease4(6).Addr {
		t.Errorf("Lease4ByClientIDSubnet = %v, %v", l, err)
	}
	if ls, _ := s.Leases4ByClientID(Lease4(7).ClientID); len(ls) != 1 {
		t.Errorf("Leases4ByClientID found %d", len(ls))
	}
	if ls, _ := s.Leases4ByHostname("host8.example.org"); len(ls) != 1 || ls[0].Addr != Lease4(8).Addr {
		t.Errorf("Leases4ByHostname = %v", addrs4(ls))
	}
	ls, _ := s.Leases4BySubnet(2)
	if d := cmp.Diff([]string{"198.51.100.1", "198.51.100.3", "198.51.100.7", "198.51.100.9"}, addrs4(ls)); d != "" {
		t.Errorf("Leases4BySubnet(2) (-want +got)\n%s", d)
	}
	var paged []string
	from := netip.MustParseAddr("0.0.0.0")
	for range 10 {
		p, err := s.Leases4Page(from, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) == 0 {
			break
		}
		paged = append(paged, addrs4(p)...)
		from = p[len(p)-1].Addr
	}
	all, _ := s.AllLeases4()
	if d := cmp.Diff(addrs4(all), paged); d != "" || len(all) != 10 {
		t.Errorf("pages differ from AllLeases4 (-all +pages)\n%s", d)
	}
	if err := s.DeleteLease4(Lease4(10).Addr); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLease4(Lease4(10).Addr); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if n, _ := s.WipeLeases4(1); n != 4 {
		t.Errorf("WipeLeases4(1) = %d, want 4", n)
	}
	if all, _ := s.AllLeases4(); len(all) != 5 {
		t.Errorf("%d leases left, want 5", len(all))
	}
}

func expiration4(t *testing.T, s lease.Store4) {
	for i := 1; i <= 6; i++ {
		l := Lease4(i)
		l.CLTT = int64(1000 - 100*i)
		if i == 3 {
			l.State = lease.StateExpiredReclaimed
		}
		if i == 4 {
			l.State = lease.StateDeclined
		}
		if i == 6 {
			l.ValidLifetime = lease.InfiniteLifetime
		}
		if err := s.AddLease4(l); err != nil {
			t.Fatal(err)
		}
	}
	if l, err := s.Lease4(Lease4(6).Addr); err != nil || l.CLTT != 400 || l.ValidLifetime != lease.InfiniteLifetime {
		t.Errorf("infinite lease read back as %+v, %v", l, err)
	}
	now := int64(1000 + 3600)
	ex, _ := s.ExpiredLeases4(now, 0)
	if d := cmp.Diff([]string{"198.51.100.5", "198.51.100.4", "198.51.100.2", "198.51.100.1"}, addrs4(ex)); d != "" {
		t.Errorf("ExpiredLeases4 (-want +got)\n%s", d)
	}
	ex, _ = s.ExpiredLeases4(now, 2)
	if d := cmp.Diff([]string{"198.51.100.5", "198.51.100.4"}, addrs4(ex)); d != "" {
		t.Errorf("ExpiredLeases4 limited (-want +got)\n%s", d)
	}
	l := Lease4(5)
	l.CLTT, l.State = 500, lease.StateExpiredReclaimed
	if err := s.UpdateLease4(l); err != nil {
		t.Fatal(err)
	}
	if ex, _ := s.ExpiredLeases4(now, 1); len(ex) != 1 || ex[0].Addr != Lease4(4).Addr {
		t.Errorf("after reclaiming: %v", addrs4(ex))
	}
	var deleted []string
	cancel := s.Watch4(func(c lease.Change4) {
		if c.Kind == lease.Deleted {
			deleted = append(deleted, c.Old.Addr.String())
		}
	})
	defer cancel()
	if n, _ := s.DeleteExpiredReclaimedLeases4(4200); n != 1 || len(deleted) != 1 || deleted[0] != "198.51.100.5" {
		t.Errorf("DeleteExpiredReclaimedLeases4 = %d, watch saw %v", n, deleted)
	}
}

func stats4(t *testing.T, s lease.Store4, poolIDs bool) {
	for i := 1; i <= 5; i++ {
		l := Lease4(i)
		l.PoolID = uint32(i % 2)
		if i == 5 {
			l.State = lease.StateDeclined
		}
		if err := s.AddLease4(l); err != nil {
			t.Fatal(err)
		}
	}
	// An expired-reclaimed lease is not counted; a deleted one no more.
	r := Lease4(6)
	r.State = lease.StateExpiredReclaimed
	s.AddLease4(r)
	s.AddLease4(Lease4(8))
	s.DeleteLease4(Lease4(8).Addr)
	got, err := s.LeaseStats4(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	pool := uint32(1)
	if !poolIDs {
		pool = 0
	}
	want := []lease.StatRow{
		{SubnetID: 1, PoolID: 0, Type: lease.TypeV4, State: lease.StateDefault, Count: 2},
		{SubnetID: 2, PoolID: pool, Type: lease.TypeV4, State: lease.StateDefault, Count: 2},
		{SubnetID: 2, PoolID: pool, Type: lease.TypeV4, State: lease.StateDeclined, Count: 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LeaseStats4 (-want +got)\n%s", d)
	}
	if got, _ := s.LeaseStats4(1, 1); len(got) != 1 || got[0].Count != 2 {
		t.Errorf("LeaseStats4(1, 1) = %+v", got)
	}
}

func rejects4(t *testing.T, s lease.Store4) {
	noHW := Lease4(1)
	noHW.HWAddr = lease.HWAddr{}
	v6 := Lease4(2)
	v6.Addr = netip.MustParseAddr("2001:db8::1")
	badCtx := Lease4(3)
	badCtx.UserContext = []byte(`[1]`)
	for _, l := range []*lease.Lease4{noHW, v6, badCtx} {
		if err := s.AddLease4(l); err == nil {
			t.Errorf("AddLease4(%v) accepted a lease Kea could not read back", l.Addr)
		}
	}
	declined := Lease4(4)
	declined.HWAddr, declined.State = lease.HWAddr{}, lease.StateDeclined
	if err := s.AddLease4(declined); err != nil {
		t.Errorf("declined lease without hardware address: %v", err)
	}
	if got, err := s.Lease4(declined.Addr); err != nil || cmp.Diff(declined, got, cmpIP) != "" {
		t.Errorf("declined lease read back (-want +got)\n%s", cmp.Diff(declined, got, cmpIP))
	}
}

func concurrent4(t *testing.T, s lease.Store4) {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w * 50; i < w*50+50; i++ {
				l := Lease4(i)
				if err := s.AddLease4(l); err != nil {
					t.Error(err)
					return
				}
				l.Hostname = "renewed"
				if err := s.UpdateLease4(l); err != nil {
					t.Error(err)
				}
				if _, err := s.Leases4ByHWAddr(l.HWAddr.Bytes); err != nil {
					t.Error(err)
				}
				if i%3 == 0 {
					s.DeleteLease4(l.Addr)
				}
			}
		}()
	}
	wg.Wait()
	all, _ := s.AllLeases4()
	if len(all) != 200-67 {
		t.Errorf("%d leases, want %d", len(all), 200-67)
	}
	for _, l := range all {
		if l.Hostname != "renewed" {
			t.Errorf("%v: hostname %q, the update was lost", l.Addr, l.Hostname)
		}
	}
}

func watch4(t *testing.T, s lease.Store4) {
	var got []string
	cancel := s.Watch4(func(c lease.Change4) {
		switch c.Kind {
		case lease.Added:
			got = append(got, "add "+c.New.Hostname)
		case lease.Updated:
			got = append(got, "update "+c.Old.Hostname+" -> "+c.New.Hostname)
		case lease.Deleted:
			got = append(got, "delete "+c.Old.Hostname)
		}
	})
	l := Lease4(1)
	s.AddLease4(l)
	l.Hostname = "b"
	s.UpdateLease4(l)
	s.UpdateLease4(Lease4(2)) // not found: no change
	s.DeleteLease4(l.Addr)
	cancel()
	s.AddLease4(Lease4(3))
	want := []string{"add host1.example.org", "update host1.example.org -> b", "delete b"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("changes seen (-want +got)\n%s", d)
	}
}

func roundTrip4(t *testing.T, s lease.Store4, poolIDs bool) {
	l := Lease4(7)
	l.UserContext = []byte(`{"ISC":{"relay-agent-info":{"sub-options":"0104AABBCCDD"}},"comment":"a, b & c"}`)
	l.FQDNFwd, l.FQDNRev = true, true
	l.PoolID = 7
	l.State = lease.StateDeclined
	l.ClientID = nil
	if err := s.AddLease4(l); err != nil {
		t.Fatal(err)
	}
	got, err := s.Lease4(l.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if !poolIDs {
		l.PoolID = 0
	}
	if d := cmp.Diff(l, got, cmpIP); d != "" {
		t.Errorf("round trip (-want +got)\n%s", d)
	}
	tooLate := Lease4(8)
	tooLate.CLTT = 2147483647
	if err := s.AddLease4(tooLate); err == nil {
		t.Errorf("a lease expiring after 2038 was accepted")
	}
}
