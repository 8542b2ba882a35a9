package server6

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
)

// requiredConfig has only-if-required classes named by the subnet, by a
// pool and by a pd-pool, one whose test is false and one never required.
const requiredConfig = `{"Dhcp6": {
  "lease-database": {"type": "memfile", "persist": false},
  "server-id": {"type": "LL", "identifier": "020000000001", "persist": false},
  "client-classes": [
    {"name": "req-subnet", "only-if-required": true, "test": "member('ALL')",
     "option-data": [{"name": "nis-servers", "data": "2001:db8:1::27"}]},
    {"name": "req-pool", "only-if-required": true, "test": "member('ALL')",
     "option-data": [{"name": "nisp-servers", "data": "2001:db8:1::28"}]},
    {"name": "req-pd", "only-if-required": true, "test": "member('ALL')",
     "option-data": [{"name": "sntp-servers", "data": "2001:db8:1::31"}]},
    {"name": "req-false", "only-if-required": true, "test": "option[1].hex == 0x00",
     "option-data": [{"name": "sip-server-addr", "data": "2001:db8:1::22"}]},
    {"name": "not-required", "only-if-required": true, "test": "member('ALL')",
     "option-data": [{"name": "nis-domain-name", "data": "example.org"}]}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "lo",
    "require-client-classes": ["req-subnet", "req-false"],
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff", "require-client-classes": ["req-pool"]}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 48, "delegated-len": 56, "require-client-classes": ["req-pd"]}]}]}}`

// TestRequiredClasses: require-client-classes of the subnet apply to every
// reply, those of a pool only when the reply gives one of its addresses or
// prefixes, and a required class applies only when its test matches.
func TestRequiredClasses(t *testing.T) {
	h := newHarnessWith(t, requiredConfig)
	oro := []dhcp6.OptionCode{dhcp6.OptNISServers, dhcp6.OptNISPServers, dhcp6.OptSNTPServers, dhcp6.OptSIPServersAddr, dhcp6.OptNISDomainName}
	tests := []struct {
		name   string
		mt     dhcp6.MessageType
		c      client
		want   []dhcp6.OptionCode
		absent []dhcp6.OptionCode
	}{
		{"solicit ia_na", dhcp6.MsgSolicit, client{duid: duid(1), oro: oro, na: []uint32{1}},
			[]dhcp6.OptionCode{dhcp6.OptNISServers, dhcp6.OptNISPServers},
			[]dhcp6.OptionCode{dhcp6.OptSNTPServers, dhcp6.OptSIPServersAddr, dhcp6.OptNISDomainName}},
		{"solicit ia_pd", dhcp6.MsgSolicit, client{duid: duid(2), oro: oro, pd: []uint32{1}},
			[]dhcp6.OptionCode{dhcp6.OptNISServers, dhcp6.OptSNTPServers},
			[]dhcp6.OptionCode{dhcp6.OptNISPServers, dhcp6.OptSIPServersAddr, dhcp6.OptNISDomainName}},
		{"information-request", dhcp6.MsgInformationRequest, client{duid: duid(3), oro: oro},
			[]dhcp6.OptionCode{dhcp6.OptNISServers},
			[]dhcp6.OptionCode{dhcp6.OptNISPServers, dhcp6.OptSNTPServers, dhcp6.OptSIPServersAddr, dhcp6.OptNISDomainName}},
	}
	for _, tt := range tests {
		rep := h.query(tt.mt, tt.c)
		if rep == nil {
			t.Fatalf("%s: no reply", tt.name)
		}
		for _, c := range tt.want {
			if !rep.Options.Has(c) {
				t.Errorf("%s: option %d missing", tt.name, c)
			}
		}
		for _, c := range tt.absent {
			if rep.Options.Has(c) {
				t.Errorf("%s: option %d sent", tt.name, c)
			}
		}
	}
}

