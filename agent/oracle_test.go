package agent

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/ctrl"
)

// agentConfig mirrors the agents capture.sh ran Kea's kea-ctrl-agent with.
const (
	plainConfig = `{"Control-agent": {
  "http-host": "127.0.0.1", "http-port": 0,
  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "RUN/kea4.sock"},
                      "dhcp6": {"socket-name": "RUN/kea6.sock"}},
  "loggers": [{"name": "kea-ctrl-agent", "severity": "DEBUG", "debuglevel": 99,
               "output_options": [{"output": "RUN/plain.log"}]}]
}}`
	authConfig = `{"Control-agent": {
  "http-host": "127.0.0.1", "http-port": 0,
  "control-sockets": {"dhcp4": {"socket-name": "RUN/kea4.sock"}},
  "authentication": {"type": "basic", "realm": "nagt-realm", "directory": "RUN/creds",
     "clients": [{"user": "admin", "password": "1234"},
                 {"user-file": "user", "password-file": "password"}]},
  "loggers": [{"name": "kea-ctrl-agent", "severity": "DEBUG", "debuglevel": 99,
               "output_options": [{"output": "RUN/auth.log"}]}]
}}`
	fakeConfig = `{"Control-agent": {
  "http-host": "127.0.0.1", "http-port": 0,
  "control-sockets": {"dhcp4": {"socket-name": "RUN/fake.sock"}},
  "loggers": [{"name": "kea-ctrl-agent", "severity": "DEBUG", "debuglevel": 99,
               "output_options": [{"output": "RUN/fake.log"}]}]
}}`
)

// shapeOnly are the exchanges whose content is Kea's own (its version,
// build, pid and times): only the HTTP layer and the answer's keys are
// compared.
var shapeOnly = map[string]bool{
	"local-version-get":  true,
	"local-build-report": true,
	"local-status-get":   true,
}

type oracleEnv struct {
	dir               string
	plain, auth, fake *Agent
	daemon            *fakeDaemon
}

func newOracleEnv(t *testing.T) *oracleEnv {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "creds"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "creds", "user"), []byte("hidden"), 0o600)
	os.WriteFile(filepath.Join(dir, "creds", "password"), []byte("secret"), 0o600)
	keaLikeDaemon(t, filepath.Join(dir, "kea4.sock"))
	e := &oracleEnv{dir: dir}
	e.daemon = startFakeDaemon(t, filepath.Join(dir, "fake.sock"))
	e.plain = testAgent(t, dir, plainConfig)
	e.auth = testAgent(t, dir, authConfig)
	e.fake = testAgent(t, dir, fakeConfig)
	return e
}

func (e *oracleEnv) agentFor(name string) *Agent {
	switch {
	case strings.HasPrefix(name, "auth-"):
		return e.auth
	case strings.HasPrefix(name, "fake-"):
		return e.fake
	}
	return e.plain
}

// TestOracleExchanges replays every request Kea 2.2's kea-ctrl-agent was
// recorded answering and compares Nestor's response: status line, headers
// (names, case, order, values but Date), and body byte for byte (run-time
// paths and ports aside). For fake-* exchanges it also compares what was
// forwarded to the daemon with what Kea forwarded.
func TestOracleExchanges(t *testing.T) {
	e := newOracleEnv(t)
	oracleDir, err := filepath.Abs(oracleDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(e.dir) // config-write with a relative name writes here
	cases, _ := filepath.Glob(filepath.Join(oracleDir, "cases", "*.http"))
	if len(cases) < 60 {
		t.Fatalf("only %d recorded cases", len(cases))
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".http")
		t.Run(name, func(t *testing.T) {
			req, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := os.ReadFile(filepath.Join(oracleDir, "answers", name+".http"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := parseRaw(rec)
			if err != nil {
				t.Fatalf("recording: %v", err)
			}
			got, err := sendRaw(e.agentFor(name).Addr().String(), req)
			if err != nil {
				t.Fatal(err)
			}
			w, err := want.normalized("")
			if err != nil {
				t.Fatalf("recording: %v", err)
			}
			g, err := got.normalized(e.dir)
			if err != nil {
				t.Fatal(err)
			}
			if shapeOnly[name] {
				w, g = shape(t, want), shape(t, got)
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("response differs from Kea 2.2's (-kea +nestor):\n%s", diff)
			}
			if strings.HasPrefix(name, "fake-") {
				fw, err := os.ReadFile(filepath.Join(oracleDir, "forwarded", name+".txt"))
				if err != nil {
					return // Kea forwarded nothing (the request was refused)
				}
				if got := e.daemon.received(name); !bytes.Equal(got, fw) {
					t.Errorf("forwarded %q, Kea forwarded %q", got, fw)
				}
			}
		})
	}
	// Kea answered the shutdown after everything else.
	t.Run("local-shutdown", func(t *testing.T) {
		body := `{"command": "shutdown"}`
		req := "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\n\r\n" + body
		got, err := sendRaw(e.plain.Addr().String(), []byte(req))
		if err != nil {
			t.Fatal(err)
		}
		rec, _ := os.ReadFile(filepath.Join(oracleDir, "answers", "local-shutdown.http"))
		want, _ := parseRaw(rec)
		w, _ := want.normalized("")
		g, _ := got.normalized(e.dir)
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("(-kea +nestor):\n%s", diff)
		}
		select {
		case code := <-e.plain.Done():
			if code != 0 {
				t.Errorf("exit value %d", code)
			}
		default:
			t.Error("shutdown did not ask the agent to stop")
		}
	})
	// config-write wrote what Kea wrote, paths and port aside.
	t.Run("config-write-file", func(t *testing.T) {
		want, err := os.ReadFile(filepath.Join(oracleDir, "answers", "local-config-write-relative.file"))
		if err != nil {
			t.Skip("no recorded file")
		}
		got, err := os.ReadFile(filepath.Join(e.dir, "nagt-written.json"))
		if err != nil {
			t.Fatal(err)
		}
		norm := func(s string) string {
			s = keaRunDir.ReplaceAllString(s, "RUN")
			s = strings.ReplaceAll(s, e.dir, "RUN")
			return httpPort.ReplaceAllString(s, `"http-port": PORT`)
		}
		if diff := cmp.Diff(norm(string(want)), norm(string(got))); diff != "" {
			t.Errorf("written file differs (-kea +nestor):\n%s", diff)
		}
	})
}

// shape is a response reduced to its HTTP layer and the keys and types of
// its answers.
func shape(t *testing.T, r *rawResponse) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(r.Status + "\n")
	for _, h := range r.Headers {
		k, _, _ := strings.Cut(h, ":")
		b.WriteString(k + "\n")
	}
	l, err := ctrl.ParseWire(r.Body)
	if err != nil {
		t.Fatalf("body %q: %v", r.Body, err)
	}
	for _, it := range l.Items() {
		keys := it.Keys()
		sort.Strings(keys)
		for _, k := range keys {
			v, _ := it.Get(k)
			b.WriteString(k + ":" + kindName(v.Kind()))
			if v.Kind() == ctrl.Map {
				b.WriteString(" " + strings.Join(v.Keys(), ","))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func kindName(k ctrl.Kind) string {
	return [...]string{"null", "bool", "int", "real", "string", "list", "map"}[k]
}
