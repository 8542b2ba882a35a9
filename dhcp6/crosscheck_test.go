package dhcp6

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv6"
)

// Cross-checks against github.com/insomniacslk/dhcp/dhcpv6, an independent
// DHCPv6 implementation: both libraries must read the same fields from the
// same bytes.

func ipString(ip net.IP) string {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return "invalid"
	}
	return a.String()
}

// theirSummary builds the same pktSum as summarize, from their decoding.
func theirSummary(d dhcpv6.DHCPv6) (pktSum, error) {
	var s pktSum
	for d.IsRelay() {
		r := d.(*dhcpv6.RelayMessage)
		rs := relaySum{Type: MessageType(r.MessageType).String(), Hop: r.HopCount,
			Link: ipString(r.LinkAddr), Peer: ipString(r.PeerAddr)}
		for _, o := range r.Options.Options {
			rs.Codes = append(rs.Codes, OptionCode(o.Code()))
		}
		if id := r.Options.InterfaceID(); id != nil {
			rs.IfaceID = string(id)
		}
		s.Relays = append(s.Relays, rs)
		inner := r.Options.RelayMessage()
		if inner == nil {
			return s, fmt.Errorf("relay without message")
		}
		d = inner
	}
	m := d.(*dhcpv6.Message)
	s.Type = MessageType(m.MessageType).String()
	s.XID = uint32(m.TransactionID[0])<<16 | uint32(m.TransactionID[1])<<8 | uint32(m.TransactionID[2])
	if c := m.Options.ClientID(); c != nil {
		s.ClientID = DUID(c.ToBytes()).String()
		s.DUIDType = DUID(c.ToBytes()).Type()
	}
	if c := m.Options.ServerID(); c != nil {
		s.ServerID = DUID(c.ToBytes()).String()
	}
	for _, c := range m.Options.RequestedOptions() {
		s.ORO = append(s.ORO, OptionCode(c))
	}
	status := func(st *dhcpv6.OptStatusCode) string {
		if st == nil {
			return ""
		}
		return fmt.Sprintf("%s %q", StatusCode(st.StatusCode), st.StatusMessage)
	}
	for _, o := range m.Options.Options {
		s.Codes = append(s.Codes, OptionCode(o.Code()))
		switch ia := o.(type) {
		case *dhcpv6.OptIANA:
			is := iaSum{Code: OptIANA, IAID: be32(ia.IaId), T1: secs(ia.T1), T2: secs(ia.T2), Status: status(ia.Options.Status())}
			for _, a := range ia.Options.Addresses() {
				is.Addrs = append(is.Addrs, fmt.Sprintf("%s %d %d", ipString(a.IPv6Addr), secs(a.PreferredLifetime), secs(a.ValidLifetime)))
			}
			s.IAs = append(s.IAs, is)
		case *dhcpv6.OptIAPD:
			is := iaSum{Code: OptIAPD, IAID: be32(ia.IaId), T1: secs(ia.T1), T2: secs(ia.T2), Status: status(ia.Options.Status())}
			for _, p := range ia.Options.Prefixes() {
				ones, _ := p.Prefix.Mask.Size()
				a, _ := netip.AddrFromSlice(p.Prefix.IP)
				is.Prefixes = append(is.Prefixes, fmt.Sprintf("%s %d %d", netip.PrefixFrom(a, ones), secs(p.PreferredLifetime), secs(p.ValidLifetime)))
			}
			s.IAs = append(s.IAs, is)
		}
	}
	return s, nil
}

