package server4

import (
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// Default DHCPv4 ports.
const (
	serverPort4 = 67
	clientPort4 = 68
)

var broadcast4 = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// adjustIfaceData sets where the reply goes (Kea's adjustIfaceData and
// adjustRemoteAddr): the destination address and port, the source address
// and port and the interface.
func (w *worker) adjustIfaceData() {
	q, r := &w.q, &w.r
	s := w.srv
	mt := q.MessageType()
	relayed := isRelayed(q)
	var dst netip.Addr
	switch {
	case w.o6 != nil:
		dst = q.Src.Addr()
	case mt == dhcp4.DHCPINFORM:
		switch {
		case !q.CIAddr.IsZero():
			dst = q.CIAddr.Addr()
		case relayed:
			dst = q.GIAddr.Addr()
			r.Flags |= dhcp4.FlagBroadcast
		default:
			dst = q.Src.Addr()
		}
	case relayed:
		dst = q.GIAddr.Addr()
	case !q.CIAddr.IsZero():
		dst = q.CIAddr.Addr()
	case r.MessageType() == dhcp4.DHCPNAK:
		dst = broadcast4
	case !r.YIAddr.IsZero():
		if q.Flags&dhcp4.FlagBroadcast != 0 || !w.directResponse() {
			dst = broadcast4
		} else {
			dst = r.YIAddr.Addr()
		}
	default:
		dst = q.Src.Addr()
	}
	var port uint16
	switch {
	case s.opts.ClientPort != 0:
		port = s.opts.ClientPort
	case mt == dhcp4.DHCPINFORM && (!q.CIAddr.IsZero() || (!relayed && validNonZero(q.Src.Addr()))), !relayed:
		port = clientPort4
	default:
		port = serverPort4
		if rai, ok := q.RelayAgentInfo(); ok {
			if _, present := rai.RelayPort(); present && q.Src.Port() != 0 {
				port = q.Src.Port()
			}
		}
	}
	r.Dst = netip.AddrPortFrom(dst, port)
	src := w.localAddr()
	r.IfName, r.IfIndex = q.IfName, q.IfIndex
	if relayed && w.snap.useRouting {
		src = netip.IPv4Unspecified()
		r.IfIndex = 0
	}
	r.Src = netip.AddrPortFrom(src, s.serverPort())
	r.DstMAC = q.SrcMAC
	r.SrcMAC = q.DstMAC
}

// directResponse reports whether the socket the query came in on can
// reach a client without an address (raw sockets can; UDP sockets cannot).
func (w *worker) directResponse() bool {
	return w.conn != nil && w.conn.Spec().Kind == netio.KindRaw4
}

// send runs pkt4_send, packs the reply, runs buffer4_send and sends it.
func (w *worker) send() {
	if !w.hasResp {
		return
	}
	s := w.srv
	r := &w.r
	skipPack := false
	if s.hooks.CalloutsPresent(hooks.Pkt4Send) {
		h := w.q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "query4", &w.q)
		hooks.Set(h, "response4", r)
		var cs *config.Subnet4
		if w.subnet != nil {
			cs = w.subnet.cfg
		}
		hooks.Set(h, "subnet4", cs)
		s.hooks.Call(hooks.Pkt4Send, h)
		status := h.Status()
		state.Close()
		if status == hooks.Drop {
			return
		}
		skipPack = status == hooks.Skip
	}
	if !skipPack {
		r.SortKea()
		enc, err := r.AppendTo(w.enc[:0])
		if err != nil {
			s.log.Error(keamsg.DHCP4_PACKET_PACK_FAIL, w.label(), err)
			return
		}
		w.enc = enc
		r.Raw = enc
	}
	if s.hooks.CalloutsPresent(hooks.Buffer4Send) {
		h := w.q.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "response4", r)
		s.hooks.Call(hooks.Buffer4Send, h)
		status := h.Status()
		state.Close()
		if status == hooks.Skip || status == hooks.Drop {
			return
		}
	}
	if w.o6 != nil {
		if err := w.send4o6(r.Raw); err != nil {
			s.log.Error(keamsg.DHCP4_DHCP4O6_PACKET_SEND_FAIL, w.label(), err)
			return
		}
		s.pstats.countSent(r.MessageType())
		return
	}
	if w.deferSend {
		// Sent and counted at the end of the batch (batchEnd).
		if err := s.queueReply(w, r); err != nil {
			s.log.Error(keamsg.DHCP4_PACKET_SEND_FAIL, w.label(), err)
		}
		return
	}
	if err := w.transmit(r); err != nil {
		s.log.Error(keamsg.DHCP4_PACKET_SEND_FAIL, w.label(), err)
		return
	}
	s.pstats.countSent(r.MessageType())
}

// transmit hands the packed reply to the socket layer.
func (w *worker) transmit(r *pkt.Pkt4) error {
	out := w.out
	n := copy(out.Payload(), r.Raw)
	if err := out.SetPayload(n); err != nil {
		return err
	}
	w.fillOut(out, r)
	if s := w.srv; s.sender != nil {
		return s.sender(out)
	}
	return errNoSockets
}

// fillOut sets where the packet carrying the reply r goes.
func (w *worker) fillOut(out *netio.Packet, r *pkt.Pkt4) {
	out.IfIndex, out.IfName = r.IfIndex, r.IfName
	out.Src, out.Dst = r.Src, r.Dst
	out.SrcMAC, out.DstMAC = r.SrcMAC, r.DstMAC
	out.Conn = w.conn
	if r.IfIndex == 0 {
		out.Conn = nil
	}
}
