package option

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func hx(s string) []byte {
	b, err := hex.DecodeString(strings.NewReplacer(" ", "", ":", "").Replace(s))
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseDataCSV(t *testing.T) {
	rec := func(a bool, ts ...DataType) *Definition {
		return &Definition{Name: "r", Code: 222, Space: "dhcp4", Type: TypeRecord, RecordTypes: ts, Array: a}
	}
	one := func(ty DataType, a bool) *Definition {
		return &Definition{Name: "o", Code: 222, Space: "dhcp4", Type: ty, Array: a}
	}
	v6 := func(d *Definition) *Definition { d.Space = "dhcp6"; return d }
	tests := []struct {
		name string
		def  *Definition
		data string
		want string // hex; "" with wantErr
		err  string
	}{
		{"ipv4 array", one(TypeIPv4Address, true), "192.0.2.1, 192.0.2.2", "c0000201 c0000202", ""},
		{"ipv4 array empty", one(TypeIPv4Address, true), "", "", ""},
		{"ipv4 array collapses commas", one(TypeIPv4Address, true), "192.0.2.1,,192.0.2.2", "c0000201c0000202", ""},
		{"ipv4 array blank field", one(TypeIPv4Address, true), "192.0.2.1, ,192.0.2.2", "", "Failed to convert string to address ''"},
		{"ipv6 in ipv4 field refused", one(TypeIPv4Address, false), "2001:db8::1", "", "not a valid IPv4"},
		{"ipv6", one(TypeIPv6Address, false), "2001:db8::1", "20010db8000000000000000000000001", ""},
		{"uint8 hex", one(TypeUint8, false), "0x10", "10", ""},
		{"uint8 bare hex", one(TypeUint8, false), "ff", "ff", ""},
		{"uint8 1e is hex", one(TypeUint8, false), "1e", "1e", ""},
		{"uint8 plus", one(TypeUint8, false), "+5", "05", ""},
		{"uint8 range", one(TypeUint8, false), "256", "", "range of 0..255"},
		{"uint8 negative", one(TypeUint8, false), "-1", "", "range of 0..255"},
		{"uint8 extra values ignored", one(TypeUint8, false), "1, 2", "01", ""},
		{"int32 min", one(TypeInt32, false), "-2147483648", "80000000", ""},
		{"int32 neg hex", one(TypeInt32, false), "-0x10", "fffffff0", ""},
		{"int32 over", one(TypeInt32, false), "2147483648", "", "range of -2147483648..2147483647"},
		{"int32 junk", one(TypeInt32, false), "5 6", "", "unable to convert the value '5 6' to integer data type"},
		{"int32 trimmed", one(TypeInt32, false), " 5 ", "00000005", ""},
		{"uint16 array", one(TypeUint16, true), "3072, 4096", "0c001000", ""},
		{"uint16 array empty", one(TypeUint16, true), "", "", "option 222 empty"},
		{"bool TRUE", one(TypeBoolean, false), "TRUE", "01", ""},
		{"bool 0", one(TypeBoolean, false), "0", "00", ""},
		{"bool 01", one(TypeBoolean, false), "01", "01", ""},
		{"bool 2", one(TypeBoolean, false), "2", "", "unable to convert '2' to boolean"},
		{"bool yes", one(TypeBoolean, false), "yes", "", "boolean data type"},
		{"bool array empty", one(TypeBoolean, true), "", "", "option buffer truncated"},
		{"string", one(TypeString, false), "boot-file.img", hex.EncodeToString([]byte("boot-file.img")), ""},
		{"string escaped comma", one(TypeString, false), `EST5EDT4\,M3.2.0/02:00\,M11.1.0/02:00`, hex.EncodeToString([]byte("EST5EDT4,M3.2.0/02:00,M11.1.0/02:00")), ""},
		{"string unescaped comma cuts", one(TypeString, false), "a, b", "61", ""},
		{"string backslash kept", one(TypeString, false), `a\b`, hex.EncodeToString([]byte(`a\b`)), ""},
		{"string double backslash", one(TypeString, false), `a\\b`, hex.EncodeToString([]byte(`a\b`)), ""},
		{"string empty", one(TypeString, false), "", "", "no option value specified"},
		{"string blank", one(TypeString, false), "  ", "", "empty or contained only nuls"},
		{"string trailing nul stripped", one(TypeString, false), "ab\x00", "6162", ""},
		{"fqdn", one(TypeFQDN, false), "example.com", "076578616d706c6503636f6d00", ""},
		{"fqdn absolute same", one(TypeFQDN, false), "example.com.", "076578616d706c6503636f6d00", ""},
		{"fqdn root", one(TypeFQDN, false), ".", "00", ""},
		{"fqdn escaped dot", one(TypeFQDN, false), `a\.b.c`, "03612e620163 00", ""},
		{"fqdn decimal escape", one(TypeFQDN, false), `a\065`, "026141 00", ""},
		{"fqdn double dot", one(TypeFQDN, false), "example..org", "", "duplicate period"},
		{"fqdn long label", one(TypeFQDN, false), strings.Repeat("a", 64) + ".com", "", "label is too long"},
		{"fqdn array v4", one(TypeFQDN, true), "example.com, example.org", "076578616d706c6503636f6d00 076578616d706c65036f726700", ""},
		{"fqdn array v4 empty", one(TypeFQDN, true), "", "", "FQDN list option has invalid length of 0"},
		{"fqdn array v6 empty", v6(one(TypeFQDN, true)), "", "", ""},
		{"binary", one(TypeBinary, false), "1A BB ad", "1abbad", ""},
		{"binary odd", one(TypeBinary, false), "0a0b0", "", "Incomplete input for base16"},
		{"binary colon", one(TypeBinary, false), "0a:0b", "", "base16 char set"},
		{"binary 0x", one(TypeBinary, false), "0x0a", "", "base16 char set"},
		{"binary empty", one(TypeBinary, false), "", "", "no option value specified"},
		{"prefix", one(TypeIPv6Prefix, false), "2001:db8:1::/64", "40 20010db800010000", ""},
		{"prefix host bits cleared", one(TypeIPv6Prefix, false), "2001:db8::1/64", "40 20010db800000000", ""},
		{"prefix odd bits", one(TypeIPv6Prefix, false), "2001:dbff::/20", "14 2001d0", ""},
		{"prefix zero", one(TypeIPv6Prefix, false), "::/0", "00", ""},
		{"prefix blanks", one(TypeIPv6Prefix, false), "2001:db8 :: / 0x40", "40 20010db800000000", ""},
		{"prefix 129", one(TypeIPv6Prefix, false), "2001:db8::/129", "", "not valid"},
		{"prefix v4", one(TypeIPv6Prefix, false), "192.0.2.0/24", "", "not a valid IPv4 or IPv6"},
		{"prefix array empty", one(TypeIPv6Prefix, true), "", "", ""},
		{"psid", one(TypePSID, false), "3/4", "04 3000", ""},
		{"psid 16", one(TypePSID, false), "65535/16", "10 ffff", ""},
		{"psid zero length", one(TypePSID, false), "5/0", "00 0000", ""},
		{"psid too big", one(TypePSID, false), "16/4", "", "invalid PSID value 16 for a specified PSID length 4"},
		{"psid len 17", one(TypePSID, false), "1/17", "", "invalid value 17 of PSID length"},
		{"tuple v4", one(TypeTuple, false), "hello", "05 68656c6c6f", ""},
		{"tuple v6", v6(one(TypeTuple, false)), "hello", "0005 68656c6c6f", ""},
		{"tuple array v4 empty", one(TypeTuple, true), "", "", "truncated to size 0"},
		{"tuple array v6", v6(one(TypeTuple, true)), "a, bb", "0001 61 0002 6262", ""},
		{"sztp 143 2-byte tuples in v4", &Definition{Name: "v4-sztp-redirect", Code: 143, Space: "dhcp4", Type: TypeTuple, Array: true}, "https://x", "0009 68747470733a2f2f78", ""},
		{"empty", one(TypeEmpty, false), "", "", ""},
		{"empty with data", one(TypeEmpty, false), "01", "", "attempt to write invalid option data field type"},
		{"record", rec(false, TypeIPv4Address, TypeUint16, TypeBoolean, TypeString), "192.0.2.100, 123, true, Hello World", "c0000264 007b 01 48656c6c6f20576f726c64", ""},
		{"record too few", rec(false, TypeBoolean, TypeString), "true", "", "greater than number of values provided"},
		{"record extra ignored", rec(false, TypeUint8, TypeBinary), "1, 0102, 0304", "01 0102", ""},
		{"record string blank", rec(false, TypeUint8, TypeString), "1,  ", "01", ""},
		{"record array repeats last", rec(true, TypeUint8, TypeUint16), "1, 2, 3", "01 0002 0003", ""},
		{"record array needs all fields", rec(true, TypeUint8, TypeUint16), "1", "", "greater than number"},
		{"record 6rd", rec(true, TypeUint8, TypeUint8, TypeIPv6Address, TypeIPv4Address), "24, 96, 2001:db8::f001, 192.0.2.72, 192.0.2.73", "18 60 20010db800000000000000000000f001 c0000248 c0000249", ""},
		{"record psid", rec(false, TypeUint8, TypePSID), "2, 3/4", "02 04 3000", ""},
		{"record tuple v6", v6(rec(false, TypeTuple, TypeUint8)), "ab, 7", "0002 6162 07", ""},
		{"record fqdn last array", rec(true, TypeUint8, TypeIPv4Address, TypeIPv4Address, TypeFQDN), "1, 192.0.2.70, 192.0.2.71, example.com, example.org", "01 c0000246 c0000247 076578616d706c6503636f6d00 076578616d706c65036f726700", ""},
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
				t.Errorf("ParseData(%q) (-want +got):\n%s", tt.data, diff)
			}
		})
	}
}

