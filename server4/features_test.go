package server4

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/hooks/bootp"
	_ "github.com/nestordhcp/nestor/hooks/flexid"
	"github.com/nestordhcp/nestor/internal/hookstest"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
)

// bootpQuery is a relayed BOOTREQUEST: no message type.
func bootpQuery(mac byte, opts ...dhcp4.Option) *dhcp4.Packet {
	p := query(dhcp4.DHCPDISCOVER, mac, opts...)
	p.Del(dhcp4.OptionMessageType)
	return p
}

const bootpConfig = `"valid-lifetime": 4000,
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_bootp.so"}],`

// TestBOOTP checks libdhcp_bootp.so's semantics: a BOOTREQUEST is answered
// as a DHCPREQUEST of class BOOTP with an infinite lease, the reply has no
// DHCP-specific option and is padded to 300 octets; without the library
// it is dropped; DHCP queries are unaffected.
func TestBOOTP(t *testing.T) {
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, bootpConfig, 1)
	cfg = strings.Replace(cfg, `"pools": [{"pool": "198.51.100.100 - 198.51.100.109"}]`,
		`"pools": [{"pool": "198.51.100.100 - 198.51.100.104", "client-class": "BOOTP"},
		           {"pool": "198.51.100.105 - 198.51.100.109"}]`, 1)
	ts := newTestServer(t, cfg)
	r, raw := ts.exchange(t, bootpQuery(1, dhcp4.Option{Code: dhcp4.OptionClientIdentifier, Data: []byte{1, 2, 0, 0, 0, 0, 1}}), relay)
	if r == nil {
		t.Fatal("no reply to a BOOTP request")
	}
	if r.Op != dhcp4.BootReply || r.YIAddr.Addr() != netip.MustParseAddr("198.51.100.100") {
		t.Errorf("reply op=%d yiaddr=%s, want BOOTREPLY from the BOOTP pool", r.Op, r.YIAddr)
	}
	if len(raw.Data) != bootp.MinSize {
		t.Errorf("reply is %d octets, want padded to %d", len(raw.Data), bootp.MinSize)
	}
	for _, c := range []uint8{53, 51, 54, 58, 59, 61} {
		if r.Has(c) {
			t.Errorf("reply carries DHCP-specific option %d", c)
		}
	}
	for _, c := range []uint8{1, 3, 6, 15} {
		if !r.Has(c) {
			t.Errorf("reply lacks option %d", c)
		}
	}
	l, err := ts.LeaseStore().Lease4(netip.MustParseAddr("198.51.100.100"))
	if err != nil || l == nil || l.ValidLifetime != lease.InfiniteLifetime {
		t.Fatalf("lease = %+v, %v; want an infinite lease", l, err)
	}

	// A DHCP client does not get the BOOTP pool, and its reply is DHCP.
	off, raw := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 2), relay)
	if off == nil || off.MessageType() != dhcp4.DHCPOFFER || off.YIAddr.Addr() != netip.MustParseAddr("198.51.100.105") {
		t.Fatalf("DHCP client got %v", off)
	}
	if b, _ := off.Encode(); !bytes.Equal(b, raw.Data) {
		t.Errorf("a DHCP reply was changed by the library: %x", raw.Data)
	}

	// A packet the library cannot decode is dropped and counted once.
	parse, drop := ts.stats.Counter("pkt4-parse-failed").Value(), ts.stats.Counter("pkt4-receive-drop").Value()
	np := netio.NewPacket()
	np.SetPayload(copy(np.Payload(), make([]byte, 238))) // header and half a cookie
	np.Src, np.Dst = relay, netip.MustParseAddrPort("198.51.100.1:67")
	ts.Handle(np)
	if d1, d2 := ts.stats.Counter("pkt4-parse-failed").Value()-parse, ts.stats.Counter("pkt4-receive-drop").Value()-drop; d1 != 1 || d2 != 1 {
		t.Errorf("undecodable packet: pkt4-parse-failed +%d, pkt4-receive-drop +%d, want +1 each", d1, d2)
	}

	// Without the library a BOOTP request has no message type: dropped.
	plain := newTestServer(t, testConfig)
	if r, _ := plain.exchange(t, bootpQuery(1), relay); r != nil {
		t.Errorf("BOOTP request answered without libdhcp_bootp.so: %v", r)
	}
}

