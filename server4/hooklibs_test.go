package server4

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	_ "github.com/nestordhcp/nestor/hooks/leasecmds"
	_ "github.com/nestordhcp/nestor/hooks/statcmds"
)

// TestHookLibrariesSeeTheServer loads lease_cmds and stat_cmds by their Kea
// paths, as an unchanged Kea configuration names them, and checks that
// their commands see the leases the server granted.
func TestHookLibrariesSeeTheServer(t *testing.T) {
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, `"valid-lifetime": 4000,
  "hooks-libraries": [
    {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"},
    {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_stat_cmds.so"}],`, 1)
	ts := newTestServer(t, cfg)
	off, _ := ts.exchange(t, query(dhcp4.DHCPDISCOVER, 7), relay)
	if off == nil {
		t.Fatal("no OFFER")
	}
	addr := off.YIAddr.Addr().String()
	ack, _ := ts.exchange(t, query(dhcp4.DHCPREQUEST, 7,
		dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: ip(addr)},
		dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), relay)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		t.Fatalf("no ACK: %v", ack)
	}
	ask := func(cmd string) map[string]any {
		t.Helper()
		var got map[string]any
		if err := json.Unmarshal(ts.Commands().ProcessText([]byte(cmd)), &got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := ask(`{"command": "lease4-get", "arguments": {"ip-address": "` + addr + `"}}`)
	args, _ := got["arguments"].(map[string]any)
	if got["result"] != 0.0 || args["hw-address"] != "02:00:00:00:00:07" || args["subnet-id"] != 1.0 {
		t.Errorf("lease4-get = %v", got)
	}
	got = ask(`{"command": "stat-lease4-get", "arguments": {"subnet-id": 1}}`)
	if got["result"] != 0.0 || !strings.Contains(asJSON(got), `"assigned-addresses"`) {
		t.Errorf("stat-lease4-get = %v", got)
	}
	cmds := asJSON(ask(`{"command": "list-commands"}`))
	for _, c := range []string{"lease4-get", "lease4-get-all", "stat-lease4-get", "config-get"} {
		if !strings.Contains(cmds, `"`+c+`"`) {
			t.Errorf("list-commands lacks %s: %s", c, cmds)
		}
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
