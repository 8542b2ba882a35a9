package server6

import (
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// The socket path handles queries in batches, as server4's does: lease-file
// rows are held during a dispatcher batch and replies wait in the outbox
// until its end (see internal/outbox). Server.Handle sends at once.

// outMeta is what a deferred reply keeps: its type (statistics) and the
// query's transaction id (DHCP6_PACKET_SEND_FAIL).
type outMeta struct {
	mt  dhcp6.MessageType
	xid uint32
}

// handleBatched is the dispatcher's handler: handle with the reply deferred
// to the end of the batch.
func (s *Server) handleBatched(np *netio.Packet) {
	w := s.workers.Get().(*worker)
	w.deferSend = true
	if !w.process(np) {
		w.deferSend = false
		s.putWorker(w)
	}
}

// flushHeld writes the lease rows held by the batches in progress (a
// query resumed from its parking lot before its batch ended); false when
// the write failed.
func (s *Server) flushHeld(xid uint32) bool {
	g := s.grouper
	if g == nil {
		return true
	}
	g.HoldWrites()
	if err := g.ReleaseWrites(); err != nil {
		s.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, xid, err)
		return false
	}
	return true
}

// batchStart holds the lease store's writes and the statistics clock.
func (s *Server) batchStart() {
	s.stats.HoldClock()
	if g := s.grouper; g != nil {
		g.HoldWrites()
	}
}

// queueReply puts a packed reply in the outbox.
func (s *Server) queueReply(w *worker, r *pkt.Pkt6) error {
	p := s.outPool.Get()
	n := copy(p.Payload(), r.Raw)
	if err := p.SetPayload(n); err != nil {
		p.Release()
		return err
	}
	p.IfIndex, p.IfName = r.IfIndex, r.IfName
	p.Src, p.Dst = r.Src, r.Dst
	p.Conn = w.conn
	s.outbox.Add(p, outMeta{mt: w.replyType, xid: w.q.TransactionID})
	return nil
}

// batchEnd writes the held lease rows, then sends the waiting replies
// (internal/outbox).
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
	h.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, m.xid, err)
}

func (h *outHandler) Sent(m *outMeta) { h.pstats.countSent(m.mt) }
