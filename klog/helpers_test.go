package klog

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuf is a goroutine-safe bytes.Buffer standing in for stdout/stderr.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuf) Lines() []string {
	str := strings.TrimSuffix(s.String(), "\n")
	if str == "" {
		return nil
	}
	return strings.Split(str, "\n")
}

// testTime is 2026-11-23 13:20:53.708752 UTC, as in the Kea samples.
var testTime = time.Date(2026, 11, 23, 13, 20, 53, 708752000, time.UTC)

type testEnv struct {
	m              *Manager
	stdout, stderr *syncBuf
}

// newTestManager returns a manager rooted at kea-dhcp4 writing stdout and
// stderr to buffers, with a fixed clock, pid 4242 and UTC as local time.
func newTestManager(t *testing.T) *testEnv {
	t.Helper()
	m := NewManager("kea-dhcp4")
	env := &testEnv{m: m, stdout: &syncBuf{}, stderr: &syncBuf{}}
	m.stdout, m.stderr = env.stdout, env.stderr
	m.now = func() time.Time { return testTime }
	m.proc.pid = 4242
	m.proc.start = testTime.Add(-15 * time.Millisecond)
	m.proc.loc = time.UTC
	m.proc.host, m.proc.fqdn = "vm", "vm"
	if err := m.Configure(nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return env
}

var testCat = &Catalogue{byID: map[string]*Message{}}

func testMsg(t testing.TB, id, text string) *Message {
	t.Helper()
	m, err := testCat.Register(id, text)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
