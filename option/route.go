package option

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Classless static routes (DHCPv4 option 121, RFC 3442). Kea's text is
// "10.229.0.128/25 - 10.229.0.1, 10.198.122.47/32 - 10.198.122.1": routes
// separated by commas, each a destination prefix and a router separated by
// a dash. On the wire each route is the prefix length, the significant
// octets of the destination (as written: Kea does not clear host bits
// inside the last octet) and the router address.

func parseRouteText(d *Definition, u Universe, values []string) ([]byte, error) {
	if len(values) == 0 {
		return nil, errors.New("no option value specified")
	}
	var out []byte
	for _, v := range values {
		parts := tokens(trim(v), '-', false)
		if len(parts) != 2 {
			return nil, errors.New("DHCPv4 OptionClasslessStaticRoute 121 has invalid value, option definition must have comma separated routes formatted as in example: 10.229.0.128/25 - 10.229.0.1")
		}
		prefix := trim(parts[0])
		slash := strings.IndexByte(prefix, '/')
		if slash < 0 {
			return nil, fmt.Errorf("DHCPv4 OptionClasslessStaticRoute 121 has invalid value, provided IPv4 prefix %s is not valid.", prefix)
		}
		dest, err := netip.ParseAddr(prefix[:slash])
		if err != nil || !dest.Is4() {
			return nil, fmt.Errorf("DHCPv4 OptionClasslessStaticRoute 121 has invalid value, provided subnet_addr %s is not a valid IPv4 address.", prefix[:slash])
		}
		// Kea reads the length as a decimal short and refuses > 32; a
		// negative length it would wrap, Nestor refuses.
		plen, err := strconv.ParseInt(strings.TrimPrefix(prefix[slash+1:], "+"), 10, 16)
		if err != nil || plen < 0 || plen > 32 || !isDecimal(prefix[slash+1:]) {
			return nil, fmt.Errorf("DHCPv4 OptionClasslessStaticRoute 121 has invalid value, provided prefix len %s is not valid.", prefix[slash+1:])
		}
		router, err := netip.ParseAddr(trim(parts[1]))
		if err != nil || !router.Is4() {
			return nil, fmt.Errorf("DHCPv4 OptionClasslessStaticRoute 121 has invalid value, provided router address %s is not a valid IPv4 address.", trim(parts[1]))
		}
		db, rb := dest.As4(), router.As4()
		out = append(out, byte(plen))
		out = append(out, db[:(plen+7)/8]...)
		out = append(out, rb[:]...)
	}
	return out, nil
}

type staticRoute struct {
	dest   [4]byte
	plen   byte
	router [4]byte
}

func readRoutes(b []byte) ([]staticRoute, error) {
	if len(b) < 5 {
		return nil, fmt.Errorf("DHCPv4 OptionClasslessStaticRoute 121 has invalid length=%d, must be at least 5.", len(b))
	}
	var routes []staticRoute
	for len(b) > 0 {
		if len(b) < 5 {
			return nil, fmt.Errorf("DHCPv4 OptionClasslessStaticRoute 121 has invalid length=%d, must be at least 5.", len(b))
		}
		w := b[0]
		if w > 32 {
			return nil, fmt.Errorf("DHCPv4 OptionClasslessStaticRoute 121 has invalid value, provided width of subnet mask %d is not valid.", w)
		}
		sig := (int(w) + 7) / 8
		if len(b)-1 < sig+4 {
			return nil, errors.New("DHCPv4 OptionClasslessStaticRoute 121 is truncated.")
		}
		var r staticRoute
		r.plen = w
		copy(r.dest[:], b[1:1+sig])
		copy(r.router[:], b[1+sig:5+sig])
		routes = append(routes, r)
		b = b[5+sig:]
	}
	return routes, nil
}

func parseRouteWire(d *Definition, u Universe, b []byte) ([]byte, error) {
	if _, err := readRoutes(b); err != nil {
		return nil, err
	}
	return b, nil
}

func formatRoute(d *Definition, u Universe, b []byte) (string, error) {
	routes, err := readRoutes(b)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, r := range routes {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(netip.AddrFrom4(r.dest).String())
		sb.WriteByte('/')
		sb.WriteString(strconv.Itoa(int(r.plen)))
		sb.WriteString(" - ")
		sb.WriteString(netip.AddrFrom4(r.router).String())
	}
	return sb.String(), nil
}
