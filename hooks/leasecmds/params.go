package leasecmds

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/lease"
)

// The getters below read command arguments the way Kea's SimpleParser does,
// failing with its texts and the element positions Kea prints.

// param returns the value of name in the map scope (nil when absent); a
// scope that is not a map fails as Kea's get(string).
func param(scope *ctrl.Element, name string) (*ctrl.Element, error) {
	return scope.Get(name)
}

// contains is Kea's Element::contains: a non-map scope is a TypeError.
func contains(scope *ctrl.Element, name string) (bool, error) {
	if scope.Kind() != ctrl.Map {
		return false, fmt.Errorf("contains(string) called on a non-map Element in (%s)", scope.Pos())
	}
	v, _ := scope.Get(name)
	return v != nil, nil
}

func required(scope *ctrl.Element, name string, kind ctrl.Kind) (*ctrl.Element, error) {
	v, err := param(scope, name)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("missing parameter '%s' (%s)", name, scope.Pos())
	}
	if v.Kind() != kind {
		return nil, fmt.Errorf("invalid type specified for parameter '%s' (%s)", name, v.Pos())
	}
	return v, nil
}

func getString(scope *ctrl.Element, name string) (string, error) {
	v, err := required(scope, name, ctrl.String)
	if err != nil {
		return "", err
	}
	return v.StringValue()
}

func getBoolean(scope *ctrl.Element, name string) (bool, error) {
	v, err := required(scope, name, ctrl.Bool)
	if err != nil {
		return false, err
	}
	return v.BoolValue()
}

func getInteger(scope *ctrl.Element, name string) (int64, error) {
	v, err := required(scope, name, ctrl.Int)
	if err != nil {
		return 0, err
	}
	return v.IntValue()
}

// getRange is SimpleParser::getIntType: an integer within [0, max].
func getRange(scope *ctrl.Element, name string, max int64) (int64, error) {
	v, err := required(scope, name, ctrl.Int)
	if err != nil {
		return 0, err
	}
	i, _ := v.IntValue()
	if i < 0 || i > max {
		return 0, fmt.Errorf("out of range value (%d) specified for parameter '%s' (%s)", i, name, v.Pos())
	}
	return i, nil
}

func getUint32(scope *ctrl.Element, name string) (uint32, error) {
	i, err := getRange(scope, name, 1<<32-1)
	return uint32(i), err
}

func getUint8(scope *ctrl.Element, name string) (uint8, error) {
	i, err := getRange(scope, name, 255)
	return uint8(i), err
}

// getAddress is SimpleParser::getAddress.
func getAddress(scope *ctrl.Element, name string) (netip.Addr, error) {
	s, err := getString(scope, name)
	if err != nil {
		return netip.Addr{}, err
	}
	a, err := parseAddr(s)
	if err != nil {
		v, _ := scope.Get(name)
		return netip.Addr{}, fmt.Errorf("Failed to convert '%s' to address: %v(%s)", s, err, v.Pos())
	}
	return a, nil
}

// parseAddr is Kea's IOAddress constructor from text.
func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("Failed to convert string to address '%s': Invalid argument", s)
	}
	return a, nil
}

// Kea's limits on identifiers, as Kea 2.2 enforces them.
const (
	maxHWAddrLen   = lease.MaxHWAddrLen
	maxDUIDLen     = 128
	minClientIDLen = lease.MinClientIDLen
)

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// decodeColonSeparated is Kea's decodeColonSeparatedHexString: octets of
// one or two hex digits between colons; "" is no octet at all.
func decodeColonSeparated(s string) ([]byte, error) { return decodeSeparated(s, ":") }

// decodeSeparated is Kea's decodeSeparatedHexString.
func decodeSeparated(s, sep string) ([]byte, error) {
	parts := strings.Split(s, sep)
	out := make([]byte, 0, len(parts))
	for _, p := range parts {
		switch {
		case len(parts) > 1 && p == "":
			return nil, fmt.Errorf("two consecutive separators ('%s') specified in a decoded string '%s'", sep, s)
		case len(p) > 2:
			return nil, fmt.Errorf("invalid format of the decoded string '%s'", s)
		case p == "":
			continue
		}
		var b byte
		for i := 0; i < len(p); i++ {
			if !isHex(p[i]) {
				return nil, fmt.Errorf("'%c' is not a valid hexadecimal digit in decoded string '%s'", p[i], s)
			}
			b = b<<4 | hexVal(p[i])
		}
		out = append(out, b)
	}
	return out, nil
}

// decodeFormatted is Kea's decodeFormattedHexString: colon- or
// space-separated octets, or a run of hex digits with an optional 0x prefix
// (an odd count gets a leading 0).
func decodeFormatted(s string) ([]byte, error) {
	switch {
	case strings.Contains(s, ":"):
		return decodeSeparated(s, ":")
	case strings.Contains(s, " "):
		return decodeSeparated(s, " ")
	}
	digits := s
	if len(s) > 2 && s[:2] == "0x" {
		digits = s[2:]
	}
	if len(s)%2 != 0 {
		digits = "0" + digits
	}
	if len(digits)%2 != 0 {
		return nil, fmt.Errorf("'%s' is not a valid string of hexadecimal digits", s)
	}
	out := make([]byte, len(digits)/2)
	for i := 0; i < len(digits); i += 2 {
		if !isHex(digits[i]) || !isHex(digits[i+1]) {
			return nil, fmt.Errorf("'%s' is not a valid string of hexadecimal digits", s)
		}
		out[i/2] = hexVal(digits[i])<<4 | hexVal(digits[i+1])
	}
	return out, nil
}

// parseHWAddr is HWAddr::fromText: an empty string is an empty address.
func parseHWAddr(s string) (lease.HWAddr, error) {
	b, err := decodeColonSeparated(s)
	if err != nil {
		return lease.HWAddr{}, err
	}
	if len(b) > maxHWAddrLen {
		return lease.HWAddr{}, fmt.Errorf("address vector size exceeds MAX_HWADDR_LEN")
	}
	return lease.HWAddr{Bytes: b, Type: lease.HTypeEther}, nil
}

// parseDUID is DUID::fromText.
func parseDUID(s string) ([]byte, error) {
	b, err := decodeFormatted(s)
	if err != nil {
		return nil, err
	}
	if len(b) > maxDUIDLen {
		return nil, fmt.Errorf("DUID size is %d bytes, exceeds maximum of %d", len(b), maxDUIDLen)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("Empty DUIDs are not allowed")
	}
	return b, nil
}

// parseClientID is ClientId::fromText: a DUID of at least two octets.
func parseClientID(s string) ([]byte, error) {
	b, err := parseDUID(s)
	if err != nil {
		return nil, err
	}
	if len(b) < minClientIDLen {
		return nil, fmt.Errorf("client-id is too short (%d), at least %d is required", len(b), minClientIDLen)
	}
	return b, nil
}
