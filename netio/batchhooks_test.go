package netio

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// burstConn returns its packets in one ReadBatch (as far as they fit),
// then blocks until closed.
type burstConn struct {
	fakeConn
	mu    sync.Mutex
	queue []string
}

func (b *burstConn) ReadBatch(pkts []*Packet) (int, error) {
	b.mu.Lock()
	n := 0
	for n < len(pkts) && len(b.queue) > 0 {
		pkts[n].Data = append(pkts[n].Payload()[:0], b.queue[0]...)
		b.queue = b.queue[1:]
		n++
	}
	b.mu.Unlock()
	if n > 0 {
		return n, nil
	}
	<-b.closed
	return 0, ErrClosed
}

// TestDispatcherBatchHooks: inline, BatchStart and BatchEnd bracket the
// packets of each receive batch; with workers, the packets a worker takes
// until the queue is empty (never more than MaxBatch).
func TestDispatcherBatchHooks(t *testing.T) {
	for _, inline := range []bool{true, false} {
		t.Run(fmt.Sprintf("inline=%v", inline), func(t *testing.T) {
			var mu sync.Mutex
			var events []string
			ev := func(s string) {
				mu.Lock()
				events = append(events, s)
				mu.Unlock()
			}
			total := MaxBatch + 6
			done := make(chan struct{})
			count := 0
			// With workers, the handler of the first packet waits until
			// every packet is queued, so that the worker finds a backlog.
			queued := make(chan struct{})
			cfg := DispatchConfig{Workers: 1, Inline: inline,
				BatchStart: func() { ev("start") },
				BatchEnd:   func() { ev("end") }}
			d := NewDispatcher(cfg, nil, func(p *Packet) {
				if !inline && string(p.Data) == "p0" {
					<-queued
				}
				ev(string(p.Data))
				mu.Lock()
				count++
				if count == total {
					close(done)
				}
				mu.Unlock()
			})
			c := &burstConn{fakeConn: *newFake(SocketSpec{})}
			for i := 0; i < total; i++ {
				c.queue = append(c.queue, fmt.Sprintf("p%d", i))
			}
			if !inline {
				go func() {
					// Every packet but p0 (being handled) is in the queue.
					for d.Stats().Queued < total-1 {
						time.Sleep(time.Millisecond)
					}
					close(queued)
				}()
			}
			served := make(chan error)
			go func() { served <- d.Serve(c) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("packets not handled")
			}
			c.Close()
			<-served
			d.Close()
			mu.Lock()
			defer mu.Unlock()
			// Check the bracketing: every packet inside start/end, no
			// nesting, no empty batch, at most MaxBatch per batch.
			open, inBatch := false, 0
			var sizes []int
			for _, e := range events {
				switch e {
				case "start":
					if open {
						t.Fatalf("nested start: %v", events)
					}
					open, inBatch = true, 0
				case "end":
					if !open || inBatch == 0 {
						t.Fatalf("end without packets: %v", events)
					}
					open = false
					sizes = append(sizes, inBatch)
				default:
					if !open {
						t.Fatalf("packet %s outside a batch: %v", e, events)
					}
					inBatch++
					if inBatch > MaxBatch {
						t.Fatalf("batch longer than %d", MaxBatch)
					}
				}
			}
			if open {
				t.Fatalf("batch not ended: %v", events)
			}
			// Inline: the read returns MaxBatch packets (the loop's batch
			// size), then 6. Workers: the worker takes packets until
			// MaxBatch, then the 6 left.
			if fmt.Sprint(sizes) != fmt.Sprint([]int{MaxBatch, 6}) {
				t.Errorf("batch sizes %v, want [%d 6]: %s", sizes, MaxBatch, strings.Join(events, " "))
			}
		})
	}
}

