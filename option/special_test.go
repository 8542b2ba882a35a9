package option

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSpecialFormats(t *testing.T) {
	route := &Definition{Name: "classless-static-route", Code: 121, Space: "dhcp4", Type: TypeInternal}
	dnr4 := &Definition{Name: "v4-dnr", Code: 162, Space: "dhcp4", Type: TypeInternal}
	dnr6 := &Definition{Name: "v6-dnr", Code: 144, Space: "dhcp6", Type: TypeInternal}
	vivso := &Definition{Name: "vivso-suboptions", Code: 125, Space: "dhcp4", Type: TypeUint32}
	vopts := &Definition{Name: "vendor-opts", Code: 17, Space: "dhcp6", Type: TypeUint32}
	vivco := &Definition{Name: "vivco-suboptions", Code: 124, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeBinary}}
	vclass := &Definition{Name: "vendor-class", Code: 16, Space: "dhcp6", Type: TypeRecord, RecordTypes: []DataType{TypeUint32, TypeBinary}}
	fqdn4 := &Definition{Name: "fqdn", Code: 81, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeUint8, TypeUint8, TypeFQDN}}
	fqdn6 := &Definition{Name: "client-fqdn", Code: 39, Space: "dhcp6", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeFQDN}}
	tests := []struct {
		name string
		def  *Definition
		data string
		want string
		err  string
		text string // FormatData of want, when it differs from data
	}{
		{"route ARM", route, "10.229.0.128/25 - 10.229.0.1, 10.198.122.47/32 - 10.198.122.1",
			"19 0ae50080 0ae50001 20 0ac67a2f 0ac67a01", "", ""},
		{"route default and /8", route, "0.0.0.0/0-192.0.2.1, 10.0.0.0/8 - 10.0.0.1", "00 c0000201 08 0a 0a000001", "",
			"0.0.0.0/0 - 192.0.2.1, 10.0.0.0/8 - 10.0.0.1"},
		{"route bad width", route, "10.0.0.0/33 - 10.0.0.1", "", "prefix len 33 is not valid", ""},
		{"route no dash", route, "10.0.0.0/8 10.0.0.1", "", "comma separated routes", ""},
		{"route v6 router", route, "10.0.0.0/8 - 2001:db8::1", "", "router address", ""},
		{"route empty", route, "", "", "no option value specified", ""},
		{"dnr6 ARM 1", dnr6, "100, dot1.example.org., 2001:db8::1 2001:db8::2, alpn=dot port=8530",
			"0064 0012 04646f7431076578616d706c65036f726700 0020 20010db8000000000000000000000001 20010db8000000000000000000000002 0001 0004 03646f74 0003 0002 2152", "", ""},
		{"dnr6 ARM 2", dnr6, `150, resolver.example., 2001:db8::1 2001:db8::2, alpn=dot\,doq\,h2\,h3 dohpath=/q{?dns}`,
			"0096 0012 087265736f6c766572076578616d706c6500 0020 20010db8000000000000000000000001 20010db8000000000000000000000002 0001 000e 03646f7403646f71026832026833 0007 0008 2f717b3f646e737d", "", ""},
		{"dnr6 adn only", dnr6, "200, resolver.example.", "00c8 0012 087265736f6c766572076578616d706c6500", "", ""},
		{"dnr6 adn lowercased", dnr6, "200, Resolver.Example.", "00c8 0012 087265736f6c766572076578616d706c6500", "", "200, resolver.example."},
		{"dnr6 params sorted", dnr6, "1, a., 2001:db8::1, port=53 alpn=dot", "0001 0003 016100 0010 20010db8000000000000000000000001 0001 0004 03646f74 0003 0002 0035", "", "1, a., 2001:db8::1, alpn=dot port=53"},
		{"dnr6 h2 needs dohpath", dnr6, "1, a., 2001:db8::1, alpn=h2", "", "dohpath SvcParam missing", ""},
		{"dnr6 ipv4hint", dnr6, "1, a., 2001:db8::1, ipv4hint=1.2.3.4", "", "must not be used", ""},
		{"dnr6 mandatory unsupported", dnr6, "1, a., 2001:db8::1, mandatory=alpn", "", "not supported in DNR option SvcParams", ""},
		{"dnr6 unknown alpn", dnr6, "1, a., 2001:db8::1, alpn=xyz", "", "not found in ALPN-IDs registry", ""},
		{"dnr6 v4 address", dnr6, "1, a., 10.0.0.1", "", "Cannot parse IPv6 address", ""},
		{"dnr6 five fields", dnr6, "1, a., 2001:db8::1, alpn=dot, x", "", "maximum 4", ""},
		{"dnr6 dup key", dnr6, "1, a., 2001:db8::1, port=1 port=2", "", "duplicated", ""},
		{"dnr4 ARM", dnr4, `2, resolver.example., 10.0.5.6, alpn=dot\,doq port=8530 | 3, fooexp.resolver.example.`,
			"002c 0002 12 087265736f6c766572076578616d706c6500 04 0a000506 0001 0008 03646f7403646f71 0003 0002 2152" +
				" 001c 0003 19 06666f6f657870087265736f6c766572076578616d706c6500", "", ""},
		{"dnr4 escaped pipe in dohpath", dnr4, `1, a., 10.0.0.1, alpn=h2 dohpath=/q\|x{?dns}`,
			"0020 0001 03 016100 04 0a000001 0001 0003 026832 0007 000a 2f717c787b3f646e737d", "", ""},
		{"vivso", vivso, "4491", "0000118b 00", "", ""},
		{"vivso extra ignored", vivso, "4491, 5", "0000118b 00", "", "4491"},
		{"vendor-opts", vopts, "4491", "0000118b", "", ""},
		{"vivco", vivco, "4491, 0f BA AD AB BA D0 00 00 00 00 00 00 00 00 CA FE", "0000118b 0fbaadabbad00000000000000000cafe", "", "4491, 0FBAADABBAD00000000000000000CAFE"},
		{"vivco bad tuple", vivco, "4491, 01", "", "tuple length is 1", ""},
		{"vendor-class v6", vclass, "4491, 0002aabb", "0000118b 0002aabb", "", "4491, 0002AABB"},
		{"vendor-class v6 bad", vclass, "4491, 02aabb", "", "tuple length is 682", ""},
		{"fqdn4 E", fqdn4, "5, 0, 0, example.com", "05 00 00 076578616d706c6503636f6d00", "", "5, 0, 0, example.com."},
		{"fqdn4 ascii", fqdn4, "1, 0, 0, example.com", "01 00 00 6578616d706c652e636f6d2e", "", "1, 0, 0, example.com."},
		{"fqdn4 N and S", fqdn4, "9, 0, 0, example.com", "", "both N and S", ""},
		{"fqdn6", fqdn6, "1, example.com", "01 076578616d706c6503636f6d00", "", "1, example.com."},
		{"fqdn6 N and S", fqdn6, "5, example.com", "", "both N and S", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.def.ParseData(tt.data, true)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseData(%q) = %x, %v; want error containing %q", tt.data, got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseData(%q): %v", tt.data, err)
			}
			if diff := cmp.Diff(hx(tt.want), got); diff != "" {
				t.Fatalf("ParseData(%q) (-want +got):\n%s", tt.data, diff)
			}
			text, err := tt.def.FormatData(got)
			want := tt.text
			if want == "" {
				want = tt.data
			}
			if err != nil || text != want {
				t.Errorf("FormatData = %q, %v; want %q", text, err, want)
			}
			// The same bytes given as hex come back unchanged.
			again, err := tt.def.ParseData(upperHex(got), false)
			if err != nil || !cmp.Equal(again, got) {
				t.Errorf("ParseData(hex) = %x, %v; want %x", again, err, got)
			}
		})
	}
}

func TestVIVSOSubOptions(t *testing.T) {
	d := &Definition{Name: "vivso-suboptions", Code: 125, Space: "dhcp4", Type: TypeUint32}
	p, err := d.ParseData("4491", true)
	if err != nil {
		t.Fatal(err)
	}
	p, err = AppendVIVSOSubOption(p, 2, []byte{192, 0, 2, 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hx("0000118b 06 0204c0000201"), p); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := d.ParseData(upperHex(p), false); err != nil {
		t.Errorf("vivso with sub-option does not parse back: %v", err)
	}
	if _, err := AppendVIVSOSubOption(p, 3, make([]byte, 250)); err == nil {
		t.Error("vendor data over 255 bytes accepted")
	}
}
