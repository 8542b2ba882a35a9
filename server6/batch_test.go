package server6

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/internal/hookstest"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// TestBatchedReplies drives the dispatcher's batch path: replies wait
// until the end of the batch, the batch's lease rows are all in the lease
// file when the first reply leaves, and pkt6-sent counts the replies once
// sent.
func TestBatchedReplies(t *testing.T) {
	file := filepath.Join(t.TempDir(), "leases6.csv")
	h := newHarnessWith(t, strings.Replace(testConfig, `"lease-database": {"type": "memfile", "persist": false}`,
		`"lease-database": {"type": "memfile", "persist": true, "name": "`+file+`"}`, 1))
	rows := func() int {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n") - 1
	}
	var rowsAtSend []int
	h.s.sender = func(p *netio.Packet) error {
		rowsAtSend = append(rowsAtSend, rows())
		h.replies = append(h.replies, &netio.Packet{Data: append([]byte(nil), p.Data...)})
		return nil
	}
	before := rows()
	h.replies = nil
	h.s.batchStart()
	// Rapid-commit SOLICITs: each commits an address and a prefix.
	for i := byte(1); i <= 3; i++ {
		h.s.handleBatched(h.packet(dhcp6.MsgSolicit, client{duid: duid(i), rapid: true, na: []uint32{1}, pd: []uint32{2}}))
	}
	if len(h.replies) != 0 || rows() != before {
		t.Fatalf("before the end of the batch: %d replies, %d rows written", len(h.replies), rows()-before)
	}
	if v := h.stat("pkt6-sent"); v != 0 {
		t.Fatalf("pkt6-sent %d before the end of the batch", v)
	}
	h.s.batchEnd()
	if len(h.replies) != 3 {
		t.Fatalf("%d replies, want 3", len(h.replies))
	}
	for i, n := range rowsAtSend {
		if n != before+6 {
			t.Errorf("reply %d sent with %d rows in the lease file, want %d", i, n, before+6)
		}
	}
	for _, r := range h.replies {
		var p dhcp6.Packet
		if err := p.Decode(r.Data); err != nil {
			t.Fatal(err)
		}
		if p.MsgType != dhcp6.MsgReply {
			t.Errorf("reply type %v, want REPLY", p.MsgType)
		}
	}
	if v := h.stat("pkt6-sent"); v != 3 {
		t.Errorf("pkt6-sent %d, want 3", v)
	}
}

// TestBatchedParkedReply: a query parked at leases6_committed and resumed
// before its batch ends is answered at once, after the batch's held lease
// rows are written.
func TestBatchedParkedReply(t *testing.T) {
	file := filepath.Join(t.TempDir(), "leases6.csv")
	rec := hookstest.New()
	t.Cleanup(rec.Close)
	text := strings.Replace(testConfig, `"lease-database": {"type": "memfile", "persist": false}`,
		`"hooks-libraries": [`+rec.Entry()+`],
  "lease-database": {"type": "memfile", "persist": true, "name": "`+file+`"}`, 1)
	h := newHarnessWith(t, text)
	rows := func() int {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n") - 1
	}
	sent := make(chan int, 1)
	h.s.sender = func(p *netio.Packet) error {
		sent <- rows()
		return nil
	}
	var lot hooks.ParkingLotHandle
	var parked *pkt.Pkt6
	rec.On("leases6_committed", func(ch *hooks.CalloutHandle) error {
		var ok bool
		if lot, ok = ch.ParkingLot(); !ok {
			return errors.New("no parking lot")
		}
		parked = hooks.MustGet[*pkt.Pkt6](ch, "query6")
		if _, err := lot.Reference(parked); err != nil {
			return err
		}
		ch.SetStatus(hooks.Park)
		return nil
	})
	before := rows()
	h.s.batchStart()
	h.s.handleBatched(h.packet(dhcp6.MsgSolicit, client{duid: duid(1), rapid: true, na: []uint32{1}}))
	if parked == nil {
		t.Fatal("query not parked")
	}
	go lot.Unpark(parked) // resumed while the batch is still open
	select {
	case n := <-sent:
		if n != before+1 {
			t.Errorf("REPLY sent with %d rows in the lease file, want %d", n, before+1)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reply after the query was resumed")
	}
	h.s.batchEnd()
	if n := rows(); n != before+1 {
		t.Errorf("%d rows after the batch, want %d", n, before+1)
	}
}
