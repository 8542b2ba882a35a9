package keactrl

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/testnet"
)

// e2eConfigs are the daemons' configurations: DHCP only on the test
// namespace's veth, the agent on that namespace's loopback.
var e2eConfigs = map[string]string{
	"kea-dhcp4.conf": `{"Dhcp4": {"interfaces-config": {"interfaces": ["veth-srv"]},
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl4.sock"},
  "lease-database": {"type": "memfile", "name": "DIR/leases4.csv"},
  "valid-lifetime": 4000,
  "subnet4": [{"id": 1, "subnet": "198.51.100.0/24", "pools": [{"pool": "198.51.100.10-198.51.100.20"}]}]}}`,
	"kea-dhcp6.conf": `{"Dhcp6": {"interfaces-config": {"interfaces": ["veth-srv"]},
  "data-directory": "DIR",
  "control-socket": {"socket-type": "unix", "socket-name": "DIR/ctl6.sock"},
  "lease-database": {"type": "memfile", "name": "DIR/leases6.csv"},
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "veth-srv", "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}]}]}}`,
	"kea-ctrl-agent.conf": `{"Control-agent": {"http-host": "127.0.0.1", "http-port": 8000,
  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "DIR/ctl4.sock"},
                      "dhcp6": {"socket-type": "unix", "socket-name": "DIR/ctl6.sock"}}}}`,
	"kea-dhcp-ddns.conf": `{"DhcpDdns": {}}`,
}

