package shell

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBody(t *testing.T) {
	tests := []struct {
		command  string
		services []string
		args     string
		want     string
	}{
		{"list-commands", nil, "", `{ "command": "list-commands" }`},
		{"x", []string{"dhcp4"}, "", `{ "command": "x", "service": ["dhcp4"] }`},
		{"x", []string{"dhcp4", "", "d2"}, "", `{ "command": "x", "service": ["dhcp4","d2"] }`},
		{"x", []string{""}, "a", `{ "command": "x" }`},
		{"x", nil, `"a": 1` + "\n", `{ "command": "x", "arguments": { "a": 1` + "\n" + ` } }`},
	}
	for _, tc := range tests {
		if got := Body(tc.command, tc.services, tc.args); got != tc.want {
			t.Errorf("Body(%q, %q, %q) = %q, want %q", tc.command, tc.services, tc.args, got, tc.want)
		}
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want options
		err  string
	}{
		{nil, options{host: "127.0.0.1", port: 8000, timeout: 10, command: "list-commands"}, ""},
		{[]string{"--ho=h", "--po", "1", "--serv", "--service", "d2", "c"},
			options{host: "h", port: 1, timeout: 10, command: "c", services: []string{"", "d2"}}, ""},
		{[]string{"--service", "dhcp4", "list-commands"},
			options{host: "127.0.0.1", port: 8000, timeout: 10, command: "list-commands", services: []string{"dhcp4"}}, ""},
		{[]string{"--auth-user", "u", "--auth-password", "p", "-v"},
			options{host: "127.0.0.1", port: 8000, timeout: 10, command: "list-commands", authUser: "u", authPassword: "p", version: true}, ""},
		{[]string{"--port"}, options{}, "argument --port: expected one argument"},
		{[]string{"--port", "x"}, options{}, "argument --port: invalid int value: 'x'"},
		{[]string{"--c", "x"}, options{}, "ambiguous option: --c could match --ca, --cert"},
		{[]string{"a", "b", "-x"}, options{}, "unrecognized arguments: b -x"},
	}
	for _, tc := range tests {
		got, err := parseArgs(tc.args)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if diff := cmp.Diff(tc.want, *got, cmp.AllowUnexported(options{})); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.args, diff)
		}
	}
}

// TestRequest checks what the shell sends: POST /path, JSON content type,
// basic credentials, the body, and that an HTTP error is reported as
// kea-shell reports it.
func TestRequest(t *testing.T) {
	var got *http.Request
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Write([]byte(`[ { "result": 0 } ]`))
	}))
	defer srv.Close()
	port := strconv.Itoa(srv.Listener.Addr().(*net.TCPAddr).Port)
	var so, se bytes.Buffer
	code := Main([]string{"--port", port, "--path", "kea", "--auth-user", "u", "--auth-password", "p", "--service", "dhcp4", "x"},
		strings.NewReader(`"a": 1`), &so, &se)
	if code != 0 || so.String() != "[ { \"result\": 0 } ]\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, so.String(), se.String())
	}
	if got.Method != "POST" || got.URL.Path != "/kea" || got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s %s %q", got.Method, got.URL.Path, got.Header.Get("Content-Type"))
	}
	if u, p, ok := got.BasicAuth(); !ok || u != "u" || p != "p" {
		t.Errorf("credentials %q %q %v", u, p, ok)
	}
	if want := `{ "command": "x", "service": ["dhcp4"], "arguments": { "a": 1 } }`; gotBody != want {
		t.Errorf("body %q, want %q", gotBody, want)
	}
	so.Reset()
	code = Main([]string{"--port", port}, strings.NewReader(""), &so, &se)
	if code != 1 || so.String() != "Failed to run: HTTP Error 403: Forbidden\n" {
		t.Errorf("exit %d, stdout %q", code, so.String())
	}
}