// TestKnownAndVendorClasses: a class testing member('KNOWN') is evaluated
// after the host lookup (Kea's second pass), and option 16's first data
// item (or a DOCSIS one anywhere) names the built-in VENDOR_CLASS_ class.
func TestKnownAndVendorClasses(t *testing.T) {
	cfg := strings.Replace(testConfig, `"preferred-lifetime"`, `"client-classes": [
    {"name": "known", "test": "member('KNOWN')", "option-data": [{"name": "nis-domain-name", "data": "known.example.org"}]},
    {"name": "not-known", "test": "not member('known')", "option-data": [{"name": "sip-server-dns", "data": "sip.example.org"}]},
    {"name": "VENDOR_CLASS_modem", "option-data": [{"name": "nisp-domain-name", "data": "modem.example.org"}]},
    {"name": "VENDOR_CLASS_docsis3.0", "option-data": [{"name": "bcmcs-server-dns", "data": "cable.example.org"}]}],
  "preferred-lifetime"`, 1)
	h := newHarnessWith(t, cfg)
	oro := []dhcp6.OptionCode{dhcp6.OptNISDomainName, dhcp6.OptNISPDomainName, dhcp6.OptSIPServersDNS, dhcp6.OptionCode(33)}
	vc := func(items ...string) dhcp6.Option {
		b := []byte{0, 0, 0x11, 0x8b}
		for _, it := range items {
			b = append(append(b, 0, byte(len(it))), it...)
		}
		return dhcp6.Option{Code: dhcp6.OptVendorClass, Data: b}
	}
	tests := []struct {
		name  string
		c     client
		want  []dhcp6.OptionCode
		never []dhcp6.OptionCode
	}{
		{"reserved client", client{duid: []byte{0, 3, 0, 1, 0, 0, 0, 0, 0, 0x99}, oro: oro},
			[]dhcp6.OptionCode{dhcp6.OptNISDomainName}, []dhcp6.OptionCode{dhcp6.OptSIPServersDNS}},
		{"unknown client", client{duid: duid(1), oro: oro},
			[]dhcp6.OptionCode{dhcp6.OptSIPServersDNS}, []dhcp6.OptionCode{dhcp6.OptNISDomainName}},
		{"vendor class first item", client{duid: duid(2), oro: oro, extra: []dhcp6.Option{vc("modem", "x")}},
			[]dhcp6.OptionCode{dhcp6.OptNISPDomainName}, []dhcp6.OptionCode{33}},
		{"vendor class second item", client{duid: duid(3), oro: oro, extra: []dhcp6.Option{vc("x", "modem")}},
			nil, []dhcp6.OptionCode{dhcp6.OptNISPDomainName}},
		{"docsis item anywhere", client{duid: duid(4), oro: oro, extra: []dhcp6.Option{vc("modem", "docsis3.0")}},
			[]dhcp6.OptionCode{33}, []dhcp6.OptionCode{dhcp6.OptNISPDomainName}},
	}
	for _, tt := range tests {
		rep := h.query(dhcp6.MsgInformationRequest, tt.c)
		if rep == nil {
			t.Fatalf("%s: no reply", tt.name)
		}
		for _, c := range tt.want {
			if !rep.Options.Has(c) {
				t.Errorf("%s: option %d missing", tt.name, c)
			}
		}
		for _, c := range tt.never {
			if rep.Options.Has(c) {
				t.Errorf("%s: option %d sent", tt.name, c)
			}
		}
	}
}

