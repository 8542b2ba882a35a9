package server6

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	_ "github.com/nestordhcp/nestor/hooks/flexid"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/internal/hookstest"
	"github.com/nestordhcp/nestor/lease"
)

// flexConfig is testConfig with flex-id in the host identifiers, a
// reservation by flex-id in subnet 2 (selected by the relay's interface-id
// "port-7") and libdhcp_flex_id.so taking the interface-id as the
// identifier, as in the ARM's DHCPv6 example.
func flexConfig(replace bool) string {
	js := strings.Replace(testConfig, `"interface-id": "port-7",`, `"interface-id": "port-7",
     "reservations": [{"flex-id": "'port-7'", "ip-addresses": ["2001:db8:2::77"]}],`, 1)
	return strings.Replace(js, `"lease-database"`, fmt.Sprintf(`"host-reservation-identifiers": ["duid", "flex-id"],
  "hooks-libraries": [{"library": "libdhcp_flex_id.so",
    "parameters": {"identifier-expression": "relay6[0].option[18].hex", "replace-client-id": %v}}],
  "lease-database"`, replace), 1)
}

func port7() *dhcp6.Relay {
	return &dhcp6.Relay{LinkAddr: netip.MustParseAddr("2001:db8:3::1"), PeerAddr: netip.MustParseAddr("fe80::5"),
		Options: dhcp6.Options{{Code: dhcp6.OptInterfaceID, Data: []byte("port-7")}}}
}

func naAddr(t *testing.T, rep *dhcp6.Packet) string {
	t.Helper()
	if rep == nil {
		t.Fatal("no reply")
	}
	got := ias(t, rep, dhcp6.OptIANA)
	if len(got) != 1 || len(got[0].addrs) != 1 {
		t.Fatalf("IA_NA %+v", got)
	}
	return strings.Fields(got[0].addrs[0])[0]
}

// TestFlexID6Reservation: host6_identifier is called (flex-id in
// host-reservation-identifiers) and libdhcp_flex_id.so's value, evaluated
// on the DHCPv6 query, finds the reservation by flex-id; without
// replace-client-id the lease is the client's DUID's, so a second client
// behind the same port gets another address.
func TestFlexID6Reservation(t *testing.T) {
	h := newHarnessWith(t, flexConfig(false))
	if a := naAddr(t, h.query(dhcp6.MsgSolicit, client{duid: duid(1), na: []uint32{1}, relay: port7()})); a != "2001:db8:2::77" {
		t.Fatalf("ADVERTISE %s, want the flex-id reservation 2001:db8:2::77", a)
	}
	rep := h.query(dhcp6.MsgRequest, client{duid: duid(1), sid: true, na: []uint32{1}, relay: port7(),
		addrs: []netip.Addr{netip.MustParseAddr("2001:db8:2::77")}})
	if a := naAddr(t, rep); a != "2001:db8:2::77" {
		t.Fatalf("REPLY %s", a)
	}
	l := h.lease(lease.TypeNA, "2001:db8:2::77")
	if l == nil || !bytes.Equal(l.DUID, duid(1)) {
		t.Fatalf("lease %+v, want the client's DUID", l)
	}
	// The same port, another DUID: the reserved address is in use.
	if a := naAddr(t, h.query(dhcp6.MsgSolicit, client{duid: duid(2), na: []uint32{1}, relay: port7()})); a == "2001:db8:2::77" {
		t.Errorf("second client got the address leased to the first")
	}
	// Another port: no flex-id reservation.
	other := port7()
	other.Options[0].Data = []byte("port-8")
	other.LinkAddr = netip.MustParseAddr("2001:db8:2::1")
	if a := naAddr(t, h.query(dhcp6.MsgSolicit, client{duid: duid(3), na: []uint32{1}, relay: other})); a == "2001:db8:2::77" {
		t.Errorf("client on port-8 got the port-7 reservation")
	}
}

// TestFlexID6ReplaceClientID: with replace-client-id the query's DUID is
// two zero octets and the flexible identifier while it is processed (the
// lease is stored under it, so a replaced device gets the same lease), and
// the reply carries the client's own CLIENTID.
func TestFlexID6ReplaceClientID(t *testing.T) {
	h := newHarnessWith(t, flexConfig(true))
	rep := h.query(dhcp6.MsgRequest, client{duid: duid(1), sid: true, na: []uint32{1}, relay: port7(),
		addrs: []netip.Addr{netip.MustParseAddr("2001:db8:2::77")}})
	if a := naAddr(t, rep); a != "2001:db8:2::77" {
		t.Fatalf("REPLY %s, want the flex-id reservation", a)
	}
	if cid, _ := rep.ClientID(); !bytes.Equal(cid, duid(1)) {
		t.Errorf("reply CLIENTID %x, want the client's %x", []byte(cid), duid(1))
	}
	want := append([]byte{0, 0}, "port-7"...)
	l := h.lease(lease.TypeNA, "2001:db8:2::77")
	if l == nil || !bytes.Equal(l.DUID, want) {
		t.Fatalf("lease %+v, want DUID %x", l, want)
	}
	// A replaced device behind the same port renews the same lease.
	rep = h.query(dhcp6.MsgRenew, client{duid: duid(2), sid: true, na: []uint32{1}, relay: port7(),
		addrs: []netip.Addr{netip.MustParseAddr("2001:db8:2::77")}})
	if a := naAddr(t, rep); a != "2001:db8:2::77" {
		t.Errorf("RENEW from the replaced device: %s", a)
	}
	if got := ias(t, rep, dhcp6.OptIANA)[0]; strings.HasSuffix(got.addrs[0], " 0 0") {
		t.Errorf("RENEW from the replaced device: lease not extended: %v", got.addrs)
	}
	if cid, _ := rep.ClientID(); !bytes.Equal(cid, duid(2)) {
		t.Errorf("reply CLIENTID %x, want the client's %x", []byte(cid), duid(2))
	}
}