func vivsoOpt(enterprise uint32, sub ...byte) dhcp4.Option {
	b := binary.BigEndian.AppendUint32(nil, enterprise)
	b = append(b, byte(len(sub)))
	return dhcp4.Option{Code: dhcp4.OptionVIVSO, Data: append(b, sub...)}
}

// multiVendor is one option 125 carrying the enterprise blocks of opts.
func multiVendor(opts ...dhcp4.Option) dhcp4.Option {
	var b []byte
	for _, o := range opts {
		b = append(b, o.Data...)
	}
	return dhcp4.Option{Code: dhcp4.OptionVIVSO, Data: b}
}

// TestVendorOptions checks option 125 assembly: the client's enterprise
// number selects the vendor space, the DOCSIS ORO (vendor 4491 only) and
// always-send choose the sub-options, the most specific scope wins, and
// nothing is sent for an enterprise without configured sub-options.
func TestVendorOptions(t *testing.T) {
	cfg := strings.Replace(testConfig, `"option-data": [{"name": "domain-name-servers", "data": "198.51.100.53"}],`,
		`"option-def": [{"name": "acme-url", "code": 1, "space": "vendor-2021", "type": "string"},
		                {"name": "acme-flag", "code": 2, "space": "vendor-2021", "type": "uint8"}],
		 "option-data": [{"name": "domain-name-servers", "data": "198.51.100.53"},
		    {"name": "tftp-servers", "space": "vendor-4491", "data": "198.51.100.69"},
		    {"name": "acme-url", "space": "vendor-2021", "data": "global"},
		    {"name": "acme-flag", "space": "vendor-2021", "data": "7", "always-send": true}],`, 1)
	cfg = strings.Replace(cfg, `{"name": "ntp-servers", "data": "198.51.100.123"}]`,
		`{"name": "ntp-servers", "data": "198.51.100.123"},
		 {"name": "acme-flag", "space": "vendor-2021", "data": "9"}]`, 1)
	ts := newTestServer(t, cfg)
	for _, tc := range []struct {
		name string
		opt  dhcp4.Option
		want []byte // option 125 payload; nil: absent
	}{
		{"docsis oro", vivsoOpt(4491, 1, 1, 2), []byte{0, 0, 0x11, 0x8b, 6, 2, 4, 198, 51, 100, 69}},
		{"docsis without oro", vivsoOpt(4491), nil},
		{"always-send, subnet value first", vivsoOpt(2021), []byte{0, 0, 0x07, 0xe5, 3, 2, 1, 9}},
		{"oro of another vendor ignored", vivsoOpt(2021, 1, 1, 1), []byte{0, 0, 0x07, 0xe5, 3, 2, 1, 9}},
		{"unknown vendor", vivsoOpt(9999, 1, 1, 2), nil},
		// Several enterprise numbers in one query (Kea 2.6): one block
		// per configured vendor, in ascending enterprise order.
		{"two vendors", multiVendor(vivsoOpt(4491, 1, 1, 2), vivsoOpt(2021)),
			[]byte{0, 0, 0x07, 0xe5, 3, 2, 1, 9, 0, 0, 0x11, 0x8b, 6, 2, 4, 198, 51, 100, 69}},
		{"unknown vendor first", multiVendor(vivsoOpt(9999, 1, 1, 2), vivsoOpt(2021)), []byte{0, 0, 0x07, 0xe5, 3, 2, 1, 9}},
		{"two unknown vendors", multiVendor(vivsoOpt(9999), vivsoOpt(4491)), nil},
		// A vendor named by option 124 only gets its always-send
		// sub-options.
		{"vendor class only", dhcp4.Option{Code: dhcp4.OptionVIVCO, Data: []byte{0, 0, 0x07, 0xe5, 4, 0, 2, 'a', 'b'}}, []byte{0, 0, 0x07, 0xe5, 3, 2, 1, 9}},
	} {
		off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 3, tc.opt), relay)
		if off == nil {
			t.Fatalf("%s: no OFFER", tc.name)
		}
		got, ok := off.Get(dhcp4.OptionVIVSO)
		if tc.want == nil {
			if ok {
				t.Errorf("%s: option 125 %x sent", tc.name, got)
			}
			continue
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: option 125 = %x, want %x", tc.name, got, tc.want)
		}
	}
	// Without option 125 in the query nothing is sent, even if requested.
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 4, dhcp4.Option{Code: 55, Data: []byte{125}}), relay)
	if off == nil || off.Has(dhcp4.OptionVIVSO) {
		t.Errorf("option 125 without a vendor in the query: %v", off)
	}
}

