package option

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testDefs(t *testing.T, u Universe) *DefSet {
	t.Helper()
	ds := NewDefSet(u)
	top := topSpace(u)
	for _, d := range []*Definition{
		{Name: "routers", Code: 3, Space: top, Type: TypeIPv4Address, Array: true},
		{Name: "foo", Code: 222, Space: top, Type: TypeUint32},
		{Name: "vendor-encapsulated-options", Code: 43, Space: top, Type: TypeEmpty, Encapsulate: "vendor-encapsulated-options-space"},
		{Name: "subopt", Code: 1, Space: "isc", Type: TypeString},
	} {
		if err := ds.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	return ds
}

func TestResolve(t *testing.T) {
	code := func(c int) *int { return &c }
	no := new(bool)
	yes := func() *bool { b := true; return &b }()
	tests := []struct {
		name  string
		u     Universe
		spec  DataSpec
		code  uint16
		space string
		want  string
		err   string
	}{
		{"by name", V4, DataSpec{Name: "routers", Data: "192.0.2.1"}, 3, "dhcp4", "c0000201", ""},
		{"by code", V4, DataSpec{Code: code(3), Data: "192.0.2.1"}, 3, "dhcp4", "c0000201", ""},
		{"both agree", V4, DataSpec{Name: "routers", Code: code(3), Data: "192.0.2.1"}, 3, "dhcp4", "c0000201", ""},
		{"both disagree", V4, DataSpec{Name: "foo", Code: code(3), Data: "192.0.2.1"}, 0, "", "", "specified option name 'foo' does not match the option definition: 'dhcp4.routers'"},
		{"hex with definition", V4, DataSpec{Name: "routers", CSVFormat: no, Data: "C0 00 02 01"}, 3, "dhcp4", "c0000201", ""},
		{"code 43 no data", V4, DataSpec{Code: code(43)}, 43, "dhcp4", "", ""},
		{"sub-option space", V4, DataSpec{Name: "subopt", Space: "isc", Data: "Hello world"}, 1, "isc", "48656c6c6f20776f726c64", ""},
		{"undefined needs csv false", V4, DataSpec{Code: code(200), Data: "01"}, 0, "", "", "definition for the option 'dhcp4.' having code '200' does not exist"},
		{"undefined csv true", V4, DataSpec{Code: code(200), CSVFormat: yes, Data: "01"}, 0, "", "", "does not exist"},
		{"undefined hex", V4, DataSpec{Code: code(200), CSVFormat: no, Data: "0xabc"}, 200, "dhcp4", "0abc", ""},
		{"undefined quoted", V4, DataSpec{Code: code(200), CSVFormat: no, Data: "'abc'"}, 200, "dhcp4", "616263", ""},
		{"undefined bad hex", V4, DataSpec{Code: code(200), CSVFormat: no, Data: "xyz"}, 0, "", "", "option data is not a valid string of hexadecimal digits: xyz"},
		{"unknown name", V4, DataSpec{Name: "nope", Data: "1"}, 0, "", "", "definition for the option 'dhcp4.nope' having code '0' does not exist"},
		{"unknown name hex", V4, DataSpec{Name: "nope", CSVFormat: no, Data: "01"}, 0, "", "", "definition for the option 'dhcp4.nope' does not exist"},
		{"name with space", V4, DataSpec{Name: "foo bar", Data: "1"}, 0, "", "", "space character is not allowed"},
		{"neither", V4, DataSpec{Data: "1"}, 0, "", "", "requires one of 'code' or 'name'"},
		{"v4 code 256", V4, DataSpec{Code: code(256), CSVFormat: no, Data: "01"}, 0, "", "", "invalid option code '256', it must not be greater than '255'"},
		{"v4 code 0", V4, DataSpec{Code: code(0), CSVFormat: no, Data: "01"}, 0, "", "", "invalid option code '0': reserved for PAD"},
		{"v4 code 255", V4, DataSpec{Code: code(255), CSVFormat: no, Data: "01"}, 0, "", "", "reserved for END"},
		{"v4 code 0 other space", V4, DataSpec{Code: code(0), Space: "my-space", CSVFormat: no, Data: "01"}, 0, "my-space", "01", ""},
		{"v6 code 0", V6, DataSpec{Code: code(0), CSVFormat: no, Data: "01"}, 0, "", "", "invalid option code '0': reserved value"},
		{"v6 code 65536", V6, DataSpec{Code: code(65536), CSVFormat: no, Data: "01"}, 0, "", "", "it must not exceed '65535'"},
		{"v6 code 65535", V6, DataSpec{Code: code(65535), CSVFormat: no, Data: "01"}, 65535, "dhcp6", "01", ""},
		{"dhcp6 space in v4", V4, DataSpec{Code: code(1), Space: "dhcp6", CSVFormat: no}, 0, "", "", "'dhcp6' option space name is reserved for DHCPv6 server"},
		{"dhcp4 space in v6", V6, DataSpec{Code: code(1), Space: "dhcp4", CSVFormat: no}, 0, "", "", "'dhcp4' option space name is reserved for DHCPv4 server"},
		{"bad space", V4, DataSpec{Code: code(1), Space: "bad space", CSVFormat: no}, 0, "", "", "invalid option space name 'bad space'"},
		{"data mismatch", V4, DataSpec{Name: "routers", Data: "192.0.2.1x"}, 0, "", "", "option data does not match option definition (space: dhcp4, code: 3): Failed to convert string to address '192.0.2.1x'"},
		{"hex mismatch", V4, DataSpec{Name: "routers", CSVFormat: no, Data: "c00002"}, 0, "", "", "option data does not match option definition (space: dhcp4, code: 3)"},
		{"never-send without data", V4, DataSpec{Name: "routers", NeverSend: true}, 3, "dhcp4", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def, p, err := Resolve(testDefs(t, tt.u), tt.spec)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Resolve = %v, %x, %v; want error containing %q", def, p, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if def.Code != tt.code || def.Space != tt.space {
				t.Errorf("definition %s/%d, want %s/%d", def.Space, def.Code, tt.space, tt.code)
			}
			if diff := cmp.Diff(hx(tt.want), p); diff != "" {
				t.Errorf("payload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateDefinition(t *testing.T) {
	std4 := testDefs(t, V4)
	tests := []struct {
		name string
		u    Universe
		d    Definition
		err  string
	}{
		{"ok", V4, Definition{Name: "foo2", Code: 223, Space: "dhcp4", Type: TypeUint32}, ""},
		{"digits first", V4, Definition{Name: "1foo", Code: 223, Space: "dhcp4", Type: TypeUint8}, ""},
		{"leading dash", V4, Definition{Name: "-foo", Code: 223, Space: "dhcp4", Type: TypeUint8}, "invalid option name '-foo'"},
		{"trailing underscore", V4, Definition{Name: "foo_", Code: 223, Space: "dhcp4", Type: TypeUint8}, "invalid option name"},
		{"dot", V4, Definition{Name: "f.oo", Code: 223, Space: "dhcp4", Type: TypeUint8}, "invalid option name"},
		{"bad space", V4, Definition{Name: "foo", Code: 1, Space: "is.c", Type: TypeUint8}, "invalid option space name 'is.c'"},
		{"bad encapsulate", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeUint8, Encapsulate: "bad space"}, "invalid encapsulated option space name: 'bad space'"},
		{"PAD", V4, Definition{Name: "foo", Code: 0, Space: "dhcp4", Type: TypeUint8}, "reserved for PAD"},
		{"END", V4, Definition{Name: "foo", Code: 255, Space: "dhcp4", Type: TypeUint8}, "reserved for END"},
		{"0 in other v4 space", V4, Definition{Name: "foo", Code: 0, Space: "isc", Type: TypeUint8}, ""},
		{"256", V4, Definition{Name: "foo", Code: 256, Space: "isc", Type: TypeUint8}, "must not be greater than '255'"},
		{"v6 0", V6, Definition{Name: "foo", Code: 0, Space: "dhcp6", Type: TypeUint8}, "reserved value"},
		{"v6 65535", V6, Definition{Name: "baz", Code: 65535, Space: "dhcp6", Type: TypeUint8}, ""},
		{"internal", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeInternal}, "not supported"},
		{"record one field", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeUint8}}, "invalid number of data fields: 1"},
		{"record string first", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeString, TypeUint8}}, "string data field can't be laid before"},
		{"record binary first", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeBinary, TypeUint8}}, "binary data field can't be laid before"},
		{"record of record", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeRecord}}, "attempted to add invalid data type 'record'"},
		{"record of empty", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeUint8, TypeEmpty}}, "attempted to add invalid data type 'empty'"},
		{"record array string", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeRecord, Array: true, RecordTypes: []DataType{TypeUint8, TypeString}}, "array of strings"},
		{"record array tuple", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeRecord, Array: true, RecordTypes: []DataType{TypeUint8, TypeTuple}}, ""},
		{"record tuple first", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeRecord, RecordTypes: []DataType{TypeTuple, TypeUint8}}, ""},
		{"record-types on uint8", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeUint8, RecordTypes: []DataType{TypeUint8, TypeUint16}}, "'record' option type must be used instead of 'uint8'"},
		{"array string", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeString, Array: true}, "array of strings is not a valid option definition."},
		{"array binary", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeBinary, Array: true}, "array of binary values"},
		{"array empty", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeEmpty, Array: true}, "array of empty value"},
		{"array fqdn", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeFQDN, Array: true}, ""},
		{"array encapsulates", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeUint8, Array: true, Encapsulate: "bar"}, "comprising an array of data fields may not encapsulate"},
		{"string encapsulates", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeString, Encapsulate: "bar"}, ""},
		{"encapsulates own space", V4, Definition{Name: "baz", Code: 223, Space: "dhcp4", Type: TypeUint8, Encapsulate: "dhcp4"}, "must not encapsulate an option space it belongs to"},
		{"standard code", V4, Definition{Name: "bar", Code: 3, Space: "dhcp4", Type: TypeUint8}, "unable to override definition of option '3' in standard option space 'dhcp4'"},
		{"standard name", V4, Definition{Name: "routers", Code: 224, Space: "dhcp4", Type: TypeUint8}, "unable to override definition of option 'routers'"},
		{"option 43 may be redefined", V4, Definition{Name: "vendor-encapsulated-options", Code: 43, Space: "dhcp4", Type: TypeEmpty, Encapsulate: "APC"}, ""},
		{"standard code other space", V4, Definition{Name: "foo", Code: 1, Space: "vendor-4491", Type: TypeUint8}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			std := std4
			if tt.u == V6 {
				std = testDefs(t, V6)
			}
			err := ValidateDefinition(tt.u, &tt.d, std)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("ValidateDefinition: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("ValidateDefinition = %v; want error containing %q", err, tt.err)
			}
		})
	}
}

func TestParseRecordTypes(t *testing.T) {
	got, err := ParseRecordTypes(" uint8 ,, ipv4-address ,string")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]DataType{TypeUint8, TypeIPv4Address, TypeString}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"uint8,UINT16", "uint8,internal", "bogus"} {
		if _, err := ParseRecordTypes(bad); err == nil {
			t.Errorf("ParseRecordTypes(%q) accepted", bad)
		}
	}
}
