package d2

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/klog"
)

// TestCommands checks D2's control commands and their answers as Kea 2.2's
// kea-dhcp-ddns gives them (list, texts, shutdown types).
func TestCommands(t *testing.T) {
	text := d2Config(0, "127.0.0.1:53", filepath.Join(t.TempDir(), "d2.sock"))
	cfg, err := config.ParseDhcpDdns("<test>", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Start(cfg, klog.NewLogger("dhcpddns"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	run := func(cmd string) map[string]any {
		t.Helper()
		out := d.Commands.ProcessText([]byte(cmd))
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("%s: %s", cmd, out)
		}
		return m
	}
	list := run(`{"command": "list-commands"}`)["arguments"]
	want := `[build-report config-get config-reload config-set config-test config-write list-commands shutdown statistic-get statistic-get-all statistic-reset statistic-reset-all status-get version-get]`
	if got := strings.Trim(strings.ReplaceAll(jsonText(list), `"`, ""), ""); strings.ReplaceAll(strings.Trim(got, "[]"), ",", " ") != strings.Trim(want, "[]") {
		t.Errorf("list-commands: %s", got)
	}
	if a := run(`{"command": "config-test", "arguments": ` + text + `}`); a["text"] != "Configuration check successful" {
		t.Errorf("config-test: %v", a)
	}
	if a := run(`{"command": "config-test", "arguments": {"DhcpDdns": {"port": "x"}}}`); a["result"] != 1.0 {
		t.Errorf("config-test bad: %v", a)
	}
	if a := run(`{"command": "config-set", "arguments": ` + text + `}`); a["text"] != "Configuration applied successfully." {
		t.Errorf("config-set: %v", a)
	}
	get := run(`{"command": "config-get"}`)
	if !strings.Contains(jsonText(get), `"k2"`) || !strings.Contains(jsonText(get), `"dns-server-timeout":1000`) {
		t.Errorf("config-get: %v", get)
	}
	st := run(`{"command": "statistic-get-all"}`)
	for _, n := range []string{"ncr-received", "ncr-invalid", "ncr-error", "update-sent", "update-signed", "update-unsigned",
		"update-success", "update-timeout", "update-error", "key[k1].update-sent", "key[k2].update-timeout"} {
		if !strings.Contains(jsonText(st), `"`+n+`"`) {
			t.Errorf("statistic-get-all lacks %s: %v", n, st)
		}
	}
	if a := run(`{"command": "shutdown", "arguments": {"type": "bogus"}}`); a["text"] != "Invalid Shutdown type: bogus" {
		t.Errorf("shutdown bogus: %v", a)
	}
	if a := run(`{"command": "shutdown", "arguments": {"type": "drain_first"}}`); a["text"] != "Shutdown initiated, type is: drain_first" {
		t.Errorf("shutdown: %v", a)
	}
	select {
	case <-d.Done():
	default:
		t.Error("shutdown did not stop the daemon")
	}
	_ = ctrl.ResultSuccess
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