func TestParseDataHex(t *testing.T) {
	bin := &Definition{Name: "b", Code: 222, Space: "dhcp4", Type: TypeBinary}
	tests := []struct {
		def  *Definition
		data string
		want string
		err  string
	}{
		{bin, "abc", "0abc", ""},
		{bin, "0xabc", "0abc", ""},
		{bin, "0xab", "ab", ""},
		{bin, "0Xab", "", "not a valid string of hexadecimal digits"},
		{bin, "0x", "", "not a valid string"},
		{bin, "a:b:c", "0a0b0c", ""},
		{bin, "a::b", "", "not a valid"},
		{bin, "abc:d", "", "not a valid"},
		{bin, "ab cd ef", "abcdef", ""},
		{bin, "a b  c", "", "not a valid"},
		{bin, "a b c ", "", "not a valid"},
		{bin, ":ab", "", "not a valid"},
		{bin, "ab\tcd", "", "not a valid"},
		{bin, "C0 00 03 01", "c0000301", ""},
		{bin, "'convert this'", hex.EncodeToString([]byte("convert this")), ""},
		{bin, " ' hello ' ", hex.EncodeToString([]byte("hello")), ""},
		{bin, "''", "", "not a valid"},
		{bin, "", "", ""},
		{&Definition{Name: "routers", Code: 3, Space: "dhcp4", Type: TypeIPv4Address, Array: true}, "c00002", "", "divisible by 4"},
		{&Definition{Name: "mtu", Code: 26, Space: "dhcp4", Type: TypeUint16}, "01", "", "OptionInt 26 truncated"},
		{&Definition{Name: "ttl", Code: 23, Space: "dhcp4", Type: TypeUint8}, "0102", "0102", ""},
		{&Definition{Name: "bf", Code: 67, Space: "dhcp4", Type: TypeString}, "41414100", "414141", ""},
		{&Definition{Name: "bf", Code: 67, Space: "dhcp4", Type: TypeString}, "00", "", "empty or contained only nuls"},
		{&Definition{Name: "ds", Code: 119, Space: "dhcp4", Type: TypeFQDN, Array: true}, "076578616d706c6503636f6d00", "076578616d706c6503636f6d00", ""},
		{&Definition{Name: "ds", Code: 119, Space: "dhcp4", Type: TypeFQDN, Array: true}, "076578616d706c6503636f6d", "", "incomplete wire-format name"},
		// RFC 3397 compression: "eng.example.com" pointing at "example.com".
		{&Definition{Name: "ds", Code: 119, Space: "dhcp4", Type: TypeFQDN, Array: true}, "076578616d706c6503636f6d0003656e67c000", "076578616d706c6503636f6d00 03656e67076578616d706c6503636f6d00", ""},
		{&Definition{Name: "e", Code: 222, Space: "dhcp4", Type: TypeEmpty}, "01", "", ""},
		{&Definition{Name: "e", Code: 222, Space: "dhcp4", Type: TypeEmpty, Encapsulate: "isc"}, "010100", "010100", ""},
		{&Definition{Name: "ba", Code: 222, Space: "dhcp4", Type: TypeBoolean, Array: true}, "010001", "010001", ""},
	}
	for _, tt := range tests {
		got, err := tt.def.ParseData(tt.data, false)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s ParseData(%q, hex) = %x, %v; want error containing %q", tt.def.Name, tt.data, got, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s ParseData(%q, hex): %v", tt.def.Name, tt.data, err)
			continue
		}
		if diff := cmp.Diff(hx(tt.want), got); diff != "" {
			t.Errorf("%s ParseData(%q, hex) (-want +got):\n%s", tt.def.Name, tt.data, diff)
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a,b", []string{"a", "b"}},
		{",a,,b,", []string{"a", "b"}},
		{`a\,b`, []string{"a,b"}},
		{`a\\,b`, []string{`a\`, "b"}},
		{`a\b`, []string{`a\b`}},
		{`a\`, []string{`a\`}},
		{" , ", []string{" ", " "}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tokens(tt.in, ',', true)); diff != "" {
			t.Errorf("tokens(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestFormatData(t *testing.T) {
	tests := []struct {
		def  *Definition
		wire string
		want string
		err  string
	}{
		{&Definition{Code: 3, Space: "dhcp4", Type: TypeIPv4Address, Array: true}, "c0000201c0000202", "192.0.2.1, 192.0.2.2", ""},
		{&Definition{Code: 2, Space: "dhcp4", Type: TypeInt32}, "ffff9d90", "-25200", ""},
		{&Definition{Code: 67, Space: "dhcp4", Type: TypeString}, "612c625c0000", `a\,b\\`, ""},
		{&Definition{Code: 67, Space: "dhcp4", Type: TypeString}, "0000", "", "empty or contained only nuls"},
		{&Definition{Code: 15, Space: "dhcp4", Type: TypeFQDN}, "03612e620163 00", `a\.b.c.`, ""},
		{&Definition{Code: 15, Space: "dhcp4", Type: TypeFQDN}, "0261 2c 00", `a\,.`, ""},
		{&Definition{Code: 77, Space: "dhcp4", Type: TypeBinary}, "1abbad", "1ABBAD", ""},
		{&Definition{Code: 19, Space: "dhcp4", Type: TypeBoolean}, "02", "", "Invalid value 2"},
		{&Definition{Code: 1, Space: "x", Type: TypeIPv6Prefix}, "14 20010d", "2001::/20", ""},
		{&Definition{Code: 1, Space: "x", Type: TypePSID}, "04 3000", "3/4", ""},
		{&Definition{Code: 1, Space: "x", Type: TypePSID}, "04 3001", "", "invalid PSID value"},
		{&Definition{Code: 1, Space: "x", Type: TypeUint16, Encapsulate: "isc"}, "0102 0101ff", "258", ""},
	}
	for _, tt := range tests {
		got, err := tt.def.FormatData(hx(tt.wire))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("FormatData(%s) = %q, %v; want error containing %q", tt.wire, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("FormatData(%s) = %q, %v; want %q", tt.wire, got, err, tt.want)
		}
	}
}

func TestAppendSubOption(t *testing.T) {
	got := AppendSubOption(nil, V4, 1, []byte{0xc0, 0, 2, 1})
	if diff := cmp.Diff(hx("0104c0000201"), got); diff != "" {
		t.Errorf("v4 (-want +got):\n%s", diff)
	}
	got = AppendSubOption([]byte{9}, V6, 0x102, []byte{7})
	if diff := cmp.Diff(hx("09 0102 0001 07"), got); diff != "" {
		t.Errorf("v6 (-want +got):\n%s", diff)
	}
	long := make([]byte, 300)
	got = AppendSubOption(nil, V4, 5, long)
	if len(got) != 2+255+2+45 || got[0] != 5 || got[1] != 255 || got[257] != 5 || got[258] != 45 {
		t.Errorf("v4 long option not split as RFC 3396: len %d", len(got))
	}
	if got := AppendSubOption(nil, V4, 5, nil); !cmp.Equal(got, []byte{5, 0}) {
		t.Errorf("v4 empty sub-option = %x", got)
	}
}
