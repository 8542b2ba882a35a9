package memfile

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/csv"
)

// Store4 is the memfile DHCPv4 lease database.
type Store4 struct {
	c  core[lease.Lease4]
	wt watchers[lease.Change4]
	// views are the WatchView4 watchers, called without copies.
	views watchers[lease.Change4]
}

var _ lease.Store4 = (*Store4)(nil)
var _ lease.WriteGrouper = (*Store4)(nil)
var _ lease.ViewWatcher4 = (*Store4)(nil)
var _ lease.RangeVisitor4 = (*Store4)(nil)

// HoldWrites starts collecting lease-file rows (see lease.WriteGrouper).
func (s *Store4) HoldWrites() { s.c.HoldWrites() }

// ReleaseWrites ends a hold and writes the collected rows (see
// lease.WriteGrouper).
func (s *Store4) ReleaseWrites() error { return s.c.ReleaseWrites() }

// Indexes of Store4's secondary indexes.
const (
	idx4HWAddr = iota
	idx4ClientID
)

// Open4 loads the DHCPv4 lease files named by cfg and returns the store.
func Open4(cfg Config) (*Store4, error) {
	s := &Store4{}
	s.c = core[lease.Lease4]{
		cfg:    cfg,
		family: 4,
		schema: csv.Schema4,
		t: newTable(ops[lease.Lease4]{
			addr:   func(l *lease.Lease4) netip.Addr { return l.Addr },
			expire: (*lease.Lease4).Expire,
			state:  func(l *lease.Lease4) lease.State { return l.State },
			clone:  (*lease.Lease4).Clone,
			keys: []func([]byte, *lease.Lease4) []byte{
				idx4HWAddr:   func(_ []byte, l *lease.Lease4) []byte { return l.HWAddr.Bytes },
				idx4ClientID: func(_ []byte, l *lease.Lease4) []byte { return l.ClientID },
			},
		}),
		format: csv.AppendLease4,
		check:  check4,
		tombstone: func(l *lease.Lease4) *lease.Lease4 {
			t := *l
			t.ValidLifetime = 0
			return &t
		},
		valid:    func(l *lease.Lease4) uint32 { return l.ValidLifetime },
		loadFile: csv.Load4,
		writeAll: csv.WriteFile4,
	}
	s.c.fixup = func(l *lease.Lease4) bool {
		id, keep := cfg.checkLeaseSubnet(l.Addr, l.SubnetID)
		if !keep || id != l.SubnetID {
			s.c.altered.Store(true)
		}
		if !keep {
			return false
		}
		l.SubnetID = id
		if len(l.UserContext) == 0 || cfg.ExtendedInfoChecks == lease.ExtendedInfoNone {
			return true
		}
		r := lease.UpgradeExtendedInfo4(l.UserContext, cfg.ExtendedInfoChecks)
		if !r.Changed {
			return true
		}
		l.UserContext = r.Context
		s.c.altered.Store(true)
		if r.Problem != "" {
			cfg.logf("DHCPSRV_LEASE4_EXTENDED_INFO_SANITY_FAIL extended info for lease %s failed checks (%s)", l.Addr, r.Problem)
		} else if r.Upgraded {
			cfg.logDebugf("DHCPSRV_LEASE4_EXTENDED_INFO_UPGRADED extended info for lease %s was upgraded", l.Addr)
		}
		return true
	}
	if err := s.c.open(); err != nil {
		s.c.close()
		return nil, err
	}
	return s, nil
}

// check4 refuses leases Kea could not read back from its lease file.
func check4(l *lease.Lease4) error {
	switch {
	case !l.Addr.Is4():
		return fmt.Errorf("memfile: %v is not an IPv4 address", l.Addr)
	case l.HWAddr.IsZero() && l.State != lease.StateDeclined:
		return errors.New("memfile: a lease must have a hardware address unless it is declined")
	case len(l.HWAddr.Bytes) > lease.MaxHWAddrLen:
		return errors.New("memfile: hardware address too long")
	case len(l.ClientID) == 1 || len(l.ClientID) > lease.MaxClientIDLen:
		return fmt.Errorf("memfile: client-id length %d out of range %d..%d", len(l.ClientID), lease.MinClientIDLen, lease.MaxClientIDLen)
	}
	return nil
}

