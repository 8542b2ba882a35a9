package option

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// intRange gives the bounds of an integer type.
func intRange(t DataType) (lo, hi int64) {
	switch t {
	case TypeInt8:
		return math.MinInt8, math.MaxInt8
	case TypeInt16:
		return math.MinInt16, math.MaxInt16
	case TypeInt32:
		return math.MinInt32, math.MaxInt32
	case TypeUint8:
		return 0, math.MaxUint8
	case TypeUint16:
		return 0, math.MaxUint16
	}
	return 0, math.MaxUint32
}

// parseInt reads an integer as Kea's lexicalCastWithRangeCheck: decimal
// with an optional sign first; failing that, hexadecimal with an optional
// sign and "0x"/"0X" prefix ("ff", "0x1e", and so "1e" is 30).
func parseInt(v string, t DataType) (int64, error) {
	n, err := parseKeaInt64(v)
	if err != nil {
		return 0, fmt.Errorf("unable to convert the value '%s' to integer data type", v)
	}
	lo, hi := intRange(t)
	if n < lo || n > hi {
		return 0, fmt.Errorf("unable to convert '%s' to numeric type. This value is expected to be in the range of %d..%d", v, lo, hi)
	}
	return n, nil
}

func parseKeaInt64(v string) (int64, error) {
	if isDecimal(v) {
		return strconv.ParseInt(v, 10, 64)
	}
	s, neg := v, false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s = s[2:]
	}
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, strconv.ErrSyntax
	}
	u, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, err
	}
	if neg {
		if u > 1<<63 {
			return 0, strconv.ErrRange
		}
		return -int64(u), nil
	}
	if u > math.MaxInt64 {
		return 0, strconv.ErrRange
	}
	return int64(u), nil
}

// isDecimal reports whether boost::lexical_cast<int64_t> would read v as a
// decimal number: an optional sign followed by digits only.
func isDecimal(v string) bool {
	s := v
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func appendInt(buf []byte, t DataType, n int64) []byte {
	switch t {
	case TypeInt8, TypeUint8:
		return append(buf, byte(n))
	case TypeInt16, TypeUint16:
		return binary.BigEndian.AppendUint16(buf, uint16(n))
	}
	return binary.BigEndian.AppendUint32(buf, uint32(n))
}

// parseBool accepts what Kea's convertToBool accepts: "true"/"false" in any
// case, or an integer equal to 0 or 1.
func parseBool(v string) (byte, error) {
	switch {
	case strings.EqualFold(v, "true"):
		return 1, nil
	case strings.EqualFold(v, "false"):
		return 0, nil
	}
	if !isDecimal(v) {
		return 0, fmt.Errorf("unable to covert the value '%s' to boolean data type", v)
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || (n != 0 && n != 1) {
		return 0, fmt.Errorf("unable to convert '%s' to boolean data type", v)
	}
	return byte(n), nil
}

// parseAddr parses an IPv4 or IPv6 address as Kea's IOAddress does (a
// zone suffix is accepted and dropped).
func parseAddr(v string) (netip.Addr, error) {
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("Failed to convert string to address '%s': Invalid argument", v)
	}
	return a.WithZone(""), nil
}

// appendAddress writes an address field. Kea writes whatever family the
// text holds, so an IPv6 address in an ipv4-address field becomes 16
// bytes that a client reads as four IPv4 addresses; Nestor refuses that.
func appendAddress(buf []byte, t DataType, v string) ([]byte, error) {
	a, err := parseAddr(v)
	if err != nil {
		return nil, err
	}
	if t == TypeIPv4Address {
		if !a.Is4() {
			return nil, fmt.Errorf("provided address %s is not a valid IPv4 address.", v)
		}
		b := a.As4()
		return append(buf, b[:]...), nil
	}
	if !a.Is6() {
		return nil, fmt.Errorf("provided address %s is not a valid IPv6 address.", v)
	}
	b := a.As16()
	return append(buf, b[:]...), nil
}

func removeBlanks(v string) string {
	return strings.NewReplacer(" ", "", "\t", "").Replace(v)
}

// appendPrefix writes an ipv6-prefix field: the prefix length in one byte,
// then the prefix cut to the bytes the length needs, the unused bits of the
// last byte cleared ("2001:db8::/33" is 21 20 01 0d b8 00).
func appendPrefix(buf []byte, v string) ([]byte, error) {
	txt := removeBlanks(v)
	slash := strings.IndexByte(txt, '/')
	if slash < 0 {
		return nil, fmt.Errorf("provided address/prefix %s is not valid.", v)
	}
	a, err := parseAddr(txt[:slash])
	if err != nil {
		return nil, err
	}
	if !a.Is6() {
		return nil, fmt.Errorf("provided address %s is not a valid IPv4 or IPv6 address.", txt[:slash])
	}
	n, err := parseInt(txt[slash+1:], TypeUint8)
	if err != nil {
		return nil, fmt.Errorf("provided prefix %s is not valid.", txt[slash+1:])
	}
	// Kea takes lengths up to 255 here and then reads past the address;
	// Nestor stops at 128.
	if n > 128 {
		return nil, fmt.Errorf("provided prefix %s is not valid.", txt[slash+1:])
	}
	b := a.As16()
	return appendPrefixBytes(buf, byte(n), b[:]), nil
}

func appendPrefixBytes(buf []byte, plen byte, addr []byte) []byte {
	nbytes := (int(plen) + 7) / 8
	buf = append(buf, plen)
	start := len(buf)
	buf = append(buf, addr[:nbytes]...)
	if rem := plen % 8; rem != 0 {
		buf[start+nbytes-1] &= byte(0xff << (8 - rem))
	}
	return buf
}

// appendPSID writes a psid field from "PSID/length": the length in one
// byte, then the PSID left-aligned in 16 bits (RFC 7597).
func appendPSID(buf []byte, v string) ([]byte, error) {
	txt := removeBlanks(v)
	slash := strings.IndexByte(txt, '/')
	if slash < 0 {
		return nil, fmt.Errorf("provided PSID value %s is not valid", v)
	}
	psid, err := parseInt(txt[:slash], TypeUint16)
	if err != nil {
		return nil, fmt.Errorf("provided PSID %s is not valid", txt[:slash])
	}
	plen, err := parseInt(txt[slash+1:], TypeUint8)
	if err != nil {
		return nil, fmt.Errorf("provided PSID length %s is not valid", txt[slash+1:])
	}
	if plen > 16 {
		return nil, fmt.Errorf("invalid value %d of PSID length", plen)
	}
	if plen > 0 && psid > int64(0xffff>>(16-plen)) {
		return nil, fmt.Errorf("invalid PSID value %d for a specified PSID length %d", psid, plen)
	}
	// A zero length carries no PSID bits: Kea writes 0 whatever the value.
	var w uint16
	if plen > 0 {
		w = uint16(psid) << (16 - plen)
	}
	buf = append(buf, byte(plen))
	return binary.BigEndian.AppendUint16(buf, w), nil
}

// appendTuple writes a length-prefixed string; lenSize is 1 or 2.
func appendTuple(buf []byte, lenSize int, v string) ([]byte, error) {
	if lenSize == 1 {
		if len(v) > math.MaxUint8 {
			return nil, fmt.Errorf("tuple value of %d bytes is too long for a 1-byte length", len(v))
		}
		buf = append(buf, byte(len(v)))
	} else {
		if len(v) > math.MaxUint16 {
			return nil, fmt.Errorf("tuple value of %d bytes is too long for a 2-byte length", len(v))
		}
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(v)))
	}
	return append(buf, v...), nil
}
