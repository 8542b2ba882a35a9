package netio

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// DispatchConfig sizes the worker pool and its queue.
type DispatchConfig struct {
	// Workers is the number of goroutines running the handler (0: one per
	// CPU, Kea's thread-pool-size 0).
	Workers int
	// QueueSize bounds the queue (0: unlimited); when full the oldest
	// packet is dropped.
	QueueSize int
	// Inline runs the handler in the receive loop itself, without a queue:
	// Kea's single-threaded mode without dhcp-queue-control.
	Inline bool
	// BatchStart and BatchEnd, when set, bracket runs of handler calls on
	// one goroutine: inline, the packets of one receive batch (everything
	// one recvmmsg returned); with workers, the packets a worker takes
	// from the queue until it finds the queue empty (at most MaxBatch).
	// A handler may defer work (sending replies, writing lease rows) to
	// BatchEnd. Calls never nest on one goroutine; with several workers,
	// batches of different workers overlap.
	BatchStart, BatchEnd func()
	// MaxBatchDelay bounds how long a batch runs (0: no bound): once its
	// packets have taken this long, the batch ends before the next packet
	// (its replies go out), so a slow query (a synchronous hook script, a
	// database round trip) does not hold the replies of the queries
	// handled before it. Fast queries still share a batch: at tens of
	// microseconds each, dozens fit in a millisecond.
	MaxBatchDelay time.Duration
}

// MaxBatch bounds how many packets a worker handles between BatchStart and
// BatchEnd, so that deferred replies wait for at most this many packets.
const MaxBatch = batchSize

// DefaultMaxBatchDelay is KeaDispatch's DispatchConfig.MaxBatchDelay.
const DefaultMaxBatchDelay = time.Millisecond

// KeaDispatch maps Kea's settings to a DispatchConfig:
//   - multi-threading enabled: thread-pool-size workers (0: one per CPU)
//     and a packet-queue-size queue (0: unlimited); dhcp-queue-control is
//     ignored, as Kea silently disables it;
//   - multi-threading disabled with dhcp-queue-control enable-queue: one
//     worker and a ring of capacity packets (kea-ring4/kea-ring6);
//   - otherwise one packet at a time, handled by the receive loop.
func KeaDispatch(mtEnabled bool, threadPoolSize, packetQueueSize uint32, queueControl bool, capacity uint32) DispatchConfig {
	switch {
	case mtEnabled:
		return DispatchConfig{Workers: int(threadPoolSize), QueueSize: int(packetQueueSize), MaxBatchDelay: DefaultMaxBatchDelay}
	case queueControl:
		return DispatchConfig{Workers: 1, QueueSize: int(capacity), MaxBatchDelay: DefaultMaxBatchDelay}
	}
	return DispatchConfig{Workers: 1, Inline: true, MaxBatchDelay: DefaultMaxBatchDelay}
}

// Handler processes one received packet. The packet goes back to its pool
// when the handler returns.
type Handler func(p *Packet)

// DispatchStats are the counters the server exposes.
type DispatchStats struct {
	Received  uint64 // packets read from sockets
	Dropped   uint64 // dropped because the queue was full (oldest first)
	Processed uint64 // handler calls that returned
	Panics    uint64 // handler calls that panicked (the worker survives, as Kea's does)
	ReadErrs  uint64 // socket read errors other than close
	Queued    int
	// QueueStats are the average queue lengths over ~10, ~100 and ~1000
	// packets (status-get packet-queue-statistics).
	QueueStats [3]float64
}

// Dispatcher runs receive loops that read packets in batches from sockets
// into pooled buffers and hand them to a pool of workers through a Queue.
type Dispatcher struct {
	cfg     DispatchConfig
	pool    *Pool
	handler Handler
	queue   *Queue
	workers sync.WaitGroup

	received, processed, panics, readErrs atomic.Uint64
	inlineMu                              sync.Mutex
}