// Path returns the live lease file's path ("" when not persisting).
func (s *Store4) Path() string { return s.c.path }

// Close stops the cleanup timer, waits for a running cleanup and closes the file.
func (s *Store4) Close() error { return s.c.close() }

// StartLFC rotates the lease file and runs the lease file cleanup in the
// background, as the lfc-interval timer does; the channel receives its
// result. lfc.ErrRunning when a cleanup is already running.
func (s *Store4) StartLFC() (<-chan error, error) { return s.c.startLFC(false) }

// Len returns the number of leases held.
func (s *Store4) Len() int { return s.c.t.len() }

func (s *Store4) notify(kind lease.ChangeKind, old, nw *lease.Lease4) {
	if s.views.active() {
		s.views.notify(lease.Change4{Kind: kind, Old: old, New: nw})
	}
	if !s.wt.active() {
		return
	}
	ch := lease.Change4{Kind: kind}
	if old != nil {
		ch.Old = old.Clone()
	}
	if nw != nil {
		ch.New = nw.Clone()
	}
	s.wt.notify(ch)
}

func (s *Store4) AddLease4(l *lease.Lease4) error {
	_, nw, err := s.c.put(l, modeAdd)
	if err == nil {
		s.notify(lease.Added, nil, nw)
	}
	return err
}

func (s *Store4) UpdateLease4(l *lease.Lease4) error {
	old, nw, err := s.c.put(l, modeUpdate)
	if err == nil {
		s.notify(lease.Updated, old, nw)
	}
	return err
}

func (s *Store4) DeleteLease4(addr netip.Addr) error {
	if !addr.Is4() {
		return lease.ErrNotFound
	}
	old, err := s.c.del(addr, nil)
	if err == nil {
		s.notify(lease.Deleted, old, nil)
	}
	return err
}

func (s *Store4) Lease4(addr netip.Addr) (*lease.Lease4, error) {
	if addr.Is4() {
		if l := s.c.t.get(keyOf(addr)); l != nil {
			return l, nil
		}
	}
	return nil, lease.ErrNotFound
}

func (s *Store4) Leases4ByHWAddr(hw []byte) ([]*lease.Lease4, error) {
	if len(hw) == 0 {
		return nil, nil
	}
	return s.c.t.byIndex(idx4HWAddr, hw, nil), nil
}

func (s *Store4) Lease4ByHWAddrSubnet(hw []byte, subnetID uint32) (*lease.Lease4, error) {
	if len(hw) > 0 {
		if r := s.c.t.byIndex(idx4HWAddr, hw, func(l *lease.Lease4) bool { return l.SubnetID == subnetID }); len(r) > 0 {
			return r[0], nil
		}
	}
	return nil, lease.ErrNotFound
}

func (s *Store4) Leases4ByClientID(clientID []byte) ([]*lease.Lease4, error) {
	if len(clientID) == 0 {
		return nil, nil
	}
	return s.c.t.byIndex(idx4ClientID, clientID, nil), nil
}

func (s *Store4) Lease4ByClientIDSubnet(clientID []byte, subnetID uint32) (*lease.Lease4, error) {
	if len(clientID) > 0 {
		if r := s.c.t.byIndex(idx4ClientID, clientID, func(l *lease.Lease4) bool { return l.SubnetID == subnetID }); len(r) > 0 {
			return r[0], nil
		}
	}
	return nil, lease.ErrNotFound
}

// Leases4ByHostname scans every lease: it serves an operator command, not
// the packet path, so it does not cost an index on every write.
func (s *Store4) Leases4ByHostname(hostname string) ([]*lease.Lease4, error) {
	return s.c.t.scan(func(l *lease.Lease4) bool { return l.Hostname == hostname }), nil
}

// Leases4BySubnet scans every lease (operator commands, wipe).
func (s *Store4) Leases4BySubnet(subnetID uint32) ([]*lease.Lease4, error) {
	return s.c.t.scan(func(l *lease.Lease4) bool { return l.SubnetID == subnetID }), nil
}

