package nestorcmd

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/internal/version"
)

func TestDispatch(t *testing.T) {
	tests := []struct {
		name       string
		argv       []string
		wantCode   int
		wantStdout string // substring
		wantStderr string // substring
	}{
		{"link kea-dhcp4 -v", []string{"/usr/sbin/kea-dhcp4", "-v"}, 0, version.Version + "\n", ""},
		{"link kea-dhcp6 -V", []string{"kea-dhcp6", "-V"}, 0, "linked with:", ""},
		{"link kea-dhcp4 -W", []string{"kea-dhcp4", "-W"}, 0, "Nestor build report", ""},
		{"link usage names the link", []string{"kea-dhcp6", "-x"}, 1, "", "Usage: kea-dhcp6 -[v|V|W] [-d] [-{c|t|T} cfgfile] [-p number] [-P number]"},
		{"link without config", []string{"kea-dhcp4"}, 1, "", "Configuration file not specified."},
		{"subcommand", []string{"nestor", "dhcp4", "-v"}, 0, version.Version, ""},
		{"subcommand bad port", []string{"nestor", "dhcp6", "-c", "x", "-P", "0"}, 1, "", "Failed to parse client port number: [0], 1-65535 allowed."},
		{"placeholder", []string{"nestor", "perfdhcp"}, 1, "", "nestor perfdhcp: not built yet"},
		{"placeholder link", []string{"perfdhcp", "-h"}, 1, "", "perfdhcp: not built yet"},
		{"ddns link", []string{"kea-dhcp-ddns", "-t", "/nonexistent.json"}, 1, "", "Syntax check failed with:"},
		{"agent link", []string{"kea-ctrl-agent", "-p", "1"}, 1, "", "Usage: kea-ctrl-agent -[v|V|W] [-d] [-{c|t|T} cfgfile]\n"},
		{"unknown", []string{"nestor", "frobnicate"}, 1, "", `unknown command "frobnicate"`},
		{"no args", []string{"nestor"}, 1, "", "Commands:"},
		{"help", []string{"nestor", "help"}, 0, "kea-ctrl-agent", ""},
		{"version", []string{"nestor", "version"}, 0, version.Version, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := dispatch(tt.argv, &out, &errb)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, errb.String())
			}
			if !strings.Contains(out.String(), tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", out.String(), tt.wantStdout)
			}
			if !strings.Contains(errb.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", errb.String(), tt.wantStderr)
			}
		})
	}
}

// TestMultiCallBinary builds the real binary and runs it through links named
// as Kea's programs, as an operator's scripts would.
func TestMultiCallBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped in -short mode")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "nestor")
	build := exec.Command("go", "build", "-o", bin, "../cmd/nestor")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, name := range []string{"kea-dhcp4", "kea-dhcp6"} {
		link := filepath.Join(dir, name)
		if err := os.Symlink(bin, link); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(link, "-v").Output()
		if err != nil {
			t.Fatalf("%s -v: %v", name, err)
		}
		if got := strings.TrimSpace(string(out)); got != version.Version {
			t.Errorf("%s -v = %q, want %q", name, got, version.Version)
		}
		cmd := exec.Command(link, "-p", "x", "-c", "kea.conf")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("%s with a bad port: err = %v, want exit status 1", name, err)
		}
		if !strings.Contains(stderr.String(), "Usage: "+name+" ") {
			t.Errorf("%s usage not printed as %s:\n%s", name, name, stderr.String())
		}
	}
}

// TestDemoShowsLeaseGranted runs "nestor demo": the real server on
// loopback, a relay agent in-process, DISCOVER/OFFER/REQUEST/ACK, and the
// lease read back from the lease file the server wrote. As root it runs
// the built binary inside a network namespace of its own (loopback only);
// otherwise in this process, which needs no privileges.
func TestDemoShowsLeaseGranted(t *testing.T) {
	var out, errb bytes.Buffer
	if _, err := exec.LookPath("ip"); err == nil && os.Geteuid() == 0 && !testing.Short() {
		dir := t.TempDir()
		bin := filepath.Join(dir, "nestor")
		if b, err := exec.Command("go", "build", "-o", bin, "../cmd/nestor").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, b)
		}
		ns := fmt.Sprintf("ndemo%d", os.Getpid())
		if b, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			t.Fatalf("ip netns add: %v %s", err, b)
		}
		defer exec.Command("ip", "netns", "del", ns).Run()
		exec.Command("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up").Run()
		cmd := exec.Command("ip", "netns", "exec", ns, bin, "demo")
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("demo: %v: %s", err, errb.String())
		}
	} else if code := dispatch([]string{"nestor", "demo"}, &out, &errb); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"relay -> server  DHCPDISCOVER (",
		"server -> relay  DHCPOFFER (",
		"relay -> server  DHCPREQUEST (",
		"server -> relay  DHCPACK (",
		"yiaddr=198.51.100.100",
		"routers                  198.51.100.1",
		"domain-name-servers      198.51.100.53, 198.51.100.54",
		"classless-static-route   203.0.113.0/24 - 198.51.100.1",
		"dhcp-lease-time          3600",
		"lease: 198.51.100.100 granted to 02005e100001 for 3600 s",
		// The row the server wrote to its lease file: address, hardware
		// address, client id, valid lifetime, ..., subnet id 1.
		"  198.51.100.100,02:00:5e:10:00:01,01:02:00:5e:10:00:01,3600,",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDhcp4ConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"Dhcp4": {"subnet4": [{"id": 1, "subnet": "198.51.100.0/24",
		"pools": [{"pool": "198.51.100.100 - 198.51.100.200"}]}]}}`), 0o644)
	os.WriteFile(bad, []byte(`{"Dhcp4": {"valid-lifetime": 10, "foo": 1}}`), 0o644)
	var out, errb bytes.Buffer
	if code := dispatch([]string{"kea-dhcp4", "-t", good}, &out, &errb); code != 0 {
		t.Errorf("-t good: exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	code := dispatch([]string{"nestor", "dhcp4", "-t", bad}, &out, &errb)
	want := "Syntax check failed with: " + bad + `:1.34-38: got unexpected keyword "foo" in Dhcp4 map.`
	if code != 1 || !strings.Contains(errb.String(), want) {
		t.Errorf("-t bad: exit %d, stderr %q, want 1 and %q", code, errb.String(), want)
	}
}
