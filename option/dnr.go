package option

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encrypted DNS (DNR, RFC 9463): DHCPv4 option 162 and DHCPv6 option 144.
// Kea's text for one instance is "priority, adn[, addr addr...[, key=value
// key=value...]]"; DHCPv4 takes several instances separated by "|". Only
// the SvcParams alpn (1), port (3) and dohpath (7) are accepted; a list of
// alpn ids is separated by escaped commas.
//
// Wire, DHCPv6: priority(2) adn-len(2) adn [addr-len(2) addrs svcparams].
// DHCPv4, per instance: instance-len(2) priority(2) adn-len(1) adn
// [addr-len(1) addrs svcparams].

var svcParamKeys = map[string]uint16{
	"mandatory": 0, "alpn": 1, "no-default-alpn": 2, "port": 3, "ipv4hint": 4,
	"ech": 5, "ipv6hint": 6, "dohpath": 7, "ohttp": 8,
}

var svcParamNames = func() map[uint16]string {
	m := make(map[uint16]string, len(svcParamKeys))
	for k, v := range svcParamKeys {
		m[v] = k
	}
	return m
}()

// alpnIDs is the IANA ALPN registry as Kea knows it.
var alpnIDs = map[string]bool{
	"http/0.9": true, "http/1.0": true, "http/1.1": true, "spdy/1": true,
	"spdy/2": true, "spdy/3": true, "stun.turn": true, "stun.nat-discovery": true,
	"h2": true, "h2c": true, "webrtc": true, "c-webrtc": true, "ftp": true,
	"imap": true, "pop3": true, "managesieve": true, "coap": true,
	"xmpp-client": true, "xmpp-server": true, "acme-tls/1": true, "mqtt": true,
	"dot": true, "ntske/1": true, "sunrpc": true, "h3": true, "smb": true,
	"irc": true, "nntp": true, "nnsp": true, "doq": true, "sip/2": true,
	"tds/8.0": true, "dicom": true,
}

func dnrPrefix(u Universe) string {
	if u == V6 {
		return "DHCPv6 Encrypted DNS Option (144) malformed: "
	}
	return "DHCPv4 Encrypted DNS Option (162) malformed: "
}

func parseDNRText(d *Definition, u Universe, values []string) ([]byte, error) {
	if len(values) == 0 {
		return nil, errors.New("no option value specified")
	}
	// Kea joins the values back with escaped commas and splits again; for
	// DHCPv4 it first splits instances on unescaped pipes.
	for i := range values {
		values[i] = strings.ReplaceAll(values[i], ",", `\,`)
	}
	text := strings.Join(values, ",")
	if u == V6 {
		return parseDNRInstance(u, text)
	}
	var out []byte
	for _, inst := range tokens(text, '|', true) {
		b, err := parseDNRInstance(u, inst)
		if err != nil {
			return nil, err
		}
		out = binary.BigEndian.AppendUint16(out, uint16(len(b)))
		out = append(out, b...)
	}
	if len(out) == 0 {
		return nil, errors.New(dnrPrefix(u) + "Option config requires at least comma separated Service Priority and ADN")
	}
	return out, nil
}

