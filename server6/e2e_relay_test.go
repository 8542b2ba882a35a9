package server6

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// relayConfig6 serves the relay's client link 2001:db8:1::/64 (selected by
// the relay's link address); the server's own link 2001:db8:2::/64 and a
// subnet for relays sending interface-id "veth-down" have pools a client
// of this relay must not get. (dhcrelay -I sends the interface's index as
// four binary bytes, which a configured interface-id string cannot name:
// interface-id selection is covered by the scripted differential tests.)
const relayConfig6 = `{"Dhcp6": {
  "interfaces-config": {"interfaces": ["veth-srv/2001:db8:2::1"]},
  "data-directory": "DIR",
  "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102", "persist": false},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv", "lfc-interval": 0},
  "preferred-lifetime": 30, "valid-lifetime": 60, "renew-timer": 4, "rebind-timer": 20,
  "subnet6": [
    {"id": 1, "subnet": "2001:db8:2::/64", "interface": "veth-srv", "pools": [{"pool": "2001:db8:2::100-2001:db8:2::1ff"}]},
    {"id": 2, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
     "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 40, "delegated-len": 56}]},
    {"id": 3, "subnet": "2001:db8:3::/64", "interface-id": "veth-down",
     "pools": [{"pool": "2001:db8:3::100-2001:db8:3::1ff"}]}]}}`

// TestE2ERelayAgent6 puts ISC's dhcrelay -6 between dhclient -6 and the
// server, in three namespaces: the subnet is chosen by the relay's link
// address, the client gets an address and a prefix, renews and releases
// them, all through the relay.
func TestE2ERelayAgent6(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	testnet.Require(t, "dhclient", "dhcrelay")
	bin := nestorBinary(t)
	for _, tt := range []struct {
		name   string
		args   []string
		subnet string
		id     string
	}{
		{"link-address", nil, "2001:db8:1::", "2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := testnet.NewChain(t, "s6ra")
			cfg, leases := filepath.Join(c.Dir, "kea-dhcp6.json"), filepath.Join(c.Dir, "leases6.csv")
			if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(relayConfig6, "DIR", c.Dir)), 0o644); err != nil {
				t.Fatal(err)
			}
			env := []string{"KEA_PIDFILE_DIR=" + c.Dir, "KEA_LOCKFILE_DIR=" + c.Dir}
			srv := c.Server.Start(c.Dir, "nestor", env, bin, "dhcp6", "-c", cfg)
			if err := srv.WaitLog("DHCP6_STARTED", 10*time.Second); err != nil {
				t.Fatalf("server did not start: %v", err)
			}
			args := append([]string{"-6", "-d", "--no-pid"}, tt.args...)
			args = append(args, "-l", testnet.ChainRelayDown, "-u", testnet.ChainServerV6+"%"+testnet.ChainRelayUp)
			relay := c.Relay.Start(c.Dir, "dhcrelay", nil, "dhcrelay", args...)
			lf, pf := filepath.Join(c.Dir, "dhclient6.leases"), filepath.Join(c.Dir, "dhclient6.pid")
			t.Cleanup(func() {
				if t.Failed() {
					dl, _ := os.ReadFile(filepath.Join(c.Dir, "dhclient.log"))
					t.Logf("server log:\n%s\ndhcrelay log:\n%s\ndhclient log:\n%s", srv.Output(), relay.Output(), dl)
				}
			})
			if err := os.WriteFile(lf, []byte(`default-duid "\000\003\000\001\002\000\000\000\000\043";`+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Second) // DAD on the client's link-local address
			cl := c.Client.Start(c.Dir, "dhclient", nil, "dhclient", "-6", "-d", "-v", "-N", "-P", "-sf", "/bin/true",
				"-lf", lf, "-pf", pf, testnet.ChainClientIface)
			m := waitFile(t, lf, `iaaddr (`+tt.subnet+`1[0-9a-f]{2}) \{`, 20*time.Second)
			addr := m[1]
			waitFile(t, leases, addr+`,00:03:00:01:02:00:00:00:00:23,60,\d+,`+tt.id+`,30,0,`, 5*time.Second)
			if tt.id == "2" {
				waitFile(t, lf, `iaprefix 2001:db8:80[0-9a-f]{2}:?[0-9a-f:]*/56 \{`, 5*time.Second)
			}
			// dhclient renews at T1 (4 s): a second row for the address.
			deadline := time.Now().Add(15 * time.Second)
			for {
				b, _ := os.ReadFile(leases)
				if strings.Count(string(b), addr+",") >= 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no renewal in the lease file:\n%s", b)
				}
				time.Sleep(200 * time.Millisecond)
			}
			cl.Stop()
			out, err := c.Client.Command("dhclient", "-6", "-r", "-v", "-N", "-P", "-sf", "/bin/true", "-lf", lf, "-pf", pf, testnet.ChainClientIface).CombinedOutput()
			if err != nil {
				t.Logf("dhclient -r: %v\n%s", err, out)
			}
			waitFile(t, leases, addr+`,00:03:00:01:02:00:00:00:00:23,0,`, 10*time.Second)
		})
	}
}
