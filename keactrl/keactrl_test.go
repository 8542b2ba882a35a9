package keactrl

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/version"
)

// setup writes a keactrl.conf whose configuration files exist in a fresh
// directory that is also the PID file directory.
func setup(t *testing.T, extra string) (dir, conf string) {
	t.Helper()
	dir = t.TempDir()
	t.Setenv("KEA_PIDFILE_DIR", dir)
	for _, n := range []string{"kea-dhcp4.conf", "kea-dhcp6.conf", "kea-dhcp-ddns.conf", "kea-ctrl-agent.conf"} {
		os.WriteFile(filepath.Join(dir, n), []byte("{}"), 0o644)
	}
	conf = filepath.Join(dir, "keactrl.conf")
	text := `prefix=` + dir + `
kea_dhcp4_config_file=${prefix}/kea-dhcp4.conf
kea_dhcp6_config_file=${prefix}/kea-dhcp6.conf
kea_dhcp_ddns_config_file=${prefix}/kea-dhcp-ddns.conf
kea_ctrl_agent_config_file=${prefix}/kea-ctrl-agent.conf
dhcp4_srv=/bin/true
dhcp6_srv=/bin/true
dhcp_ddns_srv=/no/such/kea-dhcp-ddns
ctrl_agent_srv=/bin/true
dhcp4=yes
dhcp6=YES
dhcp_ddns=no
ctrl_agent=yes
kea_verbose=no
` + extra
	os.WriteFile(conf, []byte(text), 0o644)
	return dir, conf
}

func keactrl(args ...string) (int, string) {
	var out bytes.Buffer
	code := Main("keactrl", args, &out)
	return code, out.String()
}

func TestArgumentErrors(t *testing.T) {
	_, conf := setup(t, "")
	usage := "usage is keactrl command [-c keactrl-config-file] [-s server[,server,..]]\ncommands: start stop reload status version\n"
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{nil, 1, "ERROR/keactrl: missing command\n" + usage},
		{[]string{"-v"}, 0, version.Version + "\n"},
		{[]string{"--version"}, 0, version.Version + "\n"},
		{[]string{"restart"}, 1, "ERROR/keactrl: invalid command: restart\n"},
		{[]string{"status", "-c"}, 1, "ERROR/keactrl: keactrl-config-file not specified\n" + usage},
		{[]string{"status", "-s"}, 1, "ERROR/keactrl: servers not specified\n" + usage},
		{[]string{"status", "-s", "dhcp4,dhcp5"}, 1, "ERROR/keactrl: invalid server name: dhcp5\n"},
		{[]string{"status", "-x"}, 1, "ERROR/keactrl: invalid option: -x\n" + usage},
		{[]string{"status", "-c", "/no/such/keactrl.conf"}, 1, "ERROR/keactrl: keactrl configuration file doesn't exist in /no/such/keactrl.conf.\n"},
		{[]string{"stop", "--ctrl-config", conf, "--server", "dhcp4,ctrl_agent,netconf"}, 0,
			"INFO/keactrl: kea-dhcp4 isn't running.\nINFO/keactrl: kea-ctrl-agent isn't running.\n"},
	}
	for _, tc := range tests {
		code, out := keactrl(tc.args...)
		if code != tc.code || out != tc.out {
			t.Errorf("keactrl %q: %d\n%s\nwant %d\n%s", tc.args, code, out, tc.code, tc.out)
		}
	}
}

func TestConfErrors(t *testing.T) {
	for _, tc := range []struct{ text, out string }{
		{"dhcp4_srv=\n", "ERROR/keactrl: dhcp4_srv parameter not specified\n"},
		{"dhcp_ddns=\n", "ERROR/keactrl: dhcp_ddns parameter not specified\n"},
		{"ctrl_agent_srv=''\n", "ERROR/keactrl: ctrl_agent_srv parameter not specified\n"},
		{"echo hi\n", "ERROR/keactrl: KEACTRL: line 15: not a variable assignment: echo hi\n"},
	} {
		_, conf := setup(t, tc.text)
		code, out := keactrl("status", "-c", conf)
		if code != 1 || out != strings.ReplaceAll(tc.out, "KEACTRL", conf) {
			t.Errorf("%q: %d %q", tc.text, code, out)
		}
	}
}

// sleeper starts a process standing for a daemon and writes its PID file.
func sleeper(t *testing.T, dir, program string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	os.WriteFile(filepath.Join(dir, program+"."+program+".pid"), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644)
	return cmd
}

