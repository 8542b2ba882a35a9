// Package outbox holds the replies of the DHCPv4 and DHCPv6 servers'
// packet batches until the batch ends.
//
// The socket path handles queries in batches (netio.DispatchConfig's
// BatchStart and BatchEnd): the lease store holds its lease-file rows
// while the queries of a batch are processed, and their replies wait in
// an Outbox. At the end of the batch the rows are written with one
// write(2) and then the replies are sent with one sendmmsg per socket, so
// every lease is in the file before its reply leaves, as in Kea, but a
// burst of queries costs two system calls instead of two per query.
//
// M is what a server keeps with a reply for after the send: the message
// type for its statistics and what it logs when the reply cannot be sent.
package outbox

import (
	"sync"

	"github.com/nestordhcp/nestor/netio"
)

// Handler is the server's side of a batch end.
type Handler[M any] interface {
	// ReleaseWrites writes the lease-file rows held during the batch
	// (lease.WriteGrouper); nil when nothing was held.
	ReleaseWrites() error
	// SendSet is the socket set to send through; nil: Send one by one.
	SendSet() *netio.Set
	// Send sends one reply when there is no socket set.
	Send(p *netio.Packet) error
	// SendFailed reports a reply that was not sent: its rows could not
	// be written, or the send failed.
	SendFailed(m *M, err error)
	// Sent counts a reply that was sent.
	Sent(m *M)
}

// Reply is a reply waiting for its batch's end.
type Reply[M any] struct {
	P    *netio.Packet
	Meta M
}

// Outbox collects the replies of the batches in progress.
type Outbox[M any] struct {
	mu   sync.Mutex
	cur  *batch[M]
	pool sync.Pool
}

// batch is the replies waiting for one batch end.
type batch[M any] struct {
	out  []Reply[M]
	pkts []*netio.Packet
}

// Add puts a packed reply in the outbox; the outbox releases p once it
// is sent or dropped.
func (o *Outbox[M]) Add(p *netio.Packet, m M) {
	o.mu.Lock()
	b := o.cur
	if b == nil {
		b, _ = o.pool.Get().(*batch[M])
		if b == nil {
			b = &batch[M]{}
		}
		o.cur = b
	}
	b.out = append(b.out, Reply[M]{P: p, Meta: m})
	o.mu.Unlock()
}

// End writes the held lease rows, then sends the replies waiting in the
// outbox. When the rows cannot be written the replies are dropped (each
// reported to SendFailed): their leases are not in the lease file.
func (o *Outbox[M]) End(h Handler[M]) {
	o.mu.Lock()
	b := o.cur
	o.cur = nil
	o.mu.Unlock()
	werr := h.ReleaseWrites()
	if b == nil {
		return
	}
	out := b.out
	switch {
	case len(out) == 0:
	case werr != nil:
		for i := range out {
			h.SendFailed(&out[i].Meta, werr)
		}
	default:
		b.send(h)
	}
	var zero M
	for i := range out {
		out[i].P.Release()
		out[i].P = nil
		out[i].Meta = zero
	}
	b.out = out[:0]
	o.pool.Put(b)
}

// send sends the replies and counts them.
func (b *batch[M]) send(h Handler[M]) {
	out := b.out
	if set := h.SendSet(); set != nil {
		pkts := b.pkts[:0]
		for i := range out {
			pkts = append(pkts, out[i].P)
		}
		set.SendBatch(pkts, func(p *netio.Packet, err error) {
			for i := range out {
				if out[i].P == p {
					h.SendFailed(&out[i].Meta, err)
				}
			}
			p.Data = nil
		})
		clear(pkts)
		b.pkts = pkts[:0]
	} else {
		for i := range out {
			if err := h.Send(out[i].P); err != nil {
				h.SendFailed(&out[i].Meta, err)
				out[i].P.Data = nil
			}
		}
	}
	for i := range out {
		if out[i].P.Data != nil {
			h.Sent(&out[i].Meta)
		}
	}
}
