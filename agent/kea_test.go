package agent

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/shell"
)

// keaEnv runs Kea 2.2's kea-dhcp4 (no DHCP interface, a unix control
// socket) in a network namespace of the test's own, and optionally
// kea-ctrl-agent on 127.0.0.1 in front of it.
type keaEnv struct {
	dir, ns, sock string
}

func needKea(t *testing.T, bins ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace for kea-dhcp4")
	}
	for _, b := range append([]string{"ip"}, bins...) {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("%s is not installed", b)
		}
	}
}

func startKeaDhcp4(t *testing.T) *keaEnv {
	t.Helper()
	needKea(t, "kea-dhcp4")
	e := &keaEnv{dir: t.TempDir(), ns: fmt.Sprintf("nagt-t%d", os.Getpid())}
	e.sock = filepath.Join(e.dir, "kea4.sock")
	if out, err := exec.Command("ip", "netns", "add", e.ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", e.ns).Run() })
	exec.Command("ip", "netns", "exec", e.ns, "ip", "link", "set", "lo", "up").Run()
	cfg := `{"Dhcp4": {"interfaces-config": {"interfaces": []},
  "lease-database": {"type": "memfile", "persist": false},
  "control-socket": {"socket-type": "unix", "socket-name": "` + e.sock + `"},
  "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "output_options": [{"output": "` + e.dir + `/kea4.log"}]}]}}`
	path := filepath.Join(e.dir, "kea4.json")
	os.WriteFile(path, []byte(cfg), 0o644)
	e.start(t, exec.Command("ip", "netns", "exec", e.ns, "kea-dhcp4", "-c", path))
	for i := 0; i < 50; i++ {
		if _, err := os.Stat(e.sock); err == nil {
			return e
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("kea-dhcp4 did not open its control socket")
	return nil
}

func (e *keaEnv) start(t *testing.T, cmd *exec.Cmd) {
	cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+e.dir, "KEA_LOCKFILE_DIR="+e.dir)
	cmd.Dir = e.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
}

// TestForwardToKeaDhcp4 forwards commands through Nestor's agent to Kea
// 2.2's kea-dhcp4 and compares the answers with the ones recorded through
// Kea's own agent.
func TestForwardToKeaDhcp4(t *testing.T) {
	k := startKeaDhcp4(t)
	a := testAgent(t, k.dir, `{"Control-agent": {"http-port": 0,
	  "control-sockets": {"dhcp4": {"socket-name": "RUN/kea4.sock"}, "dhcp6": {"socket-name": "RUN/kea6.sock"}}}}`)
	for _, name := range []string{"fwd-dhcp4-list-commands", "fwd-dhcp4-unknown", "fwd-dhcp4-twice", "fwd-several", "fwd-dhcp6-offline"} {
		req, _ := os.ReadFile(filepath.Join(oracleDir, "cases", name+".http"))
		rec, _ := os.ReadFile(filepath.Join(oracleDir, "answers", name+".http"))
		want, err := parseRaw(rec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sendRaw(a.Addr().String(), req)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := want.normalized("")
		g, err := got.normalized(k.dir)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s: (-kea agent +nestor agent):\n%s", name, diff)
		}
	}
}

// TestShellAgainstKeaAgent runs Nestor's shell against Kea 2.2's
// kea-ctrl-agent (HTTP on 127.0.0.1, forwarding to kea-dhcp4 in the test's
// namespace) and compares with kea-shell's recorded output.
func TestShellAgainstKeaAgent(t *testing.T) {
	needKea(t, "kea-dhcp4", "kea-ctrl-agent")
	k := startKeaDhcp4(t)
	port := strconv.Itoa(freePort(t))
	cfg := `{"Control-agent": {"http-host": "127.0.0.1", "http-port": ` + port + `,
	  "control-sockets": {"dhcp4": {"socket-name": "` + k.sock + `"}},
	  "loggers": [{"name": "kea-ctrl-agent", "severity": "INFO", "output_options": [{"output": "` + k.dir + `/ca.log"}]}]}}`
	path := filepath.Join(k.dir, "ca.json")
	os.WriteFile(path, []byte(cfg), 0o644)
	k.start(t, exec.Command("kea-ctrl-agent", "-c", path))
	ports := map[string]string{"P1": port}
	up := false
	for i := 0; i < 50 && !up; i++ {
		var so, se bytes.Buffer
		up = shell.Main([]string{"--port", port}, strings.NewReader(""), &so, &se) == 0
		if !up {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !up {
		t.Fatal("kea-ctrl-agent did not answer")
	}
	for _, c := range shellCases {
		if !strings.Contains(strings.Join(c.args, " "), "P1") {
			continue
		}
		want, _ := os.ReadFile(filepath.Join(oracleDir, "shell", c.name+".out"))
		var so, se bytes.Buffer
		code := shell.Main(c.argv(ports), strings.NewReader(c.stdin), &so, &se)
		got := formatShell(code, so.String(), se.String(), ports)
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s: (-recorded kea-shell +nestor shell):\n%s", c.name, diff)
		}
	}
}
