package klog

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
)

// Slog returns a log/slog logger whose records are written by m's loggers
// in Kea's layout, for the packages that log through log/slog (the
// allocation engine, hooks, control sockets). A record names its Kea
// message with the "msgid" attribute; when the message is registered, the
// other attributes, in order, are its %1, %2, ... arguments, so a call
//
//	log.Info("released", "msgid", "DHCP4_RELEASE", "query", q, "address", a)
//
// is the line Kea writes for DHCP4_RELEASE. The logger is the "logger"
// attribute when there is one, else the one Kea uses for the ID's prefix
// (ALLOC_ENGINE_ → alloc-engine, DHCPSRV_ → dhcpsrv, HOOKS_ → hooks, ...),
// else def. A record without a registered ID, or whose attribute count
// does not match the placeholders of the text, is written as ID (or
// NESTOR_LOG) followed by the slog message and its attributes as key=value
// pairs, still in Kea's layout. The "debuglevel" attribute sets the debug
// level of a Debug record (default DbgTrace).
func (m *Manager) Slog(def string) *slog.Logger {
	return slog.New(&slogHandler{m: m, def: def})
}

// DbgTrace is Kea's DBGLVL_TRACE_BASIC (40), the debug level of slog Debug
// records without a "debuglevel" attribute.
const DbgTrace = 40

type slogHandler struct {
	m     *Manager
	def   string
	attrs []slog.Attr
	group string
}

// loggerByPrefix: Kea's logger for the messages of each library.
var loggerByPrefix = []struct{ prefix, logger string }{
	{"ALLOC_ENGINE_", "alloc-engine"},
	{"DHCPSRV_MEMFILE_", "dhcpsrv"},
	{"DHCPSRV_", "dhcpsrv"},
	{"HOSTS_", "hosts"},
	{"HOOKS_", "hooks"},
	{"COMMAND_", "commands"},
	{"EVAL_", "eval"},
	{"RUN_SCRIPT_", "run-script-hooks"},
	{"DHCP4_RELEASE", "leases"},
	{"DHCP4_DECLINE", "leases"},
	{"DHCP4_LEASE_", "leases"},
	{"DHCP6_LEASE_", "leases"},
	{"DHCP6_RELEASE", "leases"},
	{"DHCP6_DECLINE", "leases"},
}

var slogLoggers sync.Map // name → *Logger, per manager (see loggerFor)

type slogKey struct {
	m    *Manager
	name string
}

func (h *slogHandler) loggerFor(name string) *Logger {
	k := slogKey{h.m, name}
	if l, ok := slogLoggers.Load(k); ok {
		return l.(*Logger)
	}
	l, _ := slogLoggers.LoadOrStore(k, h.m.Logger(name))
	return l.(*Logger)
}

func severityOf(l slog.Level) Severity {
	switch {
	case l < slog.LevelInfo:
		return Debug
	case l < slog.LevelWarn:
		return Info
	case l < slog.LevelError:
		return Warn
	default:
		return Error
	}
}

func (h *slogHandler) Enabled(_ context.Context, l slog.Level) bool {
	// The logger is known only with the record (its msgid); the
	// default logger's threshold decides for Debug, which is where the
	// cost of building records matters.
	if l < slog.LevelInfo {
		return h.loggerFor(h.def).DebugEnabled(0) || h.anyDebug()
	}
	return true
}

// anyDebug reports whether any logger may print debug messages: a child
// logger can be at DEBUG while the default one is not.
func (h *slogHandler) anyDebug() bool {
	for _, p := range loggerByPrefix {
		if h.loggerFor(p.logger).DebugEnabled(0) {
			return true
		}
	}
	return false
}

func (h *slogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *slogHandler) WithGroup(name string) slog.Handler {
	c := *h
	if c.group != "" {
		name = c.group + "." + name
	}
	c.group = name
	return &c
}

