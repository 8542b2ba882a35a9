package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// readReservations6 reads a reservations list: global (s nil) or of a
// subnet, adding each host as Kea's CfgHosts does (duplicate hosts and,
// with ip-reservations-unique, duplicate addresses refused).
func (d *decoder) readReservations6(l *Node, s *Subnet6, c *Dhcp6) []*Reservation6 {
	var out []*Reservation6
	id := uint32(0)
	if s != nil {
		id = s.ID
	}
	unique := c.IPReservationsUnique.Or(true)
	for _, it := range l.Items {
		h := d.readReservation6(it, c)
		if h == nil {
			return nil
		}
		if s != nil {
			for _, a := range h.IPAddresses {
				if !s.Prefix.Masked().Contains(a) {
					d.fail(cfgErr(Pos{}, "specified reservation '%s' is not within the IPv6 subnet '%s'", a, s.Text))
					return nil
				}
			}
		}
		for _, prev := range out {
			if (h.IdentifierType == "duid" || h.IdentifierType == "hw-address") &&
				prev.IdentifierType == h.IdentifierType && string(prev.IdentifierBytes) == string(h.IdentifierBytes) {
				d.fail(duplicateHostError(h.IdentifierType, h.IdentifierBytes, 6, id))
				return nil
			}
		}
		if unique {
			for _, a := range h.reservedAddrs() {
				for _, prev := range out {
					for _, b := range prev.reservedAddrs() {
						if a == b {
							d.fail(cfgErr(Pos{}, "failed to add address reservation for host using the %s to the IPv6 subnet id '%d' for address/prefix %s: There's already reservation for this address/prefix",
								hostLabelFor(h.IdentifierType, h.IdentifierBytes), id, a))
							return nil
						}
					}
				}
			}
		}
		h.SubnetID = id
		out = append(out, h)
	}
	return out
}

// reservedAddrs are the addresses Kea indexes the host's reservations by
// (a prefix by its first address).
func (h *Reservation6) reservedAddrs() []netip.Addr {
	out := append([]netip.Addr(nil), h.IPAddresses...)
	for _, p := range h.Prefixes {
		out = append(out, p.Addr())
	}
	return out
}

func (d *decoder) readReservation6(it *Node, c *Dhcp6) *Reservation6 {
	r := newReader(it)
	h := &Reservation6{pos: it.Pos()}
	typ, val, ok := d.findIdentifier(it, hostIdentifierNames6)
	if !ok {
		return nil
	}
	h.IdentifierType, h.Identifier = typ, val
	b, ok := parseIdentifier(h.Identifier)
	if !ok || len(b) == 0 {
		d.fail(cfgErr(it.Pos(), "invalid host identifier value '%s'", h.Identifier))
		return nil
	}
	h.IdentifierBytes = b
	var hostname Opt[string]
	r.str("hostname", &hostname)
	h.Hostname = hostname.V
	h.ClientClasses = r.strings("client-classes")
	h.UserContext = r.userContext()
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	// Kea's map order: ip-addresses, option-data, prefixes.
	if l := it.Get("ip-addresses"); l != nil {
		for _, e := range l.Items {
			a, msg := parseReservedAddr(e.Str)
			if msg == "" && containsAddr(h.IPAddresses, a) {
				msg = "failed on attempt to add a duplicated host reservation for " + a.String()
			}
			if msg != "" {
				d.fail(cfgErr(e.Pos(), "%s", msg))
				return nil
			}
			h.IPAddresses = append(h.IPAddresses, a)
		}
	}
	h.OptionData = d.readOptionDataList(r)
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	d.resolveOptions(h.OptionData, c.Defs)
	if d.failed() {
		return nil
	}
	if l := it.Get("prefixes"); l != nil {
		for _, e := range l.Items {
			p, msg := parseReservedPrefix(e.Str)
			if msg == "" {
				for _, q := range h.Prefixes {
					if q == p {
						msg = "failed on attempt to add a duplicated host reservation for " + p.String()
					}
				}
			}
			if msg != "" {
				d.fail(cfgErr(e.Pos(), "%s", msg))
				return nil
			}
			h.Prefixes = append(h.Prefixes, p)
		}
	}
	if h.Hostname == "" && len(h.IPAddresses) == 0 && len(h.Prefixes) == 0 && len(h.OptionData) == 0 && len(h.ClientClasses) == 0 {
		d.fail(noResourceError(h.IdentifierType, h.IdentifierBytes))
		return nil
	}
	return h
}

func containsAddr(l []netip.Addr, a netip.Addr) bool {
	for _, b := range l {
		if a == b {
			return true
		}
	}
	return false
}

// parseReservedAddr checks an ip-addresses entry as Kea's IPv6Resrv does.
func parseReservedAddr(s string) (netip.Addr, string) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, "Failed to convert string to address '" + s + "': Invalid argument"
	}
	if !a.Is6() || a.IsMulticast() {
		return netip.Addr{}, "invalid prefix '" + s + "' for new IPv6 reservation"
	}
	return a, ""
}

// parseReservedPrefix checks a prefixes entry ("addr/len") as Kea does.
func parseReservedPrefix(s string) (netip.Prefix, string) {
	slash := strings.IndexByte(s, '/')
	if slash < 0 || slash >= len(s)-1 {
		return netip.Prefix{}, "prefix reservation requires prefix length be specified in '" + s + "'"
	}
	n, err := strconv.ParseUint(s[slash+1:], 10, 32)
	if err != nil {
		return netip.Prefix{}, "prefix length value '" + s[slash+1:] + "' is invalid"
	}
	a, msg := parseReservedAddr(s[:slash])
	if msg != "" {
		return netip.Prefix{}, msg
	}
	// Kea keeps the length in a byte.
	n8 := n % 256
	if n8 > 128 {
		return netip.Prefix{}, fmt.Sprintf("invalid prefix length '%d' for new IPv6 reservation", n8)
	}
	return netip.PrefixFrom(a, int(n8)), ""
}
