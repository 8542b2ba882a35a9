package memfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/csv"
)

// Store6 is the memfile DHCPv6 lease database.
type Store6 struct {
	c  core[lease.Lease6]
	wt watchers[lease.Change6]
}

var _ lease.Store6 = (*Store6)(nil)
var _ lease.WriteGrouper = (*Store6)(nil)

// HoldWrites starts collecting lease-file rows (see lease.WriteGrouper).
func (s *Store6) HoldWrites() { s.c.HoldWrites() }

// ReleaseWrites ends a hold and writes the collected rows (see
// lease.WriteGrouper).
func (s *Store6) ReleaseWrites() error { return s.c.ReleaseWrites() }

// Indexes of Store6's secondary indexes.
const (
	idx6DUIDIAIDType = iota
	idx6DUID
)

// appendIAKey appends the DUID+IAID+type index key: type, IAID (4 octets), DUID.
func appendIAKey(buf []byte, t lease.Type, duid []byte, iaid uint32) []byte {
	buf = append(buf, byte(t))
	buf = binary.BigEndian.AppendUint32(buf, iaid)
	return append(buf, duid...)
}

// Open6 loads the DHCPv6 lease files named by cfg and returns the store.
func Open6(cfg Config) (*Store6, error) {
	s := &Store6{}
	s.c = core[lease.Lease6]{
		cfg:    cfg,
		family: 6,
		schema: csv.Schema6,
		t: newTable(ops[lease.Lease6]{
			addr:   func(l *lease.Lease6) netip.Addr { return l.Addr },
			expire: (*lease.Lease6).Expire,
			state:  func(l *lease.Lease6) lease.State { return l.State },
			clone:  (*lease.Lease6).Clone,
			keys: []func([]byte, *lease.Lease6) []byte{
				idx6DUIDIAIDType: func(dst []byte, l *lease.Lease6) []byte { return appendIAKey(dst, l.Type, l.DUID, l.IAID) },
				idx6DUID:         func(_ []byte, l *lease.Lease6) []byte { return l.DUID },
			},
		}),
		format: csv.AppendLease6,
		check:  check6,
		tombstone: func(l *lease.Lease6) *lease.Lease6 {
			t := *l // Kea zeroes both lifetimes in the deletion row
			t.ValidLifetime, t.PreferredLifetime = 0, 0
			return &t
		},
		valid:    func(l *lease.Lease6) uint32 { return l.ValidLifetime },
		loadFile: csv.Load6,
		writeAll: csv.WriteFile6,
	}
	s.c.fixup = func(l *lease.Lease6) bool {
		if l.Type == lease.TypeNA { // Kea checks the subnet of IA_NA leases only
			id, keep := cfg.checkLeaseSubnet(l.Addr, l.SubnetID)
			if !keep || id != l.SubnetID {
				s.c.altered.Store(true)
			}
			if !keep {
				return false
			}
			l.SubnetID = id
		}
		if len(l.UserContext) == 0 || cfg.ExtendedInfoChecks == lease.ExtendedInfoNone {
			return true
		}
		r := lease.UpgradeExtendedInfo6(l.UserContext, cfg.ExtendedInfoChecks)
		if !r.Changed {
			return true
		}
		l.UserContext = r.Context
		s.c.altered.Store(true)
		if r.Problem != "" {
			cfg.logf("DHCPSRV_LEASE6_EXTENDED_INFO_SANITY_FAIL extended info for lease %s failed checks (%s)", l.Addr, r.Problem)
		} else if r.Upgraded {
			cfg.logDebugf("DHCPSRV_LEASE6_EXTENDED_INFO_UPGRADED extended info for lease %s was upgraded", l.Addr)
		}
		return true
	}
	if err := s.c.open(); err != nil {
		s.c.close()
		return nil, err
	}
	return s, nil
}

// check6 refuses leases Kea could not read back from its lease file.
func check6(l *lease.Lease6) error {
	switch {
	case !l.Addr.Is6() || l.Addr.Is4In6() || l.Addr.Zone() != "":
		return fmt.Errorf("memfile: %v is not an IPv6 address", l.Addr)
	case l.Type > lease.TypePD:
		return fmt.Errorf("memfile: lease type %d cannot be stored", l.Type)
	case l.PrefixLen > 128:
		return fmt.Errorf("memfile: prefix length %d out of range", l.PrefixLen)
	case len(l.DUID) > lease.MaxDUIDLen:
		return errors.New("memfile: DUID too long")
	case (len(l.DUID) == 0 || bytes.Equal(l.DUID, lease.EmptyDUID)) && l.State != lease.StateDeclined:
		return errors.New("memfile: a lease must have a DUID unless it is declined")
	}
	return nil
}

// Path returns the live lease file's path ("" when not persisting).
func (s *Store6) Path() string { return s.c.path }

// Close stops the cleanup timer, waits for a running cleanup and closes the file.
func (s *Store6) Close() error { return s.c.close() }

// StartLFC rotates the lease file and runs the lease file cleanup in the background.
func (s *Store6) StartLFC() (<-chan error, error) { return s.c.startLFC(false) }