// TestDispatcherBatchDelay: a slow packet ends its batch (MaxBatchDelay),
// so the replies deferred to the batch end do not wait for the packets
// after it; fast packets still share a batch.
func TestDispatcherBatchDelay(t *testing.T) {
	for _, inline := range []bool{true, false} {
		t.Run(fmt.Sprintf("inline=%v", inline), func(t *testing.T) {
			var mu sync.Mutex
			var events []string
			ev := func(s string) {
				mu.Lock()
				events = append(events, s)
				mu.Unlock()
			}
			const total = 4
			done := make(chan struct{})
			queued := make(chan struct{})
			count := 0
			cfg := DispatchConfig{Workers: 1, Inline: inline, MaxBatchDelay: time.Millisecond,
				BatchStart: func() { ev("start") },
				BatchEnd:   func() { ev("end") }}
			d := NewDispatcher(cfg, nil, func(p *Packet) {
				if string(p.Data) == "p0" {
					if !inline {
						<-queued
					}
					time.Sleep(20 * time.Millisecond) // a slow query
				}
				ev(string(p.Data))
				mu.Lock()
				count++
				if count == total {
					close(done)
				}
				mu.Unlock()
			})
			c := &burstConn{fakeConn: *newFake(SocketSpec{})}
			for i := 0; i < total; i++ {
				c.queue = append(c.queue, fmt.Sprintf("p%d", i))
			}
			if !inline {
				go func() {
					for d.Stats().Queued < total-1 {
						time.Sleep(time.Millisecond)
					}
					close(queued)
				}()
			}
			served := make(chan error)
			go func() { served <- d.Serve(c) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("packets not handled")
			}
			c.Close()
			<-served
			d.Close()
			mu.Lock()
			defer mu.Unlock()
			// p0 took longer than MaxBatchDelay: its batch ends before p1.
			if len(events) < 4 || strings.Join(events[:4], " ") != "start p0 end start" {
				t.Errorf("events %v, want the slow p0 alone in its batch", events)
			}
		})
	}
}

// failConn fails the send of packets whose payload is "bad".
type failConn struct{ fakeConn }

func (f *failConn) WriteBatch(p []*Packet) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	for i, x := range p {
		if string(x.Data) == "bad" {
			return i, errors.New("refused")
		}
		f.sent = append(f.sent, x)
	}
	return len(p), nil
}

// TestSendBatch: consecutive packets for the same socket go in one
// WriteBatch; a failing packet is reported and the rest still sent.
func TestSendBatch(t *testing.T) {
	var conns []*failConn
	s, err := Open(SetConfig{Family: V4, Detector: testDetector(),
		open: func(spec SocketSpec, _ Options) (Conn, error) {
			c := &failConn{fakeConn: *newFake(spec)}
			conns = append(conns, c)
			return c, nil
		},
		Ifaces: IfacesConfig{Interfaces: []string{"eth0", "eth1"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ap := netip.MustParseAddrPort
	mk := func(data string, ifindex int) *Packet {
		return &Packet{Data: []byte(data), IfIndex: ifindex, Dst: ap("198.51.100.2:67")}
	}
	pkts := []*Packet{mk("a", 2), mk("b", 2), mk("bad", 2), mk("c", 2), mk("d", 3), mk("e", 9)}
	var failed []string
	s.SendBatch(pkts, func(p *Packet, err error) { failed = append(failed, string(p.Data)+": "+err.Error()) })
	var got []string
	calls := 0
	for _, c := range conns {
		for _, p := range c.sent {
			got = append(got, c.spec.Iface.Name+":"+string(p.Data))
		}
		calls += c.calls
	}
	if w := "eth0:a eth0:b eth0:c eth1:d"; strings.Join(got, " ") != w {
		t.Errorf("sent %v, want %s", got, w)
	}
	if w := "bad: refused|e: " + ErrNoSocket.Error(); strings.Join(failed, "|") != w {
		t.Errorf("failed %q, want %q", failed, w)
	}
	// eth0: [a b bad c] stopped at bad, then [c]; eth1: [d].
	if calls != 3 {
		t.Errorf("%d WriteBatch calls, want 3", calls)
	}
}