func (s *Store4) Leases4Page(after netip.Addr, limit int) ([]*lease.Lease4, error) {
	if !after.Is4() {
		return nil, fmt.Errorf("memfile: %v is not an IPv4 address", after)
	}
	if limit <= 0 {
		return nil, errors.New("memfile: page size must be greater than 0")
	}
	return s.c.t.page(keyOf(after), limit), nil
}

// VisitRange4 calls fn for every stored lease in [first, last], without
// copies (lease.RangeVisitor4).
func (s *Store4) VisitRange4(first, last netip.Addr, fn func(*lease.Lease4)) {
	if first.Is4() && last.Is4() {
		s.c.t.visitRange(keyOf(first), keyOf(last), fn)
	}
}

func (s *Store4) AllLeases4() ([]*lease.Lease4, error) { return s.c.t.scan(nil), nil }

func (s *Store4) ExpiredLeases4(now int64, max int) ([]*lease.Lease4, error) {
	return s.c.expiredSet(false, now, max), nil
}

func (s *Store4) DeleteExpiredReclaimedLeases4(cutoff int64) (int, error) {
	return s.c.deleteReclaimed(cutoff, func(old *lease.Lease4) { s.notify(lease.Deleted, old, nil) })
}

func (s *Store4) WipeLeases4(subnetID uint32) (int, error) {
	return s.c.wipe(func(l *lease.Lease4) bool { return l.SubnetID == subnetID },
		func(old *lease.Lease4) { s.notify(lease.Deleted, old, nil) })
}

func (s *Store4) LeaseStats4(first, last uint32) ([]lease.StatRow, error) {
	var c statCounter
	s.c.t.visit(func(l *lease.Lease4) {
		if first == 0 && last == 0 || l.SubnetID >= first && l.SubnetID <= last {
			c.add(lease.StatRow{SubnetID: l.SubnetID, PoolID: l.PoolID, Type: lease.TypeV4, State: l.State})
		}
	})
	counts := c.done()
	return statRows(counts), nil
}

func (s *Store4) Watch4(fn func(lease.Change4)) (cancel func()) { return s.wt.add(fn) }

// WatchView4 is Watch4 without copies (lease.ViewWatcher4).
func (s *Store4) WatchView4(fn func(lease.Change4)) (cancel func()) { return s.views.add(fn) }

// WriteFile writes every lease to path as a complete lease file
// (lease4-write). When path is the live lease file, the old file is kept
// as path.bakPID and the new one becomes the live file, as Kea does.
func (s *Store4) WriteFile(path string) error { return s.c.writeFile(path, csv.WriteFile4) }

// statCounter counts leases per statistics row. Neighbouring leases
// mostly share their row, so runs are counted before the map is touched
// (a million map updates were a quarter of a second at start-up).
type statCounter struct {
	m    map[lease.StatRow]int64
	last lease.StatRow
	run  int64
}

func (c *statCounter) add(k lease.StatRow) {
	if c.run > 0 && k == c.last {
		c.run++
		return
	}
	c.flush()
	c.last, c.run = k, 1
}

func (c *statCounter) flush() {
	if c.run > 0 {
		if c.m == nil {
			c.m = map[lease.StatRow]int64{}
		}
		c.m[c.last] += c.run
		c.run = 0
	}
}

func (c *statCounter) done() map[lease.StatRow]int64 {
	c.flush()
	return c.m
}

func statRows(counts map[lease.StatRow]int64) []lease.StatRow {
	rows := make([]lease.StatRow, 0, len(counts))
	for k, n := range counts {
		k.Count = n
		rows = append(rows, k)
	}
	slices.SortFunc(rows, func(a, b lease.StatRow) int {
		return cmp.Or(cmp.Compare(a.SubnetID, b.SubnetID), cmp.Compare(a.PoolID, b.PoolID),
			cmp.Compare(a.Type, b.Type), cmp.Compare(a.State, b.State))
	})
	return rows
}
