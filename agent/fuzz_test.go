package agent

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/ctrl"
)

// FuzzProcess feeds request bodies to the agent's command processing and,
// through ServeHTTP, to its request handling: no panic, and every answer is
// a JSON list (200) or Kea's 400 body. Commands that would change the
// agent or write files (config-set, config-reload, config-write, shutdown)
// are left out.
func FuzzProcess(f *testing.F) {
	cases, _ := filepath.Glob(filepath.Join(oracleDir, "cases", "*.http"))
	for _, c := range cases {
		b, _ := os.ReadFile(c)
		if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
			f.Add(b[i+4:])
		}
	}
	f.Add([]byte(`{"command": "list-commands", "service": ["dhcp4", "d2", "dhcp6"]}`))
	f.Add([]byte(`{"command": "x", "service": [[], {}, null, 1.5]}`))
	dir := f.TempDir()
	m := ctrl.NewManager(nil)
	ln, err := ctrl.ListenUnix(filepath.Join(dir, "kea4.sock"), m, ctrl.UnixOptions{})
	if err != nil {
		f.Fatal(err)
	}
	defer ln.Close()
	a := testAgentF(f, dir)
	defer a.Close()
	f.Fuzz(func(t *testing.T, body []byte) {
		if cmd, err := parseBody(body); err == nil && cmd != nil {
			if name, err := checkEnvelope(cmd); err == nil {
				switch name {
				case "config-set", "config-reload", "config-write", "shutdown":
					t.Skip("changes the agent")
				}
			}
		}
		timer := time.AfterFunc(3*time.Second, func() { panic(fmt.Sprintf("Process(%q) is stuck", body)) })
		defer timer.Stop()
		out := a.Process(body, "127.0.0.1")
		l, err := ctrl.ParseWire(out)
		if err != nil || l.Kind() != ctrl.List {
			t.Fatalf("Process(%q) = %q: not a list (%v)", body, out, err)
		}
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		a.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK:
			if l, err := ctrl.ParseWire(w.Body.Bytes()); err != nil || l.Kind() != ctrl.List {
				t.Fatalf("200 with %q", w.Body.Bytes())
			}
		case http.StatusBadRequest:
			if w.Body.String() != `{ "result": 400, "text": "Bad Request" }` {
				t.Fatalf("400 with %q", w.Body.Bytes())
			}
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}
