package server4

import (
	"hash/maphash"
	"sync"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
)

// clientLocks is Kea's ClientHandler for multi-threaded mode: a query
// that modifies leases (DISCOVER, REQUEST, RELEASE, DECLINE) locks its
// client, by client identifier and by hardware address, while it is
// processed. A query of a client whose lock is held waits as the holder's
// next query: it is processed when the holder finishes. A newer query
// arriving meanwhile takes its place and the one it replaces is dropped
// (DHCP4_PACKET_DROP_0011 for a client identifier, _0012 for a hardware
// address; counted in pkt4-receive-drop).
//
// Clients are keyed by a 64-bit hash of the identifier, in shards each
// with its own mutex, so that the packet path takes no server-wide lock
// and allocates nothing once the maps have grown.
type clientLocks struct {
	seed   maphash.Seed
	shards [64]clientShard
}

type clientShard struct {
	mu sync.Mutex
	m  map[uint64]clientSlot
}

// clientSlot is a held lock and the query waiting for it.
type clientSlot struct {
	holder *worker
	next   *worker
}

// Key kinds, hashed with the identifier so that a client identifier and a
// hardware address never share a key.
const (
	keyClientID = 1
	keyHWAddr   = 2
)

func newClientLocks() *clientLocks {
	c := &clientLocks{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]clientSlot)
	}
	return c
}

func (c *clientLocks) key(kind byte, id []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteByte(kind)
	h.Write(id)
	k := h.Sum64()
	if k == 0 {
		k = 1
	}
	return k
}

func (c *clientLocks) shard(k uint64) *clientShard { return &c.shards[k%uint64(len(c.shards))] }

// lockable reports whether queries of this type take the client lock.
func lockable(mt dhcp4.MessageType) bool {
	switch mt {
	case dhcp4.DHCPDISCOVER, dhcp4.DHCPREQUEST, dhcp4.DHCPRELEASE, dhcp4.DHCPDECLINE:
		return true
	}
	return false
}

// clientKeys are the locks a query holds; zero keys are not held.
type clientKeys [2]uint64

// tryLock takes the client's locks for w (Kea's ClientHandler::tryLock)
// and returns them for unlock. ok is false when another query of the
// client holds one: w is then its holder's next query and belongs to the
// lock table until it runs or is replaced.
func (c *clientLocks) tryLock(w *worker) (keys clientKeys, ok bool) {
	var kid, khw uint64
	if cid := w.q.ClientID(); len(cid) > 0 {
		kid = c.key(keyClientID, cid)
	}
	if hw := w.q.HWAddr(); len(hw) > 0 {
		w.scratch = append(append(w.scratch[:0], w.q.HType), hw...)
		khw = c.key(keyHWAddr, w.scratch)
	}
	if kid != 0 {
		if !c.acquire(w, kid, keamsg.DHCP4_PACKET_DROP_0011) {
			return keys, false
		}
		keys[0] = kid
	}
	if khw != 0 {
		if !c.acquire(w, khw, keamsg.DHCP4_PACKET_DROP_0012) {
			c.unlock(keys)
			return clientKeys{}, false
		}
		keys[1] = khw
	}
	return keys, true
}

// acquire takes one lock, or makes w the holder's next query (dropping
// the query it replaces).
func (c *clientLocks) acquire(w *worker, k uint64, msg *klog.Message) bool {
	sh := c.shard(k)
	sh.mu.Lock()
	slot, held := sh.m[k]
	if !held {
		sh.m[k] = clientSlot{holder: w}
		sh.mu.Unlock()
		return true
	}
	old := slot.next
	slot.next = w
	sh.m[k] = slot
	sh.mu.Unlock()
	if old != nil {
		w.srv.dropDuplicate(old, msg)
	}
	return false
}

// unlock releases locks (Kea's ClientHandler destructor); a query waiting
// for one of them is processed on a new goroutine. It works on keys, not
// on the holder, which may already serve another query (a parked query's
// worker is given back when it is unparked).
func (c *clientLocks) unlock(keys clientKeys) {
	for _, k := range keys {
		if k == 0 {
			continue
		}
		sh := c.shard(k)
		sh.mu.Lock()
		slot := sh.m[k]
		delete(sh.m, k)
		sh.mu.Unlock()
		if next := slot.next; next != nil {
			go next.srv.resume(next)
		}
	}
}

// resume processes a query that waited for its client's lock. It runs on
// its own goroutine, outside the dispatcher batch that received the query,
// so it is its own batch: a query received by handleBatched has deferSend
// set, and its reply, queued in the outbox with no batch end to come, sat
// there until the next packet arrived (the second answer to a broadcast
// DISCOVER seen by two raw sockets was lost). The batch also holds the
// lease-file rows until the end, so the lease is written before the reply
// leaves, as on the dispatcher path.
func (s *Server) resume(w *worker) {
	s.batchStart()
	w.deferSend = true
	parked := w.processQuery(w.q.MessageType())
	s.batchEnd()
	if !parked {
		s.putWorker(w)
	}
}

// dropDuplicate drops a waiting query replaced by a newer one of the same
// client. Kea's message names the threads; goroutines have no names, so
// those arguments are "-".
func (s *Server) dropDuplicate(w *worker, msg *klog.Message) {
	if s.log.DebugEnabled(dbgDrop) {
		s.log.Debug(dbgDrop, msg, w.label(), "-", "a query of the same client", "-")
	}
	s.pstats.receiveDrop.Inc()
	s.putWorker(w)
}
