package server6

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/netio"
)

// fileHarness is a harness whose server was started from a configuration
// file (config-reload, config-write).
func fileHarness(t *testing.T, text string) (*harness, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "kea-dhcp6.conf")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.LoadDhcp6File(path)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t}
	h.s = New(Options{ConfigFile: path, NoSockets: true, Sender: func(p *netio.Packet) error {
		h.replies = append(h.replies, &netio.Packet{Data: append([]byte(nil), p.Payload()[:len(p.Data)]...)})
		return nil
	}})
	if err := h.s.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.s.Close() })
	return h, path
}

// command runs a command and returns its decoded answer.
func (h *harness) command(text string) (result int, msg string, args map[string]any) {
	h.t.Helper()
	var a struct {
		Result    int
		Text      string
		Arguments map[string]any
	}
	out := h.s.Commands().ProcessText([]byte(text))
	if err := json.Unmarshal(out, &a); err != nil {
		h.t.Fatalf("%s: answer %s: %v", text, out, err)
	}
	return a.Result, a.Text, a.Arguments
}

// leaseAddr solicits with rapid commit and returns the address leased to
// the client (empty when there was no reply or no address).
func (h *harness) leaseAddr(client byte) string {
	h.t.Helper()
	r := h.query(dhcp6.MsgSolicit, client6(client))
	if r == nil {
		return ""
	}
	for _, ia := range ias(h.t, r, dhcp6.OptIANA) {
		if len(ia.addrs) > 0 {
			return strings.Fields(ia.addrs[0])[0]
		}
	}
	return ""
}

func client6(b byte) client { return client{duid: duid(b), rapid: true, na: []uint32{1}} }

const poolConfig = `{"Dhcp6": {
  "lease-database": {"type": "memfile", "persist": false},
  "server-id": {"type": "LL", "identifier": "020000000001", "persist": false},
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "lo", "rapid-commit": true,
     "pools": [{"pool": "POOL"}]}]}}`

func TestConfigSetKeepsConfigOnError(t *testing.T) {
	h, _ := fileHarness(t, strings.ReplaceAll(poolConfig, "POOL", "2001:db8:1::100-2001:db8:1::1ff"))
	if a := h.leaseAddr(1); !strings.HasPrefix(a, "2001:db8:1::1") {
		t.Fatalf("first lease %q", a)
	}
	hash := func() string {
		_, _, args := h.command(`{"command": "config-hash-get"}`)
		return args["hash"].(string)
	}
	before := hash()
	for _, bad := range []string{
		// Fails its checks.
		`{"command": "config-set", "arguments": {"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}, {"id": 1, "subnet": "2001:db8:2::/64"}]}}}`,
		// Passes its checks and fails while being applied: the lease file
		// cannot be created (before anything changed) or the control socket
		// cannot be opened (after the new subnets took).
		`{"command": "config-set", "arguments": {"Dhcp6": {"lease-database": {"type": "memfile", "name": "` + t.TempDir() + `/no/such/dir/l.csv"},
		  "subnet6": [{"id": 7, "subnet": "2001:db8:7::/64", "interface": "lo", "pools": [{"pool": "2001:db8:7::/120"}]}]}}}`,
		`{"command": "config-set", "arguments": {"Dhcp6": {"lease-database": {"type": "memfile", "persist": false},
		  "control-socket": {"socket-type": "unix", "socket-name": "` + t.TempDir() + `/no/such/dir/ctl.sock"},
		  "subnet6": [{"id": 7, "subnet": "2001:db8:7::/64", "interface": "lo", "rapid-commit": true, "pools": [{"pool": "2001:db8:7::/120"}]}]}}}`,
	} {
		if r, text, _ := h.command(bad); r != 1 {
			t.Errorf("%s: result %d (%s), want 1", bad, r, text)
		}
		if got := hash(); got != before {
			t.Errorf("configuration changed after a failed config-set")
		}
		if a := h.leaseAddr(2); !strings.HasPrefix(a, "2001:db8:1::1") {
			t.Errorf("after a failed config-set, lease %q, want one from the old pool", a)
		}
	}
	// A good config-set takes.
	good := `{"command": "config-set", "arguments": {"Dhcp6": {"lease-database": {"type": "memfile", "persist": false},
	  "server-id": {"type": "LL", "identifier": "020000000001", "persist": false},
	  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "lo", "rapid-commit": true, "pools": [{"pool": "2001:db8:1::2:0/120"}]}]}}}`
	r, text, args := h.command(good)
	if r != 0 || text != "Configuration successful." || args["hash"] != hash() {
		t.Fatalf("config-set: %d %q %v (hash now %s)", r, text, args, hash())
	}
	if a := h.leaseAddr(3); !strings.HasPrefix(a, "2001:db8:1::2:") {
		t.Errorf("after config-set, lease %q, want one from the new pool", a)
	}
}

