package server4_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/internal/hookstest"
	"github.com/nestordhcp/nestor/server4"
)

// TestHTTPHookPoints runs a hook library's http_auth and http_response
// callouts on the daemon's http control socket (loopback only): a refused
// user or command gets the library's 403 and the command does not run; an
// allowed one runs and the response callout, which sees the context the
// authorization callout left, adds a header; a request failing basic
// authentication gets 401 without reaching the library.
func TestHTTPHookPoints(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	text := fmt.Sprintf(`{"Dhcp4": {"interfaces-config": {"interfaces": []},
	  "lease-database": {"type": "memfile", "persist": false},
	  "control-sockets": [{"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": %d,
	    "authentication": {"type": "basic", "realm": "test", "clients": [
	      {"user": "alice", "password": "a-pw"}, {"user": "bob", "password": "b-pw"}]}}],
	  "hooks-libraries": [{"library": %q, "parameters": {"auth": "http_auth", "response": "http_response",
	    "deny-user": "bob", "deny-command": "config-write"}}]}}`, port, hookstest.RBACLibrary)
	cfg, _, err := config.ParseDhcp4("t", []byte(text), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := server4.New(server4.Options{NoSockets: true})
	runs := 0
	s.Commands().Register("test-run", func(*ctrl.Command) ctrl.Answer { runs++; return ctrl.Success("ran") })
	if err := s.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	written := filepath.Join(dir, "written.json")
	calls := func(hook string) int {
		hookstest.RBACCalls.Lock()
		defer hookstest.RBACCalls.Unlock()
		return hookstest.RBACCalls.N[hook]
	}
	authBefore := calls("http_auth")
	for _, tc := range []struct {
		user, pw, body string
		status         int
		answer, header string
		runs           int
	}{
		{"alice", "a-pw", `{"command": "test-run"}`, 200, `[ { "result": 0, "text": "ran" } ]`, "test-run", 1},
		{"bob", "b-pw", `{"command": "test-run"}`, 403, `{ "result": 403, "text": "Forbidden" }`, "", 1},
		{"alice", "a-pw", `{"command": "config-write", "arguments": {"filename": "` + written + `"}}`, 403, `{ "result": 403, "text": "Forbidden" }`, "", 1},
		{"alice", "wrong", `{"command": "test-run"}`, 401, `{ "result": 401, "text": "Unauthorized" }`, "", 1},
		{"alice", "a-pw", `{"command": "test-run"}`, 200, `[ { "result": 0, "text": "ran" } ]`, "test-run", 2},
	} {
		req, _ := http.NewRequest("POST", fmt.Sprintf("http://127.0.0.1:%d/", port), strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(tc.user, tc.pw)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(b) != tc.answer || resp.Header.Get("X-RBAC-Command") != tc.header || runs != tc.runs {
			t.Errorf("%s %s: %d %s (X-RBAC-Command %q, runs %d), want %d %s (%q, %d)", tc.user, tc.body,
				resp.StatusCode, b, resp.Header.Get("X-RBAC-Command"), runs, tc.status, tc.answer, tc.header, tc.runs)
		}
	}
	if _, err := os.Stat(written); err == nil {
		t.Errorf("config-write ran although the library refused it")
	}
	// The 401 request never reached the library: four authenticated
	// requests, four http_auth calls.
	if n := calls("http_auth") - authBefore; n != 4 {
		t.Errorf("http_auth called %d times, want 4", n)
	}
}
