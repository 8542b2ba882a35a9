package server4

import (
	"fmt"
	"strings"
	"sync"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// The socket path handles queries in batches (netio.DispatchConfig's
// BatchStart and BatchEnd): the lease store holds its lease-file rows
// while the queries of a batch are processed, and their replies wait in
// an outbox. At the end of the batch the rows are written with one
// write(2) and then the replies are sent with one sendmmsg per socket, so
// every lease is in the file before its reply leaves, as in Kea, but a
// burst of queries costs two system calls instead of two per query.
//
// Replies of parked queries (sent later, from a callout's goroutine) and
// of Server.Handle go out at once, as before. A query that waited for its
// client's lock (multi-threading) runs later on its own goroutine as a
// batch of its own (Server.resume).

// outbox collects the replies of the batches in progress.
type outbox struct {
	mu   sync.Mutex
	cur  *outBatch
	pool sync.Pool
}

// outBatch is the replies waiting for one batch end.
type outBatch struct {
	out  []outReply
	pkts []*netio.Packet
}

// outReply is a deferred reply with what send needs afterwards: the
// message type for the statistics and the query's label for a failure.
type outReply struct {
	p   *netio.Packet
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

// queue puts a packed reply in the outbox.
func (s *Server) queueReply(w *worker, r *pkt.Pkt4) error {
	p := s.outPool.Get()
	n := copy(p.Payload(), r.Raw)
	if err := p.SetPayload(n); err != nil {
		p.Release()
		return err
	}
	w.fillOut(p, r)
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
	b.out = append(b.out, outReply{p: p, mt: r.MessageType()})
	o := &b.out[len(b.out)-1]
	o.lbl.set(&w.q, o.lbl.cid)
	ob.mu.Unlock()
	return nil
}

// batchEnd writes the held lease rows, then sends the replies waiting in
// the outbox. When the rows cannot be written the replies are dropped:
// their leases are not in the lease file.
func (s *Server) batchEnd() {
	defer s.stats.ReleaseClock()
	ob := &s.outbox
	ob.mu.Lock()
	b := ob.cur
	ob.cur = nil
	ob.mu.Unlock()
	var out []outReply
	if b != nil {
		out = b.out
	}
	var werr error
	if g := s.grouper; g != nil {
		werr = g.ReleaseWrites()
	}
	switch {
	case len(out) == 0:
	case werr != nil:
		for i := range out {
			s.log.Error(keamsg.DHCP4_PACKET_SEND_FAIL, &out[i].lbl, werr)
		}
	default:
		s.sendOut(b)
	}
	if b == nil {
		return
	}
	for i := range out {
		out[i].p.Release()
		out[i].p = nil
	}
	b.out = out[:0]
	ob.pool.Put(b)
}

// sendOut sends the replies and counts them.
func (s *Server) sendOut(b *outBatch) {
	out := b.out
	set := s.sendSet.Load()
	failed := 0
	if set == nil {
		for i := range out {
			o := &out[i]
			err := errNoSockets
			if s.sender != nil {
				err = s.sender(o.p)
			}
			if err != nil {
				s.log.Error(keamsg.DHCP4_PACKET_SEND_FAIL, &o.lbl, err)
				o.p.Data = nil
				failed++
			}
		}
	} else {
		pkts := b.pkts[:0]
		for i := range out {
			pkts = append(pkts, out[i].p)
		}
		set.SendBatch(pkts, func(p *netio.Packet, err error) {
			for i := range out {
				if out[i].p == p {
					s.log.Error(keamsg.DHCP4_PACKET_SEND_FAIL, &out[i].lbl, err)
				}
			}
			p.Data = nil
		})
		clear(pkts)
		b.pkts = pkts[:0]
	}
	for i := range out {
		if out[i].p.Data != nil {
			s.pstats.countSent(out[i].mt)
		}
	}
}
