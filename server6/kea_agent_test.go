package server6

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/internal/testnet"
)

// TestKeaAgentAndShellAgainstNestor runs Kea 2.2's kea-ctrl-agent, with
// its control sockets on nestor dhcp4 and dhcp6, and Kea's kea-shell
// through it, all inside a test namespace: every answer must be the one
// the daemon gives on its unix socket.
func TestKeaAgentAndShellAgainstNestor(t *testing.T) {
	testnet.Require(t, "kea-ctrl-agent", "kea-shell")
	bin := nestorBinary(t)
	p := testnet.NewPair(t, "kag")
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	write := func(name, text string) string {
		path := filepath.Join(p.Dir, name)
		os.WriteFile(path, []byte(strings.ReplaceAll(text, "DIR", p.Dir)), 0o644)
		return path
	}
	c4 := write("kea-dhcp4.conf", `{"Dhcp4": {"interfaces-config": {"interfaces": []},
	  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl4.sock"},
	  "lease-database": {"type": "memfile", "persist": false},
	  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10-198.51.100.20"}]}]}}`)
	c6 := write("kea-dhcp6.conf", `{"Dhcp6": {"interfaces-config": {"interfaces": []},
	  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl6.sock"},
	  "lease-database": {"type": "memfile", "persist": false},
	  "server-id": {"type": "LL", "htype": 1, "identifier": "0a0b0c0d0e0f", "persist": false},
	  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}]}]}}`)
	ca := write("kea-ctrl-agent.conf", `{"Control-agent": {"http-host": "127.0.0.1", "http-port": 8000,
	  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "DIR/ctl4.sock"},
	                      "dhcp6": {"socket-type": "unix", "socket-name": "DIR/ctl6.sock"}}}}`)
	for _, d := range []struct{ name, sub, cfg, started string }{
		{"nestor4", "dhcp4", c4, "DHCP4_STARTED"}, {"nestor6", "dhcp6", c6, "DHCP6_STARTED"},
	} {
		srv := p.Server.Start(p.Dir, d.name, env, bin, d.sub, "-c", d.cfg)
		if err := srv.WaitLog(d.started, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	agent := p.Server.Start(p.Dir, "kea-ctrl-agent", env, "kea-ctrl-agent", "-c", ca)
	if err := agent.WaitLog("CTRL_AGENT_HTTP_SERVICE_STARTED", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	for _, svc := range []string{"dhcp4", "dhcp6"} {
		sock := filepath.Join(p.Dir, "ctl"+svc[4:]+".sock")
		for _, c := range []struct{ command, args string }{
			{"list-commands", ""},
			{"config-get", ""},
			{"server-tag-get", ""},
			{"dhcp-disable", `"max-period": 0`},
			{"dhcp-disable", `"max-period": 30`},
			{"dhcp-enable", ""},
			{"statistic-get", `"name": "no-such-statistic"`},
			{"config-test", `"` + map[string]string{"dhcp4": "Dhcp4", "dhcp6": "Dhcp6"}[svc] + `": {"valid-lifetime": 100}`},
			{"config-write", `"filename": "` + filepath.Join(p.Dir, svc+"-written.json") + `"`},
			{"no-such-command", ""},
		} {
			sh := p.Server.Command("kea-shell", "--service", svc, c.command)
			sh.Stdin = strings.NewReader(c.args)
			out, err := sh.CombinedOutput()
			if err != nil {
				t.Fatalf("kea-shell %s %s: %v\n%s", svc, c.command, err, out)
			}
			direct := sendUnix(t, sock, fmt.Sprintf(`{"command": %q, "arguments": {%s}}`, c.command, c.args))
			if c.args == "" {
				direct = sendUnix(t, sock, fmt.Sprintf(`{"command": %q}`, c.command))
			}
			var viaAgent []any
			var want any
			if err := json.Unmarshal(out, &viaAgent); err != nil || len(viaAgent) != 1 {
				t.Errorf("%s %s: kea-shell printed %s", svc, c.command, out)
				continue
			}
			if err := json.Unmarshal([]byte(direct), &want); err != nil {
				t.Fatalf("%s %s: unix answer %s", svc, c.command, direct)
			}
			if d := cmp.Diff(want, viaAgent[0]); d != "" {
				t.Errorf("%s %s: (-unix socket +kea-ctrl-agent/kea-shell)\n%s", svc, c.command, d)
			}
		}
	}
}