// parseDNRInstance encodes one instance without the DHCPv4 instance length.
func parseDNRInstance(u Universe, text string) ([]byte, error) {
	pfx := dnrPrefix(u)
	fields := tokens(text, ',', true)
	if len(fields) < 2 {
		return nil, errors.New(pfx + "Option config requires at least comma separated Service Priority and ADN")
	}
	if len(fields) > 4 {
		return nil, errors.New(pfx + "Option config supports maximum 4 comma separated fields: Service Priority, ADN, resolver IP address(es) and SvcParams")
	}
	prioText := trim(fields[0])
	prio, err := strconv.ParseUint(strings.TrimPrefix(prioText, "+"), 10, 16)
	if err != nil || !isDecimal(prioText) || prioText[0] == '-' {
		return nil, fmt.Errorf("%sCannot parse uint_16 integer Service priority from given value: %s", pfx, prioText)
	}
	adnText := trim(fields[1])
	adn, err := nameToWire(adnText, true)
	if err != nil {
		return nil, fmt.Errorf("%sCannot parse ADN FQDN from given value: %s. Error: %v", pfx, adnText, err)
	}
	if len(adn) <= 1 {
		return nil, errors.New(pfx + "Mandatory Authentication Domain Name fully qualified domain-name is missing")
	}
	out := binary.BigEndian.AppendUint16(nil, uint16(prio))
	out = appendDNRLen(out, u, len(adn))
	out = append(out, adn...)
	if len(fields) == 2 {
		return out, nil
	}
	var addrs []byte
	for _, a := range tokens(trim(fields[2]), ' ', false) {
		ip, err := netip.ParseAddr(trim(a))
		if err != nil || ip.Is4() != (u == V4) {
			return nil, fmt.Errorf("%sCannot parse %s address from given value: %s", pfx, ipVersion(u), a)
		}
		addrs = append(addrs, ip.WithZone("").AsSlice()...)
	}
	if len(addrs) == 0 {
		return nil, errors.New(pfx + "Option config requires at least one valid IP address.")
	}
	if u == V4 && len(addrs) > 255 {
		return nil, errors.New(pfx + "too many IPv4 addresses")
	}
	out = appendDNRLen(out, u, len(addrs))
	out = append(out, addrs...)
	if len(fields) == 4 {
		sp, err := parseSvcParams(u, trim(fields[3]))
		if err != nil {
			return nil, err
		}
		out = append(out, sp...)
	}
	if u == V4 && len(out) > 0xffff {
		return nil, errors.New(pfx + "DNR instance too long")
	}
	return out, nil
}

func ipVersion(u Universe) string {
	if u == V6 {
		return "IPv6"
	}
	return "IPv4"
}

func appendDNRLen(b []byte, u Universe, n int) []byte {
	if u == V6 {
		return binary.BigEndian.AppendUint16(b, uint16(n))
	}
	return append(b, byte(n))
}

func parseSvcParams(u Universe, text string) ([]byte, error) {
	pfx := dnrPrefix(u) + "Wrong Svc Params syntax - "
	vals := map[uint16][]byte{}
	httpALPN := false
	for _, pair := range tokens(text, ' ', false) {
		kv := tokens(trim(pair), '=', false)
		if len(kv) != 2 {
			return nil, errors.New(pfx + "SvcParamKey=SvcParamValue pair syntax must be used")
		}
		key := trim(kv[0])
		if key == "ipv4hint" || key == "ipv6hint" {
			return nil, fmt.Errorf("%skey %s must not be used", pfx, key)
		}
		num, ok := svcParamKeys[key]
		if !ok {
			return nil, fmt.Errorf("%skey %s not found in SvcParamKeys registry", pfx, key)
		}
		if num != 1 && num != 3 && num != 7 {
			return nil, fmt.Errorf("%skey %s not supported in DNR option SvcParams", pfx, key)
		}
		if _, dup := vals[num]; dup {
			return nil, fmt.Errorf("%skey %s is duplicated.", pfx, key)
		}
		val := trim(kv[1])
		if val == "" {
			return nil, fmt.Errorf("%sempty SvcParamValue for key %s", pfx, key)
		}
		switch num {
		case 1:
			var b []byte
			for _, id := range tokens(val, ',', false) {
				if !alpnIDs[id] {
					return nil, fmt.Errorf("%salpn-id %s not found in ALPN-IDs registry", pfx, id)
				}
				if id[0] == 'h' {
					httpALPN = true
				}
				b = append(b, byte(len(id)))
				b = append(b, id...)
			}
			vals[1] = b
		case 3:
			port, err := strconv.ParseUint(strings.TrimPrefix(val, "+"), 10, 16)
			if err != nil || !isDecimal(val) || val[0] == '-' {
				return nil, fmt.Errorf("%sCannot parse uint_16 integer port nr from given value: %s", dnrPrefix(u), val)
			}
			vals[3] = binary.BigEndian.AppendUint16(nil, uint16(port))
		case 7:
			if !strings.Contains(val, "{?dns}") {
				return nil, errors.New(pfx + "dohpath SvcParamValue URI Template MUST contain a 'dns' variable.")
			}
			vals[7] = latin1ToUTF8(val)
		}
	}
	if _, ok := vals[7]; httpALPN && !ok {
		return nil, errors.New(pfx + "dohpath SvcParam missing. When alpn SvcParam indicates support for HTTP, dohpath must be present.")
	}
	var out []byte
	for _, k := range []uint16{1, 3, 7} {
		v, ok := vals[k]
		if !ok {
			continue
		}
		if len(v) > 0xffff {
			return nil, fmt.Errorf("%svalue of %s is too long", pfx, svcParamNames[k])
		}
		out = binary.BigEndian.AppendUint16(out, k)
		out = binary.BigEndian.AppendUint16(out, uint16(len(v)))
		out = append(out, v...)
	}
	return out, nil
}