// TestHost6IdentifierStatus: a status other than continue at
// host6_identifier (set by a library loaded after flex_id) means the
// identifier is not used; a type the callouts set is used as that type.
func TestHost6IdentifierStatus(t *testing.T) {
	rec := hookstest.New()
	t.Cleanup(rec.Close)
	js := strings.Replace(flexConfig(false), `"replace-client-id": false}}`, `"replace-client-id": false}}, `+rec.Entry(), 1)
	for _, st := range []hooks.NextStep{hooks.Skip, hooks.Drop} {
		rec.SetStatus("host6_identifier", st)
		h := newHarnessWith(t, js)
		if a := naAddr(t, h.query(dhcp6.MsgSolicit, client{duid: duid(1), na: []uint32{1}, relay: port7()})); a == "2001:db8:2::77" {
			t.Errorf("status %v at host6_identifier: the flex-id reservation was used", st)
		}
	}
	// The callout returns a DUID: the DUID reservation of subnet 1 (for
	// duid 99) applies to a client sending another DUID.
	rec.On("host6_identifier", func(h *hooks.CalloutHandle) error {
		hooks.Set(h, "id_type", host.IdentDUID)
		hooks.Set(h, "id_value", duid(0x99))
		return nil
	})
	h := newHarnessWith(t, strings.Replace(js, `"host-reservation-identifiers": ["duid", "flex-id"]`, `"host-reservation-identifiers": ["flex-id"]`, 1))
	if a := naAddr(t, h.query(dhcp6.MsgSolicit, client{duid: duid(5), na: []uint32{1}})); a != "2001:db8:1::99" {
		t.Errorf("host6_identifier returning a DUID: got %s, want the DUID reservation 2001:db8:1::99", a)
	}
}

// TestFlexID6IgnoreIAID: with ignore-iaid the only IA_NA and the only
// IA_PD are processed with IAID 0 (the leases say so) and the reply
// carries the client's IAIDs; with two IA_NAs their IAIDs are kept.
func TestFlexID6IgnoreIAID(t *testing.T) {
	js := strings.Replace(flexConfig(false), `"replace-client-id": false`, `"ignore-iaid": true`, 1)
	h := newHarnessWith(t, js)
	rep := h.query(dhcp6.MsgRequest, client{duid: duid(1), sid: true, na: []uint32{7}, pd: []uint32{9}})
	if rep == nil {
		t.Fatal("no REPLY")
	}
	na, pd := ias(t, rep, dhcp6.OptIANA), ias(t, rep, dhcp6.OptIAPD)
	if len(na) != 1 || na[0].iaid != 7 || len(na[0].addrs) != 1 || len(pd) != 1 || pd[0].iaid != 9 || len(pd[0].addrs) != 1 {
		t.Fatalf("reply IA_NA %+v IA_PD %+v, want the client's IAIDs 7 and 9", na, pd)
	}
	l := h.lease(lease.TypeNA, strings.Fields(na[0].addrs[0])[0])
	p, _ := h.s.LeaseStore6().Lease6(lease.TypePD, netip.MustParsePrefix(strings.Fields(pd[0].addrs[0])[0]).Addr())
	if l == nil || l.IAID != 0 || p == nil || p.IAID != 0 {
		t.Errorf("leases %+v %+v, want IAID 0", l, p)
	}
	// Two IA_NAs: kept as sent.
	rep = h.query(dhcp6.MsgRequest, client{duid: duid(2), sid: true, na: []uint32{3, 4}})
	if got := ias(t, rep, dhcp6.OptIANA); len(got) != 2 || got[0].iaid != 3 || got[1].iaid != 4 {
		t.Fatalf("reply IA_NAs %+v", got)
	} else if l := h.lease(lease.TypeNA, strings.Fields(got[0].addrs[0])[0]); l == nil || l.IAID != 3 {
		t.Errorf("lease %+v, want IAID 3", l)
	}
}
