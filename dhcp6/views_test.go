package dhcp6

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDUIDParse(t *testing.T) {
	uuid := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	mac := []byte{0x02, 0, 0x5e, 0x10, 0, 2}
	at := DUIDEpoch.Add(848753477 * time.Second)
	tests := []struct {
		name string
		in   DUID
		want DUIDInfo
		err  error
	}{
		{"LLT", AppendDUIDLLT(nil, 1, at, mac), DUIDInfo{Type: DUIDLLT, HWType: 1, Time: 848753477, LinkAddr: mac}, nil},
		{"EN", AppendDUIDEN(nil, 2495, []byte("n6cap")), DUIDInfo{Type: DUIDEN, Enterprise: 2495, Identifier: []byte("n6cap")}, nil},
		{"LL", AppendDUIDLL(nil, 1, mac), DUIDInfo{Type: DUIDLL, HWType: 1, LinkAddr: mac}, nil},
		{"UUID", AppendDUIDUUID(nil, uuid), DUIDInfo{Type: DUIDUUID, UUID: uuid}, nil},
		{"unknown type", DUID{0, 9, 1, 2}, DUIDInfo{Type: 9, Identifier: []byte{1, 2}}, nil},
		{"LLT short", DUID{0, 1, 0, 1, 0, 0, 0}, DUIDInfo{}, ErrBadDUID},
		{"EN short", DUID{0, 2, 0, 0, 9}, DUIDInfo{}, ErrBadDUID},
		{"LL short", DUID{0, 3, 0}, DUIDInfo{}, ErrBadDUID},
		{"UUID short", DUID{0, 4, 1}, DUIDInfo{}, ErrBadDUID},
		{"one octet", DUID{7}, DUIDInfo{}, ErrBadDUID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.Parse()
			if !errors.Is(err, tc.err) || (err != nil) != (tc.err != nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b []byte) bool { return string(a) == string(b) })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if err := DUID(make([]byte, MaxDUIDLen+1)).Validate(); !errors.Is(err, ErrBadDUID) {
		t.Errorf("129-octet DUID: %v", err)
	}
	if err := DUID(nil).Validate(); !errors.Is(err, ErrBadDUID) {
		t.Errorf("empty DUID: %v", err)
	}
	if s := DUID(testServerDUID[:4]).String(); s != "00:02:00:00" {
		t.Errorf("String %q", s)
	}
	if DUIDLL.String() != "DUID-LL" || DUIDType(99).String() != "DUID-unknown" {
		t.Error("DUIDType names")
	}
}

func TestSimpleViews(t *testing.T) {
	oro, err := ParseORO([]byte{0, 23, 0, 24, 0, 82})
	if err != nil || oro.Len() != 3 || oro.At(2) != OptSolMaxRT || !oro.Has(OptDomainSearch) || oro.Has(OptSNTPServers) {
		t.Errorf("ORO %v %v", oro, err)
	}
	if _, err := ParseORO([]byte{0, 23, 0}); !errors.Is(err, ErrBadLength) {
		t.Errorf("odd ORO: %v", err)
	}
	if v, err := ParseElapsedTime([]byte{1, 2}); v != 0x102 || err != nil {
		t.Errorf("elapsed %v %v", v, err)
	}
	if _, err := ParseElapsedTime([]byte{1}); !errors.Is(err, ErrBadLength) {
		t.Errorf("short elapsed: %v", err)
	}
	if v, err := ParsePreference([]byte{255}); v != 255 || err != nil {
		t.Errorf("preference %v %v", v, err)
	}
	if _, err := ParsePreference(nil); !errors.Is(err, ErrBadLength) {
		t.Errorf("empty preference: %v", err)
	}
	if ParseEmpty(nil) != nil || !errors.Is(ParseEmpty([]byte{0}), ErrBadLength) {
		t.Error("ParseEmpty")
	}
	addrs := append(addr("2001:db8::1"), addr("2001:db8::2")...)
	if n, err := ParseAddresses(addrs); n != 2 || err != nil || AddressAt(addrs, 1) != netip.MustParseAddr("2001:db8::2") {
		t.Errorf("addresses %d %v", n, err)
	}
	if _, err := ParseAddresses(addrs[:17]); !errors.Is(err, ErrBadLength) {
		t.Errorf("ragged addresses: %v", err)
	}
	st, err := ParseStatus(append(u16(uint16(StatusNoAddrsAvail)), "none"...))
	if err != nil || st.Code != StatusNoAddrsAvail || string(st.Message) != "none" {
		t.Errorf("status %+v %v", st, err)
	}
	fq, err := ParseClientFQDN([]byte{FQDNFlagS, 4, 'h', 'o', 's', 't', 0})
	if err != nil || fq.Flags != FQDNFlagS || len(fq.Name) != 6 {
		t.Errorf("fqdn %+v %v", fq, err)
	}
	if _, err := ParseClientFQDN(nil); err == nil {
		t.Error("empty FQDN accepted")
	}
	if _, err := ParseIAPrefix(iaprefixPayload(1, 2, 129, "::")); !errors.Is(err, ErrBadLength) {
		t.Errorf("prefix length 129: %v", err)
	}
	if _, err := ParseRemoteID([]byte{0, 0, 1}); !errors.Is(err, ErrBadLength) {
		t.Errorf("short remote-id: %v", err)
	}
}

func TestDataLists(t *testing.T) {
	items := append(append(u16(3), "abc"...), u16(0)...)
	uc, err := ParseUserClass(items)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	it := uc.Iter()
	for it.Next() {
		got = append(got, string(it.Item()))
	}
	if diff := cmp.Diff([]string{"abc", ""}, got); diff != "" || it.Err() != nil {
		t.Errorf("user class items (-want +got) %s %v", diff, it.Err())
	}
	if _, err := ParseUserClass(append(u16(4), "abc"...)); !errors.Is(err, ErrContainerOverrun) {
		t.Errorf("overrunning user class: %v", err)
	}
	vc, err := ParseVendorClass(append(u32(4491), items...))
	if err != nil || vc.Enterprise != 4491 {
		t.Errorf("vendor class %+v %v", vc, err)
	}
	if _, err := ParseVendorClass([]byte{0, 0, 1}); !errors.Is(err, ErrContainerOverrun) {
		t.Errorf("short vendor class: %v", err)
	}
	vo, err := ParseVendorOpts(append(u32(2495), opt(60000, []byte("eth0"))...))
	if err != nil || vo.Enterprise != 2495 {
		t.Fatalf("vendor opts %+v %v", vo, err)
	}
	if o, ok, err := vo.Options.Get(60000); !ok || err != nil || string(o.Data) != "eth0" {
		t.Errorf("vendor sub-option %v %v %v", o, ok, err)
	}
}

func TestViewLimit(t *testing.T) {
	var v View
	for i := 0; i <= MaxViewOptions; i++ {
		v = append(v, opt(OptRapidCommit)...)
	}
	if n, err := v.Len(); !errors.Is(err, ErrTooManyOptions) || n != MaxViewOptions {
		t.Errorf("Len %d, %v", n, err)
	}
	if n, err := v[:4*MaxViewOptions].Len(); err != nil || n != MaxViewOptions {
		t.Errorf("Len at the cap %d, %v", n, err)
	}
}

func TestPDExcluded(t *testing.T) {
	tests := []struct {
		delegated string
		in        []byte
		want      string
		ok        bool
	}{
		{"2001:db8:8000::/56", []byte{64, 0x01}, "2001:db8:8000:1::/64", true},
		{"2001:db8:8000::/56", []byte{64, 0xff}, "2001:db8:8000:ff::/64", true},
		{"2001:db8::/48", []byte{60, 0xf0, 0x00}, "2001:db8:0:f000::/60", true},
		{"2001:db8::/48", []byte{57, 0x80, 0x00}, "2001:db8:0:8000::/57", true},
		{"2001:db8::/48", []byte{49, 0x80}, "2001:db8:0:8000::/49", true},
		{"2001:db8::/48", []byte{48, 0x80}, "", false},       // not longer
		{"2001:db8::/48", []byte{60, 0xf0}, "", false},       // subnet ID too short
		{"2001:db8::/48", []byte{57, 0x80, 0, 0}, "", false}, // too long
	}
	for _, tc := range tests {
		x, err := ParsePDExclude(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := x.Excluded(netip.MustParsePrefix(tc.delegated))
		if (err == nil) != tc.ok {
			t.Errorf("%s %x: err %v", tc.delegated, tc.in, err)
			continue
		}
		if tc.ok && got.String() != tc.want {
			t.Errorf("%s %x: %v, want %s", tc.delegated, tc.in, got, tc.want)
		}
	}
	if _, err := ParsePDExclude([]byte{64}); err == nil {
		t.Error("1-octet PD_EXCLUDE accepted")
	}
}

func TestNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{MsgSolicit.String(), "SOLICIT"},
		{MsgInformationRequest.String(), "INFORMATION_REQUEST"},
		{MsgRelayForw.String(), "RELAY_FORWARD"},
		{MsgRelayRepl.String(), "RELAY_REPLY"},
		{MsgLeasequeryReply.String(), "LEASEQUERY_REPLY"},
		{MsgDHCPv4Response.String(), "DHCPV4_RESPONSE"},
		{MessageType(0).String(), "UNKNOWN"},
		{MessageType(200).String(), "UNKNOWN"},
		{OptIAPD.String(), "IA_PD"},
		{OptRelaySourcePort.String(), "RELAY_SOURCE_PORT"},
		{OptionCode(10).String(), "OPTION_10"},
		{OptionCode(60000).String(), "OPTION_60000"},
		{StatusNoPrefixAvail.String(), "NoPrefixAvail"},
		{StatusCode(42).String(), "Status42"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
