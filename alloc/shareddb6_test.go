package alloc

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// The DHCPv6 side of two servers on one lease database: the engine writes
// a lease it read only while the stored row is unchanged (Kea's UPDATE or
// DELETE ... WHERE address = ? AND expire = ?), so a change the other
// server made in between is kept.

// racyStore6 lets the other server write right after this one read: once
// has its turn on the next read of target (by address), or of the
// client's leases when target is unset.
type racyStore6 struct {
	*sqlcommon.Store6
	mu     sync.Mutex
	target netip.Addr
	once   func()
}

func (r *racyStore6) turn(a netip.Addr) {
	r.mu.Lock()
	f := r.once
	if a != r.target {
		f = nil
	} else {
		r.once = nil
	}
	r.mu.Unlock()
	if f != nil {
		f()
	}
}

func (r *racyStore6) Lease6(t lease.Type, a netip.Addr) (*lease.Lease6, error) {
	l, err := r.Store6.Lease6(t, a)
	r.turn(a)
	return l, err
}

func (r *racyStore6) Leases6ByDUIDIAIDSubnet(t lease.Type, duid []byte, iaid, subnetID uint32) ([]*lease.Lease6, error) {
	ls, err := r.Store6.Leases6ByDUIDIAIDSubnet(t, duid, iaid, subnetID)
	r.turn(netip.Addr{})
	return ls, err
}

const sharedConfig6 = `{"Dhcp6": {
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::10"}]}]
}}`

// sharedEnv6 is one "server": an engine over its own connections.
func sharedEnv6(t *testing.T, b sqlBackend, cfg sqlcommon.Config, js string) (*env6, *racyStore6) {
	t.Helper()
	s, err := b.open6(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rs := &racyStore6{Store6: s, target: netip.MustParseAddr("::1")}
	v := newEnv6With(t, js, nil)
	hs, err := host.FromConfig6(v.cfg)
	if err != nil {
		t.Fatal(err)
	}
	v.e = NewEngine6(v.cfg, rs, hs, nil, v.st, quietLog())
	return v, rs
}

func duid6(b byte) []byte { return []byte{0, 3, 0, 1, 2, 0, 0, 0, 0, b} }

// request6 allocates (or, renew set, renews) IA_NA 1 for the client and
// returns the address given, or "".
func (v *env6) request6(t *testing.T, d byte, renew bool) string {
	t.Helper()
	c := &Context6{Subnet: v.cfg.Subnet(1), DUID: duid6(d)}
	c.HostIdentifiers = host.ClientIdentifiers6(nil, c.DUID, nil, nil)
	v.e.FindReservations6(c)
	ia := &IA6{Type: lease.TypeNA, IAID: 1}
	var res Result6
	var err error
	if renew {
		res, err = v.e.Renew6(c, ia, false)
	} else {
		res, err = v.e.Allocate6(c, ia)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Leases) == 0 {
		return ""
	}
	return res.Leases[0].Addr.String()
}

// otherLease6 is the lease the other server writes for another client.
func otherLease6(a netip.Addr) *lease.Lease6 {
	return &lease.Lease6{Addr: a, Type: lease.TypeNA, PrefixLen: 128, DUID: duid6(0x22), IAID: 1,
		PreferredLifetime: 3000, ValidLifetime: 4000, CLTT: time.Now().Unix() + 7, SubnetID: 1}
}

func TestSharedDatabase6(t *testing.T) {
	for _, b := range sqlBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("RenewRace", func(t *testing.T) { sharedRenewRace6(t, b) })
			t.Run("ReuseRace", func(t *testing.T) { sharedReuseRace6(t, b) })
			t.Run("RemoveRace", func(t *testing.T) { sharedRemoveRace6(t, b) })
		})
	}
}

// checkOther6 fails unless the database holds the other server's lease.
func checkOther6(t *testing.T, v *env6, a netip.Addr) {
	t.Helper()
	l, err := v.e.store.Lease6(lease.TypeNA, a)
	if err != nil || string(l.DUID) != string(duid6(0x22)) {
		t.Errorf("database has %v (%v), want the other server's lease", l, err)
	}
}

