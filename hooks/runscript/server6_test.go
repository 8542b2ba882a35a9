package runscript

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/server6"
)

// TestServer6Environments runs libdhcp_run_script.so inside the real
// DHCPv6 server (in process, no sockets) and checks that the arguments
// server6 passes reach the script: the committed leases, the IA of
// lease6_renew, the released and declined leases.
func TestServer6Environments(t *testing.T) {
	dir := t.TempDir()
	script := dumpScript(t, dir)
	cfg, _, err := config.ParseDhcp6("t.json", []byte(`{"Dhcp6": {
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "lease-database": {"type": "memfile", "persist": false},
  "server-id": {"type": "LL", "identifier": "020000000001", "persist": false},
  "hooks-libraries": [{"library": "`+keaRunScript+`", "parameters": {"name": "`+script+`", "sync": true}}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "lo", "rapid-commit": true,
     "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}]}]}}`), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var replies int
	s := server6.New(server6.Options{NoSockets: true, Sender: func(*netio.Packet) error { replies++; return nil }})
	if err := s.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clientID := []byte{0, 3, 0, 1, 2, 0, 0, 0, 0, 1}
	send := func(mt dhcp6.MessageType, addr netip.Addr, rapid bool) {
		t.Helper()
		var b dhcp6.Builder
		b.Reset(nil)
		b.Header(mt, 0x123456)
		b.Add(dhcp6.OptClientID, clientID)
		if mt != dhcp6.MsgSolicit {
			b.Add(dhcp6.OptServerID, s.ServerDUID())
		}
		if rapid {
			b.AddEmpty(dhcp6.OptRapidCommit)
		}
		b.OpenIA(dhcp6.OptIANA, 7, 0, 0)
		if addr.IsValid() {
			b.OpenIAAddr(addr, 0, 0)
			b.Close()
		}
		b.Close()
		raw, err := b.Finish()
		if err != nil {
			t.Fatal(err)
		}
		s.Handle(&netio.Packet{Data: raw, IfName: "lo", IfIndex: 1,
			Src: netip.MustParseAddrPort("[fe80::1]:546"), Dst: netip.MustParseAddrPort("[ff02::1:2]:547")})
	}
	send(dhcp6.MsgSolicit, netip.Addr{}, true)
	ds := byHook(dumps(t, dir))
	c := ds["leases6_committed"]
	if len(c) != 1 || c[0].vars["LEASES6_SIZE"] != "1" || !strings.HasPrefix(c[0].vars["LEASES6_AT0_ADDRESS"], "2001:db8:1::") ||
		c[0].vars["QUERY6_TYPE"] != "SOLICIT" || c[0].vars["LEASES6_AT0_IAID"] != "7" {
		t.Fatalf("leases6_committed runs %v", c)
	}
	addr := netip.MustParseAddr(c[0].vars["LEASES6_AT0_ADDRESS"])
	clearDumps(t, dir)
	send(dhcp6.MsgRenew, addr, false)
	ds = byHook(dumps(t, dir))
	if r := ds["lease6_renew"]; len(r) != 1 || r[0].vars["PKT6_IA_IAID"] != "7" || r[0].vars["PKT6_IA_IA_TYPE"] != "3" ||
		r[0].vars["LEASE6_ADDRESS"] != addr.String() {
		t.Errorf("lease6_renew runs %v", r)
	}
	clearDumps(t, dir)
	send(dhcp6.MsgDecline, addr, false)
	ds = byHook(dumps(t, dir))
	if r := ds["lease6_decline"]; len(r) != 1 || r[0].vars["LEASE6_ADDRESS"] != addr.String() || r[0].vars["QUERY6_TYPE"] != "DECLINE" {
		t.Errorf("lease6_decline runs %v", r)
	}
	if r := ds["leases6_committed"]; len(r) != 1 || r[0].vars["QUERY6_TYPE"] != "DECLINE" {
		t.Errorf("leases6_committed after DECLINE: %v", r)
	}
	if replies != 3 {
		t.Errorf("%d replies, want 3", replies)
	}
}
