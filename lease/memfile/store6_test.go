package memfile

import (
	"errors"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease"
)

func lease6(i int, t lease.Type) *lease.Lease6 {
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

func TestStore6(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases6.csv")
	s, err := Open6(Config{Persist: true, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 12; i++ {
		typ := lease.TypeNA
		if i > 8 {
			typ = lease.TypePD
		}
		if err := s.AddLease6(lease6(i, typ)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddLease6(lease6(1, lease.TypeNA)); !errors.Is(err, lease.ErrExists) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := s.Lease6(lease.TypePD, lease6(1, lease.TypeNA).Addr); !errors.Is(err, lease.ErrNotFound) {
		t.Errorf("lookup with the wrong type: %v", err)
	}
	// DUID index i%4, IAID i%3: i=1 and i=5 share DUID 1 but IAIDs 1 and 2.
	ls, _ := s.Leases6ByDUIDIAID(lease.TypeNA, lease6(1, 0).DUID, 1)
	if len(ls) != 1 || ls[0].Addr != lease6(1, 0).Addr {
		t.Errorf("Leases6ByDUIDIAID = %v", ls)
	}
	if ls, _ := s.Leases6ByDUID(lease6(1, 0).DUID); len(ls) != 3 { // i = 1, 5, 9
		t.Errorf("Leases6ByDUID found %d, want 3", len(ls))
	}
	if ls, _ := s.Leases6ByDUIDIAIDSubnet(lease.TypePD, lease6(9, 0).DUID, 0, 1); len(ls) != 1 || ls[0].PrefixLen != 56 {
		t.Errorf("PD by DUID+IAID+subnet = %v", ls)
	}
	if err := s.DeleteLease6(lease6(2, 0).Addr); err != nil {
		t.Fatal(err)
	}
	declined := lease6(2, lease.TypeNA)
	declined.DUID, declined.State = lease.EmptyDUID, lease.StateDeclined
	if err := s.AddLease6(declined); err != nil {
		t.Fatal(err)
	}
	before, _ := s.AllLeases6()
	s.Close()

	re, err := Open6(Config{Persist: true, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	after, _ := re.AllLeases6()
	if d := cmp.Diff(before, after, cmpIP); d != "" {
		t.Errorf("reload changed leases (-before +after)\n%s", d)
	}
	p, _ := re.Leases6Page(netip.IPv6Unspecified(), 100)
	if len(p) != 12 || p[11].Type != lease.TypePD {
		t.Errorf("page of %d leases", len(p))
	}
}
