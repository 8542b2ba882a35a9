package klog

import (
	"io"
	"net/netip"
	"path/filepath"
	"testing"
	"time"
)

type benchPkt struct{ label string }

func (p *benchPkt) String() string { return p.label }

func benchLogger(b *testing.B, cfg []LoggerConfig) *Logger {
	b.Helper()
	m := NewManager("kea-dhcp4")
	m.stdout, m.stderr = io.Discard, io.Discard
	if err := m.Configure(cfg); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m.Logger("packets")
}

var benchMsg = MustRegister("KLOG_BENCH_LEASE_ALLOC", "%1: lease %2 has been allocated for %3 seconds")

func BenchmarkDebugDisabled(b *testing.B) {
	l := benchLogger(b, nil)
	pkt := &benchPkt{"[hwtype=1 00:0c:01:02:03:05], cid=[no info], tid=0x1"}
	b.ReportAllocs()
	for b.Loop() {
		l.Debug(DbgTraceDetail, benchMsg, pkt)
	}
}

// Non-pointer arguments are boxed by the caller before the level check.
func BenchmarkDebugDisabledStringArgs(b *testing.B) {
	l := benchLogger(b, nil)
	s := "[hwtype=1 00:0c:01:02:03:05], cid=[no info], tid=0x1"
	n := 7200
	b.ReportAllocs()
	for b.Loop() {
		l.Debug(DbgTraceDetail, benchMsg, s, s, n)
	}
}

func BenchmarkDebugDisabledGuarded(b *testing.B) {
	l := benchLogger(b, nil)
	s := "[hwtype=1 00:0c:01:02:03:05], cid=[no info], tid=0x1"
	n := 7200
	b.ReportAllocs()
	for b.Loop() {
		if l.DebugEnabled(DbgTraceDetail) {
			l.Debug(DbgTraceDetail, benchMsg, s, s, n)
		}
	}
}

func benchInfo(b *testing.B, l *Logger) {
	label := "[hwtype=1 00:0c:01:02:03:05], cid=[no info], tid=0x1"
	addr := netip.MustParseAddr("198.51.100.10")
	lft := uint32(7200)
	b.ReportAllocs()
	for b.Loop() {
		l.Info(benchMsg, label, addr, lft)
	}
}

// The default pattern to a discarding stdout: formatting cost alone.
func BenchmarkInfoDefaultPattern(b *testing.B) {
	benchInfo(b, benchLogger(b, nil))
}

func BenchmarkInfoFile(b *testing.B) {
	o := NewOutputOption(filepath.Join(b.TempDir(), "bench.log"))
	o.MaxSize = 0
	benchInfo(b, benchLogger(b, []LoggerConfig{{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: []OutputOption{o}}}))
}

func BenchmarkInfoRotatingFile(b *testing.B) {
	o := NewOutputOption(filepath.Join(b.TempDir(), "bench.log"))
	benchInfo(b, benchLogger(b, []LoggerConfig{{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: []OutputOption{o}}}))
}

func BenchmarkInfoParallel(b *testing.B) {
	l := benchLogger(b, nil)
	addr := netip.MustParseAddr("198.51.100.10")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Info(benchMsg, "label", addr, 7200)
		}
	})
}

func BenchmarkPatternDefault(b *testing.B) {
	p := ParsePattern(DefaultPattern)
	e := &event{t: time.Now(), sev: Info, logger: "kea-dhcp4.packets", msg: []byte("DHCP4_X message"), tid: 1234, env: &procInfo{pid: 1, loc: time.Local}}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = p.appendEvent(buf[:0], e)
	}
}

// The default pattern without %t: what the thread ID (a gettid system
// call per message) costs.
func BenchmarkInfoNoThreadID(b *testing.B) {
	o := NewOutputOption("stdout")
	o.Pattern = "%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i] %m\n"
	benchInfo(b, benchLogger(b, []LoggerConfig{{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: []OutputOption{o}}}))
}
