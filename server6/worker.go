package server6

import (
	"github.com/nestordhcp/nestor/config"
	"net/netip"

	"github.com/nestordhcp/nestor/alloc"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/eval"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// worker is the state of one packet being processed; workers are pooled
// so that buffers are reused from packet to packet.
type worker struct {
	// extInfoFn is the engine's ExtendedInfo function (extinfo.go),
	// made once.
	extInfoFn func([]byte) []byte
	srv       *Server
	snap      *snapshot

	raw  []byte
	q    pkt.Pkt6
	r    pkt.Pkt6 // the reply, decoded only for hook callouts
	conn netio.Conn
	out  *netio.Packet
	enc  []byte
	enc2 []byte            // the reply packed again after pkt6_send callouts
	ids  []host.Identifier // the client's host identifiers, reused per packet
	opt  []byte            // encoded top-level options of the reply
	// items are the reply's top-level options as spans of opt, sorted by
	// code before encoding as Kea's option multimap orders them.
	items []item

	ectx      eval.Context6
	actx      alloc.Context6
	hosts     map[uint32]*host.Host6
	allocated []netip.Prefix
	subnet    *subnet6
	host      *host.Host6
	pools     []*pool6
	levels    []*optSet
	// leases and deleted are leases6_committed's collections.
	leases, deleted Lease6Collection
	replyType       dhcp6.MessageType
	// deferSend queues the reply for the end of the dispatcher's batch
	// (batch.go) instead of sending it at once.
	deferSend bool
	// The Client FQDN reply being prepared (fqdn.go).
	fqdnSent  bool
	fqdnFlags byte
	fqdnName  string
	fqdnBuf   []byte
	// ddnsPrev and ddnsRemoved are the engine's Previous and
	// RemovedLeases for the DNS removals (ddns.go).
	ddnsPrev, ddnsRemoved []*lease.Lease6
	// nameFromHost is w.reservedName, bound once (alloc.Context6's
	// NameFromHost).
	nameFromHost func(*config.Subnet6, *host.Host6) (string, bool)
}

type item struct {
	code       uint16
	start, end int
}

// Lease6Collection is the Go type of the leases6 and deleted_leases6
// arguments of leases6_committed (passed as a pointer).
type Lease6Collection []*lease.Lease6

// Subnet6Collection is the Go type of subnet6_select's subnet6collection
// argument (passed as a pointer): every configured subnet, not to be
// modified.
type Subnet6Collection []*config.Subnet6

func newWorker(s *Server) *worker {
	w := &worker{
		srv:   s,
		raw:   make([]byte, 0, netio.MaxPayload),
		out:   netio.NewPacket(),
		enc:   make([]byte, 0, 1500),
		enc2:  make([]byte, 0, 1500),
		opt:   make([]byte, 0, 1024),
		hosts: make(map[uint32]*host.Host6, 2),
	}
	w.nameFromHost = w.reservedName
	return w
}

func (w *worker) reset() {
	w.q.Reset()
	w.conn = nil
	w.opt = w.opt[:0]
	w.items = w.items[:0]
	w.actx = alloc.Context6{}
	clear(w.hosts)
	w.allocated = w.allocated[:0]
	w.subnet, w.host = nil, nil
	w.pools = w.pools[:0]
	w.levels = w.levels[:0]
	w.leases, w.deleted = w.leases[:0], w.deleted[:0]
	w.replyType = 0
	w.fqdnSent, w.fqdnName = false, ""
	w.ddnsPrev, w.ddnsRemoved = w.ddnsPrev[:0], w.ddnsRemoved[:0]
}

func (w *worker) load(np *netio.Packet) {
	w.raw = append(w.raw[:0], np.Data...)
	w.q.Raw = w.raw
	w.q.IfName, w.q.IfIndex = np.IfName, np.IfIndex
	w.q.Src, w.q.Dst = np.Src, np.Dst
	w.q.Len = len(np.Data)
	w.conn = np.Conn
}

func (w *worker) has(class string) bool { return w.q.Classes.Has(class) }

// add appends a top-level option to the reply.
func (w *worker) add(code dhcp6.OptionCode, data []byte) {
	start := len(w.opt)
	w.opt = appendOption(w.opt, uint16(code), data)
	w.items = append(w.items, item{uint16(code), start, len(w.opt)})
}

// hasItem reports whether the reply has an option with the code.
func (w *worker) hasItem(code uint16) bool {
	for _, it := range w.items {
		if it.code == code {
			return true
		}
	}
	return false
}

// openIA starts an IA_NA or IA_PD in w.opt; closeIA ends it.
func (w *worker) openIA(code dhcp6.OptionCode, iaid, t1, t2 uint32) int {
	start := len(w.opt)
	w.opt = append(w.opt, byte(code>>8), byte(code), 0, 0,
		byte(iaid>>24), byte(iaid>>16), byte(iaid>>8), byte(iaid),
		byte(t1>>24), byte(t1>>16), byte(t1>>8), byte(t1),
		byte(t2>>24), byte(t2>>16), byte(t2>>8), byte(t2))
	return start
}

func (w *worker) closeIA(start int) {
	n := len(w.opt) - start - 4
	w.opt[start+2], w.opt[start+3] = byte(n>>8), byte(n)
	w.items = append(w.items, item{uint16(w.opt[start])<<8 | uint16(w.opt[start+1]), start, len(w.opt)})
}

// setT1T2 patches the T1 and T2 of the IA opened at start.
func (w *worker) setT1T2(start int, t1, t2 uint32) {
	b := w.opt[start+8:]
	b[0], b[1], b[2], b[3] = byte(t1>>24), byte(t1>>16), byte(t1>>8), byte(t1)
	b[4], b[5], b[6], b[7] = byte(t2>>24), byte(t2>>16), byte(t2>>8), byte(t2)
}

func (w *worker) addIAAddr(a netip.Addr, pref, valid uint32) {
	w.opt = append(w.opt, 0, byte(dhcp6.OptIAAddr), 0, 24)
	w.opt = append(w.opt, a.AsSlice()...)
	w.opt = be32(w.opt, pref)
	w.opt = be32(w.opt, valid)
}

func (w *worker) addIAPrefix(p netip.Prefix, pref, valid uint32) {
	w.addIAPrefixExclude(p, pref, valid, nil)
}

// addIAPrefixExclude appends an IAPREFIX holding a PD_EXCLUDE option with
// the payload exclude (none when nil).
func (w *worker) addIAPrefixExclude(p netip.Prefix, pref, valid uint32, exclude []byte) {
	n := 25
	if exclude != nil {
		n += 4 + len(exclude)
	}
	w.opt = append(w.opt, 0, byte(dhcp6.OptIAPrefix), byte(n>>8), byte(n))
	w.opt = be32(w.opt, pref)
	w.opt = be32(w.opt, valid)
	w.opt = append(w.opt, byte(p.Bits()))
	w.opt = append(w.opt, p.Addr().AsSlice()...)
	if exclude != nil {
		w.opt = append(w.opt, 0, byte(dhcp6.OptPDExclude), 0, byte(len(exclude)))
		w.opt = append(w.opt, exclude...)
	}
}

// addStatus appends a STATUS_CODE option inside whatever is being built.
func (w *worker) addStatus(code dhcp6.StatusCode, msg string) {
	n := 2 + len(msg)
	w.opt = append(w.opt, 0, byte(dhcp6.OptStatusCode), byte(n>>8), byte(n), byte(code>>8), byte(code))
	w.opt = append(w.opt, msg...)
}

// addTopStatus appends a top-level STATUS_CODE option.
func (w *worker) addTopStatus(code dhcp6.StatusCode, msg string) {
	start := len(w.opt)
	w.addStatus(code, msg)
	w.items = append(w.items, item{uint16(dhcp6.OptStatusCode), start, len(w.opt)})
}

func be32(b []byte, v uint32) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}
