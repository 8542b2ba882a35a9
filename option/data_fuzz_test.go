package option

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzDefs are the layouts the fuzzers pick from: every data type alone
// and as an array where Kea allows it, records, and the special options.
var fuzzDefs = func() []*Definition {
	var ds []*Definition
	for t := TypeEmpty; t < TypeRecord; t++ {
		ds = append(ds, &Definition{Name: "f", Code: 222, Space: "dhcp4", Type: t})
		if t != TypeString && t != TypeBinary && t != TypeEmpty {
			ds = append(ds, &Definition{Name: "f", Code: 222, Space: "dhcp4", Type: t, Array: true})
			ds = append(ds, &Definition{Name: "f", Code: 222, Space: "dhcp6", Type: t, Array: true})
		}
	}
	ds = append(ds,
		&Definition{Name: "r", Code: 222, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeIPv4Address, TypeFQDN}, Array: true},
		&Definition{Name: "r", Code: 222, Space: "dhcp6", Type: TypeRecord, RecordTypes: []DataType{TypeTuple, TypePSID, TypeIPv6Prefix, TypeString}},
		&Definition{Name: "r", Code: 222, Space: "dhcp4", Type: TypeUint16, Encapsulate: "isc"},
		&Definition{Name: "classless-static-route", Code: 121, Space: "dhcp4", Type: TypeInternal},
		&Definition{Name: "v4-dnr", Code: 162, Space: "dhcp4", Type: TypeInternal},
		&Definition{Name: "v6-dnr", Code: 144, Space: "dhcp6", Type: TypeInternal},
		&Definition{Name: "vivso-suboptions", Code: 125, Space: "dhcp4", Type: TypeUint32},
		&Definition{Name: "vivco-suboptions", Code: 124, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeBinary}},
		&Definition{Name: "vendor-class", Code: 16, Space: "dhcp6", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeBinary}},
		&Definition{Name: "fqdn", Code: 81, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint8, TypeUint8, TypeFQDN}},
		&Definition{Name: "client-fqdn", Code: 39, Space: "dhcp6", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeFQDN}},
		&Definition{Name: "domain-search", Code: 119, Space: "dhcp4", Type: TypeFQDN, Array: true},
	)
	return ds
}()

// FuzzParseData feeds text in both formats to every layout. Whatever
// parses must format, and the formatted text must parse to the same bytes.
func FuzzParseData(f *testing.F) {
	for _, s := range []string{
		"192.0.2.1, 192.0.2.2", "0x10", "-0x10", "true", "2001:db8::/64", "3/4",
		`a\,b`, "example.com", "1, 2, 3", "c0 00 02 01", "'quoted'", "0xabc",
		"10.229.0.128/25 - 10.229.0.1", `100, dot1.example.org., 2001:db8::1, alpn=dot\,doq port=8530`,
		`2, r.example., 10.0.5.6, alpn=h2 dohpath=/q{?dns} | 3, f.example.`, "4491, 0102AABB",
		"5, 0, 0, host.example.org", "a\\065.b", "\x00\x00",
	} {
		for i := range fuzzDefs {
			f.Add(uint8(i), true, s)
			f.Add(uint8(i), false, s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, csv bool, data string) {
		d := fuzzDefs[int(which)%len(fuzzDefs)]
		p, err := d.ParseData(data, csv)
		if err != nil {
			return
		}
		text, err := d.FormatData(p)
		if err != nil {
			// Payloads made from hex need not be expressible as text.
			if csv {
				t.Fatalf("%s/%d %s: ParseData(%q) = %x but FormatData fails: %v", d.Space, d.Code, d.Type, data, p, err)
			}
			return
		}
		p2, err := d.ParseData(text, true)
		if err != nil {
			t.Fatalf("%s/%d %s: FormatData(%x) = %q does not parse: %v", d.Space, d.Code, d.Type, p, text, err)
		}
		text2, err := d.FormatData(p2)
		if err != nil || text2 != text {
			t.Fatalf("%s/%d %s: text not stable: %q then %q (%v)", d.Space, d.Code, d.Type, text, text2, err)
		}
	})
}

// FuzzFormatData feeds payloads to every layout: no panic, and a payload
// that formats comes back from its text with the same text, and the same
// bytes when it is what ParseData itself would produce.
func FuzzFormatData(f *testing.F) {
	for _, s := range [][]byte{
		{}, {0}, {192, 0, 2, 1}, {0x40, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0}, {4, 0x30, 0},
		[]byte("\x07example\x03com\x00"), []byte("\x07example\x03com\x00\x03eng\xc0\x00"),
		{0x19, 10, 229, 0, 128, 10, 229, 0, 1}, {0, 0x64, 0, 2, 1, 'a', 0},
		{0, 0, 0x11, 0x8b, 0}, {0, 5, 'h', 'e', 'l', 'l', 'o'},
	} {
		for i := range fuzzDefs {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		d := fuzzDefs[int(which)%len(fuzzDefs)]
		text, err := d.FormatData(payload)
		if err != nil {
			return
		}
		p, err := d.ParseData(text, true)
		if err != nil {
			t.Fatalf("%s/%d %s: FormatData(%x) = %q does not parse: %v", d.Space, d.Code, d.Type, payload, text, err)
		}
		text2, err := d.FormatData(p)
		if err != nil || text2 != text {
			t.Fatalf("%s/%d %s: text not stable: %q then %q (%v)", d.Space, d.Code, d.Type, text, text2, err)
		}
		// A second pass through text is a fixed point in bytes too.
		if p2, err := d.ParseData(text2, true); err != nil || !cmp.Equal(p2, p) {
			t.Fatalf("%s/%d %s: bytes not stable: %x then %x (%v)", d.Space, d.Code, d.Type, p, p2, err)
		}
	})
}
