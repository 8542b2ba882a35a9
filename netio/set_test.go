package netio

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeConn is a Conn that never receives.
type fakeConn struct {
	spec   SocketSpec
	closed chan struct{}
	once   sync.Once
	sent   []*Packet
	calls  int
	mu     sync.Mutex
}

func newFake(spec SocketSpec) *fakeConn { return &fakeConn{spec: spec, closed: make(chan struct{})} }

func (f *fakeConn) ReadBatch([]*Packet) (int, error) { <-f.closed; return 0, ErrClosed }
func (f *fakeConn) WriteBatch(p []*Packet) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, p...)
	return len(p), nil
}
func (f *fakeConn) Spec() SocketSpec                { return f.spec }
func (f *fakeConn) Stats() ConnStats                { return ConnStats{} }
func (f *fakeConn) SetReadDeadline(time.Time) error { return nil }
func (f *fakeConn) Close() error                    { f.once.Do(func() { close(f.closed) }); return nil }

// flakyOpener fails the sockets of iface "eth1" for the first failures
// calls.
type flakyOpener struct {
	mu       sync.Mutex
	failures int
	calls    int
}

func (o *flakyOpener) open(spec SocketSpec, _ Options) (Conn, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if spec.Iface.Name == "eth1" {
		o.calls++
		if o.calls <= o.failures {
			return nil, fmt.Errorf("failed to bind fallback socket to address %s, port %d, reason: address in use - is another DHCP server running?", spec.Addr, spec.Port)
		}
	}
	return newFake(spec), nil
}

func testDetector() *Detector {
	return &Detector{detect: func() ([]*Iface, error) { return testIfaces(), nil }}
}

func TestOpenRetriesThenReady(t *testing.T) {
	o := &flakyOpener{failures: 2}
	var logMu sync.Mutex
	var logs []string
	cfg := SetConfig{Family: V4, Detector: testDetector(), open: o.open,
		Ifaces: IfacesConfig{Interfaces: []string{"eth0", "eth1"}, MaxRetries: 3, RetryWait: 10 * time.Millisecond},
		Logf: func(id, msg string) {
			logMu.Lock()
			logs = append(logs, id+" "+msg)
			logMu.Unlock()
		}}
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st := s.Status(); st.Status != "retrying" || len(st.Errors) != 1 {
		t.Fatalf("after first attempt: %+v", st)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Status().Status != "ready" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if st := s.Status(); st.Status != "ready" {
		t.Fatalf("never ready: %+v", st)
	}
	if n := len(s.Conns()); n != 3 {
		t.Errorf("%d sockets open, want 3 (eth0 twice, eth1 once, none opened twice)", n)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if len(logs) != 2 || !strings.HasPrefix(logs[0], "DHCPSRV_OPEN_SOCKET_FAIL failed to open socket: failed to open socket on interface eth1, reason: failed to bind fallback socket") {
		t.Errorf("logs: %q", logs)
	}
}

func TestOpenRequireAll(t *testing.T) {
	// No retries: Open fails at once.
	o := &flakyOpener{failures: 100}
	_, err := Open(SetConfig{Family: V4, Detector: testDetector(), open: o.open,
		Ifaces: IfacesConfig{Interfaces: []string{"eth0", "eth1"}, RequireAll: true}})
	if !errors.Is(err, ErrSocketsRequired) {
		t.Fatalf("require-all without retries: %v", err)
	}
	// With retries: OnFatal after the last one, status failed.
	fatal := make(chan error, 1)
	s, err := Open(SetConfig{Family: V4, Detector: testDetector(), open: o.open,
		OnFatal: func(e error) { fatal <- e },
		Ifaces:  IfacesConfig{Interfaces: []string{"eth1"}, RequireAll: true, MaxRetries: 2, RetryWait: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	select {
	case e := <-fatal:
		if !errors.Is(e, ErrSocketsRequired) {
			t.Errorf("fatal error %v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OnFatal not called")
	}
	if st := s.Status(); st.Status != "failed" {
		t.Errorf("status %+v", st)
	}
	// Without require-all the failure is only reported.
	s2, err := Open(SetConfig{Family: V4, Detector: testDetector(), open: o.open,
		OnFatal: func(e error) { t.Errorf("OnFatal called without require-all: %v", e) },
		Ifaces:  IfacesConfig{Interfaces: []string{"eth1"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if st := s2.Status(); st.Status != "failed" || len(s2.Conns()) != 0 {
		t.Errorf("status %+v conns %d", st, len(s2.Conns()))
	}
}

func TestOpenConfigErrors(t *testing.T) {
	_, err := Open(SetConfig{Family: V4, Detector: testDetector(), open: (&flakyOpener{}).open,
		Ifaces: IfacesConfig{Interfaces: []string{"eth7"}}})
	if !errors.Is(err, ErrNoSuchIface) {
		t.Errorf("missing interface: %v", err)
	}
}

func TestReDetect(t *testing.T) {
	n := 0
	d := &Detector{detect: func() ([]*Iface, error) { n++; return testIfaces(), nil }}
	for _, re := range []bool{false, false, true, false} {
		if _, err := d.Interfaces(re); err != nil {
			t.Fatal(err)
		}
	}
	if n != 2 {
		t.Errorf("detected %d times, want 2 (first use and re-detect true)", n)
	}
}

func TestSendPicksKeaSocket(t *testing.T) {
	s4, err := Open(SetConfig{Family: V4, Detector: testDetector(), open: (&flakyOpener{}).open,
		Ifaces: IfacesConfig{Interfaces: []string{"eth0", "eth1"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s4.Close()
	pick := func(s *Set, p *Packet) string {
		c := s.pick(p)
		if c == nil {
			return "none"
		}
		return c.Spec().String()
	}
	ap := netip.MustParseAddrPort
	cases4 := []struct {
		p    Packet
		want string
	}{
		{Packet{IfIndex: 2, Src: ap("198.51.100.9:67")}, "raw eth0/198.51.100.9 port 67"},
		{Packet{IfIndex: 2, Src: ap("255.255.255.255:67")}, "raw eth0/198.51.100.1 port 67"},
		{Packet{IfIndex: 3}, "raw eth1/203.0.113.1 port 67"},
		{Packet{IfIndex: 9}, "none"},
	}
	for _, c := range cases4 {
		if got := pick(s4, &c.p); got != c.want {
			t.Errorf("v4 %+v: %s want %s", c.p, got, c.want)
		}
	}
	s6, err := Open(SetConfig{Family: V6, Detector: testDetector(), open: (&flakyOpener{}).open,
		Ifaces: IfacesConfig{Interfaces: []string{"eth0/2001:db8:1::1"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s6.Close()
	var mcast Conn
	for _, c := range s6.Conns() {
		if c.Spec().Addr.IsMulticast() {
			mcast = c
		}
	}
	cases6 := []struct {
		p    Packet
		want string
	}{
		{Packet{IfIndex: 2, Dst: ap("[fe80::99]:546"), Conn: mcast}, "udp6 eth0/fe80::2 port 547"},
		{Packet{IfIndex: 2, Dst: ap("[2001:db8:5::1]:547")}, "udp6 eth0/2001:db8:1::1 port 547"},
	}
	for _, c := range cases6 {
		if got := pick(s6, &c.p); got != c.want {
			t.Errorf("v6 %+v: %s want %s", c.p.Dst, got, c.want)
		}
	}
}
