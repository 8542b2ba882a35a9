package agent

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/internal/cli"
)

func post(t *testing.T, port int, body string) string {
	t.Helper()
	resp, err := http.Post("http://127.0.0.1:"+strconv.Itoa(port)+"/", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestRun runs the daemon: PID file, SIGHUP reloading the edited file
// (and keeping the running configuration when the file is broken),
// config-set moving the agent to another port, and the shutdown command's
// exit value.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEA_PIDFILE_DIR", dir)
	port, port2 := freePort(t), freePort(t)
	cfgPath := filepath.Join(dir, "ca.json")
	write := func(s string) {
		if err := os.WriteFile(cfgPath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"Control-agent": {"http-port": ` + strconv.Itoa(port) + `}}`)
	var so, se bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- Run(cli.DaemonArgs{Mode: cli.ModeRun, ConfigFile: cfgPath}, &so, &se) }()
	pidFile := filepath.Join(dir, "ca.kea-ctrl-agent.pid")
	waitFor(t, func() bool {
		_, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/")
		return err == nil
	})
	if b, err := os.ReadFile(pidFile); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("PID file: %q %v", b, err)
	}
	// A broken file: SIGHUP keeps the running configuration.
	write(`{"Control-agent": {"http-port": "x"}}`)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	time.Sleep(200 * time.Millisecond)
	if got := post(t, port, `{"command": "config-get"}`); !strings.Contains(got, `"http-port": `+strconv.Itoa(port)) {
		t.Errorf("after a broken reload: %s", got)
	}
	// An edited file: SIGHUP takes it.
	write(`{"Control-agent": {"http-port": ` + strconv.Itoa(port) + `, "control-sockets": {"d2": {"socket-name": "/nonexistent"}}}}`)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor(t, func() bool {
		return strings.Contains(post(t, port, `{"command": "config-get"}`), `"d2"`)
	})
	// config-set to another port: answered on the old one, served on the new.
	got := post(t, port, `{"command": "config-set", "arguments": {"Control-agent": {"http-port": `+strconv.Itoa(port2)+`}}}`)
	if got != `[ { "result": 0, "text": "Configuration applied successfully." } ]` {
		t.Errorf("config-set: %s", got)
	}
	if got := post(t, port2, `{"command": "shutdown", "arguments": {"exit-value": 3}}`); !strings.Contains(got, "shutting down") {
		t.Errorf("shutdown: %s", got)
	}
	select {
	case code := <-done:
		if code != 3 {
			t.Errorf("exit %d, want 3; stderr %q", code, se.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return")
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("PID file left: %v", err)
	}
}

// TestRunCheck is -t: Kea's output for a good and a broken file.
func TestRunCheck(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"Control-agent": {"http-port": 8001}}`), 0o644)
	os.WriteFile(bad, []byte(`{"Control-agent": {"http-port": 80000}}`), 0o644)
	var so, se bytes.Buffer
	if code := Run(cli.DaemonArgs{Mode: cli.ModeCheck, ConfigFile: good}, &so, &se); code != 0 || se.Len() != 0 {
		t.Errorf("good: exit %d, stderr %q", code, se.String())
	}
	so.Reset()
	code := Run(cli.DaemonArgs{Mode: cli.ModeCheck, ConfigFile: bad}, &so, &se)
	want := "Error encountered: out of range value (80000) specified for parameter 'http-port' (" + bad + ":1:33)\n"
	if code != 1 || se.String() != want {
		t.Errorf("bad: exit %d, stderr %q, want %q", code, se.String(), want)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("condition not reached in 5 s")
}