// signalled waits (bounded) for cmd to end and returns the signal that
// ended it.
func signalled(t *testing.T, cmd *exec.Cmd) syscall.Signal {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				return ws.Signal()
			}
		}
		t.Fatalf("process ended with %v, not by a signal", err)
	case <-time.After(10 * time.Second):
		t.Fatal("process still running 10s after the signal")
	}
	return 0
}

func TestStatusStopReload(t *testing.T) {
	dir, conf := setup(t, "")
	d4 := sleeper(t, dir, "kea-dhcp4")
	ag := sleeper(t, dir, "kea-ctrl-agent")
	// A stale PID file: not running.
	os.WriteFile(filepath.Join(dir, "kea-dhcp6.kea-dhcp6.pid"), []byte("999999999\n"), 0o644)

	code, out := keactrl("status", "-c", conf)
	want := `DHCPv4 server: active
DHCPv6 server: inactive
DHCP DDNS: inactive
Control Agent: active
Kea DHCPv4 configuration file: DIR/kea-dhcp4.conf
Kea DHCPv6 configuration file: DIR/kea-dhcp6.conf
Kea DHCP DDNS configuration file: DIR/kea-dhcp-ddns.conf
Kea Control Agent configuration file: DIR/kea-ctrl-agent.conf
keactrl configuration file: DIR/keactrl.conf
`
	if code != 0 || out != strings.ReplaceAll(want, "DIR", dir) {
		t.Errorf("status: %d\n%s", code, out)
	}

	// start leaves running servers alone (and starts no other: /bin/true
	// for dhcp6 exits at once).
	code, out = keactrl("start", "-c", conf, "-s", "dhcp4,ctrl_agent")
	want = "INFO/keactrl: kea-dhcp4 appears to be running, see: PID " + strconv.Itoa(d4.Process.Pid) + ", PID file: " + dir + "/kea-dhcp4.kea-dhcp4.pid.\n" +
		"INFO/keactrl: kea-ctrl-agent appears to be running, see: PID " + strconv.Itoa(ag.Process.Pid) + ", PID file: " + dir + "/kea-ctrl-agent.kea-ctrl-agent.pid.\n"
	if code != 0 || out != want {
		t.Errorf("start: %d\n%s", code, out)
	}

	code, out = keactrl("reload", "-c", conf, "-s", "dhcp4,dhcp6")
	if code != 0 || out != "INFO/keactrl: Reloading kea-dhcp4...\nINFO/keactrl: kea-dhcp6 isn't running.\n" {
		t.Errorf("reload: %d\n%s", code, out)
	}
	if sig := signalled(t, d4); sig != syscall.SIGHUP {
		t.Errorf("reload sent %v", sig)
	}
	code, out = keactrl("stop", "-c", conf)
	want = "INFO/keactrl: kea-dhcp4 isn't running.\nINFO/keactrl: kea-dhcp6 isn't running.\n" +
		"INFO/keactrl: kea-dhcp-ddns isn't running.\nINFO/keactrl: Stopping kea-ctrl-agent...\n"
	if code != 0 || out != want {
		t.Errorf("stop: %d\n%s", code, out)
	}
	if sig := signalled(t, ag); sig != syscall.SIGTERM {
		t.Errorf("stop sent %v", sig)
	}

	// status checks that every configuration file exists.
	os.Remove(filepath.Join(dir, "kea-dhcp-ddns.conf"))
	code, out = keactrl("status", "-c", conf)
	if code != 1 || !strings.HasSuffix(out, "ERROR/keactrl: Configuration file for Kea does not exist: "+dir+"/kea-dhcp-ddns.conf.\n") {
		t.Errorf("status without a file: %d\n%s", code, out)
	}
}

func TestVersion(t *testing.T) {
	dir, conf := setup(t, "dhcp4_srv=\"${prefix}/fake-dhcp4 dhcp4\"\n")
	// A program that prints its arguments, as "nestor dhcp4 -v" would
	// print a version.
	os.WriteFile(filepath.Join(dir, "fake-dhcp4"), []byte("#!/bin/sh\necho \"9.9.9 $*\"\n"), 0o755)
	code, out := keactrl("version", "-c", conf, "-s", "dhcp4,dhcp_ddns")
	want := "keactrl: " + version.Version + "\nkea-dhcp4: 9.9.9 dhcp4 -v\nkea-dhcp-ddns: unknown, /no/such/kea-dhcp-ddns missing\n"
	if code != 0 || out != want {
		t.Errorf("version: %d\n%s\nwant\n%s", code, out, want)
	}
}