// TestStoreExtendedInfo checks that option 82 of a REQUEST is stored in
// the lease's user context in Kea 2.2's form, replaced by a later one, and
// kept when a renewal carries none.
func TestStoreExtendedInfo(t *testing.T) {
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, `"valid-lifetime": 4000, "store-extended-info": true,`, 1)
	ts := newTestServer(t, cfg)
	addr := "198.51.100.100"
	req := func(rai []byte) {
		t.Helper()
		q := query(dhcp4.DHCPREQUEST, 5, dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: ip(addr)},
			dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")})
		if rai != nil {
			q.Set(dhcp4.OptionRelayAgentInformation, rai)
		}
		if ack, _ := ts.exchange(t, q, relay); ack == nil || ack.MessageType() != dhcp4.DHCPACK {
			t.Fatalf("no ACK: %v", ack)
		}
	}
	ctx := func() string {
		l, err := ts.LeaseStore().Lease4(netip.MustParseAddr(addr))
		if err != nil || l == nil {
			t.Fatalf("lease: %v", err)
		}
		return string(l.UserContext)
	}
	req([]byte{1, 3, 'p', '-', '1', 2, 2, 0xab, 0xcd})
	if got, want := ctx(), `{ "ISC": { "relay-agent-info": { "remote-id": "ABCD", "sub-options": "0x0103702D310202ABCD" } } }`; got != want {
		t.Errorf("user context = %s, want %s", got, want)
	}
	req([]byte{12, 3, 0xaa, 0xbb, 0xcc, 2, 0, 1, 1, 'z'})
	if got, want := ctx(), `{ "ISC": { "relay-agent-info": { "relay-id": "AABBCC", "sub-options": "0x0C03AABBCC020001017A" } } }`; got != want {
		t.Errorf("with a relay-id and an empty remote-id: %s, want %s", got, want)
	}
	req([]byte{1, 1, 'x'})
	if got, want := ctx(), `{ "ISC": { "relay-agent-info": { "sub-options": "0x010178" } } }`; got != want {
		t.Errorf("after a second relay: %s, want %s", got, want)
	}
	req(nil)
	if got, want := ctx(), `{ "ISC": { "relay-agent-info": { "sub-options": "0x010178" } } }`; got != want {
		t.Errorf("after a request without option 82: %s, want %s", got, want)
	}
	// Other keys of the user context are kept; the ISC entry is replaced.
	l, _ := ts.LeaseStore().Lease4(netip.MustParseAddr(addr))
	l = l.Clone()
	l.UserContext = []byte(`{"zone": [1, "a"], "ISC": {"other": 1}, "comment": "keep me"}`)
	if err := ts.LeaseStore().UpdateLease4(l); err != nil {
		t.Fatal(err)
	}
	req([]byte{1, 1, 'y'})
	if got, want := ctx(), `{ "ISC": { "relay-agent-info": { "sub-options": "0x010179" } }, "comment": "keep me", "zone": [ 1, "a" ] }`; got != want {
		t.Errorf("merged user context = %s, want %s", got, want)
	}

	off := newTestServer(t, testConfig)
	q := query(dhcp4.DHCPREQUEST, 6, dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: ip(addr)},
		dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")},
		dhcp4.Option{Code: dhcp4.OptionRelayAgentInformation, Data: []byte{1, 1, 'x'}})
	off.exchange(t, q, relay)
	if l, _ := off.LeaseStore().Lease4(netip.MustParseAddr(addr)); l == nil || l.UserContext != nil {
		t.Errorf("store-extended-info off: lease %+v", l)
	}
}