func be32(b [4]byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
func secs(d time.Duration) uint32 { return uint32(d / time.Second) }

func crossCheck(t *testing.T, name string, b []byte) {
	t.Helper()
	var p Packet
	if err := p.Decode(b); err != nil {
		t.Errorf("%s: our Decode: %v", name, err)
		return
	}
	ours, err := summarize(&p)
	if err != nil {
		t.Errorf("%s: our views: %v", name, err)
		return
	}
	d, err := dhcpv6.FromBytes(b)
	if err != nil {
		t.Errorf("%s: their FromBytes: %v", name, err)
		return
	}
	theirs, err := theirSummary(d)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if diff := cmp.Diff(theirs, ours); diff != "" {
		t.Errorf("%s: (-insomniacslk +ours):\n%s", name, diff)
	}
}

// What we encode, they decode to the same fields.
func TestCrossCheckOurEncoding(t *testing.T) {
	var req Packet
	if err := req.Decode(relayedRequest()); err != nil {
		t.Fatal(err)
	}
	var b Builder
	out, err := buildReply(&b, &req, nil)
	if err != nil {
		t.Fatal(err)
	}
	crossCheck(t, "relayed reply", out)
	crossCheck(t, "relayed request", relayedRequest())

	// A direct ADVERTISE with a NoAddrsAvail IA_NA and status.
	b.Reset(nil)
	b.Header(MsgAdvertise, 0xfedcba)
	b.Add(OptClientID, testClientDUID)
	b.Add(OptServerID, testServerDUID)
	b.OpenIA(OptIANA, 1, 0, 0)
	b.AddStatus(StatusNoAddrsAvail, "no addresses")
	b.Close()
	b.AddStatus(StatusNoAddrsAvail, "no addresses")
	out, err = b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	crossCheck(t, "advertise NoAddrsAvail", out)
}

// Every golden packet reads the same in both libraries.
func TestCrossCheckGolden(t *testing.T) {
	for _, f := range goldenFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		crossCheck(t, filepath.Base(f), b)
	}
}

// What they encode, we decode.
func TestCrossCheckTheirEncoding(t *testing.T) {
	mac := net.HardwareAddr{0x02, 0, 0x5e, 0x10, 0, 9}
	pfx := &dhcpv6.OptIAPrefix{PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour,
		Prefix: &net.IPNet{IP: net.ParseIP("2001:db8:8000::"), Mask: net.CIDRMask(56, 128)}}
	sol, err := dhcpv6.NewSolicit(mac,
		dhcpv6.WithIAID([4]byte{0, 0, 0, 7}),
		dhcpv6.WithIAPD([4]byte{0, 0, 0, 8}, pfx),
		dhcpv6.WithRequestedOptions(dhcpv6.OptionDNSRecursiveNameServer, dhcpv6.OptionDomainSearchList),
		dhcpv6.WithRapidCommit)
	if err != nil {
		t.Fatal(err)
	}
	adv, err := dhcpv6.NewAdvertiseFromSolicit(sol,
		dhcpv6.WithServerID(&dhcpv6.DUIDEN{EnterpriseNumber: 2495, EnterpriseIdentifier: []byte("srv")}),
		dhcpv6.WithIANA(dhcpv6.OptIAAddress{IPv6Addr: net.ParseIP("2001:db8:1::100"), PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	req, err := dhcpv6.NewRequestFromAdvertise(adv)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := dhcpv6.EncapsulateRelay(req, dhcpv6.MessageTypeRelayForward, net.ParseIP("2001:db8:1::1"), net.ParseIP("fe80::2"))
	if err != nil {
		t.Fatal(err)
	}
	inner.Options.Add(dhcpv6.OptInterfaceID([]byte("eth7")))
	outer, err := dhcpv6.EncapsulateRelay(inner, dhcpv6.MessageTypeRelayForward, net.ParseIP("2001:db8:2::1"), net.ParseIP("2001:db8:1::1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    dhcpv6.DHCPv6
		want func(t *testing.T, p *Packet)
	}{
		{"solicit", sol, func(t *testing.T, p *Packet) {
			if !p.RapidCommit() {
				t.Error("no rapid commit")
			}
			d, _ := p.ClientID()
			info, err := d.Parse()
			if err != nil || info.Type != DUIDLLT || string(info.LinkAddr) != string(mac) {
				t.Errorf("client id %+v %v", info, err)
			}
		}},
		{"advertise", adv, nil},
		{"request", req, nil},
		{"relay-forw request", inner, func(t *testing.T, p *Packet) {
			if id, ok := p.Relays[0].InterfaceID(); !ok || string(id) != "eth7" {
				t.Errorf("interface-id %q", id)
			}
		}},
		{"relay-forw relay-forw request", outer, func(t *testing.T, p *Packet) {
			if len(p.Relays) != 2 || p.Relays[0].HopCount != 1 || p.MsgType != MsgRequest {
				t.Errorf("%d relays, outer hop %d, type %v", len(p.Relays), p.Relays[0].HopCount, p.MsgType)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.d.ToBytes()
			crossCheck(t, tc.name, b)
			var p Packet
			if err := p.Decode(b); err != nil {
				t.Fatal(err)
			}
			if tc.want != nil {
				tc.want(t, &p)
			}
		})
	}
}
