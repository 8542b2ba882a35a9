package server4

import (
	"errors"
	"fmt"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog/keamsg"
)

// accept is Kea's Dhcpv4Srv::accept: the message type must be one the
// server handles, a query from a directly connected client must be
// answerable, and a server identifier, when present, must be ours.
func (w *worker) accept(mt dhcp4.MessageType) bool {
	s := w.srv
	switch mt {
	case dhcp4.DHCPDISCOVER, dhcp4.DHCPREQUEST, dhcp4.DHCPRELEASE, dhcp4.DHCPDECLINE, dhcp4.DHCPINFORM:
	case dhcp4.DHCP_NOTYPE:
		s.log.Debug(dbgDrop, keamsg.DHCP4_PACKET_DROP_0009, w.label())
		return false
	default:
		s.log.Debug(dbgDrop, keamsg.DHCP4_PACKET_DROP_0006, w.label(), mt.String())
		return false
	}
	if !w.acceptDirectRequest(mt) {
		s.log.Debug(dbgDrop, keamsg.DHCP4_PACKET_DROP_0002, w.label(), w.q.IfName)
		return false
	}
	if !w.acceptServerID() {
		s.log.Debug(dbgDrop, keamsg.DHCP4_PACKET_DROP_0003, w.label(), w.q.IfName)
		return false
	}
	return true
}

// acceptDirectRequest is Kea's acceptDirectRequest: relayed queries are
// accepted; an INFORM from a direct client needs a source address or
// ciaddr; a broadcast query from a direct client needs a subnet.
func (w *worker) acceptDirectRequest(mt dhcp4.MessageType) bool {
	if isRelayed(&w.q) || w.o6 != nil {
		return true
	}
	if mt == dhcp4.DHCPINFORM {
		src := w.q.Src.Addr()
		if (!src.IsValid() || src.IsUnspecified()) && w.q.CIAddr.IsZero() {
			return false
		}
	}
	if !receivedOnBroadcast(&w.q) {
		return true
	}
	return w.selectSubnetQuiet() != nil
}

// acceptServerID is Kea's acceptServerId.
func (w *worker) acceptServerID() bool {
	data, ok := w.q.Get(dhcp4.OptionServerIdentifier)
	if !ok {
		return true
	}
	if len(data) != 4 {
		return false
	}
	var sid [4]byte
	copy(sid[:], data)
	snap := w.snap
	if snap.ignoreServerID {
		return true
	}
	if rai, ok := w.q.RelayAgentInfo(); ok {
		if o, ok := rai.ServerIDOverride(); ok && o == sid {
			return true
		}
	}
	if w.srv.hasSocketAddr(sid) || snap.serverIDs[sid] {
		return true
	}
	for _, name := range w.q.Classes {
		if c := snap.byName[name]; c != nil && c.opts != nil && c.opts.hasSID && c.opts.serverID == sid {
			return true
		}
	}
	return false
}

var errNoClientID = errors.New("Missing or useless client-id and no HW address provided in message")

// sanityCheck is Kea's sanityCheck for the message type: DISCOVER must not
// carry a server identifier, and every query must identify its client by
// chaddr or a non-empty client identifier.
func (w *worker) sanityCheck(mt dhcp4.MessageType) error {
	if mt == dhcp4.DHCPDISCOVER && w.q.Has(dhcp4.OptionServerIdentifier) {
		return fmt.Errorf("Server-id option was not expected, but received in %s", mt)
	}
	if w.q.HLen > 0 {
		return nil
	}
	if len(w.q.ClientID()) == 0 {
		return fmt.Errorf("%w %s", errNoClientID, mt)
	}
	return nil
}