const flexConfig = `"valid-lifetime": 4000,
  "host-reservation-identifiers": ["flex-id", "hw-address"],
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_flex_id.so",
      "parameters": {"identifier-expression": "relay4[1].hex", "replace-client-id": REPLACE}}],`

// TestFlexID checks libdhcp_flex_id.so: the expression's value (here the
// relay's circuit-id) finds a flex-id reservation before the hw-address
// one; a query giving an empty value falls back to the next identifier.
func TestFlexID(t *testing.T) {
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, strings.Replace(flexConfig, "REPLACE", "false", 1), 1)
	cfg = strings.Replace(cfg, `"reservations": [`, `"reservations": [{"flex-id": "'port-7'", "ip-address": "198.51.100.70"},
	    {"hw-address": "02:00:00:00:00:09", "ip-address": "198.51.100.90"},`, 1)
	ts := newTestServer(t, cfg)
	circuit := func(s string) dhcp4.Option {
		return dhcp4.Option{Code: dhcp4.OptionRelayAgentInformation, Data: append([]byte{1, byte(len(s))}, s...)}
	}
	for _, tc := range []struct {
		name string
		mac  byte
		opts []dhcp4.Option
		want string
	}{
		{"flex-id before hw-address", 9, []dhcp4.Option{circuit("port-7")}, "198.51.100.70"},
		{"no circuit-id: hw-address", 9, nil, "198.51.100.90"},
		{"other circuit-id: hw-address", 9, []dhcp4.Option{circuit("port-8")}, "198.51.100.90"},
		{"flex-id for another client", 10, []dhcp4.Option{circuit("port-7")}, "198.51.100.70"},
		{"no reservation", 11, []dhcp4.Option{circuit("port-9")}, "198.51.100.100"},
	} {
		off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, tc.mac, tc.opts...), relay)
		if off == nil || off.YIAddr.Addr().String() != tc.want {
			t.Errorf("%s: offer %v, want %s", tc.name, off, tc.want)
		}
	}
}

// TestFlexIDReplaceClientID checks replace-client-id: the lease is
// recorded under 0x00 + flex-id, so a replaced device behind the same
// circuit gets the same lease, and the reply carries the client's own
// option 61.
func TestFlexIDReplaceClientID(t *testing.T) {
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, strings.Replace(flexConfig, "REPLACE", "true", 1), 1)
	ts := newTestServer(t, cfg)
	rai := dhcp4.Option{Code: dhcp4.OptionRelayAgentInformation, Data: []byte{1, 2, 'c', '1'}}
	cid := dhcp4.Option{Code: dhcp4.OptionClientIdentifier, Data: []byte{1, 2, 0, 0, 0, 0, 20}}
	ack, _ := ts.exchange(t, query(dhcp4.DHCPREQUEST, 20, rai, cid,
		dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: ip("198.51.100.100")},
		dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), relay)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		t.Fatalf("no ACK: %v", ack)
	}
	if got, _ := ack.Get(dhcp4.OptionClientIdentifier); !bytes.Equal(got, cid.Data) {
		t.Errorf("reply client-id = %x, want the client's %x", got, cid.Data)
	}
	l, _ := ts.LeaseStore().Lease4(netip.MustParseAddr("198.51.100.100"))
	if l == nil || !bytes.Equal(l.ClientID, []byte{0, 'c', '1'}) {
		t.Fatalf("lease %+v, want client-id 00:63:31", l)
	}
	// Another device (new MAC, new client-id) behind the same circuit.
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 21, rai,
		dhcp4.Option{Code: dhcp4.OptionClientIdentifier, Data: []byte{1, 2, 0, 0, 0, 0, 21}}), relay)
	if off == nil || off.YIAddr.Addr().String() != "198.51.100.100" {
		t.Errorf("replaced device offered %v, want 198.51.100.100", off)
	}
	// Without a circuit-id the client is on its own.
	off, _ = ts.exchange(t, query(dhcp4.DHCPDISCOVER, 22, cid), relay)
	if off == nil || off.YIAddr.Addr().String() == "198.51.100.100" {
		t.Errorf("client without flex-id offered %v", off)
	}
	if got, _ := off.Get(dhcp4.OptionClientIdentifier); !bytes.Equal(got, cid.Data) {
		t.Errorf("reply client-id = %x, want %x", got, cid.Data)
	}
}

