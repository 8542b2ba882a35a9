package server6

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/internal/dhcp4o6"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// DHCPv4-over-DHCPv6 (RFC 7341), the DHCPv6 side (Kea's Dhcp6to4Ipc): a
// DHCPV4-QUERY from a client is forwarded to the DHCPv4 server over the
// dhcp4o6-port link; the DHCPV4-RESPONSE coming back is sent to the client.

// openIPC opens, moves or closes the link for dhcp4o6-port (Kea's
// Dhcp6to4Ipc::open after a reconfiguration).
func (s *Server) openIPC(port uint16) error {
	if err := s.ipc.Open(port); err != nil {
		return fmt.Errorf("error starting DHCPv4-over-DHCPv6 IPC  after server reconfiguration: %w", err)
	}
	return nil
}

// processDhcp4Query is Kea's processDhcp4Query: a query carrying a DHCPv4
// Message option is forwarded, with the client's interface, address and
// port, to the DHCPv4 server; nothing is answered here. A failure to send
// is not logged, as in Kea.
func (w *worker) processDhcp4Query() {
	if _, ok := w.q.Options.Get(dhcp6.OptDHCPv4Msg); !ok {
		return
	}
	b, err := dhcp4o6.Wrap(w.q.Raw, dhcp4o6.Info{Iface: w.q.IfName, Addr: w.q.Src.Addr(), Port: w.q.Src.Port()})
	if err != nil {
		return
	}
	_ = w.srv.ipc.Send(b)
}

// fromIPC is Kea's Dhcp6to4Ipc::handler: a DHCPV4-RESPONSE from the DHCPv4
// server goes to the client (or its relay) named by the link's options.
func (s *Server) fromIPC(b []byte, rerr error) {
	s.log.Debug(dbgDetail, keamsg.DHCP6_DHCP4O6_RECEIVING)
	if rerr != nil {
		s.log.Debug(dbgDetail, keamsg.DHCP6_DHCP4O6_RECEIVE_FAIL, rerr)
		return
	}
	msg, info, err := dhcp4o6.Unwrap(b, ifaceExists)
	if err != nil {
		var bp *dhcp4o6.BadPacketError
		if errors.As(err, &bp) {
			s.log.Warn(keamsg.DHCPSRV_DHCP4O6_RECEIVED_BAD_PACKET, bp.Reason)
		}
		s.log.Debug(dbgDetail, keamsg.DHCP6_DHCP4O6_RECEIVE_FAIL, err)
		return
	}
	s.gate.RLock()
	defer s.gate.RUnlock()
	var p pkt.Pkt6
	p.Lenient = true
	if err := p.Decode(msg); err != nil {
		s.log.Debug(dbgDetail, keamsg.DHCP6_DHCP4O6_RECEIVE_FAIL, err)
		return
	}
	s.log.Debug(dbgBasic, keamsg.DHCP6_DHCP4O6_PACKET_RECEIVED, int(p.MsgType), info.Addr, info.Port, info.Iface)
	// Kea's checkRelaySourcePort, then the port by the outermost type.
	port := uint16(clientPort6)
	if len(p.Relays) > 0 {
		port = serverPort6
		if _, ok, err := p.Relays[0].SourcePort(); ok && err == nil {
			port = info.Port
		}
	}
	p.Raw = msg
	p.IfName = info.Iface
	if ifc, err := net.InterfaceByName(info.Iface); err == nil {
		p.IfIndex = ifc.Index
	}
	p.Dst = netip.AddrPortFrom(info.Addr, port)
	p.Src = netip.AddrPortFrom(netip.Addr{}, s.serverPort())
	// processPacketBufferSend: buffer6_send, send, statistics.
	if s.hooks.CalloutsPresent(hooks.Buffer6Send) {
		h := p.CalloutHandle(s.hooks)
		state := h.ScopedState()
		hooks.Set(h, "response6", &p)
		s.hooks.Call(hooks.Buffer6Send, h)
		status := h.Status()
		state.Close()
		if status == hooks.Drop || status == hooks.Skip {
			return
		}
	}
	out := netio.NewPacket()
	n := copy(out.Payload(), p.Raw)
	if err := out.SetPayload(n); err != nil {
		s.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, p.TransactionID, err)
		return
	}
	out.IfIndex, out.IfName = p.IfIndex, p.IfName
	out.Src, out.Dst = p.Src, p.Dst
	send := s.sender
	if send == nil {
		send = func(*netio.Packet) error { return errNoSockets }
	}
	if err := send(out); err != nil {
		s.log.Error(keamsg.DHCP6_PACKET_SEND_FAIL, p.TransactionID, err)
		return
	}
	s.pstats.countSent(p.MsgType)
}

// ifaceExists is Kea's IfaceMgr lookup of the interface named by the link.
func ifaceExists(name string) bool {
	_, err := net.InterfaceByName(name)
	return err == nil
}
