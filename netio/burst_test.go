package netio

import (
	"net"
	"net/netip"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/internal/testnet"
)

const burst = 1000

// sendBurst sends burst unicast datagrams numbered 0..burst-1, pausing
// briefly every 50 so the veth backlog (netdev_max_backlog) never
// overflows: losses must come from the queue under test only.
func sendBurst(t *testing.T, c *net.UDPConn, dst netip.AddrPort) {
	t.Helper()
	for i := 0; i < burst; i++ {
		if _, err := c.WriteToUDPAddrPort(dhcpPayload(i, 300), dst); err != nil {
			t.Fatal(err)
		}
		if i%50 == 49 {
			time.Sleep(time.Millisecond)
		}
	}
}

func waitStats(t *testing.T, d *Dispatcher, ok func(DispatchStats) bool) DispatchStats {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if st := d.Stats(); ok(st) {
			return st
		}
		time.Sleep(10 * time.Millisecond)
	}
	st := d.Stats()
	t.Fatalf("stats never reached the expected state: %+v", st)
	return st
}

func burstServer(t *testing.T, p *testnet.Pair, d *Dispatcher) *Set {
	cfg := DefaultIfacesConfig()
	cfg.Interfaces = []string{p.ServerIface}
	s := openSet(t, p.Server, SetConfig{Family: V4, Ifaces: cfg, Dispatcher: d, Options: Options{RecvBuffer: 8 << 20}})
	if len(s.Conns()) != 1 {
		t.Fatalf("sockets: %+v", s.Status())
	}
	return s
}

// A burst of 1,000 packets through the raw socket, batch receive and the
// worker pool: with a queue large enough none is lost.
func TestBurstNoLossWithLargeQueue(t *testing.T) {
	p := testnet.NewPair(t, "nb")
	p.AddClientAddrs()
	var mu sync.Mutex
	seen := map[int]bool{}
	d := NewDispatcher(DispatchConfig{Workers: 2, QueueSize: 2 * burst}, nil, func(pk *Packet) {
		mu.Lock()
		seen[seqOf(pk.Data)] = true
		mu.Unlock()
	})
	defer d.Close()
	s := burstServer(t, p, d)
	cli := clientUDP(t, p.Client, "udp4", testnet.ClientV4+":68", "")
	sendBurst(t, cli, netip.MustParseAddrPort("198.51.100.1:67"))
	st := waitStats(t, d, func(st DispatchStats) bool { return st.Processed >= burst })
	if st.Received != burst || st.Dropped != 0 || st.Processed != burst {
		t.Errorf("stats %+v", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != burst {
		t.Errorf("%d distinct packets handled, want %d", len(seen), burst)
	}
	if cs := s.Conns()[0].Stats(); cs.Received != burst || cs.Malformed != 0 {
		t.Errorf("socket stats %+v", cs)
	}
}

// With a small queue and a stuck worker, the queue keeps the newest packets
// and counts every one it drops (Kea's drop-oldest).
func TestBurstDropsOldestWhenQueueFull(t *testing.T) {
	p := testnet.NewPair(t, "nq")
	p.AddClientAddrs()
	const qsize = 10
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	var mu sync.Mutex
	var handled []int
	d := NewDispatcher(DispatchConfig{Workers: 1, QueueSize: qsize}, nil, func(pk *Packet) {
		select {
		case started <- struct{}{}:
			<-release // the first packet blocks the only worker
		default:
		}
		mu.Lock()
		handled = append(handled, seqOf(pk.Data))
		mu.Unlock()
	})
	defer d.Close()
	burstServer(t, p, d)
	cli := clientUDP(t, p.Client, "udp4", testnet.ClientV4+":68", "")
	sendBurst(t, cli, netip.MustParseAddrPort("198.51.100.1:67"))
	st := waitStats(t, d, func(st DispatchStats) bool { return st.Received >= burst })
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("worker never started")
	}
	if st.Received != burst || st.Dropped != burst-qsize-1 || st.Queued != qsize {
		t.Errorf("stats %+v, want %d received, %d dropped, %d queued", st, burst, burst-qsize-1, qsize)
	}
	close(release)
	st = waitStats(t, d, func(st DispatchStats) bool { return st.Processed >= qsize+1 })
	if st.Processed != qsize+1 {
		t.Errorf("processed %d", st.Processed)
	}
	mu.Lock()
	defer mu.Unlock()
	last := append([]int(nil), handled[1:]...)
	sort.Ints(last)
	var want []int
	for i := burst - qsize; i < burst; i++ {
		want = append(want, i)
	}
	if d := cmp.Diff(want, last); d != "" {
		t.Errorf("queued packets handled (-want +got):\n%s", d)
	}
}