// TestTemplateClass6: a template-test class puts a query whose value is
// not empty in the class (its options apply) and in SPAWN_<class>_<value>,
// which another class can test.
func TestTemplateClass6(t *testing.T) {
	cfg := strings.Replace(testConfig, `"preferred-lifetime"`, `"client-classes": [
    {"name": "by-vendor", "template-test": "substring(option[16].hex, 6, 5)",
     "option-data": [{"name": "nis-domain-name", "data": "template.example.org"}]},
    {"name": "spawned", "test": "member('SPAWN_by-vendor_modem')",
     "option-data": [{"name": "nisp-domain-name", "data": "spawned.example.org"}]}],
  "preferred-lifetime"`, 1)
	h := newHarnessWith(t, cfg)
	oro := []dhcp6.OptionCode{dhcp6.OptNISDomainName, dhcp6.OptNISPDomainName}
	vc := func(item string) []dhcp6.Option {
		return []dhcp6.Option{{Code: dhcp6.OptVendorClass, Data: append([]byte{0, 0, 0x11, 0x8b, 0, byte(len(item))}, item...)}}
	}
	for _, tt := range []struct {
		name      string
		extra     []dhcp6.Option
		tmpl, spn bool
	}{
		{"modem", vc("modem"), true, true},
		{"other value", vc("phone"), true, false},
		{"no value", nil, false, false},
	} {
		rep := h.query(dhcp6.MsgInformationRequest, client{duid: duid(1), oro: oro, extra: tt.extra})
		if rep == nil {
			t.Fatalf("%s: no reply", tt.name)
		}
		if got := rep.Options.Has(dhcp6.OptNISDomainName); got != tt.tmpl {
			t.Errorf("%s: template class option %v, want %v", tt.name, got, tt.tmpl)
		}
		if got := rep.Options.Has(dhcp6.OptNISPDomainName); got != tt.spn {
			t.Errorf("%s: spawned class option %v, want %v", tt.name, got, tt.spn)
		}
	}
}

// TestVendorOptions6: VENDOR_OPTS (17) of the enterprise named by the
// client's vendor-class or VENDOR_OPTS carries the sub-options its vendor
// ORO asks for and the always-send ones, the most specific scope first.
func TestVendorOptions6(t *testing.T) {
	cfg := strings.Replace(testConfig, `"option-data": [{"name": "dns-servers", "data": "2001:db8::53"}`,
		`"option-data": [{"space": "vendor-4491", "name": "config-file", "data": "global.cfg"},
    {"space": "vendor-4491", "name": "syslog-servers", "data": "2001:db8::514", "always-send": true},
    {"space": "vendor-4491", "name": "tftp-servers", "data": "2001:db8::69"},
    {"name": "dns-servers", "data": "2001:db8::53"}`, 1)
	cfg = strings.Replace(cfg, `"option-data": [{"name": "dns-servers", "data": "2001:db8:1::53"}]`,
		`"option-data": [{"name": "dns-servers", "data": "2001:db8:1::53"}, {"space": "vendor-4491", "name": "config-file", "data": "subnet.cfg"}]`, 1)
	h := newHarnessWith(t, cfg)
	vo := func(codes ...uint16) dhcp6.Option {
		b := []byte{0, 0, 0x11, 0x8b}
		if len(codes) > 0 {
			b = append(b, 0, 1, 0, byte(2*len(codes)))
			for _, c := range codes {
				b = append(b, byte(c>>8), byte(c))
			}
		}
		return dhcp6.Option{Code: dhcp6.OptVendorOpts, Data: b}
	}
	sub := func(code uint16, data string) string {
		return string([]byte{byte(code >> 8), byte(code), 0, byte(len(data))}) + data
	}
	syslog := sub(34, string(netip.MustParseAddr("2001:db8::514").AsSlice()))
	for _, tt := range []struct {
		name  string
		extra []dhcp6.Option
		want  string // sub-options, "" for no VENDOR_OPTS
	}{
		{"vendor oro", []dhcp6.Option{vo(33)}, sub(33, "subnet.cfg") + syslog},
		{"no vendor oro", []dhcp6.Option{vo()}, syslog},
		{"vendor-class only", []dhcp6.Option{{Code: dhcp6.OptVendorClass, Data: []byte{0, 0, 0x11, 0x8b, 0, 1, 'x'}}}, syslog},
		{"another enterprise", []dhcp6.Option{{Code: dhcp6.OptVendorOpts, Data: []byte{0, 0, 0x27, 0x0f, 0, 1, 0, 2, 0, 33}}}, ""},
		{"no vendor option", nil, ""},
	} {
		rep := h.query(dhcp6.MsgSolicit, client{duid: duid(1), na: []uint32{1}, extra: tt.extra})
		if rep == nil {
			t.Fatalf("%s: no reply", tt.name)
		}
		o, ok := rep.Options.Get(dhcp6.OptVendorOpts)
		if tt.want == "" {
			if ok {
				t.Errorf("%s: VENDOR_OPTS %x sent", tt.name, o.Data)
			}
			continue
		}
		if want := "\x00\x00\x11\x8b" + tt.want; !ok || string(o.Data) != want {
			t.Errorf("%s: VENDOR_OPTS %x, want %x", tt.name, o.Data, want)
		}
	}
}

