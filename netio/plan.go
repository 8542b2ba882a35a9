package netio

import (
	"fmt"
	"net/netip"
)

// Well-known addresses and ports.
var (
	// AllDHCPRelayAgentsAndServers is ff02::1:2, joined on every DHCPv6
	// interface.
	AllDHCPRelayAgentsAndServers = netip.MustParseAddr("ff02::1:2")
	// AllDHCPServers is ff05::1:3. Kea does not join it and neither do we.
	AllDHCPServers = netip.MustParseAddr("ff05::1:3")
	// Broadcast4 is the limited broadcast address.
	Broadcast4 = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

const (
	ServerPort4 = 67
	ClientPort4 = 68
	ServerPort6 = 547
	ClientPort6 = 546
)

// SocketKind is the kind of socket a SocketSpec asks for.
type SocketKind int

const (
	KindRaw4 SocketKind = iota // AF_PACKET + BPF, with a fallback UDP socket
	KindUDP4                   // UDP bound to the address, IP_PKTINFO
	KindUDP6                   // UDP/IPv6, IPV6_RECVPKTINFO
)

func (k SocketKind) String() string {
	switch k {
	case KindRaw4:
		return "raw"
	case KindUDP4:
		return "udp4"
	}
	return "udp6"
}

// SocketSpec describes one socket to open.
type SocketSpec struct {
	Kind  SocketKind
	Iface *Iface
	Addr  netip.Addr // bound address: IPv4, IPv6 link-local, ff02::1:2 or unicast
	Port  uint16
	// Join asks a DHCPv6 socket to join ff02::1:2 on the interface.
	Join bool
}

func (s SocketSpec) String() string {
	return fmt.Sprintf("%s %s/%s port %d", s.Kind, s.Iface.Name, s.Addr, s.Port)
}

func (s SocketSpec) key() string { return s.String() }

func loopbackAllowed(sel *Selection, ifs []*Iface) bool {
	for _, n := range sel.Names {
		if i := findIface(ifs, n); i != nil && i.Flags.Loopback {
			return true
		}
	}
	for _, a := range sel.Addrs {
		if i := findIface(ifs, a.Name); i != nil && i.Flags.Loopback {
			return true
		}
	}
	return false
}

// Plan4 lists the DHCPv4 sockets Kea's openSockets4 would open for the
// selection, and the per-interface errors it would report (each logged as
// DHCPSRV_OPEN_SOCKET_FAIL). Loopback is usable only when named explicitly
// with UDP sockets.
func Plan4(sel *Selection, ifs []*Iface, st SocketType, port uint16) ([]SocketSpec, []error) {
	allowLo := st == SocketUDP && loopbackAllowed(sel, ifs)
	var specs []SocketSpec
	var errs []error
	for _, ifc := range ifs {
		addrs, active := active4(sel, ifc, allowLo)
		if !active {
			continue
		}
		switch {
		case ifc.Flags.Loopback && !allowLo:
			errs = append(errs, fmt.Errorf("must not open socket on the loopback interface %s", ifc.Name))
			continue
		case !ifc.Flags.Up:
			errs = append(errs, fmt.Errorf("the interface %s is down", ifc.Name))
			continue
		case !ifc.Flags.Running:
			errs = append(errs, fmt.Errorf("the interface %s is not running", ifc.Name))
			continue
		case len(addrs) == 0:
			errs = append(errs, fmt.Errorf("the interface %s has no usable IPv4 addresses configured", ifc.Name))
			continue
		}
		// Kea installs one packet filter for all interfaces: LPF when raw
		// sockets are configured, plain UDP otherwise.
		kind := KindUDP4
		if st == SocketRaw {
			kind = KindRaw4
		}
		for _, a := range addrs {
			specs = append(specs, SocketSpec{Kind: kind, Iface: ifc, Addr: a, Port: port})
		}
	}
	return specs, errs
}

// active4 reports whether the interface is selected and which of its IPv4
// addresses are.
func active4(sel *Selection, ifc *Iface, allowLo bool) ([]netip.Addr, bool) {
	if sel.Wildcard {
		if ifc.Flags.Loopback && !allowLo && !sel.hasName(ifc.Name) && !sel.hasAddrFor(ifc.Name) {
			return nil, false
		}
		return ifc.Addrs4, true
	}
	if sel.hasName(ifc.Name) {
		return ifc.Addrs4, true
	}
	var out []netip.Addr
	for _, a := range sel.Addrs {
		if a.Name == ifc.Name {
			out = append(out, a.Addr)
		}
	}
	return out, len(out) > 0
}

// Plan6 lists the DHCPv6 sockets Kea's openSockets6 would open: for each
// selected interface, a socket per explicit unicast address, and for each
// link-local address a socket bound to it (joining ff02::1:2) plus, on a
// multicast interface, a socket bound to ff02::1:2.
func Plan6(sel *Selection, ifs []*Iface, port uint16) ([]SocketSpec, []error) {
	allowLo := loopbackAllowed(sel, ifs)
	var specs []SocketSpec
	var errs []error
	for _, ifc := range ifs {
		selected := sel.hasName(ifc.Name) || sel.hasAddrFor(ifc.Name) ||
			(sel.Wildcard && (!ifc.Flags.Loopback || allowLo))
		if !selected {
			continue
		}
		switch {
		case ifc.Flags.Loopback && !allowLo:
			errs = append(errs, fmt.Errorf("must not open socket on the loopback interface %s", ifc.Name))
			continue
		case !ifc.Flags.Up:
			errs = append(errs, fmt.Errorf("the interface %s is down", ifc.Name))
			continue
		case !ifc.Flags.Running:
			errs = append(errs, fmt.Errorf("the interface %s is not running", ifc.Name))
			continue
		}
		for _, a := range sel.Addrs {
			if a.Name == ifc.Name {
				specs = append(specs, SocketSpec{Kind: KindUDP6, Iface: ifc, Addr: a.Addr, Port: port})
			}
		}
		for _, ll := range ifc.LinkLocal6() {
			specs = append(specs, SocketSpec{Kind: KindUDP6, Iface: ifc, Addr: ll, Port: port, Join: ifc.Flags.Multicast})
			if ifc.Flags.Multicast {
				specs = append(specs, SocketSpec{Kind: KindUDP6, Iface: ifc, Addr: AllDHCPRelayAgentsAndServers, Port: port})
			}
		}
	}
	return specs, errs
}