func TestConfigReloadKeepsLeases(t *testing.T) {
	text := strings.ReplaceAll(poolConfig, "POOL", "2001:db8:1::100-2001:db8:1::1ff")
	h, path := fileHarness(t, text)
	first := h.leaseAddr(1)
	if first == "" {
		t.Fatal("no lease")
	}
	os.WriteFile(path, []byte(strings.ReplaceAll(poolConfig, "POOL", "2001:db8:1::100-2001:db8:1::1ff\"}, {\"pool\": \"2001:db8:1::3:0/120")), 0o644)
	if r, text, _ := h.command(`{"command": "config-reload"}`); r != 0 {
		t.Fatalf("config-reload: %d %s", r, text)
	}
	if h.stat("subnet[1].total-nas") != 512 {
		t.Errorf("total-nas %d after reload, want 512", h.stat("subnet[1].total-nas"))
	}
	if l := h.lease(0, first); l == nil {
		t.Errorf("lease %s lost in config-reload", first)
	}
	if h.stat("subnet[1].assigned-nas") != 1 {
		t.Errorf("assigned-nas %d after reload, want 1", h.stat("subnet[1].assigned-nas"))
	}
	// The same client renews its address.
	if a := h.leaseAddr(1); a != first {
		t.Errorf("after reload the client got %q, want its lease %s", a, first)
	}
	// A broken file: the reload fails and the server serves on.
	os.WriteFile(path, []byte(`{"Dhcp6": {"subnet6": [`), 0o644)
	if r, text, _ := h.command(`{"command": "config-reload"}`); r != 1 || !strings.HasPrefix(text, "Config reload failed: ") {
		t.Errorf("broken config-reload: %d %q", r, text)
	}
	if h.Reload() {
		t.Errorf("SIGHUP reload of a broken file reported success")
	}
	if a := h.leaseAddr(4); a == "" {
		t.Errorf("no lease after a failed reload")
	}
}

func (h *harness) Reload() bool { return h.s.Reload() }

func TestDHCPDisableEnable(t *testing.T) {
	h, _ := fileHarness(t, strings.ReplaceAll(poolConfig, "POOL", "2001:db8:1::100-2001:db8:1::1ff"))
	steps := []struct {
		cmd      string
		text     string
		served   bool
		mustFail bool
	}{
		{`{"command": "dhcp-disable"}`, "DHCPv6 service disabled", false, false},
		{`{"command": "dhcp-disable", "arguments": {"origin": "ha-partner", "max-period": 3600}}`, "DHCPv6 service disabled for 3600 seconds", false, false},
		{`{"command": "dhcp-enable"}`, "DHCP service successfully enabled", false, false}, // ha-partner still disables
		{`{"command": "dhcp-enable", "arguments": {"origin": "ha-partner"}}`, "DHCP service successfully enabled", true, false},
		{`{"command": "dhcp-disable", "arguments": {"max-period": -1}}`, "'max-period' must be positive integer", true, true},
	}
	for i, s := range steps {
		r, text, _ := h.command(s.cmd)
		if text != s.text || (r != 0) != s.mustFail {
			t.Errorf("%s: %d %q, want %q", s.cmd, r, text, s.text)
		}
		if got := h.leaseAddr(byte(10+i)) != ""; got != s.served {
			t.Errorf("after %s: served %v, want %v", s.cmd, got, s.served)
		}
	}
}

func TestStatusShutdownWrite(t *testing.T) {
	h, path := fileHarness(t, strings.ReplaceAll(poolConfig, "POOL", "2001:db8:1::100-2001:db8:1::1ff"))
	r, _, args := h.command(`{"command": "status-get"}`)
	if r != 0 || args["pid"] != float64(os.Getpid()) || args["multi-threading-enabled"] != true || args["thread-pool-size"] == nil {
		t.Errorf("status-get: %d %v", r, args)
	}
	if r, _, args := h.command(`{"command": "server-tag-get"}`); r != 0 || args["server-tag"] != "" {
		t.Errorf("server-tag-get: %d %v", r, args)
	}
	// config-write, then the file loads back to the same configuration.
	out := filepath.Join(filepath.Dir(path), "written.json")
	r, text, args := h.command(`{"command": "config-write", "arguments": {"filename": "` + out + `"}}`)
	if r != 0 || text != "Configuration written to "+out+" successfully" {
		t.Fatalf("config-write: %d %q", r, text)
	}
	if st, _ := os.Stat(out); st == nil || float64(st.Size()) != args["size"] {
		t.Errorf("config-write size %v, file %v", args["size"], st)
	}
	cfg, _, err := config.LoadDhcp6File(out)
	if err != nil {
		t.Fatalf("written file does not load: %v", err)
	}
	h1, _ := config.Hash6(cfg)
	h2, _ := config.Hash6(h.s.Config())
	if h1 != h2 {
		t.Errorf("written configuration hash %s, running %s", h1, h2)
	}
	if r, text, _ := h.command(`{"command": "shutdown", "arguments": {"exit-value": 3}}`); r != 0 || text != "Shutting down." {
		t.Errorf("shutdown: %d %q", r, text)
	}
	select {
	case v := <-h.s.Done():
		if v != 3 {
			t.Errorf("exit value %d, want 3", v)
		}
	default:
		t.Errorf("shutdown did not stop the server")
	}
}
