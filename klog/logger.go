package klog

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Logger is one named logger of a Manager's hierarchy. Its methods are
// safe for concurrent use. A message below the logger's level costs one
// atomic load and a comparison; note that Go evaluates the arguments of a
// call before it, so an argument that is a non-constant string or
// integer (not a pointer) is boxed even then — guard such calls with
// DebugEnabled on hot paths, as Kea's LOG_DEBUG macro does.
type Logger struct {
	m      *Manager
	suffix string // "" for the root logger
	rt     atomic.Pointer[route]
}

// route is what a logger resolved to under the current configuration.
type route struct {
	th     int32
	name   string
	outs   []output
	caller bool
}

type output struct {
	s sink
	p *Pattern
}

// Name returns the logger's full name, e.g. "kea-dhcp4.dhcpsrv".
func (l *Logger) Name() string { return l.rt.Load().name }

// Enabled reports whether a message of severity s (not Debug) would be
// output.
func (l *Logger) Enabled(s Severity) bool {
	return msgLevel(s, 0) >= l.rt.Load().th
}

// DebugEnabled reports whether a debug message at level would be output:
// the logger is at DEBUG with a debuglevel of at least level.
func (l *Logger) DebugEnabled(level int) bool {
	return lvDebug-int32(level) >= l.rt.Load().th
}

// Debug logs m at DEBUG with the given debug level (0-99).
func (l *Logger) Debug(level int, m *Message, args ...any) {
	rt := l.rt.Load()
	if lvDebug-int32(level) < rt.th {
		return
	}
	l.output(Debug, m, args)
}

// Info logs m at INFO.
func (l *Logger) Info(m *Message, args ...any) {
	if lvInfo < l.rt.Load().th {
		return
	}
	l.output(Info, m, args)
}

// Warn logs m at WARN.
func (l *Logger) Warn(m *Message, args ...any) {
	if lvWarn < l.rt.Load().th {
		return
	}
	l.output(Warn, m, args)
}

// Error logs m at ERROR.
func (l *Logger) Error(m *Message, args ...any) {
	if lvError < l.rt.Load().th {
		return
	}
	l.output(Error, m, args)
}

// Fatal logs m at FATAL. It does not stop the program.
func (l *Logger) Fatal(m *Message, args ...any) {
	if lvFatal < l.rt.Load().th {
		return
	}
	l.output(Fatal, m, args)
}

// Log logs m at severity s; level is used only for Debug.
func (l *Logger) Log(s Severity, level int, m *Message, args ...any) {
	if s >= None || msgLevel(s, level) < l.rt.Load().th {
		return
	}
	l.output(s, m, args)
}

func msgLevel(s Severity, level int) int32 {
	if s == Debug {
		return lvDebug - int32(level)
	}
	return threshold(s, 0)
}

type logBuf struct {
	msg, line, scratch []byte
}

var bufPool = sync.Pool{New: func() any {
	return &logBuf{msg: make([]byte, 0, 256), line: make([]byte, 0, 512), scratch: make([]byte, 0, 64)}
}}

const maxPooledBuf = 64 << 10

// output renders and writes one message. It holds the manager's read
// lock so that a reconfiguration never closes a sink under it.
func (l *Logger) output(s Severity, m *Message, args []any) {
	mgr := l.m
	mgr.swap.RLock()
	defer mgr.swap.RUnlock()
	rt := l.rt.Load()
	if len(rt.outs) == 0 || m == nil {
		return
	}
	e := event{t: mgr.now(), sev: s, logger: rt.name, env: &mgr.proc}
	if rt.caller {
		var pcs [1]uintptr
		if runtime.Callers(3, pcs[:]) == 1 {
			e.pc = pcs[0]
		}
	}
	b := bufPool.Get().(*logBuf)
	b.msg, b.scratch = appendMessage(b.msg[:0], m, args, b.scratch)
	e.msg = b.msg
	if fd := mgr.lockFD; fd >= 0 {
		syscall.Flock(fd, syscall.LOCK_EX)
	}
	for _, o := range rt.outs {
		b.line = o.p.appendEvent(b.line[:0], &e)
		o.s.write(b.line, s)
	}
	if fd := mgr.lockFD; fd >= 0 {
		syscall.Flock(fd, syscall.LOCK_UN)
	}
	if cap(b.msg) <= maxPooledBuf && cap(b.line) <= maxPooledBuf && cap(b.scratch) <= maxPooledBuf {
		bufPool.Put(b)
	}
}

// clock is replaced by tests.
type clock func() time.Time
