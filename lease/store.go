package lease

import (
	"errors"
	"net/netip"
)

// Errors every backend returns (wrapped or not) so callers can test with errors.Is.
var (
	ErrExists   = errors.New("lease: a lease for this address already exists")
	ErrNotFound = errors.New("lease: no such lease")
)

// ChangeKind says what happened to a lease.
type ChangeKind uint8

const (
	Added ChangeKind = iota + 1
	Updated
	Deleted
)

// Change4 describes one committed change. Old is nil for Added, New is nil
// for Deleted. Both are private copies the receiver may keep.
type Change4 struct {
	Kind     ChangeKind
	Old, New *Lease4
}

// Change6 is Change4 for DHCPv6 leases.
type Change6 struct {
	Kind     ChangeKind
	Old, New *Lease6
}

// StatRow is one line of a statistics recount: how many leases of a
// subnet, pool, lease type (TypeV4 for DHCPv4) and state the store holds.
// Backends count leases in every state; the statistics code picks the
// states it reports (assigned = default, declined = declined).
type StatRow struct {
	SubnetID uint32
	PoolID   uint32
	Type     Type
	State    State
	Count    int64
}

// ViewWatcher4 is implemented by stores that can call a watcher with the
// stored leases themselves instead of private copies: fn must neither
// change nor keep them past the call (the allocation engine only reads the
// address and state). It saves two lease copies per change.
type ViewWatcher4 interface {
	WatchView4(fn func(Change4)) (cancel func())
}

// RangeVisitor4 is implemented by stores that can show their leases of an
// address range without copying them: fn is called for every lease with
// an address in [first, last], in no particular order, and must neither
// change nor keep it past the call. The allocation engine reads a pool's
// used addresses this way at start-up (memfile: no copy of a million
// leases read one page at a time).
type RangeVisitor4 interface {
	VisitRange4(first, last netip.Addr, fn func(*Lease4))
}

// WriteGrouper is implemented by stores that can group the writes of
// several changes into one (memfile: several lease-file rows per
// write(2), group commit). The packet path opens a hold before handling a
// batch of queries and releases it before sending their replies:
//
//	g.HoldWrites()
//	... handle queries, changing leases ...
//	if g.ReleaseWrites() == nil { send the replies }
//
// While any hold is open, a write call returns before its change is
// written (by the next ReleaseWrites, of this or another holder), so the
// durability promise of Store4 and Store6 moves from the write call to
// ReleaseWrites.
type WriteGrouper interface {
	HoldWrites()
	ReleaseWrites() error
}

// Store4 is the DHCPv4 lease database, as the server, the allocation
// engine, lease reclamation, the lease_cmds hook and kea-admin use it.
//
// Leases passed in are copied; leases returned are private copies the
// caller may change. Lookups that find nothing return ErrNotFound
// (single results) or an empty slice (several results). Multi-lease
// results are ordered by address. Times are unix seconds.
//
// Implementations are safe for concurrent use. A write returns only when
// the change is durable as the backend defines it (memfile: the row was
// written to the lease file), so a server may answer the client right after.
type Store4 interface {
	// AddLease4 stores a new lease; ErrExists when its address is taken.
	AddLease4(l *Lease4) error
	// UpdateLease4 replaces the lease with the same address; ErrNotFound
	// when there is none.
	UpdateLease4(l *Lease4) error
	// DeleteLease4 removes the lease of addr; ErrNotFound when there is none.
	DeleteLease4(addr netip.Addr) error

	// Lease4 returns the lease of addr.
	Lease4(addr netip.Addr) (*Lease4, error)
	// Leases4ByHWAddr returns the leases whose hardware address bytes are hw.
	Leases4ByHWAddr(hw []byte) ([]*Lease4, error)
	// Lease4ByHWAddrSubnet returns the lease of hw in a subnet.
	Lease4ByHWAddrSubnet(hw []byte, subnetID uint32) (*Lease4, error)
	// Leases4ByClientID returns the leases of a client identifier.
	Leases4ByClientID(clientID []byte) ([]*Lease4, error)
	// Lease4ByClientIDSubnet returns the lease of a client identifier in a subnet.
	Lease4ByClientIDSubnet(clientID []byte, subnetID uint32) (*Lease4, error)
	// Leases4ByHostname returns the leases with exactly this hostname.
	Leases4ByHostname(hostname string) ([]*Lease4, error)
	// Leases4BySubnet returns every lease of a subnet.
	Leases4BySubnet(subnetID uint32) ([]*Lease4, error)
	// Leases4Page returns up to limit leases with addresses greater than
	// after, in address order (lease4-get-page; start with 0.0.0.0).
	Leases4Page(after netip.Addr, limit int) ([]*Lease4, error)
	// AllLeases4 returns every lease.
	AllLeases4() ([]*Lease4, error)

	// ExpiredLeases4 returns up to max (0: no limit) leases that expired
	// before now and are not yet reclaimed (any state but
	// expired-reclaimed), the longest expired first.
	ExpiredLeases4(now int64, max int) ([]*Lease4, error)
	// DeleteExpiredReclaimedLeases4 deletes the expired-reclaimed leases
	// that expired before cutoff and returns how many it deleted.
	DeleteExpiredReclaimedLeases4(cutoff int64) (int, error)
	// WipeLeases4 deletes every lease of a subnet and returns how many.
	WipeLeases4(subnetID uint32) (int, error)

	// LeaseStats4 counts leases per subnet, pool and state, for subnets
	// firstSubnet..lastSubnet (0, 0: all), ordered by subnet, pool, state.
	LeaseStats4(firstSubnet, lastSubnet uint32) ([]StatRow, error)

	// Watch4 calls fn after every committed change, in the writer's
	// goroutine and after the store's locks are released; fn must not
	// block for long. The returned function stops the calls.
	Watch4(fn func(Change4)) (cancel func())
}

