package server4

import (
	"fmt"
	"strings"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// The socket path handles queries in batches: lease-file rows are held
// during a dispatcher batch and replies wait in the outbox until its end
// (see internal/outbox). Replies of parked queries (sent later, from a
// callout's goroutine) and of Server.Handle go out at once. A query that
// waited for its client's lock (multi-threading) runs later on its own
// goroutine as a batch of its own (Server.resume).

// outMeta is what a deferred reply keeps for after the send: the message
// type for the statistics and the query's label for a failure.
type outMeta struct {
	mt  dhcp4.MessageType
	lbl sentLabel
}

// sentLabel keeps the fields of Kea's packet label (pktLabel) of a query.
type sentLabel struct {
	htype uint8
	hlen  uint8
	hw    [16]byte
	xid   uint32
	cid   []byte
}

func (l *sentLabel) set(q *pkt.Pkt4, reuse []byte) {
	l.htype = q.HType
	hw := q.HWAddr()
	l.hlen = uint8(copy(l.hw[:], hw))
	l.xid = q.Xid
	l.cid = append(reuse[:0], q.ClientID()...)
}

func (l *sentLabel) String() string {
	return formatLabel(l.htype, l.hw[:l.hlen], l.cid, l.xid)
}

// formatLabel is Kea's packet label.
func formatLabel(htype uint8, hw, cid []byte, xid uint32) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[hwtype=%d ", htype)
	for i, x := range hw {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02x", x)
	}
	b.WriteString("], cid=[")
	if len(cid) > 0 {
		for i, x := range cid {
			if i > 0 {
				b.WriteByte(':')
			}
			fmt.Fprintf(&b, "%02x", x)
		}
	} else {
		b.WriteString("no info")
	}
	fmt.Fprintf(&b, "], tid=0x%x", xid)
	return b.String()
}

// handleBatched is the dispatcher's handler: like handle, with the reply
// deferred to the end of the batch.
func (s *Server) handleBatched(np *netio.Packet) {
	w := s.getWorker()
	w.deferSend = true
	w.o6 = nil
	if !w.process(np) {
		s.putWorker(w)
	}
}

// batchStart opens a hold on the lease store's writes and on the
// statistics clock (one clock reading per batch).
func (s *Server) batchStart() {
	s.stats.HoldClock()
	if g := s.grouper; g != nil {
		g.HoldWrites()
	}
}

// queueReply puts a packed reply in the outbox.
func (s *Server) queueReply(w *worker, r *pkt.Pkt4) error {
	p := s.outPool.Get()
	n := copy(p.Payload(), r.Raw)
	if err := p.SetPayload(n); err != nil {
		p.Release()
		return err
	}
	w.fillOut(p, r)
	m := outMeta{mt: r.MessageType()}
	m.lbl.set(&w.q, nil)
	s.outbox.Add(p, m)
	return nil
}

// batchEnd writes the held lease rows, then sends the replies waiting in
// the outbox (internal/outbox).
func (s *Server) batchEnd() {
	defer s.stats.ReleaseClock()
	s.outbox.End((*outHandler)(s))
}

// outHandler is the server as the outbox's handler.
type outHandler Server

func (h *outHandler) ReleaseWrites() error {
	if g := h.grouper; g != nil {
		return g.ReleaseWrites()
	}
	return nil
}

func (h *outHandler) SendSet() *netio.Set { return h.sendSet.Load() }

func (h *outHandler) Send(p *netio.Packet) error {
	if h.sender != nil {
		return h.sender(p)
	}
	return errNoSockets
}

func (h *outHandler) SendFailed(m *outMeta, err error) {
	h.log.Error(keamsg.DHCP4_PACKET_SEND_FAIL, &m.lbl, err)
}

func (h *outHandler) Sent(m *outMeta) { h.pstats.countSent(m.mt) }
