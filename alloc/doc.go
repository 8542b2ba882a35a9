// Package alloc is the DHCPv4 allocation engine (Kea's AllocEngine for
// DHCPv4): it finds or picks the address a client gets, in Kea's decision
// order, through the iterative, random and free-lease-queue allocators,
// honouring reservations, class-guarded pools and shared networks; it
// renews, reuses (lease caching), releases and declines leases, calls the
// lease4_* hook points and keeps the address statistics; and Reclaimer4 runs
// the expired-leases-processing timers.
//
// # Concurrency
//
// Every method may be called from many goroutines. There is no global lock
// on the allocation path: a candidate address is held in a sharded in-flight
// set (Kea's ResourceHandler4) while it is checked and written, allocator
// positions are per pool, and the lease store is the authority (AddLease4
// failing with lease.ErrExists makes the engine try another address).
//
// # Several servers on one database
//
// A store that implements lease.SharedStore4/SharedStore6 (the SQL
// backends) may be shared with other servers. The engine then writes
// through its conditional methods, which succeed only while the stored
// lease expires when the copy the engine read does (Kea's UPDATE/DELETE
// ... WHERE address = ? AND expire = ?): a renewal that loses gives no
// lease (ALLOC_ENGINE_V4_ALLOC_ERROR, as Kea), a reuse of an expired lease
// that loses tries the next candidate, reclamation logs
// ALLOC_ENGINE_V4_LEASE_RECLAMATION_FAILED. The bitmaps (below) only hint:
// every candidate is looked up in the store, and a pool whose bitmap looks
// full is read again from the store at most once a second, so addresses
// the other server freed are found. Memfile (single writer) keeps the
// plain writes.
//
// Because the database arbitrates every write on such a store, the engine
// does not read a lease again under its address lock before writing it
// when it read it moments before in the same query (a renewal's lease, a
// REQUEST's requested address) and it has not expired: the write fails as
// if another server had changed it. Expired leases are read again under
// the lock, which this server's reclamation holds. A store that also implements lease.ClientLeaser4 gives the
// client's leases by client identifier and hardware address, and the
// requested address, in one round trip. With both, a new client's DORA
// costs three reads and the insert, a renewal one read and the update
// (Kea 2.2: seven and two reads).
//
// # Finding free addresses fast
//
// Each pool of up to 2^24 addresses keeps a bitmap of the addresses that
// have a lease that is not reclaimed (state default or declined, expired or
// not), kept in step with the store through Store4.Watch4. Allocators scan
// it 64 addresses at a time, so a nearly full pool costs little. Expired but
// not yet reclaimed leases are only considered once a pool has no address
// without a lease (and then at most 1024 of them per allocation): Kea's
// iterative allocator reuses them as it passes them, Nestor prefers
// addresses without a lease first. Expired-reclaimed leases count as free,
// as in Kea.
//
// # Differences from Kea 2.6
//
//   - Iterative positions and bitmaps survive a reconfiguration for pools
//     whose range is unchanged; free lease queues are rebuilt, as Kea does.
//   - A RELEASE with lease affinity keeps the lease with a zero valid
//     lifetime in state default (Kea 2.6's file form); reclamation does not
//     count its assigned-addresses down a second time (Kea 3 marks such
//     leases "released" for the same reason).
//   - Reclamation does not pause packet processing: each lease is
//     reclaimed under its address lock.
package alloc
