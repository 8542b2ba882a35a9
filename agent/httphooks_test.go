package agent

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/internal/hookstest"
)

// TestAgentHookPoints runs a hook library on the agent's Kea 2.2 hook
// points "auth" and "response": a refused user or command gets the
// library's 403 and nothing runs (shutdown is refused and the agent goes
// on); an allowed command runs and the response callout adds its header.
func TestAgentHookPoints(t *testing.T) {
	a := testAgent(t, t.TempDir(), `{"Control-agent": {"http-host": "127.0.0.1", "http-port": 0,
	  "authentication": {"type": "basic", "clients": [{"user": "alice", "password": "a-pw"}, {"user": "bob", "password": "b-pw"}]},
	  "hooks-libraries": [{"library": "`+hookstest.RBACLibrary+`", "parameters": {"auth": "auth", "response": "response",
	    "deny-user": "bob", "deny-command": "shutdown"}}]}}`)
	for _, tc := range []struct {
		user, pw, body string
		status         int
		answer, header string
	}{
		{"alice", "a-pw", `{"command": "list-commands"}`, 200, `"result": 0`, "list-commands"},
		{"bob", "b-pw", `{"command": "list-commands"}`, 403, `{ "result": 403, "text": "Forbidden" }`, ""},
		{"alice", "a-pw", `{"command": "shutdown"}`, 403, `{ "result": 403, "text": "Forbidden" }`, ""},
		{"alice", "bad", `{"command": "list-commands"}`, 401, `{ "result": 401, "text": "Unauthorized" }`, ""},
		{"alice", "a-pw", `{"command": "version-get"}`, 200, `"result": 0`, "version-get"},
	} {
		req, _ := http.NewRequest("POST", "http://"+a.Addr().String()+"/", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(tc.user, tc.pw)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.answer) || resp.Header.Get("X-RBAC-Command") != tc.header {
			t.Errorf("%s %s: %d %s (X-RBAC-Command %q), want %d %s (%q)", tc.user, tc.body,
				resp.StatusCode, b, resp.Header.Get("X-RBAC-Command"), tc.status, tc.answer, tc.header)
		}
	}
	select {
	case v := <-a.Done():
		t.Errorf("the refused shutdown ran (exit %d)", v)
	default:
	}
}
