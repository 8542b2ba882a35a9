package agent

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/shell"
)

// shellCase is one kea-shell run capture.sh recorded (shell/NAME.out).
// Ports: P1 the plain agent, P2 the one with authentication, P3 the one
// before the fake daemon, P4 a port nobody listens on.
type shellCase struct {
	name, stdin string
	args        []string
}

var shellCases = []shellCase{
	{"list-commands", "", []string{"--port", "P1"}},
	{"default-command", "", []string{"--port", "P1", "--host", "127.0.0.1"}},
	{"service", "", []string{"--port", "P1", "--service", "dhcp4", "server-tag-get"}},
	{"services", "", []string{"--port", "P1", "--service", "dhcp4", "--service", "d2", "server-tag-get"}},
	{"service-empty", "", []string{"--port", "P1", "--service", "", "list-commands"}},
	{"args", `"name": "pkt4-received"`, []string{"--port", "P1", "--service", "dhcp4", "statistic-get"}},
	{"args-newline", "\"name\": \"pkt4-received\"\n", []string{"--port", "P1", "--service", "dhcp4", "statistic-get"}},
	{"args-one-char", "x", []string{"--port", "P1", "list-commands"}},
	{"bad-args", `"name": `, []string{"--port", "P1", "--service", "dhcp4", "statistic-get"}},
	{"unknown", "", []string{"--port", "P1", "foo"}},
	{"path", "", []string{"--port", "P1", "--path", "kea/x", "list-commands"}},
	{"auth-missing", "", []string{"--port", "P2", "list-commands"}},
	{"auth-good", "", []string{"--port", "P2", "--auth-user", "admin", "--auth-password", "1234", "list-commands"}},
	{"auth-wrong", "", []string{"--port", "P2", "--auth-user", "admin", "--auth-password", "12345", "list-commands"}},
	{"auth-user-only", "", []string{"--port", "P2", "--auth-user", "admin", "list-commands"}},
	{"refused", "", []string{"--port", "P4", "list-commands"}},
	{"cert-no-key", "", []string{"--port", "P1", "--cert", "/x/cert.pem", "list-commands"}},
	{"key-no-cert", "", []string{"--port", "P1", "--key", "/x/key.pem", "list-commands"}},
	{"cert-no-ca", "", []string{"--port", "P1", "--cert", "/x/cert.pem", "--key", "/x/key.pem", "list-commands"}},
	{"bad-port", "", []string{"--port", "x", "list-commands"}},
	{"bad-timeout", "", []string{"--timeout", "x", "list-commands"}},
	{"unknown-option", "", []string{"--foo", "list-commands"}},
	{"two-commands", "", []string{"--port", "P1", "list-commands", "version-get"}},
	{"help", "", []string{"-h"}},
	{"ca-missing", "", []string{"--port", "P1", "--ca", "/nonexistent/ca.pem", "list-commands"}},
	{"timeout", "", []string{"--port", "P3", "--timeout", "1", "--service", "dhcp4", "fake-slow"}},
}

var timestamp = regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+`)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func portOf(a *Agent) string {
	return strconv.Itoa(a.Addr().(*net.TCPAddr).Port)
}

func (c shellCase) argv(ports map[string]string) []string {
	out := make([]string, len(c.args))
	for i, a := range c.args {
		if p, ok := ports[a]; ok {
			a = p
		}
		out[i] = a
	}
	return out
}

func formatShell(code int, stdout, stderr string, ports map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "exit %d\n", code)
	for _, l := range strings.SplitAfter(stdout, "\n") {
		if l != "" {
			b.WriteString("stdout: " + l)
		}
	}
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if l != "" {
			b.WriteString("stderr: " + l)
		}
	}
	s := b.String()
	for _, p := range ports {
		s = strings.ReplaceAll(s, p, "PORT")
	}
	return timestamp.ReplaceAllString(s, "TIME")
}

// TestShellOracle runs Nestor's shell against Nestor's agent and compares
// its output with kea-shell 2.2's against kea-ctrl-agent 2.2; with Kea's
// kea-shell installed, it also runs that against Nestor's agent.
func TestShellOracle(t *testing.T) {
	e := newOracleEnv(t)
	e.daemon.slow = 2500 * time.Millisecond
	ports := map[string]string{"P1": portOf(e.plain), "P2": portOf(e.auth), "P3": portOf(e.fake),
		"P4": strconv.Itoa(freePort(t))}
	keaShell, _ := exec.LookPath("kea-shell")
	for _, c := range shellCases {
		t.Run(c.name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(oracleDir, "shell", c.name+".out"))
			if err != nil {
				t.Fatal(err)
			}
			var so, se bytes.Buffer
			code := shell.Main(c.argv(ports), strings.NewReader(c.stdin), &so, &se)
			got := formatShell(code, so.String(), se.String(), ports)
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("nestor shell differs from kea-shell (-kea +nestor):\n%s", diff)
			}
			if keaShell == "" {
				return
			}
			cmd := exec.Command(keaShell, c.argv(ports)...)
			cmd.Stdin = strings.NewReader(c.stdin)
			so.Reset()
			se.Reset()
			cmd.Stdout, cmd.Stderr = &so, &se
			err = cmd.Run()
			code = 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			got = formatShell(code, so.String(), se.String(), ports)
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("kea-shell against nestor's agent differs from kea-shell against Kea's (-kea agent +nestor agent):\n%s", diff)
			}
		})
	}
	if keaShell == "" {
		t.Log("kea-shell is not installed: only Nestor's shell was run")
	}
}
