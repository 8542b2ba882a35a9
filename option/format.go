package option

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// FormatData renders an option payload (no code or length header) as
// Kea's option-data text, so that ParseData(FormatData(p), true) gives p
// back for every payload Kea's text can express: values are joined by
// ", ", strings and names have commas and backslashes escaped ("\,",
// "\\"), names end with a dot, binary is upper-case hex without
// separators. Bytes after the defined fields of an option that
// encapsulates a space are its sub-options and are not rendered.
//
// Text cannot carry the leading or trailing blanks of a string or tuple
// (Kea trims values; FormatData leaves them out) nor the trailing NULs Kea
// strips from string options, so those do not survive the round trip. An
// empty field is written as a blank, which Kea reads as empty.
func (d *Definition) FormatData(payload []byte) (string, error) {
	return d.FormatDataIn(d.guessUniverse(), payload)
}

// FormatDataIn is FormatData for a definition of universe u.
func (d *Definition) FormatDataIn(u Universe, payload []byte) (string, error) {
	if sp := d.special(u); sp != nil {
		return sp.format(d, u, payload)
	}
	fields, _, err := d.splitWire(u, payload)
	if err != nil {
		return "", err
	}
	if d.Type == TypeString && len(fields) == 1 {
		// Kea trims the text and strips trailing NULs from the bytes:
		// write the value both leave alone.
		v := fields[0].b
		for n := -1; n != len(v); {
			n = len(v)
			v = []byte(trim(string(v)))
			for len(v) > 0 && v[len(v)-1] == 0 {
				v = v[:len(v)-1]
			}
		}
		if len(v) == 0 {
			return "", errors.New("a string of blanks and NULs cannot be written in Kea's notation")
		}
		fields[0].b = v
	}
	var sb strings.Builder
	for i, f := range fields {
		if i > 0 {
			sb.WriteString(", ")
		}
		if err := appendFieldText(&sb, f, d.tupleLenSize(u)); err != nil {
			return "", err
		}
	}
	return sb.String(), nil
}

type field struct {
	t DataType
	b []byte
}

// checkWire turns a payload given in hex into what Kea sends after building
// its option object from it: the payload is checked against the definition
// and bytes Kea's object drops are dropped.
func (d *Definition) checkWire(u Universe, p []byte) ([]byte, error) {
	fields, rest, err := d.splitWire(u, p)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(p))
	for _, f := range fields {
		out = append(out, f.b...)
	}
	return append(out, rest...), nil
}

// splitWire cuts a payload into its fields as Kea's option classes do, and
// returns the bytes after them that Kea keeps (sub-options). Trailing bytes
// that Kea's object drops are not returned.
func (d *Definition) splitWire(u Universe, p []byte) ([]field, []byte, error) {
	t := d.Type
	size := fixedSize(t)
	var keep []byte
	switch {
	case t == TypeEmpty:
		// Kea makes a bare option from an empty definition and drops the
		// data, unless sub-options follow.
		if d.Encapsulate != "" {
			return nil, p, nil
		}
		return nil, nil, nil
	case t == TypeBinary || t == TypeInternal:
		return []field{{TypeBinary, p}}, nil, nil
	case t == TypeRecord:
		return d.splitRecord(u, p)
	case t == TypeString && !d.Array:
		s := p
		for len(s) > 0 && s[len(s)-1] == 0 {
			s = s[:len(s)-1]
		}
		if len(s) == 0 {
			return nil, nil, fmt.Errorf("failed to parse an option '%d' holding string value' was empty or contained only nuls", d.Code)
		}
		return []field{{TypeString, s}}, nil, nil
	case isInt(t) && !d.Array:
		if len(p) < size {
			return nil, nil, fmt.Errorf("OptionInt %d truncated", d.Code)
		}
		return []field{{t, p[:size]}}, p[size:], nil
	case isInt(t) || t == TypeIPv4Address || t == TypeIPv6Address:
		if !d.Array {
			break
		}
		if isInt(t) && len(p) == 0 {
			return nil, nil, fmt.Errorf("option %d empty", d.Code)
		}
		if len(p)%size != 0 {
			if isInt(t) {
				return nil, nil, fmt.Errorf("option %d truncated", d.Code)
			}
			return nil, nil, fmt.Errorf("option %d has invalid length=%d, must be divisible by %d.", d.Code, len(p), size)
		}
		fields := make([]field, 0, len(p)/size)
		for i := 0; i < len(p); i += size {
			fields = append(fields, field{t, p[i : i+size]})
		}
		return fields, nil, nil
	case t == TypeFQDN && d.Array && u == V4:
		w, err := decompressNames(p)
		if err != nil {
			return nil, nil, err
		}
		return splitRepeated(w, func(b []byte) (int, error) { return d.fieldLen(u, TypeFQDN, b) }, TypeFQDN, false)
	case t == TypeTuple && d.Array:
		if len(p) == 0 && d.tupleLenSize(u) == 1 {
			return nil, nil, errors.New("parsed data tuples option data truncated to size 0")
		}
		return splitRepeated(p, func(b []byte) (int, error) { return d.fieldLen(u, TypeTuple, b) }, TypeTuple, false)
	}
	if d.Array {
		// OptionCustom: whole values only; a partial one at the end is
		// dropped, but there must be at least one fixed-size value.
		if size > 0 && len(p) < size {
			return nil, nil, errors.New("option buffer truncated")
		}
		return splitRepeated(p, func(b []byte) (int, error) { return d.fieldLen(u, t, b) }, t, true)
	}
	n, err := d.fieldLen(u, t, p)
	if err != nil {
		return nil, nil, err
	}
	if d.Encapsulate != "" {
		keep = p[n:]
	}
	return []field{{t, p[:n]}}, keep, nil
}

