package config

import (
	"net/netip"
	"strings"
)

// validAddr reports whether s is an IP address of the family (4, 6, or 0
// for either), written as Kea's IOAddress accepts it.
func validAddr(s string, family int) bool {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return false
	}
	switch family {
	case 4:
		return a.Is4()
	case 6:
		return a.Is6()
	}
	return true
}

func addrFamily(s string) int {
	if strings.Contains(s, ":") {
		return 6
	}
	return 4
}

func famName(s string) string {
	if addrFamily(s) == 6 {
		return "IPv6"
	}
	return "IPv4"
}

// zeroAddr is the any-address of s's family.
func zeroAddr(s string) string {
	if addrFamily(s) == 6 {
		return "::"
	}
	return "0.0.0.0"
}