// Store6 is the DHCPv6 counterpart of Store4, with the same conventions.
type Store6 interface {
	AddLease6(l *Lease6) error
	UpdateLease6(l *Lease6) error
	DeleteLease6(addr netip.Addr) error

	// Lease6 returns the lease of addr if it has type t.
	Lease6(t Type, addr netip.Addr) (*Lease6, error)
	// Leases6ByDUIDIAID returns the leases of one IA of a client.
	Leases6ByDUIDIAID(t Type, duid []byte, iaid uint32) ([]*Lease6, error)
	// Leases6ByDUIDIAIDSubnet is Leases6ByDUIDIAID within one subnet.
	Leases6ByDUIDIAIDSubnet(t Type, duid []byte, iaid uint32, subnetID uint32) ([]*Lease6, error)
	// Leases6ByDUID returns every lease of a client (lease6-get-by-duid).
	Leases6ByDUID(duid []byte) ([]*Lease6, error)
	Leases6ByHostname(hostname string) ([]*Lease6, error)
	Leases6BySubnet(subnetID uint32) ([]*Lease6, error)
	// Leases6Page returns up to limit leases with addresses greater than
	// after, in address order (start with ::).
	Leases6Page(after netip.Addr, limit int) ([]*Lease6, error)
	AllLeases6() ([]*Lease6, error)

	ExpiredLeases6(now int64, max int) ([]*Lease6, error)
	DeleteExpiredReclaimedLeases6(cutoff int64) (int, error)
	WipeLeases6(subnetID uint32) (int, error)
	// LeaseStats6 counts leases per subnet, pool, type and state.
	LeaseStats6(firstSubnet, lastSubnet uint32) ([]StatRow, error)

	Watch6(fn func(Change6)) (cancel func())
}

// SharedStore4 is implemented by the stores that several servers may share
// (PostgreSQL, MySQL). Its writes succeed only while the stored lease is
// the one the caller read, as Kea's SQL backends do (UPDATE/DELETE ...
// WHERE address = ? AND expire = ?): the allocation engine and lease
// reclamation use them so that a lease another server changed meanwhile is
// never overwritten. Memfile has a single writer and does not need them.
type SharedStore4 interface {
	// UpdateLease4Cond replaces the lease of l.Addr if the stored lease
	// still expires when old does; ErrNotFound when there is no lease or
	// it changed.
	UpdateLease4Cond(l, old *Lease4) error
	// DeleteLease4Cond removes the lease of old.Addr if it still expires
	// when old does; ErrNotFound when there is no lease or it changed.
	DeleteLease4Cond(old *Lease4) error
}

// SharedStore6 is SharedStore4 for DHCPv6 leases.
type SharedStore6 interface {
	UpdateLease6Cond(l, old *Lease6) error
	DeleteLease6Cond(old *Lease6) error
}

// ClientLeaser4 is implemented by stores that read what the allocation
// engine asks first about a client in one go (the SQL stores: one round
// trip to the database instead of three). ClientLeases4 returns what
// Leases4ByClientID(clientID), Leases4ByHWAddr(hw) and Lease4(addr) would
// (nil for an empty clientID or hw, an invalid addr or no lease there),
// read at the same time.
type ClientLeaser4 interface {
	ClientLeases4(clientID, hw []byte, addr netip.Addr) (byClientID, byHWAddr []*Lease4, atAddr *Lease4, err error)
}
