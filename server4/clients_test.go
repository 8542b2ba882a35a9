package server4

import (
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// blockLib holds the leases4_committed callout of the query with xid
// blockXid until release is closed, so that a query is in processing
// while others of the same client arrive.
type blockLib struct{}

const blockXid = 0xb10c

var (
	blockMu      sync.Mutex
	blockEntered chan struct{}
	blockRelease chan struct{}
)

func (blockLib) Load(h *hooks.LibraryHandle) error {
	return h.RegisterCallout("leases4_committed", func(h *hooks.CalloutHandle) error {
		q, err := hooks.Get[*pkt.Pkt4](h, "query4")
		if err != nil || q.Xid != blockXid {
			return err
		}
		blockMu.Lock()
		entered, release := blockEntered, blockRelease
		blockMu.Unlock()
		close(entered)
		<-release
		return nil
	})
}
func (blockLib) Unload() error                  { return nil }
func (blockLib) MultiThreadingCompatible() bool { return true }

func init() {
	hooks.RegisterLibrary("libtest_block4.so", func() hooks.Library { return blockLib{} })
}

// send hands a query to the server as the socket layer would.
func (ts *testServer) send(t *testing.T, q *dhcp4.Packet) {
	t.Helper()
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	np := netio.NewPacket()
	np.SetPayload(copy(np.Payload(), b))
	np.Src = relay
	np.Dst = netip.MustParseAddrPort("198.51.100.1:67")
	np.IfName, np.IfIndex = "eth0", 2
	ts.Handle(np)
}

// replyXids returns the xids of the replies sent so far.
func (ts *testServer) replyXids(t *testing.T) []uint32 {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var out []uint32
	for _, np := range ts.replies {
		r := &dhcp4.Packet{}
		if err := r.Decode(np.Data); err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Xid)
	}
	return out
}

// TestClientSerialisation checks Kea's ClientHandler in multi-threaded
// mode: while a REQUEST of a client is in processing, a second query of
// the same client (same hardware address, or same client identifier)
// waits, a third replaces it (and is counted in pkt4-receive-drop), and
// the waiting one is processed when the first finishes. Other clients are
// not held up. In single-threaded mode nothing waits.
func TestClientSerialisation(t *testing.T) {
	cfg := strings.Replace(testConfig, `"multi-threading": {"enable-multi-threading": false},`,
		`"multi-threading": {"enable-multi-threading": true, "thread-pool-size": 4},
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libtest_block4.so"}],`, 1)
	for _, tc := range []struct {
		name string
		// mac and client-id of the second and third queries
		mac2, mac3 byte
		cid        bool
	}{
		{"same hardware address", 1, 1, false},
		{"same client identifier", 2, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, cfg)
			blockMu.Lock()
			blockEntered, blockRelease = make(chan struct{}), make(chan struct{})
			entered, release := blockEntered, blockRelease
			blockMu.Unlock()
			var opts []dhcp4.Option
			if tc.cid {
				opts = append(opts, dhcp4.Option{Code: dhcp4.OptionClientIdentifier, Data: []byte{1, 2, 0, 0, 0, 0, 1}})
			}
			first := query(dhcp4.DHCPREQUEST, 1, opts...)
			first.Xid = blockXid
			done := make(chan struct{})
			go func() { ts.send(t, first); close(done) }()
			select {
			case <-entered:
			case <-time.After(5 * time.Second):
				t.Fatal("the first query never reached leases4_committed")
			}
			drops := ts.stats.Counter("pkt4-receive-drop").Value()
			second := query(dhcp4.DHCPDISCOVER, tc.mac2, opts...)
			second.Xid = 2
			ts.send(t, second) // waits for the first
			third := query(dhcp4.DHCPDISCOVER, tc.mac3, opts...)
			third.Xid = 3
			ts.send(t, third) // replaces the second
			other := query(dhcp4.DHCPDISCOVER, 9)
			other.Xid = 9
			ts.send(t, other) // another client: answered at once
			if got := ts.replyXids(t); len(got) != 1 || got[0] != 9 {
				t.Errorf("replies while the first query is held: %x, want only 9", got)
			}
			if d := ts.stats.Counter("pkt4-receive-drop").Value() - drops; d != 1 {
				t.Errorf("pkt4-receive-drop moved by %d, want 1 (the replaced query)", d)
			}
			close(release)
			<-done
			deadline := time.Now().Add(5 * time.Second)
			for len(ts.replyXids(t)) < 3 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if got := ts.replyXids(t); len(got) != 3 || got[1] != blockXid || got[2] != 3 {
				t.Errorf("replies %x, want 9, %x, then 3 (2 dropped)", got, blockXid)
			}
		})
	}
}

