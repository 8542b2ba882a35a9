package option

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// specialCodec handles an option whose payload Kea builds with a class of
// its own rather than from the definition's fields. Kea picks these by
// universe, space and code (OptionDefinition::factorySpecialFormatOption),
// whatever type the definition states, and so does Nestor.
type specialCodec struct {
	// parseText takes the values of csv-format data, already split on
	// unescaped commas.
	parseText func(d *Definition, u Universe, values []string) ([]byte, error)
	// parseWire checks a payload given in hex and returns what Kea sends.
	parseWire func(d *Definition, u Universe, b []byte) ([]byte, error)
	format    func(d *Definition, u Universe, b []byte) (string, error)
}

var (
	codecRoute     = &specialCodec{parseRouteText, parseRouteWire, formatRoute}
	codecDNR       = &specialCodec{parseDNRText, parseDNRWire, formatDNR}
	codecVIVSO     = &specialCodec{parseVendorOptsText, parseVendorOptsWire, formatVendorOpts}
	codecVendorCls = &specialCodec{parseVendorClassText, parseVendorClassWire, formatVendorClass}
	codecFQDN4     = &specialCodec{parseClientFQDNText, parseClientFQDNWire, formatClientFQDN}
	codecFQDN6     = &specialCodec{parseClientFQDNText, parseClientFQDNWire, formatClientFQDN}
)

// special returns the codec of a special-format option, or nil.
func (d *Definition) special(u Universe) *specialCodec {
	switch {
	case u == V4 && d.Space == "dhcp4":
		switch d.Code {
		case 81:
			return codecFQDN4
		case 121:
			return codecRoute
		case 124:
			return codecVendorCls
		case 125:
			return codecVIVSO
		case 162:
			return codecDNR
		}
	case u == V6 && d.Space == "dhcp6":
		switch d.Code {
		case 16:
			return codecVendorCls
		case 17:
			return codecVIVSO
		case 39:
			return codecFQDN6
		case 144:
			return codecDNR
		}
	}
	return nil
}

// AppendSubOption appends one sub-option (or option) in the universe's
// layout: a 1-byte code and 1-byte length in DHCPv4, 2-byte code and
// length in DHCPv6. A DHCPv4 payload longer than 255 bytes is written as
// several sub-options with the same code (RFC 3396), as Kea splits long
// options; a DHCPv6 payload is cut at 65535 bytes by the caller's
// responsibility (it never exceeds the message size).
func AppendSubOption(dst []byte, u Universe, code uint16, payload []byte) []byte {
	if u == V6 {
		dst = binary.BigEndian.AppendUint16(dst, code)
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(payload)))
		return append(dst, payload...)
	}
	for first := true; first || len(payload) > 0; first = false {
		n := min(len(payload), 255)
		dst = append(dst, byte(code), byte(n))
		dst = append(dst, payload[:n]...)
		payload = payload[n:]
	}
	return dst
}

// AppendVIVSOSubOption appends a sub-option to a DHCPv4 vivso-suboptions
// (125) payload as ParseData made it (enterprise-id, data-len, sub-options)
// and updates data-len. It fails when the vendor data would pass 255 bytes.
func AppendVIVSOSubOption(payload []byte, code uint8, data []byte) ([]byte, error) {
	if len(payload) < 5 {
		return nil, errors.New("vivso-suboptions payload is shorter than enterprise-id and data-len")
	}
	total := len(payload) - 5 + 2 + len(data)
	if total > 255 || len(data) > 255 {
		return nil, fmt.Errorf("vendor data of %d bytes does not fit a vivso-suboptions option", total)
	}
	payload = append(payload, code, byte(len(data)))
	payload = append(payload, data...)
	payload[4] = byte(total)
	return payload, nil
}

// Vendor-Specific Information: 125 in DHCPv4 (enterprise-id, data-len,
// sub-options) and 17 in DHCPv6 (enterprise-id, sub-options). The data
// names the enterprise only; the server adds the sub-options.

