package klog

import (
	"fmt"
	"strings"
)

// setup is one applied logging configuration: the entries of the
// hierarchy with their outputs opened.
type setup struct {
	root    string
	byName  map[string]*resolved
	rootEnt *resolved
	sinks   []sink
}

// resolved is one loggers entry made ready for use.
type resolved struct {
	hasSev bool
	th     int32
	opts   []OutputOption
	outs   []output
}

// plan validates entries (nil: the start-up default) and returns them by
// full name, keeping only the loggers of this manager's hierarchy.
func (m *Manager) plan(entries []LoggerConfig) (map[string]*resolved, error) {
	boot := entries == nil
	if boot {
		entries = []LoggerConfig{m.boot}
	} else if len(entries) == 0 {
		def := LoggerConfig{Name: m.root, Severity: "INFO", OutputOptions: []OutputOption{NewOutputOption(OutputStdout)}}
		entries = []LoggerConfig{def}
	}
	out := map[string]*resolved{}
	for i, e := range entries {
		if e.Name == "" {
			return nil, fmt.Errorf("klog: loggers entry %d does not have a mandatory 'name' element", i)
		}
		if e.DebugLevel < 0 || e.DebugLevel > MaxDebugLevel {
			return nil, fmt.Errorf("klog: Unsupported debuglevel value %d, expected 0-99", e.DebugLevel)
		}
		for _, o := range e.OutputOptions {
			if o.Output == "" {
				return nil, fmt.Errorf("klog: output-options entry does not have a mandatory 'output' element (logger %s)", e.Name)
			}
		}
		if e.Name != m.root && !strings.HasPrefix(e.Name, m.root+".") {
			continue // another daemon's logger
		}
		r := &resolved{opts: e.OutputOptions}
		sev, dbg := e.Severity, e.DebugLevel
		if m.verbose && !boot {
			sev, dbg = "DEBUG", MaxDebugLevel
		}
		if sev != "" {
			s, err := ParseSeverity(sev)
			if err != nil {
				s = Info
			}
			r.hasSev, r.th = true, threshold(s, dbg)
		}
		out[e.Name] = r
	}
	return out, nil
}

// build opens the outputs of entries. On error everything opened is
// closed again and the set-up in force is untouched.
func (m *Manager) build(entries []LoggerConfig) (_ *setup, err error) {
	byName, err := m.plan(entries)
	if err != nil {
		return nil, err
	}
	st := &setup{root: m.root, byName: byName}
	r := byName[m.root]
	if r == nil {
		r = &resolved{}
		byName[m.root] = r
	}
	if !r.hasSev {
		r.hasSev, r.th = true, lvInfo
		if m.verbose {
			r.th = threshold(Debug, MaxDebugLevel)
		}
	}
	if len(r.opts) == 0 {
		r.opts = []OutputOption{NewOutputOption(OutputStdout)}
	}
	st.rootEnt = r
	shared := map[string]sink{}
	defer func() {
		if err != nil {
			for _, s := range st.sinks {
				s.close()
			}
		}
	}()
	for _, r := range byName {
		for _, o := range r.opts {
			s, err := m.openSink(o, shared, st)
			if err != nil {
				return nil, err
			}
			pat := o.Pattern
			if pat == "" {
				pat = DefaultPattern
				if isSyslog(o.Output) {
					pat = DefaultSyslogPattern
				}
			}
			r.outs = append(r.outs, output{s: s, p: ParsePattern(pat)})
		}
	}
	return st, nil
}

func isSyslog(out string) bool {
	return out == OutputSyslog || strings.HasPrefix(out, OutputSyslog+":")
}

// openSink returns the sink for o, sharing one per destination so that
// writes to a file are serialized whichever logger makes them.
func (m *Manager) openSink(o OutputOption, shared map[string]sink, st *setup) (sink, error) {
	var key string
	switch {
	case o.Output == OutputStdout || o.Output == OutputStderr:
		key = o.Output
	case isSyslog(o.Output):
		fac := DefaultSyslogFacility
		if name, ok := strings.CutPrefix(o.Output, OutputSyslog+":"); ok {
			fac = name
			if name == "" {
				fac = "kea" // Kea's default logger name: not a facility, so "user"
			}
		}
		key = "syslog:" + strings.ToLower(fac)
	default:
		key = "file:" + o.Output
	}
	if s, ok := shared[key]; ok {
		return s, nil
	}
	var s sink
	switch {
	case key == OutputStdout:
		s = newStreamSink(m.stdout, o.Flush)
	case key == OutputStderr:
		s = newStreamSink(m.stderr, o.Flush)
	case strings.HasPrefix(key, "syslog:"):
		s = newSyslogSink(key[len("syslog:"):], m.root, m.now, m.proc.loc)
	default:
		f, err := openFileSink(o.Output, o.MaxSize, o.MaxVer, o.Flush)
		if err != nil {
			return nil, fmt.Errorf("klog: unable to open %s for output: %w", o.Output, err)
		}
		s = f
	}
	shared[key] = s
	st.sinks = append(st.sinks, s)
	return s, nil
}

// resolve computes what the logger called name does under st: its level
// from the nearest entry (itself, then its ancestors) that has a severity,
// its outputs from the nearest that has output options; the root entry
// always has both.
func (st *setup) resolve(name string) *route {
	rt := &route{name: name, th: st.rootEnt.th, outs: st.rootEnt.outs}
	sevDone, outDone := false, false
	for n := name; ; {
		if r := st.byName[n]; r != nil {
			if !sevDone && r.hasSev {
				rt.th, sevDone = r.th, true
			}
			if !outDone && len(r.outs) > 0 {
				rt.outs, outDone = r.outs, true
			}
		}
		if n == st.root || sevDone && outDone {
			break
		}
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			break
		}
		n = n[:i]
	}
	for _, o := range rt.outs {
		rt.caller = rt.caller || o.p.needCaller
	}
	return rt
}

// install makes st the set-up in force and returns the sinks it replaced.
// The caller holds m.mu.
func (m *Manager) install(st *setup) []sink {
	m.swap.Lock()
	defer m.swap.Unlock()
	old := m.sinks
	m.cur, m.sinks = st, st.sinks
	for suffix, l := range m.loggers {
		l.rt.Store(st.resolve(m.fullName(suffix)))
	}
	return old
}