// TestKeactrlE2E drives real nestor daemons with keactrl (run through its
// link name) inside a test network namespace: start, status, reload (the
// daemon takes the edited file), the agent forwarding to both servers, and
// stop.
func TestKeactrlE2E(t *testing.T) {
	testnet.Require(t)
	p := testnet.NewPair(t, "kctl")
	dir := p.Dir
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "nestor"), "../cmd/nestor").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, l := range []string{"keactrl", "kea-dhcp4", "kea-dhcp6", "kea-ctrl-agent"} {
		os.Symlink("nestor", filepath.Join(bin, l))
	}
	for name, text := range e2eConfigs {
		os.WriteFile(filepath.Join(dir, name), []byte(strings.ReplaceAll(text, "DIR", dir)), 0o644)
	}
	conf := filepath.Join(dir, "keactrl.conf")
	os.WriteFile(conf, []byte(`# keactrl.conf for the test
prefix="`+dir+`"
kea_dhcp4_config_file=${prefix}/kea-dhcp4.conf
kea_dhcp6_config_file=${prefix}/kea-dhcp6.conf
kea_dhcp_ddns_config_file=${prefix}/kea-dhcp-ddns.conf
kea_ctrl_agent_config_file=${prefix}/kea-ctrl-agent.conf
kea_netconf_config_file=${prefix}/kea-netconf.conf
exec_prefix=${prefix}
dhcp4_srv=${exec_prefix}/bin/kea-dhcp4
dhcp6_srv=${exec_prefix}/bin/kea-dhcp6
dhcp_ddns_srv=${exec_prefix}/bin/kea-dhcp-ddns
ctrl_agent_srv=${exec_prefix}/bin/kea-ctrl-agent
netconf_srv=${exec_prefix}/bin/kea-netconf
dhcp4=yes
dhcp6=yes
dhcp_ddns=no
ctrl_agent=yes
netconf=no
kea_verbose=no
`), 0o644)
	env := append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir, "KEA_LOGGER_DESTINATION="+filepath.Join(dir, "kea.log"))
	pidFile := func(prog string) string { return filepath.Join(dir, prog+"."+prog+".pid") }
	pidOf := func(prog string) int {
		b, _ := os.ReadFile(pidFile(prog))
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		return n
	}
	// The daemons outlive keactrl: end any still running when the test
	// ends (by the PIDs they wrote), before the namespace goes.
	t.Cleanup(func() {
		for _, prog := range []string{"kea-dhcp4", "kea-dhcp6", "kea-ctrl-agent"} {
			if pid := pidOf(prog); pid > 0 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	calls := 0
	keactrl := func(args ...string) string {
		t.Helper()
		calls++
		outPath := filepath.Join(dir, fmt.Sprintf("keactrl-%d.out", calls))
		f, err := os.Create(outPath)
		if err != nil {
			t.Fatal(err)
		}
		// A file of its own, not a pipe, for the output: the daemons
		// started inherit it (and log there) and live on.
		cmd := p.Server.Command(filepath.Join(bin, "keactrl"), args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, f, f
		err = cmd.Run()
		f.Close()
		b, _ := os.ReadFile(outPath)
		if err != nil {
			t.Fatalf("keactrl %v: %v\n%s", args, err, b)
		}
		return string(b)
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !ok(); {
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(filepath.Join(dir, "keactrl-1.out"))
				t.Fatalf("%s: not after 15s; daemons' output:\n%s", what, log)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	out := keactrl("start", "-c", conf)
	want := fmt.Sprintf("INFO/keactrl: Starting %[1]s/kea-dhcp4 -c %[2]s/kea-dhcp4.conf\n"+
		"INFO/keactrl: Starting %[1]s/kea-dhcp6 -c %[2]s/kea-dhcp6.conf\n"+
		"INFO/keactrl: Starting %[1]s/kea-ctrl-agent -c %[2]s/kea-ctrl-agent.conf\n", bin, dir)
	if !strings.HasPrefix(out, want) {
		t.Errorf("start:\n%s\nwant\n%s", out, want)
	}
	status := func() string { return keactrl("status", "-c", conf) }
	allActive := "DHCPv4 server: active\nDHCPv6 server: active\nDHCP DDNS: inactive\nControl Agent: active\n"
	waitFor("all three daemons active", func() bool { return strings.HasPrefix(status(), allActive) })

	// A second start finds them running.
	out = keactrl("start", "-c", conf, "-s", "dhcp4")
	if want := fmt.Sprintf("INFO/keactrl: kea-dhcp4 appears to be running, see: PID %d, PID file: %s.\n", pidOf("kea-dhcp4"), pidFile("kea-dhcp4")); out != want {
		t.Errorf("second start:\n%s\nwant\n%s", out, want)
	}

	// The agent forwards to both servers (kea-shell inside the namespace).
	for _, svc := range []string{"dhcp4", "dhcp6"} {
		sh := p.Server.Command(filepath.Join(bin, "nestor"), "shell", "--service", svc, "status-get")
		sh.Stdin = strings.NewReader("")
		b, err := sh.CombinedOutput()
		if err != nil || !strings.Contains(string(b), fmt.Sprintf(`"pid": %d`, pidOf("kea-"+svc))) {
			t.Errorf("status-get through the agent to %s: %v\n%s", svc, err, b)
		}
	}

	// reload: dhcp4 rereads its edited file.
	validLifetime := func() float64 {
		var a struct {
			Arguments struct {
				Dhcp4 struct {
					ValidLifetime float64 `json:"valid-lifetime"`
				}
			}
		}
		json.Unmarshal([]byte(unixCommand(t, filepath.Join(dir, "ctl4.sock"), `{"command": "config-get"}`)), &a)
		return a.Arguments.Dhcp4.ValidLifetime
	}
	if v := validLifetime(); v != 4000 {
		t.Fatalf("valid-lifetime %v before reload", v)
	}
	path4 := filepath.Join(dir, "kea-dhcp4.conf")
	os.WriteFile(path4, []byte(strings.ReplaceAll(strings.ReplaceAll(e2eConfigs["kea-dhcp4.conf"], "DIR", dir), "4000", "5000")), 0o644)
	out = keactrl("reload", "-c", conf)
	if out != "INFO/keactrl: Reloading kea-dhcp4...\nINFO/keactrl: Reloading kea-dhcp6...\nINFO/keactrl: kea-dhcp-ddns isn't running.\nINFO/keactrl: Reloading kea-ctrl-agent...\n" {
		t.Errorf("reload:\n%s", out)
	}
	waitFor("dhcp4 to take the new valid-lifetime", func() bool { return validLifetime() == 5000 })

	pids := []int{pidOf("kea-dhcp4"), pidOf("kea-dhcp6"), pidOf("kea-ctrl-agent")}
	out = keactrl("stop", "-c", conf)
	if out != "INFO/keactrl: Stopping kea-dhcp4...\nINFO/keactrl: Stopping kea-dhcp6...\nINFO/keactrl: kea-dhcp-ddns isn't running.\nINFO/keactrl: Stopping kea-ctrl-agent...\n" {
		t.Errorf("stop:\n%s", out)
	}
	waitFor("all daemons to end", func() bool {
		for _, pid := range pids {
			if syscall.Kill(pid, 0) == nil {
				return false
			}
		}
		return true
	})
	if st := status(); !strings.HasPrefix(st, "DHCPv4 server: inactive\nDHCPv6 server: inactive\nDHCP DDNS: inactive\nControl Agent: inactive\n") {
		t.Errorf("status after stop:\n%s", st)
	}
	if out := keactrl("stop", "-c", conf, "-s", "dhcp4"); out != "INFO/keactrl: kea-dhcp4 isn't running.\n" {
		t.Errorf("second stop:\n%s", out)
	}
}

func unixCommand(t *testing.T, sock, cmd string) string {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		return ""
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, cmd)
	b, _ := io.ReadAll(c)
	return string(b)
}
