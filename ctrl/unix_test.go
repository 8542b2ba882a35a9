package ctrl_test

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/ctrl"
)

// send writes req on a new connection, closes the writing side and reads
// the answer until the server closes.
func send(t *testing.T, path string, req []byte) []byte {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	_ = c.(*net.UnixConn).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func listen(t *testing.T, m *ctrl.Manager, opt ctrl.UnixOptions) *ctrl.UnixListener {
	t.Helper()
	l, err := ctrl.ListenUnix(filepath.Join(t.TempDir(), "kea4.sock"), m, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestUnixSocketKea22 replays every recorded case over a real socket.
func TestUnixSocketKea22(t *testing.T) {
	m, _ := newKea22(t)
	l := listen(t, m, ctrl.UnixOptions{Logger: quiet})
	reqs, _ := filepath.Glob("testdata/kea22/cases/*.req")
	slices.Sort(reqs)
	for _, req := range reqs {
		name := strings.TrimSuffix(filepath.Base(req), ".req")
		in, _ := os.ReadFile(req)
		want, _ := os.ReadFile("testdata/kea22/answers/" + name + ".out")
		got := send(t, l.Path(), in)
		if d := cmp.Diff(normalize(want), normalize(got)); d != "" {
			t.Errorf("%s (-kea +nestor):\n%s", name, d)
		}
	}
}

func TestUnixTransport(t *testing.T) {
	m, _ := newKea22(t)
	l := listen(t, m, ctrl.UnixOptions{Timeout: 300 * time.Millisecond, Logger: quiet})
	answer := func(f string) string {
		b, err := os.ReadFile("testdata/kea22/answers/" + f)
		if err != nil {
			t.Fatal(err)
		}
		return normalize(b)
	}
	// A partial command and the client closes: no answer.
	if got := send(t, l.Path(), []byte(`{"command": "list-comm`)); len(got) != 0 || answer("transport-partial-eof.out") != "" {
		t.Errorf("partial then EOF answered %q", got)
	}
	// The client waits: the timeout answers (Kea: 10 s, here 300 ms).
	wait := func(data string) string {
		c, err := net.Dial("unix", l.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if data != "" {
			c.Write([]byte(data))
		}
		b, _ := io.ReadAll(c)
		return string(b)
	}
	for _, tc := range []struct{ data, file string }{
		{`{"command": "list-comm`, "transport-partial-timeout.out"},
		{"", "transport-idle-timeout.out"},
		{"   \n  ", "transport-ws-timeout.out"},
	} {
		if got, want := wait(tc.data), answer(tc.file); got != want {
			t.Errorf("%s: got %q, want %q", tc.file, got, want)
		}
	}
	// A large command arrives in many reads.
	big := `{"command": "list-commands", "arguments": {"pad": "` + strings.Repeat("x", 1<<20) + `"}}`
	if got, want := normalize(send(t, l.Path(), []byte(big))), answer("transport-big.out"); got != want {
		t.Errorf("big command: got %.200q", got)
	}
	// A command split over two writes.
	c, _ := net.Dial("unix", l.Path())
	c.Write([]byte(`{"command": `))
	time.Sleep(100 * time.Millisecond)
	c.Write([]byte(`"list-commands"}`))
	b, _ := io.ReadAll(c)
	c.Close()
	if got, want := normalize(b), answer("transport-split.out"); got != want {
		t.Errorf("split: got %q", got)
	}
}

func TestUnixTooLarge(t *testing.T) {
	l := listen(t, ctrl.NewManager(quiet), ctrl.UnixOptions{MaxCommandSize: 100, Logger: quiet})
	got := send(t, l.Path(), []byte(`{"command": "x", "arguments": "`+strings.Repeat("y", 200)+`"}`))
	if want := `{ "result": 1, "text": "command too large" }`; string(got) != want {
		t.Fatalf("got %s", got)
	}
}

func TestUnixFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kea4.sock")
	// A stale file where the socket goes is replaced.
	if err := os.WriteFile(path, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := ctrl.NewManager(quiet)
	l, err := ctrl.ListenUnix(path, m, ctrl.UnixOptions{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket file: %v %v", fi, err)
	}
	li, err := os.Stat(path + ".lock")
	if err != nil || li.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v %v", li, err)
	}
	// A second server on the same socket is refused, as Kea refuses it.
	if _, err := ctrl.ListenUnix(path, m, ctrl.UnixOptions{Logger: quiet}); err == nil ||
		!strings.HasPrefix(err.Error(), "cannot lock socket lockfile, "+path+".lock, : ") {
		t.Fatalf("second listener: %v", err)
	}
	if got := send(t, path, []byte(`{"command": "foo"}`)); string(got) != `{ "result": 2, "text": "'foo' command not supported." }` {
		t.Fatalf("got %s", got)
	}
	l.Close()
	for _, p := range []string{path, path + ".lock"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left after Close: %v", p, err)
		}
	}
}

func TestUnixConcurrentClients(t *testing.T) {
	m, _ := newKea22(t)
	l := listen(t, m, ctrl.UnixOptions{Logger: quiet})
	var wg sync.WaitGroup
	errs := make(chan string, 32)
	// One client sits idle with a partial command; the others still get
	// their answers.
	idle, err := net.Dial("unix", l.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	idle.Write([]byte(`{"command":`))
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("unix", l.Path())
			if err != nil {
				errs <- err.Error()
				return
			}
			defer c.Close()
			c.Write([]byte(`{"command": "statistic-get", "arguments": {"name": "subnet[1].total-addresses"}}`))
			b, _ := io.ReadAll(c)
			if !strings.HasPrefix(string(b), `{ "arguments": { "subnet[1].total-addresses": [ [ 11, "`) {
				errs <- string(b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
