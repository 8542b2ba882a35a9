package eval

import (
	"sort"
	"strconv"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/dhcp6"

	"github.com/nestordhcp/nestor/option"
)

// textOf is option[...].text: Kea's Option::toString of the object its
// definition makes of the payload. String options give their value
// (trailing NULs dropped, as Kea's OptionString does); every other class
// returns its toText(0), checked against Kea 2.2's evaluation log:
//
//	no definition, binary   type=230, len=005: 68:65:6c:6c:6f
//	uint8 (OptionInt)       type=023, len=001: 64 (uint8)
//	uint8 array             type=055, len=002: 1(uint8) 3(uint8)
//	ipv4-address array      type=003, len=008: 198.51.100.1 198.51.100.2
//	records, single address,
//	fqdn (OptionCustom)     type=119, len=013: "example.com." (fqdn)
//	empty, encapsulating    type=082, len=010:,\noptions:\n  type=001, ...
//
// Codes and lengths have 3 digits in DHCPv4, 5 in DHCPv6. Options Kea
// gives a class of their own (client FQDN, vendor options, IAs, classless
// routes, ...) are written as OptionCustom would write them, which is not
// always Kea's text.
func textOf(s *Scratch, u option.Universe, code uint16, def *option.Definition, data []byte) []byte {
	if def != nil && def.Type == option.TypeString && !def.Array {
		for len(data) > 0 && data[len(data)-1] == 0 {
			data = data[:len(data)-1]
		}
		return data
	}
	return s.endAppend(appendToText(s.startAppend(), u, code, def, data, 0))
}

func appendPadded(dst []byte, n, width int) []byte {
	var tmp [8]byte
	d := strconv.AppendUint(tmp[:0], uint64(n), 10)
	for i := len(d); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, d...)
}

func appendHeader(dst []byte, u option.Universe, code uint16, n, indent int) []byte {
	width := 3
	if u == option.V6 {
		width = 5
	}
	for i := 0; i < indent; i++ {
		dst = append(dst, ' ')
	}
	dst = append(dst, "type="...)
	dst = appendPadded(dst, int(code), width)
	dst = append(dst, ", len="...)
	return appendPadded(dst, n, width)
}