// knownConfig has a class depending on KNOWN, one on a reserved class and
// one that a reserved class turns false, and DROP for reserved clients
// marked "bad".
const knownConfig = `{"Dhcp6": {
  "lease-database": {"type": "memfile", "persist": false},
  "server-id": {"type": "LL", "identifier": "020000000001", "persist": false},
  "client-classes": [
    {"name": "gold"},
    {"name": "bad"},
    {"name": "is-known", "test": "member('KNOWN')",
     "option-data": [{"name": "nis-servers", "data": "2001:db8:1::27"}]},
    {"name": "not-gold", "test": "not member('gold')",
     "option-data": [{"name": "nisp-servers", "data": "2001:db8:1::28"}]},
    {"name": "gold-member", "test": "member('gold')",
     "option-data": [{"name": "sntp-servers", "data": "2001:db8:1::31"}]},
    {"name": "DROP", "test": "member('bad') and member('KNOWN')"}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "lo",
    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
    "reservations": [{"duid": "00:03:00:01:00:00:00:00:00:0a", "client-classes": ["gold"]},
                     {"duid": "00:03:00:01:00:00:00:00:00:0b", "client-classes": ["bad"]}]}]}}`

// TestKnownClassesAfterHostLookup: classes depending on KNOWN/UNKNOWN are
// evaluated after the host lookup, and reserved classes first remove the
// classes evaluated so far, which are evaluated again (Kea's
// removeDependentEvaluatedClasses): "not-gold" no longer holds for a gold
// client; DROP after the lookup drops the query.
func TestKnownClassesAfterHostLookup(t *testing.T) {
	h := newHarnessWith(t, knownConfig)
	oro := []dhcp6.OptionCode{dhcp6.OptNISServers, dhcp6.OptNISPServers, dhcp6.OptSNTPServers}
	tests := []struct {
		name   string
		c      client
		want   []dhcp6.OptionCode
		absent []dhcp6.OptionCode
	}{
		{"reserved gold", client{duid: duid(10), oro: oro, na: []uint32{1}},
			[]dhcp6.OptionCode{dhcp6.OptNISServers, dhcp6.OptSNTPServers}, []dhcp6.OptionCode{dhcp6.OptNISPServers}},
		{"unknown", client{duid: duid(12), oro: oro, na: []uint32{1}},
			[]dhcp6.OptionCode{dhcp6.OptNISPServers}, []dhcp6.OptionCode{dhcp6.OptNISServers, dhcp6.OptSNTPServers}},
	}
	for _, tt := range tests {
		rep := h.query(dhcp6.MsgSolicit, tt.c)
		if rep == nil {
			t.Fatalf("%s: no reply", tt.name)
		}
		for _, c := range tt.want {
			if !rep.Options.Has(c) {
				t.Errorf("%s: option %d missing", tt.name, c)
			}
		}
		for _, c := range tt.absent {
			if rep.Options.Has(c) {
				t.Errorf("%s: option %d sent", tt.name, c)
			}
		}
	}
	if rep := h.query(dhcp6.MsgSolicit, client{duid: duid(11), oro: oro, na: []uint32{1}}); rep != nil {
		t.Errorf("reserved bad client: reply %v, want none (DROP after the host lookup)", rep.MsgType)
	}
}
