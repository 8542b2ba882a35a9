package server4

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/netio"
)

const poolConfig4 = `{"Dhcp4": {
  "interfaces-config": {"interfaces": [], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv"},
  "multi-threading": {"enable-multi-threading": false},
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "relay": {"ip-addresses": ["198.51.100.1"]},
               "pools": [POOLS]}]}}`

func pools4(p ...string) string {
	var q []string
	for _, x := range p {
		q = append(q, `{"pool": "`+x+`"}`)
	}
	return strings.ReplaceAll(poolConfig4, "POOLS", strings.Join(q, ", "))
}

// newFileTestServer is newTestServer for a server started from a
// configuration file (config-reload).
func newFileTestServer(t *testing.T, text string) (*testServer, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "kea-dhcp4.conf")
	os.WriteFile(path, []byte(strings.ReplaceAll(text, "DIR", dir)), 0o644)
	cfg, _, err := config.LoadDhcp4File(path)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{dir: dir}
	ts.Server = New(Options{ConfigFile: path, NoSockets: true, LocalAddrs: []netip.Addr{netip.MustParseAddr("198.51.100.1")},
		Sender: func(p *netio.Packet) error {
			c := netio.NewPacket()
			c.SetPayload(copy(c.Payload(), p.Data))
			ts.mu.Lock()
			ts.replies = append(ts.replies, c)
			ts.mu.Unlock()
			return nil
		}})
	if err := ts.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close() })
	return ts, path
}

// lease runs DISCOVER and REQUEST for the client and returns the address
// acknowledged ("" when there was none).
func (ts *testServer) lease(t *testing.T, mac byte) string {
	t.Helper()
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, mac), relay)
	if off == nil {
		return ""
	}
	yi := off.YIAddr.Addr()
	ack, _ := ts.exchange(t, query(dhcp4.DHCPREQUEST, mac, dhcp4.Option{Code: 50, Data: yi.AsSlice()},
		dhcp4.Option{Code: 54, Data: ip("198.51.100.1")}), relay)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		return ""
	}
	return ack.YIAddr.Addr().String()
}

func (ts *testServer) command(t *testing.T, text string) (int, string, map[string]any) {
	t.Helper()
	var a struct {
		Result    int
		Text      string
		Arguments map[string]any
	}
	out := ts.Commands().ProcessText([]byte(text))
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("%s: answer %s: %v", text, out, err)
	}
	return a.Result, a.Text, a.Arguments
}

// TestConfigSetKeepsConfigOnError: a config-set that fails its checks, or
// fails while it is applied, leaves the server serving the old
// configuration.
func TestConfigSetKeepsConfigOnError(t *testing.T) {
	ts, _ := newFileTestServer(t, pools4("198.51.100.100-198.51.100.109"))
	inOld := func(a string) bool {
		return a != "" && netip.MustParsePrefix("198.51.100.96/28").Contains(netip.MustParseAddr(a))
	}
	if a := ts.lease(t, 1); !inOld(a) {
		t.Fatalf("first lease %q", a)
	}
	_, _, args := ts.command(t, `{"command": "config-hash-get"}`)
	before := args["hash"]
	for i, bad := range []string{
		`{"command": "config-set", "arguments": {"Dhcp4": {"subnet4": [{"id": 1, "subnet": "198.51.100.0/24"}, {"id": 1, "subnet": "203.0.113.0/24"}]}}}`,
		`{"command": "config-set", "arguments": {"Dhcp4": {"lease-database": {"type": "memfile", "persist": false},
		  "control-socket": {"socket-type": "unix", "socket-name": "` + t.TempDir() + `/no/such/dir/ctl.sock"},
		  "subnet4": [{"id": 7, "subnet": "203.0.113.0/24", "relay": {"ip-addresses": ["198.51.100.1"]}, "pools": [{"pool": "203.0.113.10-203.0.113.20"}]}]}}}`,
	} {
		if r, text, _ := ts.command(t, bad); r != 1 {
			t.Errorf("bad config-set %d: %d %q", i, r, text)
		}
		if _, _, args := ts.command(t, `{"command": "config-hash-get"}`); args["hash"] != before {
			t.Errorf("bad config-set %d changed the configuration", i)
		}
		if a := ts.lease(t, byte(10+i)); !inOld(a) {
			t.Errorf("after bad config-set %d, lease %q, want one from the old pool", i, a)
		}
	}
}

// TestConfigReloadKeepsLeases: config-reload of an edited file takes the
// new pools and keeps the leases.
func TestConfigReloadKeepsLeases(t *testing.T) {
	ts, path := newFileTestServer(t, pools4("198.51.100.100-198.51.100.100"))
	first := ts.lease(t, 1)
	if first != "198.51.100.100" {
		t.Fatalf("first lease %q", first)
	}
	if a := ts.lease(t, 2); a != "" {
		t.Fatalf("the one-address pool gave a second lease %q", a)
	}
	os.WriteFile(path, []byte(strings.ReplaceAll(pools4("198.51.100.100-198.51.100.100", "198.51.100.200-198.51.100.209"), "DIR", ts.dir)), 0o644)
	if r, text, _ := ts.command(t, `{"command": "config-reload"}`); r != 0 {
		t.Fatalf("config-reload: %d %s", r, text)
	}
	if l, err := ts.store.Lease4(netip.MustParseAddr(first)); err != nil || l == nil {
		t.Errorf("lease %s lost in config-reload: %v", first, err)
	}
	if a := ts.lease(t, 1); a != first {
		t.Errorf("after reload client 1 got %q, want its lease %s", a, first)
	}
	if a := ts.lease(t, 2); !strings.HasPrefix(a, "198.51.100.20") {
		t.Errorf("after reload client 2 got %q, want one from the new pool", a)
	}
	if v := ts.stats.Counter("subnet[1].total-addresses").Value(); v != 11 {
		t.Errorf("total-addresses %d, want 11", v)
	}
	if v := ts.stats.Counter("subnet[1].assigned-addresses").Value(); v != 2 {
		t.Errorf("assigned-addresses %d, want 2", v)
	}
}
