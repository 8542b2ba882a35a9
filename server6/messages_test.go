package server6

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
)

func TestSolicitRequestRenewRelease(t *testing.T) {
	h := newHarness(t)
	c := client{duid: duid(1), na: []uint32{1}, pd: []uint32{2}, oro: []dhcp6.OptionCode{dhcp6.OptNameServers, dhcp6.OptDomainSearch}}

	adv := h.query(dhcp6.MsgSolicit, c)
	if adv == nil || adv.MsgType != dhcp6.MsgAdvertise {
		t.Fatalf("no ADVERTISE: %v", adv)
	}
	if sid, _ := adv.ServerID(); !cmp.Equal([]byte(sid), []byte{0, 3, 0, 1, 2, 0, 0, 0, 0, 1}) {
		t.Errorf("server id %v", sid)
	}
	if cid, _ := adv.ClientID(); !cmp.Equal([]byte(cid), duid(1)) {
		t.Errorf("client id %v", cid)
	}
	wantNA := []iaResult{{iaid: 1, t1: 1000, t2: 2000, addrs: []string{"2001:db8:1::100 3000 4000"}}}
	wantPD := []iaResult{{iaid: 2, t1: 1000, t2: 2000, addrs: []string{"2001:db8:8000::/56 3000 4000"}}}
	if d := cmp.Diff(wantNA, ias(t, adv, dhcp6.OptIANA), cmp.AllowUnexported(iaResult{})); d != "" {
		t.Errorf("ADVERTISE IA_NA (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantPD, ias(t, adv, dhcp6.OptIAPD), cmp.AllowUnexported(iaResult{})); d != "" {
		t.Errorf("ADVERTISE IA_PD (-want +got):\n%s", d)
	}
	// Subnet option-data wins over global; global domain-search is sent.
	if o, ok := adv.Options.Get(dhcp6.OptNameServers); !ok || netip.AddrFrom16([16]byte(o.Data)) != netip.MustParseAddr("2001:db8:1::53") {
		t.Errorf("dns-servers %v", o)
	}
	if !adv.Options.Has(dhcp6.OptDomainSearch) {
		t.Error("no domain-search")
	}
	if h.lease(lease.TypeNA, "2001:db8:1::100") != nil {
		t.Fatal("SOLICIT wrote a lease")
	}

	// A client requests what it was advertised.
	c.sid = true
	c.addrs = []netip.Addr{netip.MustParseAddr("2001:db8:1::100")}
	c.prefixes = []netip.Prefix{netip.MustParsePrefix("2001:db8:8000::/56")}
	rep := h.query(dhcp6.MsgRequest, c)
	if rep == nil || rep.MsgType != dhcp6.MsgReply {
		t.Fatalf("no REPLY to REQUEST")
	}
	if d := cmp.Diff(wantNA, ias(t, rep, dhcp6.OptIANA), cmp.AllowUnexported(iaResult{})); d != "" {
		t.Errorf("REPLY IA_NA (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantPD, ias(t, rep, dhcp6.OptIAPD), cmp.AllowUnexported(iaResult{})); d != "" {
		t.Errorf("REPLY IA_PD (-want +got):\n%s", d)
	}
	l := h.lease(lease.TypeNA, "2001:db8:1::100")
	if l == nil || l.IAID != 1 || !cmp.Equal(l.DUID, duid(1)) || l.SubnetID != 1 {
		t.Fatalf("lease %+v", l)
	}
	if p := h.lease(lease.TypePD, "2001:db8:8000::"); p == nil || p.PrefixLen != 56 {
		t.Fatalf("prefix lease %+v", p)
	}
	for name, want := range map[string]int64{"subnet[1].assigned-nas": 1, "subnet[1].assigned-pds": 1, "pkt6-solicit-received": 1, "pkt6-request-received": 1, "pkt6-advertise-sent": 1, "pkt6-reply-sent": 1, "subnet[1].total-pds": 256} {
		if got := h.stat(name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}

	// RENEW with the address; a foreign address comes back with zero
	// lifetimes.
	c.addrs = []netip.Addr{netip.MustParseAddr("2001:db8:1::100"), netip.MustParseAddr("2001:db8:1::1f0")}
	rep = h.query(dhcp6.MsgRenew, c)
	want := []iaResult{{iaid: 1, t1: 1000, t2: 2000, addrs: []string{"2001:db8:1::100 3000 4000", "2001:db8:1::1f0 0 0"}}}
	if d := cmp.Diff(want, ias(t, rep, dhcp6.OptIANA), cmp.AllowUnexported(iaResult{})); d != "" {
		t.Errorf("RENEW IA_NA (-want +got):\n%s", d)
	}

	// RELEASE of someone else's address, then of the client's own.
	rel := client{duid: duid(2), sid: true, na: []uint32{1}, addrs: []netip.Addr{netip.MustParseAddr("2001:db8:1::100")}}
	rep = h.query(dhcp6.MsgRelease, rel)
	if got := ias(t, rep, dhcp6.OptIANA); len(got) != 1 || got[0].status != dhcp6.StatusNoBinding {
		t.Errorf("foreign RELEASE: %+v", got)
	}
	rel.duid = duid(1)
	rep = h.query(dhcp6.MsgRelease, rel)
	if got := ias(t, rep, dhcp6.OptIANA); len(got) != 1 || got[0].status != dhcp6.StatusSuccess {
		t.Errorf("RELEASE: %+v", got)
	}
	if st, ok := topStatus(rep); !ok || st != dhcp6.StatusSuccess {
		t.Errorf("RELEASE top status %v %v", st, ok)
	}
	// Lease affinity (on by default) keeps the lease, expired.
	if l := h.lease(lease.TypeNA, "2001:db8:1::100"); l == nil || l.ValidLifetime != 0 || h.stat("subnet[1].assigned-nas") != 0 {
		t.Errorf("lease not released: %+v", l)
	}
}

func TestRapidCommitAndReservation(t *testing.T) {
	h := newHarness(t)
	rep := h.query(dhcp6.MsgSolicit, client{duid: duid(0x99), rapid: true, na: []uint32{5}, pd: []uint32{6}})
	if rep == nil || rep.MsgType != dhcp6.MsgReply || !rep.RapidCommit() {
		t.Fatalf("rapid commit: %+v", rep)
	}
	na, pd := ias(t, rep, dhcp6.OptIANA), ias(t, rep, dhcp6.OptIAPD)
	if len(na) != 1 || !cmp.Equal(na[0].addrs, []string{"2001:db8:1::99 3000 4000"}) {
		t.Errorf("reserved address: %+v", na)
	}
	if len(pd) != 1 || !cmp.Equal(pd[0].addrs, []string{"2001:db8:9900::/56 3000 4000"}) {
		t.Errorf("reserved prefix: %+v", pd)
	}
	if h.lease(lease.TypeNA, "2001:db8:1::99") == nil {
		t.Error("rapid commit wrote no lease")
	}
}

func TestDeclineConfirmInfoRequest(t *testing.T) {
	h := newHarness(t)
	c := client{duid: duid(3), sid: true, na: []uint32{1}}
	h.query(dhcp6.MsgRequest, c)
	a := netip.MustParseAddr("2001:db8:1::100")
	c.addrs = []netip.Addr{a}
	rep := h.query(dhcp6.MsgDecline, c)
	if got := ias(t, rep, dhcp6.OptIANA); len(got) != 1 || got[0].status != dhcp6.StatusSuccess {
		t.Fatalf("DECLINE: %+v", got)
	}
	if l := h.lease(lease.TypeNA, a.String()); l == nil || l.State != lease.StateDeclined {
		t.Errorf("declined lease %+v", l)
	}
	if h.stat("declined-addresses") != 1 {
		t.Errorf("declined-addresses %d", h.stat("declined-addresses"))
	}

	tests := []struct {
		name  string
		addrs []netip.Addr
		want  dhcp6.StatusCode
		msg   string // Kea 2.2's text
		reply bool
	}{
		{"on-link", []netip.Addr{netip.MustParseAddr("2001:db8:1::5")}, dhcp6.StatusSuccess, "All addresses are on-link", true},
		{"off-link", []netip.Addr{netip.MustParseAddr("2001:db8:1::5"), netip.MustParseAddr("2001:db8:5::5"), netip.MustParseAddr("2001:db8:6::6")},
			dhcp6.StatusNotOnLink, "Address 2001:db8:5::5 is not on link.", true},
		{"no addresses", nil, 0, "", false},
	}
	for _, tt := range tests {
		rep := h.query(dhcp6.MsgConfirm, client{duid: duid(4), na: []uint32{1}, addrs: tt.addrs})
		if (rep != nil) != tt.reply {
			t.Errorf("%s: reply %v", tt.name, rep != nil)
			continue
		}
		if rep != nil {
			if st, _ := topStatus(rep); st != tt.want {
				t.Errorf("%s: status %v, want %v", tt.name, st, tt.want)
			}
			o, _ := rep.Options.Get(dhcp6.OptStatusCode)
			if st, _ := dhcp6.ParseStatus(o.Data); string(st.Message) != tt.msg {
				t.Errorf("%s: status text %q, want %q", tt.name, st.Message, tt.msg)
			}
		}
	}

	rep = h.query(dhcp6.MsgInformationRequest, client{duid: duid(4), oro: []dhcp6.OptionCode{dhcp6.OptNameServers}})
	if rep == nil || rep.MsgType != dhcp6.MsgReply || !rep.Options.Has(dhcp6.OptNameServers) || rep.Options.Has(dhcp6.OptIANA) {
		t.Fatalf("INFORMATION-REQUEST reply %+v", rep)
	}
}

func TestRelayedInterfaceID(t *testing.T) {
	h := newHarness(t)
	// The interface-id selects subnet 2 before the link address (in
	// subnet 3) is looked at.
	relay := &dhcp6.Relay{LinkAddr: netip.MustParseAddr("2001:db8:3::1"), PeerAddr: netip.MustParseAddr("fe80::5"),
		Options: dhcp6.Options{{Code: dhcp6.OptInterfaceID, Data: []byte("port-7")}}}
	rep := h.query(dhcp6.MsgSolicit, client{duid: duid(7), na: []uint32{1}, relay: relay})
	if rep == nil || len(rep.Relays) != 1 || rep.Relays[0].MsgType != dhcp6.MsgRelayRepl {
		t.Fatalf("no RELAY-REPL: %+v", rep)
	}
	if id, ok := rep.Relays[0].InterfaceID(); !ok || string(id) != "port-7" {
		t.Errorf("interface-id not echoed: %q", id)
	}
	if rep.Relays[0].PeerAddr != relay.PeerAddr || rep.MsgType != dhcp6.MsgAdvertise {
		t.Errorf("relay reply %+v", rep.Relays[0])
	}
	if got := ias(t, rep, dhcp6.OptIANA); len(got) != 1 || len(got[0].addrs) != 1 || got[0].addrs[0][:15] != "2001:db8:2::100" {
		t.Errorf("relayed IA_NA %+v", got)
	}
	if h.replies[0].Dst.Port() != 547 || h.replies[0].Dst.Addr() != netip.MustParseAddr("2001:db8:2::1") {
		t.Errorf("reply sent to %v", h.replies[0].Dst)
	}
	// With an unspecified link address the query is matched as a direct
	// one (Kea 2.2 does so): the arrival interface "lo" selects subnet 1
	// and the interface-id is not looked at.
	relay.LinkAddr = netip.IPv6Unspecified()
	rep = h.query(dhcp6.MsgSolicit, client{duid: duid(10), na: []uint32{1}, relay: relay})
	if got := ias(t, rep, dhcp6.OptIANA); len(got) != 1 || len(got[0].addrs) != 1 || got[0].addrs[0][:15] != "2001:db8:1::100" {
		t.Errorf("unspecified link IA_NA %+v", got)
	}
	// Relay link address selects subnet 3.
	relay = &dhcp6.Relay{LinkAddr: netip.MustParseAddr("2001:db8:3::1"), PeerAddr: netip.MustParseAddr("fe80::5")}
	rep = h.query(dhcp6.MsgSolicit, client{duid: duid(8), na: []uint32{1}, relay: relay})
	if got := ias(t, rep, dhcp6.OptIANA); len(got) != 1 || len(got[0].addrs) != 1 || got[0].addrs[0][:15] != "2001:db8:3::100" {
		t.Errorf("link-address IA_NA %+v", got)
	}
	// Unknown link: NoAddrsAvail.
	relay.LinkAddr = netip.MustParseAddr("2001:db8:77::1")
	rep = h.query(dhcp6.MsgSolicit, client{duid: duid(9), na: []uint32{1}, relay: relay})
	if got := ias(t, rep, dhcp6.OptIANA); len(got) != 1 || got[0].status != dhcp6.StatusNoAddrsAvail {
		t.Errorf("no subnet: %+v", got)
	}
}

func TestAcceptance(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name string
		t    dhcp6.MessageType
		c    client
	}{
		{"solicit with server id", dhcp6.MsgSolicit, client{duid: duid(1), sid: true, na: []uint32{1}}},
		{"request without server id", dhcp6.MsgRequest, client{duid: duid(1), na: []uint32{1}}},
	}
	for _, tt := range tests {
		if rep := h.query(tt.t, tt.c); rep != nil {
			t.Errorf("%s: answered %v", tt.name, rep.MsgType)
		}
	}
	h.replies = nil
	h.s.Handle(&netio.Packet{Data: []byte{1, 2}, IfName: "lo", Dst: netip.MustParseAddrPort("[ff02::1:2]:547")})
	if len(h.replies) != 0 || h.stat("pkt6-parse-failed") != 1 || h.stat("pkt6-receive-drop") < 3 {
		t.Errorf("malformed: replies %d parse-failed %d drop %d", len(h.replies), h.stat("pkt6-parse-failed"), h.stat("pkt6-receive-drop"))
	}
}
