package runscript

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/server4"
)

const paramsConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": [], "dhcp-socket-type": "udp"},
  "lease-database": {"type": "memfile", "name": "LEASES"},
  "valid-lifetime": 4000,
  "hooks-libraries": [LIBRARIES],
  "multi-threading": {"enable-multi-threading": false},
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
               "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}]}]
}}`

// server4Harness is the DHCPv4 server in process, without sockets.
type server4Harness struct {
	s       *server4.Server
	mu      sync.Mutex
	replies [][]byte
}

func newServer4(t *testing.T, text string) *server4Harness {
	t.Helper()
	cfg, _, err := config.ParseDhcp4("t.json", []byte(text), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := &server4Harness{}
	h.s = server4.New(server4.Options{NoSockets: true, LocalAddrs: []netip.Addr{netip.MustParseAddr("198.51.100.1")},
		Sender: func(p *netio.Packet) error {
			h.mu.Lock()
			h.replies = append(h.replies, append([]byte(nil), p.Payload()[:len(p.Data)]...))
			h.mu.Unlock()
			return nil
		}})
	if err := h.s.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.s.Close() })
	return h
}

func (h *server4Harness) exchange(t *testing.T, q *dhcp4.Packet) *dhcp4.Packet {
	t.Helper()
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	np := netio.NewPacket()
	np.SetPayload(copy(np.Payload(), b))
	np.Src, np.Dst = netip.MustParseAddrPort("198.51.100.1:67"), netip.MustParseAddrPort("198.51.100.1:67")
	np.IfName, np.IfIndex = "eth0", 2
	h.mu.Lock()
	h.replies = nil
	h.mu.Unlock()
	h.s.Handle(np)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.replies) == 0 {
		return nil
	}
	r := &dhcp4.Packet{}
	if err := r.Decode(h.replies[0]); err != nil {
		t.Fatal(err)
	}
	return r
}

// dora gets a lease for the client with the last MAC octet mac.
func (h *server4Harness) dora(t *testing.T, mac byte) netip.Addr {
	t.Helper()
	q := func(mt dhcp4.MessageType) *dhcp4.Packet {
		p := &dhcp4.Packet{Op: dhcp4.BootRequest, Xid: 0x1234, Hops: 1, GIAddr: dhcp4.IPv4{198, 51, 100, 1}}
		p.SetHWAddr(dhcp4.HTypeEthernet, []byte{2, 0, 0, 0, 0, mac})
		p.SetMessageType(mt)
		return p
	}
	off := h.exchange(t, q(dhcp4.DHCPDISCOVER))
	if off == nil {
		t.Fatal("no OFFER")
	}
	req := q(dhcp4.DHCPREQUEST)
	a := off.YIAddr.Addr().As4()
	req.Set(dhcp4.OptionRequestedAddress, a[:])
	req.Set(dhcp4.OptionServerIdentifier, []byte{198, 51, 100, 1})
	ack := h.exchange(t, req)
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		t.Fatalf("no ACK: %v", ack)
	}
	return ack.YIAddr.Addr()
}

func (h *server4Harness) command(t *testing.T, cmd string) map[string]any {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(h.s.Commands().ProcessText([]byte(cmd)), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestBadHookParametersKeepServing sends config-set with bad hooks-libraries
// entries to a running server: each is refused with a clear error, and the
// configuration in force keeps serving — clients still get leases and the
// loaded run_script library still runs its script.
func TestBadHookParametersKeepServing(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "runs")
	script := filepath.Join(dir, "hook.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" >> "+log+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	noexec := filepath.Join(dir, "noexec.sh")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const isc = keaRunScript
	withHooks := func(libs string) string {
		cfg := strings.Replace(paramsConfig, "LIBRARIES", libs, 1)
		return strings.ReplaceAll(cfg, "LEASES", filepath.Join(dir, "leases4.csv"))
	}
	good := `{"library": "` + isc + `", "parameters": {"name": "` + script + `", "sync": true}}`
	hs := newServer4(t, withHooks(good))
	runs := func() []string {
		b, _ := os.ReadFile(log)
		return strings.Fields(string(b))
	}
	tests := []struct {
		name, libs string
		want       []string // substrings of the error text
	}{
		{"name not a string", `{"library": "` + isc + `", "parameters": {"name": 5}}`,
			[]string{"libdhcp_run_script.so", "'name' parameter must be a string"}},
		{"sync not a boolean", `{"library": "` + isc + `", "parameters": {"name": "` + script + `", "sync": "yes"}}`,
			[]string{"libdhcp_run_script.so", "'sync' parameter must be a boolean"}},
		{"missing name", `{"library": "` + isc + `", "parameters": {}}`,
			[]string{"libdhcp_run_script.so", "'name' parameter is mandatory"}},
		{"script does not exist", `{"library": "` + isc + `", "parameters": {"name": "` + dir + `/missing.sh"}}`,
			[]string{"libdhcp_run_script.so", "file not found"}},
		{"script not executable", `{"library": "` + isc + `", "parameters": {"name": "` + noexec + `"}}`,
			[]string{"libdhcp_run_script.so", "file not executable"}},
		{"unknown parameter", `{"library": "` + isc + `", "parameters": {"name": "` + script + `", "timeout": 3}}`,
			[]string{"libdhcp_run_script.so", "unknown parameter 'timeout'"}},
		{"third-party wait not a boolean", `{"library": "kea-hook-runscript.so", "parameters": {"script": "` + script + `", "wait": "no"}}`,
			[]string{"kea-hook-runscript.so", "'wait' parameter must be a boolean"}},
		{"unknown key in the entry", `{"library": "` + isc + `", "parameters": {"name": "` + script + `"}, "params": {}}`,
			// Kea 2.2's parser refuses it with the same syntax error.
			[]string{`syntax error, unexpected constant string, expecting "," or }`}},
		{"parameters not a map", `{"library": "` + isc + `", "parameters": ["` + script + `"]}`,
			[]string{"syntax error, unexpected [, expecting {"}},
		{"library not a string", `{"library": 7}`,
			[]string{"syntax error, unexpected integer, expecting constant string"}},
		{"unknown library", `{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_nosuch.so"}`,
			[]string{"libdhcp_nosuch.so"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hs.command(t, `{"command": "config-set", "arguments": `+withHooks(tt.libs)+`}`)
			text, _ := got["text"].(string)
			if got["result"] != 1.0 {
				t.Fatalf("config-set = %v, want result 1", got)
			}
			t.Logf("config-set refused: %s", text)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("error %q lacks %q", text, w)
				}
			}
			before := len(runs())
			mac := byte(0x40 + i)
			hs.dora(t, mac)
			if r := runs(); len(r) <= before || !strings.Contains(strings.Join(r[before:], " "), "leases4_committed") {
				t.Errorf("run_script runs after the refused config-set: %v", r[before:])
			}
		})
	}
	if got := hs.command(t, `{"command": "config-set", "arguments": `+withHooks(good)+`}`); got["result"] != 0.0 {
		t.Errorf("config-set with good parameters = %v", got)
	}
}