func parseVendorOptsText(d *Definition, u Universe, values []string) ([]byte, error) {
	if len(values) == 0 {
		return nil, errors.New("no option value specified")
	}
	n, err := parseInt(trim(values[0]), TypeUint32)
	if err != nil {
		return nil, err
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(n))
	if u == V4 {
		out = append(out, 0)
	}
	return out, nil
}

func parseVendorOptsWire(d *Definition, u Universe, b []byte) ([]byte, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("Truncated vendor-specific information option, length=%d", len(b))
	}
	if u == V4 {
		if len(b) == 4 {
			return append(append([]byte{}, b...), 0), nil
		}
		if int(b[4]) != len(b)-5 {
			return nil, fmt.Errorf("vendor-specific information data-len %d does not match the %d bytes that follow", b[4], len(b)-5)
		}
	}
	return b, nil
}

func formatVendorOpts(d *Definition, u Universe, b []byte) (string, error) {
	if len(b) < 4 {
		return "", fmt.Errorf("Truncated vendor-specific information option, length=%d", len(b))
	}
	return strconv.FormatUint(uint64(binary.BigEndian.Uint32(b)), 10), nil
}

// Vendor Class: 124 in DHCPv4 and 16 in DHCPv6, "enterprise-id, hex" where
// the hex holds the length-prefixed class data (1-byte lengths in DHCPv4,
// each further tuple preceded by the enterprise-id again; 2-byte lengths in
// DHCPv6), as Kea's OptionVendorClass reads it.

func parseVendorClassText(d *Definition, u Universe, values []string) ([]byte, error) {
	if len(values) < 2 {
		return nil, fmt.Errorf("number of data fields for the option type '%d' is greater than number of values provided.", d.Code)
	}
	n, err := parseInt(trim(values[0]), TypeUint32)
	if err != nil {
		return nil, err
	}
	data, err := decodeHexDigits(trim(values[1]))
	if err != nil {
		return nil, fmt.Errorf("unable to cast %s to binary data type: %v", trim(values[1]), err)
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(n))
	return parseVendorClassWire(d, u, append(out, data...))
}

func parseVendorClassWire(d *Definition, u Universe, b []byte) ([]byte, error) {
	minLen := 4
	if u == V4 {
		minLen = 5
	}
	if len(b) < minLen {
		return nil, fmt.Errorf("parsed Vendor Class option data truncated to size %d", len(b))
	}
	ls := 1
	if u == V6 {
		ls = 2
	}
	rest := b[4:]
	for off := 0; off < len(rest); {
		if len(rest)-off < ls {
			return nil, errors.New("unable to parse the opaque data tuple, the buffer is truncated")
		}
		l := int(rest[off])
		if ls == 2 {
			l = int(binary.BigEndian.Uint16(rest[off:]))
		}
		if len(rest)-off-ls < l {
			return nil, fmt.Errorf("unable to parse the opaque data tuple, the buffer length is %d, but the tuple length is %d", len(rest)-off-ls, l)
		}
		off += ls + l
		if u == V4 && off != len(rest) {
			off += 4
			if off+1 > len(rest) {
				return nil, errors.New("truncated DHCPv4 V-I Vendor Class option - it should contain enterprise id followed by opaque data field tuple")
			}
		}
	}
	return b, nil
}

func formatVendorClass(d *Definition, u Universe, b []byte) (string, error) {
	if _, err := parseVendorClassWire(d, u, b); err != nil {
		return "", err
	}
	return strconv.FormatUint(uint64(binary.BigEndian.Uint32(b)), 10) + ", " + upperHex(b[4:]), nil
}

// Client FQDN: 81 in DHCPv4 (flags, rcode1, rcode2, name) and 39 in DHCPv6
// (flags, name). The text is the record of the standard definition.

