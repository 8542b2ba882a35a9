package storetest

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease"
)

// Run6 runs the DHCPv6 contract.
func Run6(t *testing.T, open Opener6, poolIDs bool) {
	t.Run("Operations", func(t *testing.T) { operations6(t, open(t)) })
	t.Run("Expiration", func(t *testing.T) { expiration6(t, open(t)) })
	t.Run("Stats", func(t *testing.T) { stats6(t, open(t), poolIDs) })
	t.Run("RoundTrip", func(t *testing.T) { roundTrip6(t, open(t), poolIDs) })
	t.Run("Conditional", func(t *testing.T) { conditional6(t, open(t)) })
}

// conditional6 is conditional4 for DHCPv6 leases.
func conditional6(t *testing.T, s lease.Store6) {
	cs, ok := s.(lease.SharedStore6)
	if !ok {
		t.Skip("not a shared store")
	}
	l := Lease6(1, lease.TypeNA)
	if err := s.AddLease6(l); err != nil {
		t.Fatal(err)
	}
	stale := l.Clone()
	stale.CLTT--
	n := l.Clone()
	n.Hostname, n.CLTT = "renewed.example.org", l.CLTT+60
	if err := cs.UpdateLease6Cond(n, stale); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("update over a changed lease: %v, want ErrNotFound", err)
	}
	if err := cs.DeleteLease6Cond(stale); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("delete of a changed lease: %v, want ErrNotFound", err)
	}
	if got, err := s.Lease6(lease.TypeNA, l.Addr); err != nil || got.Hostname != l.Hostname || got.CLTT != l.CLTT {
		t.Fatalf("lease after refused writes: %+v, %v", got, err)
	}
	if err := cs.UpdateLease6Cond(n, l); err != nil {
		t.Fatalf("update over the lease as read: %v", err)
	}
	if got, err := s.Lease6(lease.TypeNA, l.Addr); err != nil || got.Hostname != n.Hostname || got.CLTT != n.CLTT {
		t.Fatalf("lease after update: %+v, %v", got, err)
	}
	if err := cs.DeleteLease6Cond(l); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("delete with the copy before the update: %v, want ErrNotFound", err)
	}
	if err := cs.DeleteLease6Cond(n); err != nil {
		t.Fatalf("delete of the lease as read: %v", err)
	}
	if _, err := s.Lease6(lease.TypeNA, l.Addr); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("lease after delete: %v", err)
	}
}

