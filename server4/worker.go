package server4

import (
	"net/netip"

	"github.com/nestordhcp/nestor/alloc"
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/eval"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/option"
	"github.com/nestordhcp/nestor/pkt"
)

// worker is the state of one packet being processed. Workers are pooled:
// a packet goroutine takes one, processes a query with it and gives it
// back, so the query, the response, the buffers and the contexts are
// reused from packet to packet. A parked query keeps its worker until it
// is unparked.
type worker struct {
	srv  *Server
	snap *snapshot

	raw  []byte // the query's bytes, copied from the socket buffer
	q, r pkt.Pkt4
	conn netio.Conn
	out  *netio.Packet
	enc  []byte

	ectx  eval.Context4
	actx  alloc.Context4
	ids   []host.Identifier
	hosts map[uint32]*host.Host

	subnet *subnet4 // selected subnet (nil: none)
	host   *host.Host
	lease  *lease.Lease4
	// leases and deleted are leases4_committed's collections.
	leases, deleted Lease4Collection

	levels  []*optSet // option precedence list of the reply
	hasResp bool      // r holds a reply to send
	// deferSend queues the reply for the end of the dispatcher's batch
	// (batch.go) instead of sending it at once.
	deferSend bool
	scratch   []byte
	// unpacked is set after the first classification pass (Kea's
	// deferredUnpack); defs then are the definitions option 43 is read
	// with when a class of the query defines it (nil: the global set).
	unpacked bool
	defs     *option.DefSet
	// extInfo is mergeExtendedInfo bound once, so that handing it to the
	// allocation engine costs no allocation per packet.
	extInfo func([]byte) []byte
	// o6 is set for a DHCPv4-over-DHCPv6 query (dhcp4o6.go), nil for
	// one from a socket: set by whoever calls process.
	o6 *query4o6
}

// Lease4Collection is the Go type of the leases4 and deleted_leases4
// arguments of leases4_committed and lease4_offer (passed as a pointer).
type Lease4Collection []*lease.Lease4

// Subnet4Collection is the Go type of subnet4_select's subnet4collection
// argument (passed as a pointer).
type Subnet4Collection []*config.Subnet4

func newWorker(s *Server) *worker {
	w := &worker{
		srv:     s,
		raw:     make([]byte, 0, netio.MaxPayload),
		out:     netio.NewPacket(),
		enc:     make([]byte, 0, 1500),
		hosts:   make(map[uint32]*host.Host, 2),
		scratch: make([]byte, 0, 256),
	}
	w.extInfo = w.mergeExtendedInfo
	return w
}

// reset prepares the worker for a new query.
func (w *worker) reset() {
	w.q.Reset()
	w.r.Reset()
	w.conn = nil
	w.subnet, w.host, w.lease = nil, nil, nil
	w.leases, w.deleted = w.leases[:0], w.deleted[:0]
	w.levels = w.levels[:0]
	w.hasResp = false
	w.ids = w.ids[:0]
	clear(w.hosts)
	w.actx = alloc.Context4{Label: w.label()}
	w.unpacked, w.defs = false, nil
}

// load copies a received packet into the worker.
func (w *worker) load(np *netio.Packet) {
	w.raw = append(w.raw[:0], np.Data...)
	w.q.Raw = w.raw
	w.q.IfName, w.q.IfIndex = np.IfName, np.IfIndex
	w.q.Src, w.q.Dst = np.Src, np.Dst
	w.q.SrcMAC, w.q.DstMAC = np.SrcMAC, np.DstMAC
	w.q.Len = len(np.Data)
	w.conn = np.Conn
}

// has reports whether the query is in a class.
func (w *worker) has(class string) bool { return w.q.Classes.Has(class) }

// isRelayed is Kea's Pkt4::isRelayed: giaddr set and not broadcast.
func isRelayed(p *pkt.Pkt4) bool {
	g := p.GIAddr
	return !g.IsZero() && g != [4]byte{255, 255, 255, 255}
}

// receivedOnBroadcast reports whether the query was sent to
// 255.255.255.255.
func receivedOnBroadcast(p *pkt.Pkt4) bool {
	return p.Dst.Addr() == netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// localAddr is the server address of the exchange: the query's
// destination, or, when the query was broadcast, the address of the first
// IPv4 socket open on the interface it came in on (Kea's
// getSocket(query).addr_: no socket is bound to 255.255.255.255, so Kea
// takes the interface's first one). With raw sockets every socket of an
// interface receives a broadcast, one copy each: each copy is answered from
// the same address, as Kea answers them.
func (w *worker) localAddr() netip.Addr {
	if w.o6 != nil {
		// Kea takes the socket of the interface the DHCPv6 server
		// received the query on.
		a, _ := w.srv.firstSocketAddr(w.q.IfIndex)
		return a
	}
	a := w.q.Dst.Addr()
	if (!a.IsValid() || receivedOnBroadcast(&w.q) || a.IsUnspecified()) && w.conn != nil {
		if first, ok := w.srv.firstSocketAddr(w.q.IfIndex); ok {
			return first
		}
		return w.conn.Spec().Addr
	}
	return a
}