func (d *Definition) splitRecord(u Universe, p []byte) ([]field, []byte, error) {
	fields := make([]field, 0, len(d.RecordTypes))
	off := 0
	for _, t := range d.RecordTypes {
		n, err := d.fieldLen(u, t, p[off:])
		if err != nil {
			return nil, nil, err
		}
		fields = append(fields, field{t, p[off : off+n]})
		off += n
	}
	if d.Array && len(d.RecordTypes) > 0 {
		last := d.RecordTypes[len(d.RecordTypes)-1]
		for off < len(p) {
			n, err := d.fieldLen(u, last, p[off:])
			if err != nil {
				return nil, nil, err
			}
			if n == 0 {
				break
			}
			fields = append(fields, field{last, p[off : off+n]})
			off += n
		}
	}
	var keep []byte
	if d.Encapsulate != "" {
		keep = p[off:]
	}
	return fields, keep, nil
}

func splitRepeated(p []byte, next func([]byte) (int, error), t DataType, dropPartial bool) ([]field, []byte, error) {
	var fields []field
	for off := 0; off < len(p); {
		n, err := next(p[off:])
		if err != nil {
			if dropPartial {
				break
			}
			return nil, nil, err
		}
		if n == 0 {
			return nil, nil, errors.New("option buffer truncated")
		}
		fields = append(fields, field{t, p[off : off+n]})
		off += n
	}
	return fields, nil, nil
}

func isInt(t DataType) bool {
	switch t {
	case TypeInt8, TypeInt16, TypeInt32, TypeUint8, TypeUint16, TypeUint32:
		return true
	}
	return false
}

// fixedSize is the wire size of a fixed-size type, 0 for the others.
func fixedSize(t DataType) int {
	switch t {
	case TypeBoolean, TypeInt8, TypeUint8:
		return 1
	case TypeInt16, TypeUint16:
		return 2
	case TypeInt32, TypeUint32, TypeIPv4Address:
		return 4
	case TypeIPv6Address:
		return 16
	case TypePSID:
		return 3
	}
	return 0
}

// fieldLen is the length of the value of type t at the start of b.
func (d *Definition) fieldLen(u Universe, t DataType, b []byte) (int, error) {
	if n := fixedSize(t); n > 0 {
		if len(b) < n {
			return 0, errors.New("option buffer truncated")
		}
		return n, nil
	}
	switch t {
	case TypeString, TypeBinary:
		return len(b), nil
	case TypeFQDN:
		if len(b) == 0 {
			return 0, errors.New("unable to read FQDN from a buffer. The buffer is empty.")
		}
		_, n, err := readName(b)
		return n, err
	case TypeIPv6Prefix:
		if len(b) == 0 {
			return 0, errors.New("option buffer truncated")
		}
		n := 1 + (int(b[0])+7)/8
		if len(b) < n {
			return 0, errors.New("option buffer truncated")
		}
		return n, nil
	case TypeTuple:
		ls := d.tupleLenSize(u)
		if len(b) < ls {
			return 0, errors.New("unable to parse the opaque data tuple, the buffer is truncated")
		}
		l := int(b[0])
		if ls == 2 {
			l = int(binary.BigEndian.Uint16(b))
		}
		if len(b)-ls < l {
			return 0, fmt.Errorf("unable to parse the opaque data tuple, the buffer length is %d, but the tuple length is %d", len(b)-ls, l)
		}
		return ls + l, nil
	}
	return 0, fmt.Errorf("invalid data type %s in a field", t)
}

