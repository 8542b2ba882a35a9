package server6

import (
	"sync"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// The socket path handles queries in batches, as server4's does (see
// server4/batch.go): lease-file rows are held during a dispatcher batch and
// written with one write(2) at its end, then the replies, which waited in
// the outbox, are sent with one sendmmsg per socket. Every lease is in the
// file before its reply leaves. Server.Handle sends at once.

type outbox struct {
	mu   sync.Mutex
	cur  *outBatch
	pool sync.Pool
}

type outBatch struct {
	out  []outReply
	pkts []*netio.Packet
}

// outReply is a deferred reply with its type (statistics) and the query's
// transaction id (DHCP6_PACKET_SEND_FAIL).
type outReply struct {
	p   *netio.Packet
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
	ob := &s.outbox
	ob.mu.Lock()
	b := ob.cur
	if b == nil {
		b, _ = ob.pool.Get().(*outBatch)
		if b == nil {
			b = &outBatch{}
		}
		ob.cur = b
	}
	b.out = append(b.out, outReply{p: p, mt: w.replyType, xid: w.q.TransactionID})
	ob.mu.Unlock()
	return nil
}

// batchEnd writes the held lease rows, then sends the waiting replies;
// when the rows cannot be written the replies are dropped.
func (s *Server) batchEnd() {
	defer s.stats.ReleaseClock()
	ob := &s.outbox
	ob.mu.Lock()
	b := ob.cur
	ob.cur = nil
	ob.mu.Unlock()
	var werr error
	if g := s.grouper; g != nil {
		werr = g.ReleaseWrites()
	}
	if b == nil {
		return
	}
	if werr != nil {
		for i := range b.out {
			s.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, b.out[i].xid, werr)
		}
	} else {
		s.sendOut(b)
	}
	for i := range b.out {
		b.out[i].p.Release()
		b.out[i].p = nil
	}
	b.out = b.out[:0]
	ob.pool.Put(b)
}

func (s *Server) sendOut(b *outBatch) {
	out := b.out
	if set := s.sendSet.Load(); set != nil {
		pkts := b.pkts[:0]
		for i := range out {
			pkts = append(pkts, out[i].p)
		}
		set.SendBatch(pkts, func(p *netio.Packet, err error) {
			for i := range out {
				if out[i].p == p {
					s.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, out[i].xid, err)
				}
			}
			p.Data = nil
		})
		clear(pkts)
		b.pkts = pkts[:0]
	} else {
		for i := range out {
			err := errNoSockets
			if s.sender != nil {
				err = s.sender(out[i].p)
			}
			if err != nil {
				s.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, out[i].xid, err)
				out[i].p.Data = nil
			}
		}
	}
	for i := range out {
		if out[i].p.Data != nil {
			s.pstats.countSent(out[i].mt)
		}
	}
}