const (
	fqdnFlagS = 0x01
	fqdnFlagE = 0x04 // DHCPv4 only: name in DNS wire format
	fqdnFlagN = 0x08 // DHCPv4 N; DHCPv6 N is 0x04
)

func fqdnFlagsOK(u Universe, flags byte) error {
	n := byte(fqdnFlagN)
	if u == V6 {
		n = 0x04
	}
	if flags&n != 0 && flags&fqdnFlagS != 0 {
		if u == V6 {
			return errors.New("both N and S flag of the DHCPv6 Client FQDN Option are set. According to RFC 4704, if the N bit is 1 the S bit MUST be 0")
		}
		return errors.New("both N and S flag of the DHCPv4 Client FQDN Option are set. According to RFC 4702, if the N bit is 1 the S bit MUST be 0")
	}
	return nil
}

func fqdnHeaderLen(u Universe) int {
	if u == V6 {
		return 1
	}
	return 3
}

func parseClientFQDNText(d *Definition, u Universe, values []string) ([]byte, error) {
	h := fqdnHeaderLen(u)
	if len(values) < h+1 {
		return nil, fmt.Errorf("number of data fields for the option type '%d' is greater than number of values provided.", d.Code)
	}
	var out []byte
	for i := 0; i < h; i++ {
		n, err := parseInt(trim(values[i]), TypeUint8)
		if err != nil {
			return nil, err
		}
		out = append(out, byte(n))
	}
	if err := fqdnFlagsOK(u, out[0]); err != nil {
		return nil, err
	}
	name := trim(values[h])
	w, err := nameToWire(name, false)
	if err != nil {
		return nil, err
	}
	if u == V4 && out[0]&fqdnFlagE == 0 {
		// Without E the DHCPv4 name travels as ASCII text.
		text, _, _ := readName(w)
		return append(out, text...), nil
	}
	return append(out, w...), nil
}

func parseClientFQDNWire(d *Definition, u Universe, b []byte) ([]byte, error) {
	if _, err := clientFQDNText(u, b); err != nil {
		return nil, err
	}
	return b, nil
}

// formatClientFQDN renders the option when Kea's text can give the same
// bytes back: not for an empty or partial name, which clients send but a
// configuration cannot write.
func formatClientFQDN(d *Definition, u Universe, b []byte) (string, error) {
	text, err := clientFQDNText(u, b)
	if err != nil {
		return "", err
	}
	again, err := parseClientFQDNText(d, u, tokens(text, ',', true))
	if err != nil || string(again) != string(b) {
		return "", errors.New("Client FQDN option with an empty or partial name cannot be written in Kea's notation")
	}
	return text, nil
}

func clientFQDNText(u Universe, b []byte) (string, error) {
	h := fqdnHeaderLen(u)
	if len(b) < h {
		return "", fmt.Errorf("truncated Client FQDN option of %d bytes", len(b))
	}
	if err := fqdnFlagsOK(u, b[0]); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i := 0; i < h; i++ {
		sb.WriteString(strconv.Itoa(int(b[i])))
		sb.WriteString(", ")
	}
	name := b[h:]
	switch {
	case u == V4 && b[0]&fqdnFlagE == 0:
		sb.WriteString(escapeCSV(string(name), ","))
	default:
		text, err := readPartialName(name)
		if err != nil {
			return "", err
		}
		sb.WriteString(escapeCSV(text, ","))
	}
	return sb.String(), nil
}

// readPartialName reads a Client FQDN name: a full name ends with the root
// label, a partial one (RFC 4702/4704) just stops.
func readPartialName(b []byte) (string, error) {
	if len(b) == 0 {
		return "", nil
	}
	if n := len(b); b[n-1] == 0 {
		text, used, err := readName(b)
		if err != nil {
			return "", err
		}
		if used != n {
			return "", errors.New("extra data after the domain name")
		}
		return text, nil
	}
	text, _, err := readName(append(append([]byte{}, b...), 0))
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(text, "."), nil
}