// TestStashAgentOptions checks stash-agent-options: a direct RENEWING
// request without option 82 is classified with the option 82 stored in
// its lease by store-extended-info (here a class matching the relay's
// circuit-id adds an option), only for the lease's own client and only
// when the parameter is on.
func TestStashAgentOptions(t *testing.T) {
	for _, stash := range []bool{true, false} {
		cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, fmt.Sprintf(`"valid-lifetime": 4000,
  "store-extended-info": true, "stash-agent-options": %v,`, stash), 1)
		cfg = strings.Replace(cfg, `"client-classes": [`, `"client-classes": [{"name": "rack1", "test": "relay4[1].hex == 'p-1'",
      "option-data": [{"name": "time-offset", "data": "7200", "always-send": true}]},`, 1)
		ts := newTestServer(t, cfg)
		ack, _ := ts.exchange(t, query(dhcp4.DHCPREQUEST, 5, dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: ip("198.51.100.100")},
			dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")},
			dhcp4.Option{Code: dhcp4.OptionRelayAgentInformation, Data: []byte{1, 3, 'p', '-', '1'}}), relay)
		if ack == nil || !ack.Has(dhcp4.OptionTimeOffset) {
			t.Fatalf("relayed request: %v, want an ACK with the class option", ack)
		}
		direct := func(mac byte) *dhcp4.Packet {
			q := query(dhcp4.DHCPREQUEST, mac)
			q.GIAddr, q.Hops = dhcp4.IPv4{}, 0
			q.CIAddr = dhcp4.IPv4{198, 51, 100, 100}
			r, _ := ts.exchange(t, q, netip.MustParseAddrPort("198.51.100.100:68"))
			return r
		}
		r := direct(5)
		if r == nil || r.MessageType() != dhcp4.DHCPACK {
			t.Fatalf("stash %v: direct renewal: %v", stash, r)
		}
		if r.Has(dhcp4.OptionTimeOffset) != stash {
			t.Errorf("stash-agent-options %v: class option in the renewal = %v", stash, r.Has(dhcp4.OptionTimeOffset))
		}
		if r := direct(6); r != nil && r.Has(dhcp4.OptionTimeOffset) {
			t.Errorf("stash %v: another client renewing the address got the stashed option", stash)
		}
	}
}

// TestHost4IdentifierStatus: a status other than continue at
// host4_identifier (set by a library loaded after flex_id) means the
// identifier is not used, and the next configured identifier applies.
func TestHost4IdentifierStatus(t *testing.T) {
	rec := hookstest.New()
	t.Cleanup(rec.Close)
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, strings.Replace(flexConfig, "REPLACE", "false", 1), 1)
	cfg = strings.Replace(cfg, `"replace-client-id": false}}`, `"replace-client-id": false}}, `+rec.Entry(), 1)
	cfg = strings.Replace(cfg, `"reservations": [`, `"reservations": [{"flex-id": "'port-7'", "ip-address": "198.51.100.70"},
	    {"hw-address": "02:00:00:00:00:09", "ip-address": "198.51.100.90"},`, 1)
	circuit := dhcp4.Option{Code: dhcp4.OptionRelayAgentInformation, Data: append([]byte{1, 6}, "port-7"...)}
	for _, tc := range []struct {
		status hooks.NextStep
		want   string
	}{
		{hooks.Continue, "198.51.100.70"},
		{hooks.Skip, "198.51.100.90"},
		{hooks.Drop, "198.51.100.90"},
	} {
		rec.SetStatus("host4_identifier", tc.status)
		ts := newTestServer(t, cfg)
		off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 9, circuit), relay)
		if off == nil || off.YIAddr.Addr().String() != tc.want {
			t.Errorf("status %v at host4_identifier: offer %v, want %s", tc.status, off, tc.want)
		}
	}
}
