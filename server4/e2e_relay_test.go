package server4_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// relayConfig serves the client link 198.51.100.0/24 only through a relay
// (the server's own link is 203.0.113.0/24, with a pool of its own that a
// relayed client must not get); the client behind the relay's interface
// "veth-down" (option 82 circuit-id, added by dhcrelay -a) has a
// reservation.
const relayConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["veth-srv"]},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 40, "renew-timer": 4, "rebind-timer": 30,
  "subnet4": [
    {"id": 1, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.100 - 203.0.113.199"}]},
    {"id": 2, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}],
      "option-data": [{"name": "routers", "data": "198.51.100.1"},
                      {"name": "domain-name", "data": "relayed.example.org"}],
      "reservations": [{"circuit-id": "'veth-down'", "ip-address": "198.51.100.30",
                        "option-data": [{"name": "domain-name-servers", "data": "198.51.100.53"}]}]}],
  "loggers": [{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 99, "output_options": [{"output": "stdout"}]}]
}}`

// TestE2ERelayAgent puts ISC's dhcrelay (Debian's isc-dhcp-relay) between
// dhclient and the server, in three namespaces: the subnet is selected by
// giaddr (not the server's own link), the reservation by the relay's
// circuit-id applies, and the client renews (unicast, routed through the
// relay's namespace) and releases.
func TestE2ERelayAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "dhclient", "dhcrelay")
	bin := nestorBinary(t)
	c := testnet.NewChain(t, "s4ra")
	// The relay namespace does not forward IP: the client's unicast
	// renewal and release reach the server only as relayed by dhcrelay
	// (with the circuit-id the reservation needs; a direct copy without
	// it would rightly be refused the reserved address).
	cfg, leases, hookLog := filepath.Join(c.Dir, "kea-dhcp4.json"), filepath.Join(c.Dir, "leases4.csv"), filepath.Join(c.Dir, "hook.log")
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(relayConfig, "DIR", c.Dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + c.Dir, "KEA_LOCKFILE_DIR=" + c.Dir}
	srv := c.Server.Start(c.Dir, "nestor", env, bin, "dhcp4", "-c", cfg)
	if err := srv.WaitLog("DHCP4_STARTED", 10*time.Second); err != nil {
		t.Fatalf("server did not start: %v", err)
	}
	relay := c.Relay.Start(c.Dir, "dhcrelay", nil, "dhcrelay", "-4", "-d", "-a", "--no-pid",
		"-id", testnet.ChainRelayDown, "-iu", testnet.ChainRelayUp, testnet.ChainServerV4)
	t.Cleanup(func() {
		if t.Failed() {
			hl, _ := os.ReadFile(hookLog)
			dl, _ := os.ReadFile(filepath.Join(c.Dir, "dhclient.log"))
			t.Logf("server log:\n%s\ndhcrelay log:\n%s\ndhclient log:\n%s\nhook log:\n%s", srv.Output(), relay.Output(), dl, hl)
		}
	})
	hook := (&e2e{p: &testnet.Pair{Dir: c.Dir}, hook: hookLog}).hookScript(t)
	conf, _ := filepath.Abs("testdata/dhclient.conf")
	lf, pf := filepath.Join(c.Dir, "dhclient.leases"), filepath.Join(c.Dir, "dhclient.pid")
	c.Client.Start(c.Dir, "dhclient", nil, "dhclient", "-4", "-d", "-v",
		"-cf", conf, "-sf", hook, "-lf", lf, "-pf", pf, testnet.ChainClientIface)
	waitFile(t, hookLog, `reason=BOUND[^=]*=[\s\S]*?new_ip_address=198\.51\.100\.30\n`, 20*time.Second)
	log, _ := os.ReadFile(hookLog)
	for _, want := range []string{"new_routers=198.51.100.1", "new_domain_name=relayed.example.org",
		"new_domain_name_servers=198.51.100.53", "new_dhcp_server_identifier=203.0.113.1"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("dhclient was not given %s:\n%s", want, log)
		}
	}
	if row := lastLeaseRow(t, leases, "198.51.100.30"); len(row) < 6 || row[5] != "2" {
		t.Errorf("lease file row of 198.51.100.30 (want subnet 2): %v", row)
	}
	// Renewal and release go to the server identifier by unicast, through
	// the relay.
	c.Client.Run("ip", "route", "add", "203.0.113.0/24", "via", testnet.ChainRelayDownV4)
	waitFile(t, hookLog, `reason=RENEW`, 15*time.Second)
	// The hook re-installs the address at RENEW, which drops the route.
	c.Client.Run("ip", "route", "replace", "203.0.113.0/24", "via", testnet.ChainRelayDownV4)
	out := c.Client.Run("dhclient", "-4", "-r", "-v", "-cf", conf, "-sf", hook, "-lf", lf, "-pf", pf, testnet.ChainClientIface)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dhclient -r:\n%s", out)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		row := lastLeaseRow(t, leases, "198.51.100.30")
		if len(row) > 3 && row[3] == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("release not recorded: last row %v", row)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
