package option

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stdSamples gives the ARM's example value for options whose text a
// generic sample does not fit, keyed "space/code".
var stdSamples = map[string]string{
	"dhcp4/81":  "5, 0, 0, host.example.org.",
	"dhcp4/121": "10.229.0.128/25 - 10.229.0.1, 10.198.122.47/32 - 10.198.122.1",
	"dhcp4/124": "4491, 0FBAADABBAD00000000000000000CAFE",
	"dhcp4/162": `2, resolver.example., 10.0.5.6, alpn=dot\,doq port=8530 | 3, fooexp.resolver.example.`,
	"dhcp6/16":  "4491, 0004616263640002AABB",
	"dhcp6/39":  "1, host.example.org.",
	"dhcp6/144": `150, resolver.example., 2001:db8::1 2001:db8::2, alpn=dot\,doq\,h2\,h3 dohpath=/q{?dns}`,
}

// sampleValue is a canonical text value of one field type: FormatData
// writes it back unchanged.
func sampleValue(t DataType, i int) string {
	switch t {
	case TypeBinary:
		return "0102ABCD"
	case TypeBoolean:
		return "true"
	case TypeInt8:
		return "-7"
	case TypeInt16:
		return "-300"
	case TypeInt32:
		return "-25200"
	case TypeUint8:
		return "24"
	case TypeUint16:
		return "1024"
	case TypeUint32:
		return "4491"
	case TypeIPv4Address:
		return []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"}[i%3]
	case TypeIPv6Address:
		return []string{"2001:db8::1", "2001:db8::2", "2001:db8::3"}[i%3]
	case TypeIPv6Prefix:
		return "2001:db8:1::/64"
	case TypePSID:
		return "3/4"
	case TypeString:
		return `hello\, world`
	case TypeTuple:
		return "https://example.org/boot"
	case TypeFQDN:
		return []string{"example.org.", "example.com."}[i%2]
	}
	return ""
}

func sampleText(d *Definition) string {
	switch {
	case d.Type == TypeEmpty:
		return ""
	case d.Type == TypeRecord:
		var vs []string
		for i, t := range d.RecordTypes {
			vs = append(vs, sampleValue(t, i))
		}
		if d.Array {
			vs = append(vs, sampleValue(d.RecordTypes[len(d.RecordTypes)-1], len(vs)))
		}
		return strings.Join(vs, ", ")
	case d.Array:
		return sampleValue(d.Type, 0) + ", " + sampleValue(d.Type, 1)
	}
	return sampleValue(d.Type, 0)
}

// TestStandardRoundTrip takes every standard definition through text, wire
// and back: ParseData(sample) gives a payload whose FormatData is the
// sample again, and the payload given as hex is accepted unchanged.
func TestStandardRoundTrip(t *testing.T) {
	for _, u := range []Universe{V4, V6} {
		ds := StandardV4()
		if u == V6 {
			ds = StandardV6()
		}
		n := 0
		for _, space := range ds.SpaceNames() {
			for _, d := range ds.Space(space).Definitions() {
				n++
				text, ok := stdSamples[space+"/"+strconv.Itoa(int(d.Code))]
				if !ok {
					if d.Type == TypeInternal {
						t.Errorf("%s %s/%d %s: internal type without a sample", u, space, d.Code, d.Name)
						continue
					}
					text = sampleText(d)
				}
				p, err := d.ParseDataIn(u, text, true)
				if err != nil {
					t.Errorf("%s %s/%d %s: ParseData(%q): %v", u, space, d.Code, d.Name, text, err)
					continue
				}
				back, err := d.FormatDataIn(u, p)
				if err != nil || back != text {
					t.Errorf("%s %s/%d %s: FormatData(%x) = %q, %v; want %q", u, space, d.Code, d.Name, p, back, err, text)
				}
				again, err := d.ParseDataIn(u, upperHex(p), false)
				if err != nil || !cmp.Equal(again, p) {
					t.Errorf("%s %s/%d %s: hex %X gives %x, %v", u, space, d.Code, d.Name, p, again, err)
				}
			}
		}
		if n < 50 {
			t.Errorf("%s: only %d standard definitions", u, n)
		}
	}
}