// NewDispatcher starts the workers. pool supplies packet buffers (nil: a
// new pool).
func NewDispatcher(cfg DispatchConfig, pool *Pool, h Handler) *Dispatcher {
	if pool == nil {
		pool = NewPool()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	d := &Dispatcher{cfg: cfg, pool: pool, handler: h}
	d.queue = NewQueue(cfg.QueueSize, (*Packet).Release)
	if !cfg.Inline {
		for i := 0; i < cfg.Workers; i++ {
			d.workers.Add(1)
			go d.work()
		}
	}
	return d
}

// Pool returns the dispatcher's packet pool (for building replies).
func (d *Dispatcher) Pool() *Pool { return d.pool }

func (d *Dispatcher) work() {
	defer d.workers.Done()
	if d.cfg.BatchStart == nil && d.cfg.BatchEnd == nil {
		for {
			p := d.queue.Pop()
			if p == nil {
				return
			}
			d.run(p)
		}
	}
	inBatch := 0
	var started time.Time
	for {
		p := d.queue.TryPop()
		if p == nil || inBatch == MaxBatch || d.overdue(inBatch, started) {
			if inBatch > 0 {
				d.batchEnd()
				inBatch = 0
			}
			if p == nil {
				if p = d.queue.Pop(); p == nil {
					return
				}
			}
		}
		if inBatch == 0 {
			d.batchStart()
			started = time.Now()
		}
		inBatch++
		d.run(p)
	}
}

// overdue tells whether a batch that has handled n packets since started
// must end before the next one (DispatchConfig.MaxBatchDelay).
func (d *Dispatcher) overdue(n int, started time.Time) bool {
	return n > 0 && d.cfg.MaxBatchDelay > 0 && time.Since(started) >= d.cfg.MaxBatchDelay
}

func (d *Dispatcher) batchStart() {
	if f := d.cfg.BatchStart; f != nil {
		f()
	}
}

func (d *Dispatcher) batchEnd() {
	if f := d.cfg.BatchEnd; f == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			d.panics.Add(1)
		}
	}()
	d.cfg.BatchEnd()
}

// runInline handles the received packets on the receive loop, between
// BatchStart and BatchEnd; the packets stay in the loop's batch for reuse.
func (d *Dispatcher) runInline(pkts []*Packet) {
	d.inlineMu.Lock()
	defer d.inlineMu.Unlock()
	d.batchStart()
	started := time.Now()
	for i, p := range pkts {
		if d.overdue(i, started) {
			d.batchEnd()
			d.batchStart()
			started = time.Now()
		}
		d.runKeep(p)
	}
	d.batchEnd()
}

// runKeep is run for a packet the caller reuses: it is reset, not released.
func (d *Dispatcher) runKeep(p *Packet) {
	defer func() {
		if r := recover(); r != nil {
			d.panics.Add(1)
		}
		p.reset()
	}()
	d.handler(p)
	d.processed.Add(1)
}

func (d *Dispatcher) run(p *Packet) {
	defer func() {
		if r := recover(); r != nil {
			d.panics.Add(1)
		}
		p.Release()
	}()
	d.handler(p)
	d.processed.Add(1)
}

// Serve reads c until it is closed, dispatching every packet. It returns
// nil when c is closed and keeps going (after a short pause) on other read
// errors, which it counts.
func (d *Dispatcher) Serve(c Conn) error {
	batch := make([]*Packet, batchSize)
	for i := range batch {
		batch[i] = d.pool.Get()
	}
	defer func() {
		for _, p := range batch {
			p.Release()
		}
	}()
	for {
		n, err := c.ReadBatch(batch)
		if err != nil {
			if errors.Is(err, ErrClosed) {
				return nil
			}
			d.readErrs.Add(1)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		d.received.Add(uint64(n))
		if d.cfg.Inline {
			d.runInline(batch[:n])
			continue
		}
		for i := 0; i < n; i++ {
			d.queue.Push(batch[i])
			batch[i] = d.pool.Get()
		}
	}
}

// Stats returns the counters.
func (d *Dispatcher) Stats() DispatchStats {
	return DispatchStats{
		Received:   d.received.Load(),
		Dropped:    d.queue.Dropped(),
		Processed:  d.processed.Load(),
		Panics:     d.panics.Load(),
		ReadErrs:   d.readErrs.Load(),
		Queued:     d.queue.Len(),
		QueueStats: d.queue.Stats(),
	}
}

// Close stops the workers after the packet each is handling; packets still
// queued are dropped (Kea discards them on shutdown too). Close the sockets
// first so that the Serve loops end.
func (d *Dispatcher) Close() {
	d.queue.Close()
	d.workers.Wait()
}
