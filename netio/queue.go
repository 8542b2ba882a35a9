package netio

import (
	"math"
	"sync"
)

// Queue is the packet queue between receivers and workers: a FIFO that, when
// full, drops its oldest packet to make room for the new one — Kea's
// ThreadPool queue with packet-queue-size, and its kea-ring4/kea-ring6 ring
// buffer with dhcp-queue-control capacity. Capacity 0 means unlimited. It
// also keeps Kea's queue-length averages over the last 10, 100 and 1000
// packets (status-get packet-queue-statistics).
type Queue struct {
	mu       sync.Mutex
	cond     sync.Cond
	ring     []*Packet
	head, n  int
	capacity int
	closed   bool
	stat     [3]float64
	full     uint64
	// release takes back each packet the queue drops.
	release func(*Packet)
}

var statDecay = [3]float64{math.Exp(-.1), math.Exp(-.01), math.Exp(-.001)}

// NewQueue returns a queue holding at most capacity packets (0: unlimited).
// release, when not nil, is called with every packet the queue drops.
func NewQueue(capacity int, release func(*Packet)) *Queue {
	size := capacity
	if size <= 0 {
		size = 64
	}
	q := &Queue{ring: make([]*Packet, size), capacity: capacity, release: release}
	q.cond.L = &q.mu
	return q
}

// Push appends p. When the queue is full it drops the oldest packet first
// and reports false (Kea logs DHCP4_PACKET_QUEUE_FULL). On a closed queue it
// drops p itself and reports false.
func (q *Queue) Push(p *Packet) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		q.drop(p)
		return false
	}
	var dropped *Packet
	if q.capacity > 0 && q.n >= q.capacity {
		dropped = q.ring[q.head]
		q.full++
		q.ring[q.head] = nil
		q.head = (q.head + 1) % len(q.ring)
		q.n--
	} else if q.n == len(q.ring) {
		q.grow()
	}
	q.ring[(q.head+q.n)%len(q.ring)] = p
	q.n++
	q.mu.Unlock()
	q.cond.Signal()
	if dropped != nil {
		q.drop(dropped)
		return false
	}
	return true
}

func (q *Queue) drop(p *Packet) {
	if q.release != nil {
		q.release(p)
	}
}

// Dropped returns how many packets were dropped because the queue was full.
func (q *Queue) Dropped() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.full
}

func (q *Queue) grow() {
	r := make([]*Packet, 2*len(q.ring))
	for i := 0; i < q.n; i++ {
		r[i] = q.ring[(q.head+i)%len(q.ring)]
	}
	q.ring, q.head = r, 0
}

// Pop removes the oldest packet, waiting for one; it returns nil once the
// queue is closed.
func (q *Queue) Pop() *Packet {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.n == 0 && !q.closed {
		q.cond.Wait()
	}
	return q.pop()
}

// TryPop removes the oldest packet if there is one, without waiting; it
// returns nil when the queue is empty or closed.
func (q *Queue) TryPop() *Packet {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 {
		return nil
	}
	return q.pop()
}

func (q *Queue) pop() *Packet {
	if q.closed {
		return nil
	}
	l := float64(q.n)
	for i, d := range statDecay {
		q.stat[i] = q.stat[i]*d + (1-d)*l
	}
	p := q.ring[q.head]
	q.ring[q.head] = nil
	q.head = (q.head + 1) % len(q.ring)
	q.n--
	return p
}

// Len returns the number of queued packets.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// Stats returns the average queue length seen by the last ~10, ~100 and
// ~1000 pops (Kea's exponential averages).
func (q *Queue) Stats() [3]float64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.stat
}

// Close wakes every waiting Pop and drops the packets still queued.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	var left []*Packet
	for q.n > 0 {
		left = append(left, q.ring[q.head])
		q.ring[q.head] = nil
		q.head = (q.head + 1) % len(q.ring)
		q.n--
	}
	q.mu.Unlock()
	q.cond.Broadcast()
	for _, p := range left {
		q.drop(p)
	}
}