// latin1ToUTF8 encodes each byte as the code point of the same value, as
// Kea's encodeUtf8 does for the dohpath.
func latin1ToUTF8(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		out = utf8.AppendRune(out, rune(s[i]))
	}
	return out
}

func utf8ToLatin1(b []byte) (string, bool) {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError || r > 0xff {
			return "", false
		}
		out = append(out, byte(r))
		b = b[n:]
	}
	return string(out), true
}

// dnrInstance is one decoded instance.
type dnrInstance struct {
	prio    uint16
	adn     string
	addrs   []netip.Addr
	params  map[uint16][]byte
	adnOnly bool
}

func readDNRInstance(u Universe, b []byte) (dnrInstance, error) {
	pfx := dnrPrefix(u)
	var in dnrInstance
	ls := 1
	if u == V6 {
		ls = 2
	}
	if len(b) < 2+ls {
		return in, fmt.Errorf("%sdata truncated to size %d", pfx, len(b))
	}
	in.prio = binary.BigEndian.Uint16(b)
	b = b[2:]
	readLen := func() int {
		if ls == 2 {
			n := int(binary.BigEndian.Uint16(b))
			b = b[2:]
			return n
		}
		n := int(b[0])
		b = b[1:]
		return n
	}
	adnLen := readLen()
	if adnLen == 0 {
		return in, errors.New(pfx + "Mandatory Authentication Domain Name fully qualified domain-name is missing")
	}
	if len(b) < adnLen {
		return in, errors.New(pfx + "failed to unpack ADN data")
	}
	name, used, err := readName(b[:adnLen])
	if err != nil || used != adnLen {
		return in, errors.New(pfx + "Failed to parse fully qualified domain-name from wire format")
	}
	if adnLen == 1 {
		// The root name alone: no authentication domain name, refused
		// as the text notation refuses "." (parseDNRInstance).
		return in, errors.New(pfx + "Mandatory Authentication Domain Name fully qualified domain-name is missing")
	}
	in.adn = strings.ToLower(name)
	b = b[adnLen:]
	if len(b) == 0 {
		in.adnOnly = true
		return in, nil
	}
	if len(b) < ls {
		return in, errors.New(pfx + "failed to unpack IP Addresses data")
	}
	addrLen := readLen()
	alen := 4
	if u == V6 {
		alen = 16
	}
	if addrLen%alen != 0 {
		return in, fmt.Errorf("%sAddr Len=%d is not divisible by %d", pfx, addrLen, alen)
	}
	if addrLen == 0 {
		return in, fmt.Errorf("%sAddr Len=%d but it must contain at least one valid IP address", pfx, addrLen)
	}
	if len(b) < addrLen {
		return in, errors.New(pfx + "failed to unpack IP Addresses data")
	}
	for i := 0; i < addrLen; i += alen {
		a, _ := netip.AddrFromSlice(b[i : i+alen])
		in.addrs = append(in.addrs, a)
	}
	b = b[addrLen:]
	in.params = map[uint16][]byte{}
	prev := -1
	for len(b) > 0 {
		if len(b) < 4 {
			return in, fmt.Errorf("%sDNR SvcParams data truncated to size %d", pfx, len(b))
		}
		k, l := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
		name, known := svcParamNames[k]
		switch {
		case !known:
			return in, fmt.Errorf("%sWrong Svc Params syntax - key %d not found in SvcParamKeys registry", pfx, k)
		case k != 1 && k != 3 && k != 7:
			return in, fmt.Errorf("%sWrong Svc Params syntax - key %s not supported in DNR option SvcParams", pfx, name)
		case int(k) <= prev:
			return in, errors.New(pfx + "Wrong Svc Params syntax - SvcParamKeys SHALL appear in increasing numeric order.")
		case len(b)-4 < l:
			return in, fmt.Errorf("%sWrong Svc Params syntax - failed to unpack SvcParamVal for SvcParamKey %s", pfx, name)
		}
		prev = int(k)
		in.params[k] = b[4 : 4+l]
		b = b[4+l:]
	}
	return in, nil
}