func appendGeneric(dst []byte, u option.Universe, code uint16, data []byte, indent int) []byte {
	dst = appendHeader(dst, u, code, len(data), indent)
	dst = append(dst, ": "...)
	for i, c := range data {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

// appendToText is Kea's toText(indent) for the class the definition gives.
func appendToText(dst []byte, u option.Universe, code uint16, def *option.Definition, data []byte, indent int) []byte {
	if def == nil || def.Type == option.TypeBinary || def.Type == option.TypeInternal ||
		(def.Type == option.TypeEmpty && def.Encapsulate == "") {
		return appendGeneric(dst, u, code, data, indent)
	}
	mark := len(dst)
	if def.Type == option.TypeEmpty {
		dst = appendHeader(dst, u, code, len(data), indent)
		dst = append(dst, ':')
		return appendSubText(dst, u, data, indent+2)
	}
	dst = appendHeader(dst, u, code, len(data), indent)
	dst = append(dst, ':')
	var ok bool
	switch {
	case def.Array && isIntType(def.Type):
		// OptionIntArray: "1(uint8) 3(uint8)".
		n := typeLen(def.Type)
		ok = len(data)%n == 0
		for p := 0; ok && p < len(data); p += n {
			dst = append(dst, ' ')
			dst = appendField(dst, def.Type, data[p:p+n])
			dst = append(dst, '(')
			dst = append(dst, def.Type.String()...)
			dst = append(dst, ')')
		}
	case def.Array && (def.Type == option.TypeIPv4Address || def.Type == option.TypeIPv6Address):
		// Option4AddrLst, Option6AddrLst: addresses only.
		n := typeLen(def.Type)
		ok = len(data)%n == 0
		for p := 0; ok && p < len(data); p += n {
			dst = append(dst, ' ')
			dst = appendAddrText(dst, data[p:p+n])
		}
	case !def.Array && isIntType(def.Type):
		// OptionInt: "64 (uint8)".
		ok = len(data) == typeLen(def.Type)
		if ok {
			dst = append(dst, ' ')
			dst = appendField(dst, def.Type, data)
			dst = append(dst, " ("...)
			dst = append(dst, def.Type.String()...)
			dst = append(dst, ')')
		}
	default:
		dst, ok = appendCustom(dst, u, def, data)
	}
	if !ok {
		return appendGeneric(dst[:mark], u, code, data, indent)
	}
	return dst
}

func isIntType(t option.DataType) bool {
	switch t {
	case option.TypeInt8, option.TypeInt16, option.TypeInt32,
		option.TypeUint8, option.TypeUint16, option.TypeUint32:
		return true
	}
	return false
}

// appendField writes one fixed-size field's value.
func appendField(dst []byte, t option.DataType, b []byte) []byte {
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	switch t {
	case option.TypeInt8:
		return strconv.AppendInt(dst, int64(int8(n)), 10)
	case option.TypeInt16:
		return strconv.AppendInt(dst, int64(int16(n)), 10)
	case option.TypeInt32:
		return strconv.AppendInt(dst, int64(int32(n)), 10)
	case option.TypeBoolean:
		if n != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case option.TypeIPv4Address, option.TypeIPv6Address:
		return appendAddrText(dst, b)
	}
	return strconv.AppendUint(dst, n, 10)
}

// appendCustom is OptionCustom::toText's fields: " value (type)" each,
// names and strings in double quotes.
func appendCustom(dst []byte, u option.Universe, def *option.Definition, data []byte) ([]byte, bool) {
	types := def.RecordTypes
	if def.Type != option.TypeRecord {
		types = []option.DataType{def.Type}
	}
	p := 0
	for i := 0; ; i++ {
		if i >= len(types) {
			if !def.Array || p >= len(data) {
				break
			}
			i = len(types) - 1
		}
		t := types[i]
		rest := data[p:]
		dst = append(dst, ' ')
		var n int
		switch t {
		case option.TypeFQDN:
			var ok bool
			dst = append(dst, '"')
			dst, n, ok = appendName(dst, rest)
			if !ok {
				return dst, false
			}
			dst = append(dst, '"')
		case option.TypeString:
			n = len(rest)
			dst = append(dst, '"')
			dst = append(dst, rest...)
			dst = append(dst, '"')
		case option.TypeBinary:
			n = len(rest)
			for _, c := range rest {
				dst = append(dst, "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			}
		case option.TypeTuple:
			h := 1
			if u == option.V6 {
				h = 2
			}
			if len(rest) < h {
				return dst, false
			}
			l := int(rest[0])
			if h == 2 {
				l = l<<8 | int(rest[1])
			}
			if h+l > len(rest) {
				return dst, false
			}
			n = h + l
			dst = append(dst, '"')
			dst = append(dst, rest[h:n]...)
			dst = append(dst, '"')
		default:
			n = typeLen(t)
			if n < 0 || n > len(rest) {
				return dst, false
			}
			dst = appendField(dst, t, rest[:n])
		}
		dst = append(dst, " ("...)
		dst = append(dst, t.String()...)
		dst = append(dst, ')')
		p += n
		if !def.Array && i == len(types)-1 {
			break
		}
		if def.Array && p >= len(data) {
			break
		}
	}
	return dst, true
}

// appendName writes a DNS wire-format name as text with its final dot.
func appendName(dst, b []byte) ([]byte, int, bool) {
	p := 0
	for p < len(b) {
		l := int(b[p])
		if l == 0 {
			if p == 0 {
				dst = append(dst, '.')
			}
			return dst, p + 1, true
		}
		if l > 63 || p+1+l > len(b) {
			return dst, 0, false
		}
		dst = append(dst, b[p+1:p+1+l]...)
		dst = append(dst, '.')
		p += 1 + l
	}
	// A partial name (no final root label) as Kea reads it.
	return dst, p, p > 0
}

// appendSubText is Option::suboptionsToText: generic text of each
// sub-option, in code order as Kea keeps them.
func appendSubText(dst []byte, u option.Universe, area []byte, indent int) []byte {
	type sub struct {
		code uint16
		data []byte
	}
	var subs [32]sub
	list := subs[:0]
	if u == option.V6 {
		it := dhcp6.View(area).Iter()
		for it.Next() {
			o := it.Option()
			list = append(list, sub{uint16(o.Code), o.Data})
		}
	} else {
		it := dhcp4.SubOptions(area).Iter(false)
		for c, d, ok := it.Next(); ok; c, d, ok = it.Next() {
			list = append(list, sub{uint16(c), d})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].code < list[j].code })
	if len(list) == 0 {
		return dst
	}
	dst = append(dst, ",\noptions:"...)
	for _, o := range list {
		dst = append(dst, '\n')
		dst = appendGeneric(dst, u, o.code, o.data, indent)
	}
	return dst
}