// TestWaitingBatchedQueryAnswered: a query received in a dispatcher batch
// that waits for its client's lock is answered when the lock is released,
// though its batch ended long before. It used to be queued in the outbox
// for a batch end that never came (until the next packet): the second
// copy of a broadcast DISCOVER seen by two raw sockets of an interface got
// no OFFER (TestE2EBroadcastServerIDTwoAddresses failed one run in three).
func TestWaitingBatchedQueryAnswered(t *testing.T) {
	cfg := strings.Replace(testConfig, `"multi-threading": {"enable-multi-threading": false},`,
		`"multi-threading": {"enable-multi-threading": true, "thread-pool-size": 4},
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libtest_block4.so"}],`, 1)
	ts := newTestServer(t, cfg)
	blockMu.Lock()
	blockEntered, blockRelease = make(chan struct{}), make(chan struct{})
	entered, release := blockEntered, blockRelease
	blockMu.Unlock()
	// The holder goes through Handle (sent at once, no batch): no batch
	// end of its own can flush the waiting query's reply by chance.
	first := query(dhcp4.DHCPREQUEST, 1)
	first.Xid = blockXid
	done := make(chan struct{})
	go func() { ts.send(t, first); close(done) }()
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the first query never reached leases4_committed")
	}
	second := query(dhcp4.DHCPDISCOVER, 1)
	second.Xid = 2
	b, err := second.Encode()
	if err != nil {
		t.Fatal(err)
	}
	np := netio.NewPacket()
	np.SetPayload(copy(np.Payload(), b))
	np.Src, np.Dst = relay, netip.MustParseAddrPort("198.51.100.1:67")
	np.IfName, np.IfIndex = "eth0", 2
	sent := ts.pstats.sent.Value()
	ts.batchStart()
	ts.handleBatched(np) // waits for the first
	ts.batchEnd()
	if got := ts.replyXids(t); len(got) != 0 {
		t.Fatalf("replies while the first query is held: %x, want none", got)
	}
	close(release)
	<-done
	// Bounded wait for the resumed query's goroutine.
	deadline := time.Now().Add(10 * time.Second)
	for len(ts.replyXids(t)) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := ts.replyXids(t); len(got) != 2 || got[0] != blockXid || got[1] != 2 {
		t.Fatalf("replies %x, want %x then 2", got, blockXid)
	}
	if d := ts.pstats.sent.Value() - sent; d != 2 {
		t.Errorf("pkt4-sent moved by %d, want 2", d)
	}
}

// BenchmarkClientLocks is the cost of the per-client locks of
// multi-threaded mode on the packet path (one lock and unlock by hardware
// address and one by client identifier).
func BenchmarkClientLocks(b *testing.B) {
	ts := benchServer(b)
	w := newWorker(ts.Server)
	w.q.Packet = *query(dhcp4.DHCPDISCOVER, 1, dhcp4.Option{Code: dhcp4.OptionClientIdentifier, Data: []byte{1, 2, 0, 0, 0, 0, 1}})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		keys, ok := ts.clients.tryLock(w)
		if !ok {
			b.Fatal("lock held")
		}
		ts.clients.unlock(keys)
	}
}