// appendFieldText writes one field as Kea's text for it.
func appendFieldText(sb *strings.Builder, f field, tupleLen int) error {
	b := f.b
	switch f.t {
	case TypeBinary:
		if len(b) == 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(upperHex(b))
	case TypeBoolean:
		switch b[0] {
		case 0:
			sb.WriteString("false")
		case 1:
			sb.WriteString("true")
		default:
			return fmt.Errorf("unable to read the buffer as boolean value. Invalid value %d", b[0])
		}
	case TypeInt8:
		sb.WriteString(strconv.Itoa(int(int8(b[0]))))
	case TypeUint8:
		sb.WriteString(strconv.Itoa(int(b[0])))
	case TypeInt16:
		sb.WriteString(strconv.Itoa(int(int16(binary.BigEndian.Uint16(b)))))
	case TypeUint16:
		sb.WriteString(strconv.Itoa(int(binary.BigEndian.Uint16(b))))
	case TypeInt32:
		sb.WriteString(strconv.FormatInt(int64(int32(binary.BigEndian.Uint32(b))), 10))
	case TypeUint32:
		sb.WriteString(strconv.FormatUint(uint64(binary.BigEndian.Uint32(b)), 10))
	case TypeIPv4Address:
		sb.WriteString(netip.AddrFrom4([4]byte(b)).String())
	case TypeIPv6Address:
		sb.WriteString(netip.AddrFrom16([16]byte(b)).String())
	case TypeIPv6Prefix:
		if b[0] > 128 {
			return fmt.Errorf("invalid prefix length %d", b[0])
		}
		// Bits past the length are not part of the prefix (Kea's
		// readPrefix clears them).
		var a [16]byte
		copy(a[:], b[1:])
		if rem := b[0] % 8; rem != 0 {
			a[b[0]/8] &= byte(0xff << (8 - rem))
		}
		sb.WriteString(netip.AddrFrom16(a).String())
		sb.WriteByte('/')
		sb.WriteString(strconv.Itoa(int(b[0])))
	case TypePSID:
		plen, psid := b[0], binary.BigEndian.Uint16(b[1:])
		if plen > 16 {
			return fmt.Errorf("invalid PSID length value %d, this value is expected to be in range of 0 to 16", plen)
		}
		if plen < 16 && psid&(0xffff>>plen) != 0 {
			return fmt.Errorf("invalid PSID value %d for a specified PSID length %d", psid, plen)
		}
		if plen > 0 {
			psid >>= 16 - plen
		} else {
			psid = 0
		}
		sb.WriteString(strconv.Itoa(int(psid)))
		sb.WriteByte('/')
		sb.WriteString(strconv.Itoa(int(plen)))
	case TypeString:
		writeTextValue(sb, string(b))
	case TypeFQDN:
		name, _, err := readName(b)
		if err != nil {
			return err
		}
		sb.WriteString(escapeCSV(name, ","))
	case TypeTuple:
		writeTextValue(sb, string(b[tupleLen:]))
	default:
		return fmt.Errorf("invalid data type %s in a field", f.t)
	}
	return nil
}

// writeTextValue writes a string or tuple value. Kea trims values, so
// outer blanks cannot be written and are left out; an empty value is
// written as a blank so that it still counts as a field.
func writeTextValue(sb *strings.Builder, v string) {
	v = trim(v)
	if v == "" {
		sb.WriteByte(' ')
		return
	}
	sb.WriteString(escapeCSV(v, ","))
}

const hexUpper = "0123456789ABCDEF"

func upperHex(b []byte) string {
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i] = hexUpper[c>>4]
		out[2*i+1] = hexUpper[c&0xf]
	}
	return string(out)
}
