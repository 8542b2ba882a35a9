package netio

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Family selects DHCPv4 or DHCPv6.
type Family int

const (
	V4 Family = 4
	V6 Family = 6
)

// SocketType is interfaces-config dhcp-socket-type (DHCPv4 only).
type SocketType int

const (
	SocketRaw SocketType = iota // "raw", Kea's default
	SocketUDP                   // "udp"
)

// ParseSocketType reads a dhcp-socket-type value.
func ParseSocketType(s string) (SocketType, error) {
	switch s {
	case "", "raw":
		return SocketRaw, nil
	case "udp":
		return SocketUDP, nil
	}
	return 0, fmt.Errorf("unsupported socket type '%s'", s)
}

func (t SocketType) String() string {
	if t == SocketUDP {
		return "udp"
	}
	return "raw"
}

// Outbound is interfaces-config outbound-interface.
type Outbound int

const (
	SameAsInbound Outbound = iota // "same-as-inbound", the default
	UseRouting                    // "use-routing" (UDP sockets only)
)

// ParseOutbound reads an outbound-interface value.
func ParseOutbound(s string) (Outbound, error) {
	switch s {
	case "", "same-as-inbound":
		return SameAsInbound, nil
	case "use-routing":
		return UseRouting, nil
	}
	return 0, fmt.Errorf("unsupported outbound interface type '%s'", s)
}

func (o Outbound) String() string {
	if o == UseRouting {
		return "use-routing"
	}
	return "same-as-inbound"
}

// IfacesConfig is Kea's interfaces-config with its defaults applied by
// DefaultIfacesConfig.
type IfacesConfig struct {
	Interfaces        []string
	SocketType        SocketType
	OutboundInterface Outbound
	ReDetect          bool
	// RequireAll is service-sockets-require-all: the server must stop when a
	// socket cannot be opened once the retries are used up.
	RequireAll bool
	// MaxRetries is service-sockets-max-retries (0: no retry).
	MaxRetries uint32
	// RetryWait is service-sockets-retry-wait-time (default 5 s).
	RetryWait time.Duration
}

// DefaultIfacesConfig returns Kea's defaults: raw sockets, same-as-inbound,
// re-detect true, no retries, 5 s between retries.
func DefaultIfacesConfig() IfacesConfig {
	return IfacesConfig{ReDetect: true, RetryWait: 5000 * time.Millisecond}
}

// Errors from selecting interfaces, as Kea's CfgIface::use reports them.
var (
	ErrNoSuchIface       = errors.New("no such interface")
	ErrNoSuchAddress     = errors.New("no such address")
	ErrDuplicateIface    = errors.New("duplicate interface")
	ErrDuplicateAddress  = errors.New("duplicate address")
	ErrInvalidIfaceName  = errors.New("invalid interface name")
	ErrInvalidSocketType = errors.New("invalid socket type")
)

// IfaceAddr is one "name/address" entry.
type IfaceAddr struct {
	Name string
	Addr netip.Addr
}

// Selection is the parsed interfaces list: the wildcard, whole interfaces,
// and explicit addresses (IPv4: only that address; IPv6: an extra unicast
// socket).
type Selection struct {
	Wildcard bool
	Names    []string
	Addrs    []IfaceAddr
}

// Select parses the interfaces list against the detected interfaces with
// Kea's rules and error texts.
func Select(family Family, specs []string, ifs []*Iface) (*Selection, error) {
	s := &Selection{}
	for _, spec := range specs {
		if err := s.use(family, spec, ifs); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Selection) hasName(n string) bool {
	for _, x := range s.Names {
		if x == n {
			return true
		}
	}
	return false
}

func (s *Selection) hasAddrFor(n string) bool {
	for _, x := range s.Addrs {
		if x.Name == n {
			return true
		}
	}
	return false
}

func (s *Selection) use(family Family, spec string, ifs []*Iface) error {
	name, addrStr, hasAddr := strings.Cut(spec, "/")
	name = strings.TrimSpace(name)
	if !hasAddr {
		switch {
		case name == "":
			return fmt.Errorf("%w: empty interface name used in configuration", ErrInvalidIfaceName)
		case name == "*":
			if s.Wildcard {
				return fmt.Errorf("%w: the wildcard interface '*' can only be specified once", ErrDuplicateIface)
			}
			s.Wildcard = true
			return nil
		case findIface(ifs, name) == nil:
			return fmt.Errorf("%w: interface '%s' doesn't exist in the system", ErrNoSuchIface, name)
		}
		if s.hasName(name) || (family == V4 && s.hasAddrFor(name)) {
			return fmt.Errorf("%w: interface '%s' has already been specified", ErrDuplicateIface, name)
		}
		s.Names = append(s.Names, name)
		return nil
	}
	addrStr = strings.TrimSpace(addrStr)
	if name == "" {
		return fmt.Errorf("%w: empty interface name specified in the interface configuration", ErrInvalidIfaceName)
	}
	if addrStr == "" {
		return fmt.Errorf("%w: empty address specified in the interface configuration", ErrInvalidIfaceName)
	}
	if name == "*" {
		return fmt.Errorf("%w: wildcard interface name '*' must not be used in conjunction with an address", ErrInvalidIfaceName)
	}
	ifc := findIface(ifs, name)
	if ifc == nil {
		return fmt.Errorf("%w: interface '%s' doesn't exist in the system", ErrNoSuchIface, name)
	}
	addr, err := netip.ParseAddr(addrStr)
	if err != nil {
		return fmt.Errorf("%w: failed to convert string to address '%s'", ErrInvalidIfaceName, addrStr)
	}
	if family == V6 {
		if !addr.Is6() || addr.Is4In6() || addr.IsMulticast() {
			return fmt.Errorf("%w: address '%s' is not a valid IPv6 unicast address", ErrInvalidIfaceName, addr)
		}
	} else if !addr.Is4() {
		return fmt.Errorf("%w: address '%s' is not a valid IPv4 address", ErrInvalidIfaceName, addr)
	}
	if !ifc.HasAddr(addr) {
		return fmt.Errorf("%w: interface '%s' doesn't have address '%s' assigned", ErrNoSuchAddress, name, addr)
	}
	if family == V4 && s.hasName(name) {
		return fmt.Errorf("%w: interface '%s' has already been selected", ErrDuplicateIface, name)
	}
	for _, x := range s.Addrs {
		if x.Name == name && x.Addr == addr {
			return fmt.Errorf("%w: must not select address '%s' for interface '%s' because this address is already selected", ErrDuplicateAddress, addr, name)
		}
	}
	s.Addrs = append(s.Addrs, IfaceAddr{Name: name, Addr: addr})
	return nil
}