// sharedRenewRace6: while server a renews a client's lease, server b gives
// the address to another client. Server a must not overwrite b's lease:
// the renewal gives nothing, as Kea's renewLeases6.
func sharedRenewRace6(t *testing.T, b sqlBackend) {
	cfg := b.newDB(t)
	a, ra := sharedEnv6(t, b, cfg, sharedConfig6)
	bb, _ := sharedEnv6(t, b, cfg, sharedConfig6)
	got := a.request6(t, 1, false)
	if got == "" {
		t.Fatal("no lease for the first client")
	}
	ad := netip.MustParseAddr(got)
	ra.mu.Lock()
	ra.target = netip.Addr{} // the renewal's read of the client's leases
	ra.once = func() {
		if err := bb.e.store.DeleteLease6(ad); err != nil {
			t.Errorf("other server: %v", err)
		}
		if err := bb.e.store.AddLease6(otherLease6(ad)); err != nil {
			t.Errorf("other server: %v", err)
		}
	}
	ra.mu.Unlock()
	if renewed := a.request6(t, 1, true); renewed != "" {
		t.Errorf("renewal over another server's change gave %s", renewed)
	}
	checkOther6(t, bb, ad)
}

// sharedReuseRace6: the only address has an expired lease; while server a
// reuses it, server b gives it to its client. Server a gives nothing and
// b's lease stays.
func sharedReuseRace6(t *testing.T, b sqlBackend) {
	cfg := b.newDB(t)
	ad := netip.MustParseAddr("2001:db8:1::10")
	seed, err := b.open6(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.AddLease6(&lease.Lease6{Addr: ad, Type: lease.TypeNA, PrefixLen: 128, DUID: duid6(0x33), IAID: 1,
		PreferredLifetime: 50, ValidLifetime: 100, CLTT: time.Now().Unix() - 1000, SubnetID: 1}); err != nil {
		t.Fatal(err)
	}
	seed.Close()
	a, ra := sharedEnv6(t, b, cfg, sharedConfig6)
	bb, _ := sharedEnv6(t, b, cfg, sharedConfig6)
	ra.mu.Lock()
	ra.target = ad
	ra.once = func() {
		if got := bb.request6(t, 0x22, false); got != ad.String() {
			t.Errorf("other server gave %q", got)
		}
	}
	ra.mu.Unlock()
	if got := a.request6(t, 5, false); got != "" {
		t.Errorf("server a gave %s, which the other server had just taken", got)
	}
	checkOther6(t, bb, ad)
}

// sharedRemoveRace6: server a removes a client's lease it may no longer
// use (its address is reserved for another client in a's configuration);
// between a's read and its delete, server b gives the address to another
// client. The delete must not take b's lease away.
func sharedRemoveRace6(t *testing.T, b sqlBackend) {
	cfg := b.newDB(t)
	const reserved = `{"Dhcp6": {
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::11"}],
    "reservations": [{"duid": "00:03:00:01:02:00:00:00:00:44", "ip-addresses": ["2001:db8:1::10"]}]}]
}}`
	ad := netip.MustParseAddr("2001:db8:1::10")
	seed, err := b.open6(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.AddLease6(&lease.Lease6{Addr: ad, Type: lease.TypeNA, PrefixLen: 128, DUID: duid6(1), IAID: 1,
		PreferredLifetime: 3000, ValidLifetime: 4000, CLTT: time.Now().Unix(), SubnetID: 1}); err != nil {
		t.Fatal(err)
	}
	seed.Close()
	a, ra := sharedEnv6(t, b, cfg, reserved)
	bb, _ := sharedEnv6(t, b, cfg, sharedConfig6)
	ra.mu.Lock()
	ra.target = netip.Addr{}
	ra.once = func() {
		if err := bb.e.store.DeleteLease6(ad); err != nil {
			t.Errorf("other server: %v", err)
		}
		if err := bb.e.store.AddLease6(otherLease6(ad)); err != nil {
			t.Errorf("other server: %v", err)
		}
	}
	ra.mu.Unlock()
	if got := a.request6(t, 1, true); got == ad.String() {
		t.Errorf("server a renewed %s, reserved for another client", got)
	}
	checkOther6(t, bb, ad)
}