var placeholder = regexp.MustCompile(`%[1-9][0-9]*`)

func (h *slogHandler) Handle(_ context.Context, r slog.Record) error {
	var id, logger string
	level := DbgTrace
	var args []slog.Attr
	add := func(a slog.Attr) bool {
		switch a.Key {
		case "msgid":
			id = a.Value.String()
		case "logger":
			logger = a.Value.String()
		case "debuglevel":
			if a.Value.Kind() == slog.KindInt64 {
				level = int(a.Value.Int64())
			}
		default:
			args = append(args, a)
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	if logger == "" {
		logger = h.def
		for _, p := range loggerByPrefix {
			if strings.HasPrefix(id, p.prefix) {
				logger = p.logger
				break
			}
		}
	}
	l := h.loggerFor(logger)
	sev := severityOf(r.Level)
	msg := LookupMessage(id)
	if msg != nil && maxPlaceholder(msg.Text) == len(args) {
		vals := make([]any, len(args))
		for i, a := range args {
			vals[i] = a.Value.Resolve().Any()
		}
		l.Log(sev, level, msg, vals...)
		return nil
	}
	// No Kea text for these attributes: the slog message and key=value.
	if id == "" {
		id = "NESTOR_LOG"
	}
	var b strings.Builder
	b.WriteString(r.Message)
	for _, a := range args {
		k := a.Key
		if h.group != "" {
			k = h.group + "." + k
		}
		fmt.Fprintf(&b, " %s=%v", k, a.Value.Resolve().Any())
	}
	l.Log(sev, level, rawMessage(id), b.String())
	return nil
}

func maxPlaceholder(text string) int {
	n := 0
	for _, p := range placeholder.FindAllString(text, -1) {
		var v int
		fmt.Sscanf(p[1:], "%d", &v)
		n = max(n, v)
	}
	return n
}

var rawMessages sync.Map // id → *Message with the text "%1"

// rawMessage is a message with the ID whose text is its one argument.
func rawMessage(id string) *Message {
	if m, ok := rawMessages.Load(id); ok {
		return m.(*Message)
	}
	m := &Message{ID: id, Text: "%1", full: id + " %1"}
	v, _ := rawMessages.LoadOrStore(id, m)
	return v.(*Message)
}

// LogLine logs a line already formatted as "MSG_ID text" (the form the
// lease back ends' Logf callbacks produce) at severity s, or at the
// severity Kea gives the ID when s is None (lineSeverities, else WARN for
// the IDs that contain _WARN, ERROR for the ones that end in _FAIL or
// _ERROR, else INFO).
func (l *Logger) LogLine(s Severity, line string) {
	id, text, _ := strings.Cut(line, " ")
	if s == None {
		s = lineSeverity(id)
	}
	l.Log(s, DbgTrace, rawMessage(id), text)
}

// lineSeverities are the severities Kea logs these IDs with.
var lineSeverities = map[string]Severity{
	"DHCPSRV_LEASE_SANITY_FAIL":                Warn,
	"DHCPSRV_LEASE_SANITY_FAIL_DISCARD":        Info,
	"DHCPSRV_LEASE_SANITY_FIXED":               Info,
	"DHCPSRV_LEASE4_EXTENDED_INFO_SANITY_FAIL": Error,
	"DHCPSRV_LEASE6_EXTENDED_INFO_SANITY_FAIL": Error,
	"DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR":     Warn,
	"DHCPSRV_MEMFILE_NEEDS_CONVERSION":         Warn,
	"DHCPSRV_MEMFILE_LFC_START_FAIL":           Error,
}

func lineSeverity(id string) Severity {
	if s, ok := lineSeverities[id]; ok {
		return s
	}
	switch {
	case strings.Contains(id, "_WARN"):
		return Warn
	case strings.HasSuffix(id, "_FAIL") || strings.HasSuffix(id, "_ERROR"):
		return Error
	}
	return Info
}
