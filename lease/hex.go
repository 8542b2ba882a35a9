package lease

import (
	"errors"
	"strings"
)

const hexDigits = "0123456789abcdef"

// FormatHex returns b as lowercase colon-separated octets ("01:aa:bb"),
// Kea's text form for client identifiers, DUIDs and hardware addresses.
func FormatHex(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return string(AppendHex(make([]byte, 0, 3*len(b)-1), b))
}

// AppendHex appends the FormatHex form of b to dst.
func AppendHex(dst, b []byte) []byte {
	for i, c := range b {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

var errBadHex = errors.New("invalid hexadecimal string")

// ParseHex parses octets written as Kea accepts them: colon- or
// space-separated octets of one or two digits ("1:a:bb", "01 0a"), or an
// unseparated even-length string with an optional 0x prefix ("010abb").
func ParseHex(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	sep := byte(0)
	if strings.IndexByte(s, ':') >= 0 {
		sep = ':'
	} else if strings.IndexByte(s, ' ') >= 0 {
		sep = ' '
	}
	if sep == 0 {
		if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
			s = s[2:]
		}
		if len(s)%2 != 0 {
			return nil, errBadHex
		}
		out := make([]byte, len(s)/2)
		for i := range out {
			hi, ok1 := unhex(s[2*i])
			lo, ok2 := unhex(s[2*i+1])
			if !ok1 || !ok2 {
				return nil, errBadHex
			}
			out[i] = hi<<4 | lo
		}
		return out, nil
	}
	out := make([]byte, 0, len(s)/3+1)
	for part := range strings.SplitSeq(s, string(sep)) {
		var v byte
		switch len(part) {
		case 1:
			d, ok := unhex(part[0])
			if !ok {
				return nil, errBadHex
			}
			v = d
		case 2:
			hi, ok1 := unhex(part[0])
			lo, ok2 := unhex(part[1])
			if !ok1 || !ok2 {
				return nil, errBadHex
			}
			v = hi<<4 | lo
		default:
			return nil, errBadHex
		}
		out = append(out, v)
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