// instanceText renders an instance in Kea's notation.
func (in dnrInstance) text(u Universe) (string, error) {
	var sb strings.Builder
	sb.WriteString(strconv.Itoa(int(in.prio)))
	sb.WriteString(", ")
	// An escaped backslash would be unescaped once per splitting pass Kea
	// makes; other escapes ("\.") pass through unchanged.
	if strings.Contains(in.adn, `\\`) {
		return "", errors.New(dnrPrefix(u) + "ADN cannot be written in Kea's notation")
	}
	sb.WriteString(escapeCSV(in.adn, ",|"))
	if in.adnOnly {
		return sb.String(), nil
	}
	sb.WriteString(", ")
	for i, a := range in.addrs {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(a.String())
	}
	if len(in.params) == 0 {
		return sb.String(), nil
	}
	sb.WriteString(", ")
	keys := make([]int, 0, len(in.params))
	for k := range in.params {
		keys = append(keys, int(k))
	}
	sort.Ints(keys)
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte(' ')
		}
		v := in.params[uint16(k)]
		sb.WriteString(svcParamNames[uint16(k)])
		sb.WriteByte('=')
		switch k {
		case 1:
			for j := 0; len(v) > 0; j++ {
				l := int(v[0])
				if l == 0 || l+1 > len(v) {
					return "", errors.New(dnrPrefix(u) + "Exception happened when tried to parse ALPN IDs")
				}
				id := string(v[1 : 1+l])
				if !alpnIDs[id] {
					return "", fmt.Errorf("%salpn-id %s cannot be written in Kea's notation", dnrPrefix(u), id)
				}
				if j > 0 {
					sb.WriteString(`\,`)
				}
				sb.WriteString(id)
				v = v[1+l:]
			}
		case 3:
			if len(v) != 2 {
				return "", errors.New(dnrPrefix(u) + "port SvcParamValue is not 2 bytes")
			}
			sb.WriteString(strconv.Itoa(int(binary.BigEndian.Uint16(v))))
		case 7:
			s, ok := utf8ToLatin1(v)
			if !ok || s == "" || strings.ContainsAny(s, " =\t\n\\") || trim(s) != s {
				return "", errors.New(dnrPrefix(u) + "dohpath cannot be written in Kea's notation")
			}
			sb.WriteString(escapeCSV(s, ",|"))
		}
	}
	return sb.String(), nil
}

func readDNR(u Universe, b []byte) ([]dnrInstance, error) {
	if u == V6 {
		in, err := readDNRInstance(u, b)
		if err != nil {
			return nil, err
		}
		return []dnrInstance{in}, nil
	}
	if len(b) == 0 {
		return nil, errors.New(dnrPrefix(u) + "no DNR instance")
	}
	var out []dnrInstance
	for len(b) > 0 {
		if len(b) < 5 {
			return nil, fmt.Errorf("%sDNR instance data truncated to size %d", dnrPrefix(u), len(b))
		}
		l := int(binary.BigEndian.Uint16(b))
		if len(b)-2 < l {
			return nil, fmt.Errorf("%sDNR instance data truncated to size %d but it was supposed to be %d", dnrPrefix(u), len(b)-2, l)
		}
		in, err := readDNRInstance(u, b[2:2+l])
		if err != nil {
			return nil, err
		}
		out = append(out, in)
		b = b[2+l:]
	}
	return out, nil
}

func parseDNRWire(d *Definition, u Universe, b []byte) ([]byte, error) {
	if _, err := readDNR(u, b); err != nil {
		return nil, err
	}
	return b, nil
}

func formatDNR(d *Definition, u Universe, b []byte) (string, error) {
	ins, err := readDNR(u, b)
	if err != nil {
		return "", err
	}
	parts := make([]string, len(ins))
	for i, in := range ins {
		if parts[i], err = in.text(u); err != nil {
			return "", err
		}
	}
	return strings.Join(parts, " | "), nil
}
