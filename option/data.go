package option

import (
	"errors"
	"fmt"
	"strings"
)

// ParseData encodes an option-data "data" value into the option payload (no
// code or length header) exactly as Kea puts it on the wire. With csvFormat
// the value is Kea's comma-separated text ("192.0.2.1, 192.0.2.2"); without
// it, hexadecimal ("C0 00 02 01", "c0:00:02:01", "0xc0000201") or a quoted
// string ("'text'").
//
// The universe decides the width of tuple lengths; Definition does not carry
// it, so ParseData infers it from the space (see Universe of a Definition in
// ParseDataIn). Callers that know the universe (Resolve does) should call
// ParseDataIn.
func (d *Definition) ParseData(data string, csvFormat bool) ([]byte, error) {
	return d.ParseDataIn(d.guessUniverse(), data, csvFormat)
}

// ParseDataIn is ParseData for a definition of universe u.
func (d *Definition) ParseDataIn(u Universe, data string, csvFormat bool) ([]byte, error) {
	if sp := d.special(u); sp != nil {
		if csvFormat {
			return sp.parseText(d, u, tokens(data, ',', true))
		}
		bin, err := DecodeHexData(data)
		if err != nil {
			return nil, err
		}
		return sp.parseWire(d, u, bin)
	}
	if !csvFormat {
		bin, err := DecodeHexData(data)
		if err != nil {
			return nil, err
		}
		return d.checkWire(u, bin)
	}
	return d.parseCSV(u, tokens(data, ',', true))
}

// v6Spaces are the standard spaces that exist only in DHCPv6; "vendor-*"
// spaces exist in both universes and default to v4.
var v6Spaces = map[string]bool{
	"dhcp6": true, "s46-cont-mape-options": true, "s46-cont-mapt-options": true,
	"s46-cont-lw-options": true, "s46-rule-options": true,
	"s46-v4v6bind-options": true, "4o6": true, "rsoo-opts": true,
	"vendor-2495": true,
}

func (d *Definition) guessUniverse() Universe {
	if v6Spaces[d.Space] {
		return V6
	}
	return V4
}

// parseCSV follows Kea's OptionDefinition::optionFactory for text values:
// a plain option takes the first value (others are ignored), an array takes
// every value, a record takes one value per field and, when it is an array,
// repeats its last field over the remaining values.
func (d *Definition) parseCSV(u Universe, values []string) ([]byte, error) {
	var buf []byte
	var err error
	switch {
	case d.Type == TypeRecord:
		if len(d.RecordTypes) > len(values) {
			return nil, fmt.Errorf("number of data fields for the option type '%d' is greater than number of values provided.", d.Code)
		}
		for i, t := range d.RecordTypes {
			if buf, err = d.writeValue(buf, u, t, trim(values[i])); err != nil {
				return nil, err
			}
		}
		if d.Array && len(d.RecordTypes) > 0 {
			last := d.RecordTypes[len(d.RecordTypes)-1]
			for _, v := range values[len(d.RecordTypes):] {
				if buf, err = d.writeValue(buf, u, last, trim(v)); err != nil {
					return nil, err
				}
			}
		}
	case d.Array:
		for _, v := range values {
			if buf, err = d.writeValue(buf, u, d.Type, trim(v)); err != nil {
				return nil, err
			}
		}
	case len(values) == 0:
		if d.Type != TypeEmpty {
			return nil, errors.New("no option value specified")
		}
		return []byte{}, nil
	default:
		if buf, err = d.writeValue(buf, u, d.Type, trim(values[0])); err != nil {
			return nil, err
		}
	}
	if buf == nil {
		buf = []byte{}
	}
	// Kea builds the option object from the encoded buffer, which applies
	// the per-class checks (string not empty, array not empty, ...).
	return d.checkWire(u, buf)
}

// writeValue appends one text value of type t, as Kea's writeToBuffer.
func (d *Definition) writeValue(buf []byte, u Universe, t DataType, v string) ([]byte, error) {
	switch t {
	case TypeBinary:
		b, err := decodeHexDigits(v)
		if err != nil {
			return nil, fmt.Errorf("unable to cast %s to binary data type: %v", v, err)
		}
		return append(buf, b...), nil
	case TypeBoolean:
		b, err := parseBool(v)
		if err != nil {
			return nil, err
		}
		return append(buf, b), nil
	case TypeInt8, TypeInt16, TypeInt32, TypeUint8, TypeUint16, TypeUint32:
		n, err := parseInt(v, t)
		if err != nil {
			return nil, err
		}
		return appendInt(buf, t, n), nil
	case TypeIPv4Address, TypeIPv6Address:
		return appendAddress(buf, t, v)
	case TypeIPv6Prefix:
		return appendPrefix(buf, v)
	case TypePSID:
		return appendPSID(buf, v)
	case TypeString:
		return append(buf, v...), nil
	case TypeFQDN:
		return appendFQDN(buf, v, false)
	case TypeTuple:
		return appendTuple(buf, d.tupleLenSize(u), v)
	}
	return nil, fmt.Errorf("attempt to write invalid option data field type into the option buffer: %s", t)
}