// Len returns the number of leases held.
func (s *Store6) Len() int { return s.c.t.len() }

func (s *Store6) notify(kind lease.ChangeKind, old, nw *lease.Lease6) {
	if !s.wt.active() {
		return
	}
	ch := lease.Change6{Kind: kind}
	if old != nil {
		ch.Old = old.Clone()
	}
	if nw != nil {
		ch.New = nw.Clone()
	}
	s.wt.notify(ch)
}

func (s *Store6) AddLease6(l *lease.Lease6) error {
	_, nw, err := s.c.put(l, modeAdd)
	if err == nil {
		s.notify(lease.Added, nil, nw)
	}
	return err
}

func (s *Store6) UpdateLease6(l *lease.Lease6) error {
	old, nw, err := s.c.put(l, modeUpdate)
	if err == nil {
		s.notify(lease.Updated, old, nw)
	}
	return err
}

func (s *Store6) DeleteLease6(addr netip.Addr) error {
	if !addr.Is6() {
		return lease.ErrNotFound
	}
	old, err := s.c.del(addr, nil)
	if err == nil {
		s.notify(lease.Deleted, old, nil)
	}
	return err
}

func (s *Store6) Lease6(t lease.Type, addr netip.Addr) (*lease.Lease6, error) {
	if addr.Is6() {
		if l := s.c.t.get(keyOf(addr)); l != nil && l.Type == t {
			return l, nil
		}
	}
	return nil, lease.ErrNotFound
}

func (s *Store6) Leases6ByDUIDIAID(t lease.Type, duid []byte, iaid uint32) ([]*lease.Lease6, error) {
	var kb [keyRoom]byte
	return s.c.t.byIndex(idx6DUIDIAIDType, appendIAKey(kb[:0], t, duid, iaid), nil), nil
}

func (s *Store6) Leases6ByDUIDIAIDSubnet(t lease.Type, duid []byte, iaid uint32, subnetID uint32) ([]*lease.Lease6, error) {
	var kb [keyRoom]byte
	return s.c.t.byIndex(idx6DUIDIAIDType, appendIAKey(kb[:0], t, duid, iaid), func(l *lease.Lease6) bool { return l.SubnetID == subnetID }), nil
}

func (s *Store6) Leases6ByDUID(duid []byte) ([]*lease.Lease6, error) {
	if len(duid) == 0 {
		return nil, nil
	}
	return s.c.t.byIndex(idx6DUID, duid, nil), nil
}

// Leases6ByHostname scans every lease (an operator command).
func (s *Store6) Leases6ByHostname(hostname string) ([]*lease.Lease6, error) {
	return s.c.t.scan(func(l *lease.Lease6) bool { return l.Hostname == hostname }), nil
}

// Leases6BySubnet scans every lease (operator commands, wipe).
func (s *Store6) Leases6BySubnet(subnetID uint32) ([]*lease.Lease6, error) {
	return s.c.t.scan(func(l *lease.Lease6) bool { return l.SubnetID == subnetID }), nil
}

func (s *Store6) Leases6Page(after netip.Addr, limit int) ([]*lease.Lease6, error) {
	if !after.Is6() {
		return nil, fmt.Errorf("memfile: %v is not an IPv6 address", after)
	}
	if limit <= 0 {
		return nil, errors.New("memfile: page size must be greater than 0")
	}
	return s.c.t.page(keyOf(after), limit), nil
}

func (s *Store6) AllLeases6() ([]*lease.Lease6, error) { return s.c.t.scan(nil), nil }

func (s *Store6) ExpiredLeases6(now int64, max int) ([]*lease.Lease6, error) {
	return s.c.expiredSet(false, now, max), nil
}

func (s *Store6) DeleteExpiredReclaimedLeases6(cutoff int64) (int, error) {
	return s.c.deleteReclaimed(cutoff, func(old *lease.Lease6) { s.notify(lease.Deleted, old, nil) })
}

func (s *Store6) WipeLeases6(subnetID uint32) (int, error) {
	return s.c.wipe(func(l *lease.Lease6) bool { return l.SubnetID == subnetID },
		func(old *lease.Lease6) { s.notify(lease.Deleted, old, nil) })
}

func (s *Store6) LeaseStats6(first, last uint32) ([]lease.StatRow, error) {
	var c statCounter
	s.c.t.visit(func(l *lease.Lease6) {
		if first == 0 && last == 0 || l.SubnetID >= first && l.SubnetID <= last {
			c.add(lease.StatRow{SubnetID: l.SubnetID, PoolID: l.PoolID, Type: l.Type, State: l.State})
		}
	})
	counts := c.done()
	return statRows(counts), nil
}

func (s *Store6) Watch6(fn func(lease.Change6)) (cancel func()) { return s.wt.add(fn) }

// WriteFile writes every lease to path as a complete lease file (lease6-write).
func (s *Store6) WriteFile(path string) error { return s.c.writeFile(path, csv.WriteFile6) }
