package eval

import (
	"strconv"

	"github.com/nestordhcp/nestor/option"
)

// textOf is option[...].text: Kea's Option::toString of the option object
// its definition makes of the payload. String options give their value
// (trailing NULs dropped, as Kea's OptionString does). Every other kind
// of option falls back to Option::toText, which Kea's base class returns
// for toString: "type=012, len=003: 61:62:63" (codes and lengths on 3
// digits in DHCPv4, 5 in DHCPv6).
func textOf(s *Scratch, u option.Universe, code uint16, def *option.Definition, data []byte) []byte {
	if def != nil && def.Type == option.TypeString && !def.Array {
		for len(data) > 0 && data[len(data)-1] == 0 {
			data = data[:len(data)-1]
		}
		return data
	}
	return s.endAppend(appendToText(s.startAppend(), u, code, data))
}

func appendPadded(dst []byte, n, width int) []byte {
	var tmp [8]byte
	d := strconv.AppendUint(tmp[:0], uint64(n), 10)
	for i := len(d); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, d...)
}

// appendToText is Kea's Option::toText(0) for an option without
// sub-options.
func appendToText(dst []byte, u option.Universe, code uint16, data []byte) []byte {
	width := 3
	if u == option.V6 {
		width = 5
	}
	dst = append(dst, "type="...)
	dst = appendPadded(dst, int(code), width)
	dst = append(dst, ", len="...)
	dst = appendPadded(dst, len(data), width)
	dst = append(dst, ": "...)
	for i, c := range data {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}
