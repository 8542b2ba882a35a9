package config

import (
	"sort"
	"strings"
)

// Helpers both servers' host reservation parsers share.

// findIdentifier returns the one identifier of a reservation map the way
// Kea's HostReservationParser finds it: keys in alphabetical order (Kea's
// map order), the second identifier found refused, naming the later key
// first.
func (d *decoder) findIdentifier(it *Node, names []string) (typ, val string, ok bool) {
	keys := make([]string, 0, len(it.Entries))
	for _, e := range it.Entries {
		keys = append(keys, e.Key)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, n := range names {
			if k != n {
				continue
			}
			if typ != "" {
				d.fail(cfgErr(it.Pos(), "the '%s' and '%s' are mutually exclusive", k, typ))
				return "", "", false
			}
			typ, val = k, it.Get(k).Str
		}
	}
	if typ == "" {
		sorted := append([]string(nil), names...)
		sort.Strings(sorted)
		d.fail(cfgErr(it.Pos(), "one of the supported identifiers must be specified for host reservation: %s", strings.Join(sorted, ", ")))
		return "", "", false
	}
	return typ, val, true
}

// noResourceError is Kea 2.2's refusal of a reservation that reserves
// nothing (no hostname, address, prefix, option, class, or DHCPv4 boot
// field). Kea labels a DUID as a hardware address and the reverse.
func noResourceError(typ string, id []byte) *Error {
	label := ""
	switch typ {
	case "duid":
		label = "for HW address: " + colonHex(id) + " "
	case "hw-address":
		label = "for DUID: hwtype=1 " + colonHex(id) + " "
	default:
		label = " "
	}
	return cfgErr(Pos{}, "specified reservation %smust include at least one resource, i.e. hostname, IPv4 address, IPv6 address/prefix, options", label)
}

// hostLabelFor is how Kea names a host in CfgHosts errors (its quotes
// included, unbalanced as they are).
func hostLabelFor(typ string, id []byte) string {
	hw, duid := "(null)", "(null)"
	switch typ {
	case "hw-address":
		hw = colonHex(id)
	case "duid":
		duid = colonHex(id)
	}
	return "HW address '" + hw + " and DUID '" + duid + "'"
}

// duplicateHostError is Kea 2.2's refusal of a second host with the same
// identifier in a subnet: hardware addresses and DUIDs are checked by
// CfgHosts, the other identifiers (DHCPv4 only) by its index.
func duplicateHostError(typ string, id []byte, family int, subnet uint32) *Error {
	switch typ {
	case "hw-address":
		return cfgErr(Pos{}, "failed to add new host using the HW address '%s' to the IPv%d subnet id '%d' as this host has already been added", colonHex(id), family, subnet)
	case "duid":
		return cfgErr(Pos{}, "failed to add new host using the DUID '%s' to the IPv%d subnet id '%d' as this host has already been added", colonHex(id), family, subnet)
	}
	return cfgErr(Pos{}, "failed to add duplicate IPv%d host using identifier: %s=%s", family, typ, upperHex(id))
}
