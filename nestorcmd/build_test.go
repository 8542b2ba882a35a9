package nestorcmd

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/internal/testnet"
)

func TestParseBuildArgs(t *testing.T) {
	tests := []struct {
		args    []string
		want    buildPlan
		wantErr string
	}{
		{[]string{"v0.2.0", "--with", "example.com/lib@v1.2.3"},
			buildPlan{output: "nestor", version: "v0.2.0", with: []module{{path: "example.com/lib", version: "v1.2.3"}}}, ""},
		{[]string{"--with=example.com/lib=../lib", "--with", nestorModule + "=/src/nestor", "-o", "/tmp/n"},
			buildPlan{output: "/tmp/n", with: []module{{path: "example.com/lib", replace: "../lib"}, {path: nestorModule, replace: "/src/nestor"}}}, ""},
		{[]string{"--with", "example.com/lib"}, buildPlan{}, "not built from a release"},
		{[]string{"v1", "--with", "=x"}, buildPlan{}, "needs a module path"},
		{[]string{"v1", "--with", "example.com/a="}, buildPlan{}, "empty replacement"},
		{[]string{"v1", "--frob"}, buildPlan{}, "unknown flag --frob"},
		{[]string{"v1", "--output"}, buildPlan{}, "--output needs a value"},
	}
	for _, tt := range tests {
		got, err := parseBuildArgs(tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(buildPlan{}, module{})); d != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, d)
		}
	}
}

// TestBuildCustomBinary builds a binary with the example third-party hook
// library from examples/hooks/blocklist, as a library author would, and
// checks that the library is compiled in.
func TestBuildCustomBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries; skipped in -short mode")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	nestor := filepath.Join(dir, "nestor")
	if out, err := exec.Command("go", "build", "-o", nestor, "../cmd/nestor").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	custom := filepath.Join(dir, "nestor-custom")
	cmd := exec.Command(nestor, "build",
		"--with", nestorModule+"="+root,
		"--with", "example.com/nestor-blocklist="+filepath.Join(root, "examples/hooks/blocklist"),
		"--output", custom)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("nestor build: %v\n%s", err, out.String())
	}
	rep, err := exec.Command(custom, "dhcp4", "-W").Output()
	if err != nil {
		t.Fatalf("custom -W: %v", err)
	}
	if !strings.Contains(string(rep), "    libexample_blocklist.so\n") {
		t.Errorf("custom binary's report does not list the library:\n%s", rep)
	}
	plain, err := exec.Command(nestor, "dhcp4", "-W").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), "libexample_blocklist.so") {
		t.Errorf("the plain binary lists the third-party library")
	}
	t.Run("serves", func(t *testing.T) { testBlocklistServes(t, custom) })
}

const blocklistConfig = `{"Dhcp4": {
  "interfaces-config": {"interfaces": ["IFACE"]},
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl.sock"},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv", "lfc-interval": 0},
  "valid-lifetime": 400,
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.100 - 198.51.100.199"}]}],
  "hooks-libraries": [{"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libexample_blocklist.so",
      "parameters": {"blocked": ["01:02:00:5e:10:00:01"]}}],
  "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "output_options": [{"output": "stdout"}]}]
}}`

// testBlocklistServes runs the custom binary as a DHCPv4 server in a
// namespace pair with the third-party library configured: udhcpc with the
// blocked client identifier gets no lease, udhcpc with another one does,
// and the library's blocklist-stats command counts the drops.
func testBlocklistServes(t *testing.T, custom string) {
	testnet.Require(t, "udhcpc")
	p := testnet.NewPair(t, "nbl")
	cfg := filepath.Join(p.Dir, "dhcp4.json")
	text := strings.NewReplacer("DIR", p.Dir, "IFACE", p.ServerIface).Replace(blocklistConfig)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEA_PIDFILE_DIR=" + p.Dir, "KEA_LOCKFILE_DIR=" + p.Dir}
	srv := p.Server.Start(p.Dir, "nestor-custom", env, custom, "dhcp4", "-c", cfg)
	if err := srv.WaitLog("DHCP4_STARTED", 15*time.Second); err != nil {
		t.Fatalf("server did not start: %v", err)
	}
	script := filepath.Join(p.Dir, "udhcpc.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// -n: give up after the -t discovers; -x 0x3d sets the client id.
	blocked := p.Client.Start(p.Dir, "udhcpc-blocked", nil, "udhcpc", "-i", p.ClientIface, "-f", "-n", "-q",
		"-t", "3", "-T", "1", "-s", script, "-x", "0x3d:0102005e100001")
	if err := blocked.WaitLog(`no lease, failing`, 20*time.Second); err != nil {
		t.Errorf("blocked client: %v", err)
	}
	if strings.Contains(blocked.Output(), "obtained") {
		t.Errorf("the blocked client got a lease:\n%s", blocked.Output())
	}
	allowed := p.Client.Start(p.Dir, "udhcpc-allowed", nil, "udhcpc", "-i", p.ClientIface, "-f", "-n", "-q",
		"-t", "3", "-T", "1", "-s", script, "-x", "0x3d:0102005e100002")
	if err := allowed.WaitLog(`lease of 198\.51\.100\.1[0-9][0-9] obtained`, 20*time.Second); err != nil {
		t.Errorf("allowed client: %v\nserver:\n%s", err, srv.Output())
	}
	conn, err := net.Dial("unix", filepath.Join(p.Dir, "ctl.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(`{"command": "blocklist-stats"}`)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var ans struct {
		Result    int
		Arguments struct{ Drops int64 }
	}
	if err := json.NewDecoder(conn).Decode(&ans); err != nil {
		t.Fatal(err)
	}
	// udhcpc sent three DISCOVERs for the blocked client.
	if ans.Result != 0 || ans.Arguments.Drops != 3 {
		t.Errorf("blocklist-stats: result %d, drops %d; want 0 and 3", ans.Result, ans.Arguments.Drops)
	}
}
