package server4

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/netio"
)

// TestBatchedReplies drives the dispatcher's batch path (batchStart,
// handleBatched, batchEnd): the replies of a batch are held until the end
// of the batch, the lease rows of the batch are in the lease file when the
// first reply is sent (group commit), and pkt4-sent counts the replies
// once they are sent.
func TestBatchedReplies(t *testing.T) {
	ts := newTestServer(t, testConfig)
	leaseFile := filepath.Join(ts.dir, "leases4.csv")
	rows := func() int {
		b, err := os.ReadFile(leaseFile)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n") - 1
	}
	var rowsAtSend []int
	ts.sender = func(p *netio.Packet) error {
		rowsAtSend = append(rowsAtSend, rows())
		c := netio.NewPacket()
		c.SetPayload(copy(c.Payload(), p.Data))
		ts.replies = append(ts.replies, c)
		return nil
	}
	packet := func(q *dhcp4.Packet) *netio.Packet {
		b, err := q.Encode()
		if err != nil {
			t.Fatal(err)
		}
		np := netio.NewPacket()
		np.SetPayload(copy(np.Payload(), b))
		np.Src = relay
		np.Dst = netip.MustParseAddrPort("198.51.100.1:67")
		np.IfName, np.IfIndex = "eth0", 2
		return np
	}
	sent := ts.pstats.sent
	// Batch 1: three DISCOVERs; offers are not written to the lease file.
	ts.batchStart()
	for mac := byte(1); mac <= 3; mac++ {
		ts.handleBatched(packet(query(dhcp4.DHCPDISCOVER, mac)))
	}
	if len(ts.replies) != 0 {
		t.Fatalf("%d replies sent before the end of the batch", len(ts.replies))
	}
	if v := sent.Value(); v != 0 {
		t.Fatalf("pkt4-sent %d before the end of the batch", v)
	}
	ts.batchEnd()
	if len(ts.replies) != 3 || sent.Value() != 3 {
		t.Fatalf("after the batch: %d replies, pkt4-sent %d, want 3 and 3", len(ts.replies), sent.Value())
	}
	offers := map[byte]dhcp4.IPv4{}
	for _, r := range ts.replies {
		var p dhcp4.Packet
		if err := p.Decode(r.Data); err != nil {
			t.Fatal(err)
		}
		if p.MessageType() != dhcp4.DHCPOFFER {
			t.Fatalf("reply %v, want OFFER", p.MessageType())
		}
		offers[p.CHAddr[5]] = p.YIAddr
	}
	// Batch 2: three REQUESTs; their three rows are written together
	// before the first ACK leaves.
	ts.replies, rowsAtSend = nil, nil
	before := rows()
	ts.batchStart()
	for mac := byte(1); mac <= 3; mac++ {
		a := offers[mac]
		ts.handleBatched(packet(query(dhcp4.DHCPREQUEST, mac,
			dhcp4.Option{Code: 50, Data: a[:]}, dhcp4.Option{Code: 54, Data: ip("198.51.100.1")})))
	}
	if n := rows(); n != before {
		t.Fatalf("%d rows written before the end of the batch", n-before)
	}
	ts.batchEnd()
	if len(ts.replies) != 3 {
		t.Fatalf("%d ACKs, want 3", len(ts.replies))
	}
	for i, n := range rowsAtSend {
		if n != before+3 {
			t.Errorf("ACK %d sent with %d rows in the lease file, want %d", i, n, before+3)
		}
	}
	if v := sent.Value(); v != 6 {
		t.Errorf("pkt4-sent %d, want 6", v)
	}
}

// parkLib parks every query at leases4_committed.
type parkLib struct{}

func (parkLib) Load(h *hooks.LibraryHandle) error {
	return h.RegisterCallout("leases4_committed", func(h *hooks.CalloutHandle) error {
		h.SetStatus(hooks.Park)
		return nil
	})
}

func (parkLib) Unload() error { return nil }

func init() {
	hooks.RegisterLibrary("libtest_batch_park.so", func() hooks.Library { return parkLib{} })
}

// TestBatchedParkedReply: a query parked at leases4_committed and resumed
// while its batch is still open is answered at once, and its lease row
// (held by the batch) is written before that reply.
func TestBatchedParkedReply(t *testing.T) {
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, `"valid-lifetime": 4000,
  "hooks-libraries": [{"library": "/opt/test/libtest_batch_park.so"}],`, 1)
	ts := newTestServer(t, cfg)
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 5), relay)
	if off == nil {
		t.Fatal("no OFFER")
	}
	leaseFile := filepath.Join(ts.dir, "leases4.csv")
	rows := func() int {
		b, err := os.ReadFile(leaseFile)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n") - 1
	}
	before := rows()
	sent := make(chan int, 1)
	ts.sender = func(p *netio.Packet) error {
		sent <- rows()
		return nil
	}
	b, err := query(dhcp4.DHCPREQUEST, 5, dhcp4.Option{Code: 50, Data: off.YIAddr[:]},
		dhcp4.Option{Code: 54, Data: ip("198.51.100.1")}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	np := netio.NewPacket()
	np.SetPayload(copy(np.Payload(), b))
	np.Src, np.Dst = relay, netip.MustParseAddrPort("198.51.100.1:67")
	np.IfName, np.IfIndex = "eth0", 2
	ts.batchStart()
	// handleBatched, keeping the worker (the parked object) at hand.
	w := ts.getWorker()
	w.deferSend = true
	if !w.process(np) {
		t.Fatal("query not parked")
	}
	if rows() != before {
		t.Fatal("row written before the end of the batch")
	}
	go ts.hooks.Unpark(hooks.Leases4Committed, &w.q)
	select {
	case n := <-sent:
		if n != before+1 {
			t.Errorf("ACK sent with %d rows in the lease file, want %d", n, before+1)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reply after the query was resumed")
	}
	ts.batchEnd()
	if n := rows(); n != before+1 {
		t.Errorf("%d rows after the batch, want %d", n, before+1)
	}
}
