package server4

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/internal/dhcp4o6"
	"github.com/nestordhcp/nestor/klog/keamsg"
	"github.com/nestordhcp/nestor/netio"
)

// DHCPv4-over-DHCPv6 (RFC 7341), the DHCPv4 side (Kea's Dhcp4to6Ipc and
// Pkt4o6): a DHCPV4-QUERY forwarded by the DHCPv6 server over the
// dhcp4o6-port link is processed as a DHCPv4 query; the reply goes back,
// in a DHCPV4-RESPONSE, over the link.

// query4o6 is what a 4o6 query brings besides its DHCPv4 message: the
// DHCPv6 message it came in (relay levels, transaction id) and the
// client's interface, address and port.
type query4o6 struct {
	pkt6 dhcp6.Packet
	info dhcp4o6.Info
}

// openIPC opens, moves or closes the link for dhcp4o6-port (Kea's
// Dhcp4to6Ipc::open after a reconfiguration).
func (s *Server) openIPC(port uint16) error {
	if err := s.ipc.Open(port); err != nil {
		return fmt.Errorf("error starting DHCPv4-over-DHCPv6 IPC  after server reconfiguration: %w", err)
	}
	return nil
}

// fromIPC is Kea's Dhcp4to6Ipc::handler: one DHCPv4o6 message from the
// DHCPv6 server is processed and answered.
func (s *Server) fromIPC(b []byte, rerr error) {
	s.log.Debug(dbgDetail, keamsg.DHCP4_DHCP4O6_RECEIVING)
	if rerr != nil {
		s.log.Debug(dbgDetail, keamsg.DHCP4_DHCP4O6_RECEIVE_FAIL, rerr)
		return
	}
	msg, info, err := dhcp4o6.Unwrap(b, ifaceExists)
	if err != nil {
		var bp *dhcp4o6.BadPacketError
		if errors.As(err, &bp) {
			s.log.Warn(keamsg.DHCPSRV_DHCP4O6_RECEIVED_BAD_PACKET, bp.Reason)
		}
		s.log.Debug(dbgDetail, keamsg.DHCP4_DHCP4O6_RECEIVE_FAIL, err)
		return
	}
	o6 := &query4o6{info: info}
	o6.pkt6.Lenient = true
	if err := o6.pkt6.Decode(msg); err != nil {
		s.log.Debug(dbgDetail, keamsg.DHCP4_DHCP4O6_RECEIVE_FAIL, err)
		return
	}
	s.log.Debug(dbgBasic, keamsg.DHCP4_DHCP4O6_PACKET_RECEIVED, int(o6.pkt6.MsgType), info.Addr, info.Iface)
	msgs, err := dhcp4o6.DHCPv4Msgs(msg)
	switch {
	case err != nil || len(msgs) == 0:
		s.log.Debug(dbgDetail, keamsg.DHCP4_DHCP4O6_BAD_PACKET, "DHCPv4 message option not present")
		return
	case len(msgs) > 1:
		s.log.Debug(dbgDetail, keamsg.DHCP4_DHCP4O6_BAD_PACKET, "more than one DHCPv4 message option")
		return
	}
	if len(msgs[0]) < dhcp4.HeaderLen {
		// Kea's Pkt4 refuses it before any processing (nothing is
		// counted).
		s.log.Debug(dbgDetail, keamsg.DHCP4_DHCP4O6_BAD_PACKET,
			fmt.Sprintf("Truncated DHCPv4 packet (len=%d) received, at least %d is expected.", len(msgs[0]), dhcp4.HeaderLen))
		return
	}
	np := netio.Packet{Data: msgs[0], IfName: info.Iface, Src: netip.AddrPortFrom(info.Addr, info.Port)}
	if ifc, err := net.InterfaceByName(info.Iface); err == nil {
		np.IfIndex = ifc.Index
	}
	s.gate.RLock()
	defer s.gate.RUnlock()
	w := s.getWorker()
	w.deferSend = false
	w.o6 = o6
	if !w.process(&np) {
		s.putWorker(w)
	}
}

// selectSubnet4o6 is Kea's CfgSubnets4::selectSubnet4o6: the first subnet
// (by id) usable for DHCPv4-over-DHCPv6 whose 4o6-subnet holds the
// client's IPv6 address, else whose 4o6-interface-id is the relay's
// interface-id, else whose 4o6-interface is the interface the DHCPv6
// server received the query on. Client classes are not looked at.
func (w *worker) selectSubnet4o6() *subnet4 {
	o6 := w.o6
	var ifaceID []byte
	hasIfaceID := false
	if n := len(o6.pkt6.Relays); n > 0 {
		ifaceID, hasIfaceID = o6.pkt6.Relays[n-1].InterfaceID()
	}
	src := o6.info.Addr
	for _, sn := range w.snap.bySelOrder {
		c := sn.cfg
		if c.FourOSixSubnet.V != "" {
			if p, err := netip.ParsePrefix(c.FourOSixSubnet.V); err == nil && p.Masked().Contains(src) {
				return sn
			}
		}
		if c.FourOSixIfaceID.V != "" && hasIfaceID && string(ifaceID) == c.FourOSixIfaceID.V {
			return sn
		}
		if c.FourOSixIface.V != "" && o6.info.Iface != "" && c.FourOSixIface.V == o6.info.Iface {
			return sn
		}
	}
	return nil
}

// send4o6 is the end of Kea's Dhcp4to6Ipc::handler: the packed reply goes
// in a DHCPV4-RESPONSE with the query's transaction id and relay levels
// (interface-id echoed), to the client the DHCPv6 server named.
func (w *worker) send4o6(raw []byte) error {
	o6 := w.o6
	var b dhcp6.Builder
	b.Reset(nil)
	for i := range o6.pkt6.Relays {
		b.OpenRelayReply(&o6.pkt6.Relays[i], dhcp6.OptInterfaceID)
	}
	b.Header(dhcp6.MsgDHCPv4Response, o6.pkt6.TransactionID)
	b.Add(dhcp6.OptDHCPv4Msg, raw)
	msg, err := b.Finish()
	if err != nil {
		return err
	}
	out, err := dhcp4o6.Wrap(msg, o6.info)
	if err != nil {
		return err
	}
	s := w.srv
	if s.log.DebugEnabled(dbgBasic) {
		r := &w.r
		s.log.Debug(dbgBasic, keamsg.DHCP4_DHCP4O6_PACKET_SEND, w.label(), dhcp6.MsgDHCPv4Response.String(), int(dhcp6.MsgDHCPv4Response),
			o6.info.Addr, o6.info.Port, o6.info.Iface, w.label(), r.MessageType().String(), int(r.MessageType()))
	}
	return s.ipc.Send(out)
}

// ifaceExists is Kea's IfaceMgr lookup of the interface named by the link.
func ifaceExists(name string) bool {
	_, err := net.InterfaceByName(name)
	return err == nil
}