// tupleLenSize is 1 in DHCPv4 and 2 in DHCPv6, except for the DHCPv4 SZTP
// redirect option (143), whose tuples Kea writes with 2-byte lengths.
func (d *Definition) tupleLenSize(u Universe) int {
	if u == V6 || (d.Space == "dhcp4" && d.Code == 143) {
		return 2
	}
	return 1
}

// trim removes what Kea's str::trim removes: spaces, tabs and newlines.
func trim(s string) string { return strings.Trim(s, " \t\n") }

// tokens splits text as Kea's str::tokens: consecutive delimiters collapse
// (empty fields vanish), and with escape a backslash keeps a following
// delimiter or backslash literally, while a backslash before any other
// character stays as it is.
func tokens(text string, delim byte, escape bool) []string {
	var out []string
	var tok []byte
	inTok, escaped := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == delim:
			if !inTok {
				continue
			}
			if escaped {
				escaped = false
				tok = append(tok, c)
				continue
			}
			if len(tok) > 0 {
				out = append(out, string(tok))
			}
			inTok = false
			tok = tok[:0]
		case escape && c == '\\':
			inTok = true
			if escaped {
				escaped = false
				tok = append(tok, c)
			} else {
				escaped = true
			}
		default:
			inTok = true
			if escaped {
				escaped = false
				tok = append(tok, '\\')
			}
			tok = append(tok, c)
		}
	}
	if escaped {
		tok = append(tok, '\\')
	}
	if len(tok) > 0 {
		out = append(out, string(tok))
	}
	return out
}

// escapeCSV escapes a value so that tokens(…, delim, true) gives it back:
// delimiters get a backslash, and so does a backslash that precedes a
// delimiter, another backslash or the end (elsewhere tokens keeps it).
func escapeCSV(s string, delims string) string {
	if !strings.ContainsAny(s, delims+`\`) {
		return s
	}
	special := func(c byte) bool { return c == '\\' || strings.IndexByte(delims, c) >= 0 }
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(delims, c) >= 0 || (c == '\\' && (i+1 == len(s) || special(s[i+1]))) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// DecodeHexData decodes option data given with csv-format false, as Kea's
// option-data parser: a single-quoted string ("'text'", trimmed inside and
// out) gives its bytes; otherwise the value is hex, either octets of one
// or two digits separated by colons or by single spaces, or a run of digits
// with an optional "0x" prefix (an odd count gets a leading zero).
func DecodeHexData(data string) ([]byte, error) {
	if b := quotedStringToBinary(data); len(b) > 0 {
		return b, nil
	}
	b, err := decodeFormattedHex(data)
	if err != nil {
		return nil, fmt.Errorf("option data is not a valid string of hexadecimal digits: %s", data)
	}
	return b, nil
}

func quotedStringToBinary(s string) []byte {
	t := trim(s)
	if len(t) < 2 || t[0] != '\'' || t[len(t)-1] != '\'' {
		return nil
	}
	return []byte(trim(t[1 : len(t)-1]))
}

func decodeFormattedHex(s string) ([]byte, error) {
	switch {
	case strings.IndexByte(s, ':') >= 0:
		return decodeSeparatedHex(s, ":")
	case strings.IndexByte(s, ' ') >= 0:
		return decodeSeparatedHex(s, " ")
	}
	digits := s
	if len(s) > 2 && s[:2] == "0x" {
		digits = s[2:]
	}
	if len(s)%2 != 0 {
		digits = "0" + digits
	}
	return decodeHexStrict(digits)
}

func decodeSeparatedHex(s, sep string) ([]byte, error) {
	parts := strings.Split(s, sep)
	out := make([]byte, 0, len(parts))
	for _, p := range parts {
		if p == "" {
			if len(parts) > 1 {
				return nil, errors.New("two consecutive separators")
			}
			continue
		}
		if len(p) > 2 {
			return nil, errors.New("invalid format")
		}
		var v byte
		for i := 0; i < len(p); i++ {
			n, ok := hexVal(p[i])
			if !ok {
				return nil, fmt.Errorf("'%c' is not a valid hexadecimal digit", p[i])
			}
			v = v<<4 | n
		}
		out = append(out, v)
	}
	return out, nil
}

// decodeHexStrict decodes an even number of hex digits with no separators.
func decodeHexStrict(s string) ([]byte, error) {
	if len(s)%2 != 0 {
		return nil, errors.New("odd number of digits")
	}
	out := make([]byte, len(s)/2)
	for i := 0; i < len(s); i += 2 {
		h, ok1 := hexVal(s[i])
		l, ok2 := hexVal(s[i+1])
		if !ok1 || !ok2 {
			return nil, errors.New("not a hexadecimal digit")
		}
		out[i/2] = h<<4 | l
	}
	return out, nil
}

// decodeHexDigits decodes a binary field as Kea's util::encode::decodeHex:
// hex digits in any case, whitespace anywhere ignored, an even number of
// digits, no "0x" and no colons.
func decodeHexDigits(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)/2)
	var cur byte
	half := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			continue
		}
		n, ok := hexVal(c)
		if !ok {
			return nil, errors.New("attempt to decode a value not in base16 char set")
		}
		if half {
			out = append(out, cur<<4|n)
		} else {
			cur = n
		}
		half = !half
	}
	if half {
		return nil, errors.New("Incomplete input for base16")
	}
	return out, nil
}

func hexVal(c byte) (byte, bool) {
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