func operations6(t *testing.T, s lease.Store6) {
	for i := 1; i <= 12; i++ {
		typ := lease.TypeNA
		if i > 8 {
			typ = lease.TypePD
		}
		if err := s.AddLease6(Lease6(i, typ)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddLease6(Lease6(1, lease.TypeNA)); !errors.Is(err, lease.ErrExists) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := s.Lease6(lease.TypePD, Lease6(1, lease.TypeNA).Addr); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("lookup with the wrong type: %v", err)
	}
	if l, err := s.Lease6(lease.TypeNA, Lease6(1, lease.TypeNA).Addr); err != nil || cmp.Diff(Lease6(1, lease.TypeNA), l, cmpIP) != "" {
		t.Errorf("Lease6 (-want +got)\n%s", cmp.Diff(Lease6(1, lease.TypeNA), l, cmpIP))
	}
	ls, _ := s.Leases6ByDUIDIAID(lease.TypeNA, Lease6(1, 0).DUID, 1)
	if len(ls) != 1 || ls[0].Addr != Lease6(1, 0).Addr {
		t.Errorf("Leases6ByDUIDIAID = %v", ls)
	}
	if ls, _ := s.Leases6ByDUID(Lease6(1, 0).DUID); len(ls) != 3 {
		t.Errorf("Leases6ByDUID found %d, want 3", len(ls))
	}
	if ls, _ := s.Leases6ByDUIDIAIDSubnet(lease.TypePD, Lease6(9, 0).DUID, 0, 1); len(ls) != 1 || ls[0].PrefixLen != 56 {
		t.Errorf("PD by DUID+IAID+subnet = %v", ls)
	}
	if err := s.DeleteLease6(Lease6(2, 0).Addr); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLease6(Lease6(2, 0).Addr); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	declined := Lease6(2, lease.TypeNA)
	declined.DUID, declined.State = lease.EmptyDUID, lease.StateDeclined
	if err := s.AddLease6(declined); err != nil {
		t.Fatal(err)
	}
	up := Lease6(3, lease.TypeNA)
	up.Hostname, up.HWAddr = "renewed.example.org", lease.HWAddr{Bytes: []byte{1, 2, 3, 4, 5, 6}, Type: 1, Source: lease.HWAddrSourceDUID}
	if err := s.UpdateLease6(up); err != nil {
		t.Fatal(err)
	}
	if ls, _ := s.Leases6ByHostname("renewed.example.org"); len(ls) != 1 || cmp.Diff(up, ls[0], cmpIP) != "" {
		t.Errorf("updated lease (-want +got)\n%s", cmp.Diff(up, ls, cmpIP))
	}
	// Pages follow address order, not text order (2001:db8:1::a after ::9).
	var paged []netip.Addr
	from := netip.IPv6Unspecified()
	for range 20 {
		p, err := s.Leases6Page(from, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) == 0 {
			break
		}
		for _, l := range p {
			paged = append(paged, l.Addr)
		}
		from = p[len(p)-1].Addr
	}
	if len(paged) != 12 {
		t.Fatalf("paged %d leases, want 12", len(paged))
	}
	for i := 1; i < len(paged); i++ {
		if paged[i-1].Compare(paged[i]) >= 0 {
			t.Errorf("page order: %v before %v", paged[i-1], paged[i])
		}
	}
	if n, _ := s.WipeLeases6(1); n != 12 {
		t.Errorf("WipeLeases6 = %d", n)
	}
}

func expiration6(t *testing.T, s lease.Store6) {
	for i := 1; i <= 4; i++ {
		l := Lease6(i, lease.TypeNA)
		l.CLTT = int64(1000 - 100*i)
		if i == 2 {
			l.State = lease.StateExpiredReclaimed
		}
		if i == 4 {
			l.ValidLifetime = lease.InfiniteLifetime
		}
		s.AddLease6(l)
	}
	ex, _ := s.ExpiredLeases6(5000, 0)
	if len(ex) != 2 || ex[0].Addr != Lease6(3, 0).Addr || ex[1].Addr != Lease6(1, 0).Addr {
		t.Errorf("ExpiredLeases6 = %v", ex)
	}
	if n, _ := s.DeleteExpiredReclaimedLeases6(5000); n != 1 {
		t.Errorf("DeleteExpiredReclaimedLeases6 = %d", n)
	}
}

func stats6(t *testing.T, s lease.Store6, poolIDs bool) {
	for i := 1; i <= 6; i++ {
		typ := lease.TypeNA
		if i > 4 {
			typ = lease.TypePD
		}
		l := Lease6(i, typ)
		l.PoolID = 3
		if i == 4 {
			l.State = lease.StateDeclined
		}
		if err := s.AddLease6(l); err != nil {
			t.Fatal(err)
		}
	}
	pool := uint32(3)
	if !poolIDs {
		pool = 0
	}
	got, _ := s.LeaseStats6(0, 0)
	want := []lease.StatRow{
		{SubnetID: 1, PoolID: pool, Type: lease.TypeNA, State: lease.StateDefault, Count: 3},
		{SubnetID: 1, PoolID: pool, Type: lease.TypeNA, State: lease.StateDeclined, Count: 1},
		{SubnetID: 1, PoolID: pool, Type: lease.TypePD, State: lease.StateDefault, Count: 2},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LeaseStats6 (-want +got)\n%s", d)
	}
}

func roundTrip6(t *testing.T, s lease.Store6, poolIDs bool) {
	l := Lease6(5, lease.TypeNA)
	l.IAID = 0xfffffff0 // negative as PostgreSQL's signed INT
	l.FQDNFwd, l.FQDNRev, l.Hostname = true, true, "a,b.example.org"
	l.HWAddr = lease.HWAddr{Bytes: []byte{0xa, 0xb, 0xc, 0xd, 0xe, 0xf}, Type: 1, Source: lease.HWAddrSourceRaw}
	l.UserContext = []byte(`{"ISC":{"relay-info":[{"hop":0}]}}`)
	l.PoolID = 9
	if err := s.AddLease6(l); err != nil {
		t.Fatal(err)
	}
	got, err := s.Lease6(lease.TypeNA, l.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if !poolIDs {
		l.PoolID = 0
	}
	if d := cmp.Diff(l, got, cmpIP); d != "" {
		t.Errorf("round trip (-want +got)\n%s", d)
	}
}
