package klog

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// LoggerConfig is one entry of Kea's "loggers" list, as the configuration
// parser produced it.
type LoggerConfig struct {
	Name string
	// Severity is FATAL, ERROR, WARN, INFO, DEBUG or NONE (any case); ""
	// when the entry has none, and then both severity and debuglevel are
	// inherited from the parent logger. An unknown name is taken as INFO
	// (Kea logs LOG_BAD_SEVERITY and does the same).
	Severity string
	// DebugLevel (0-99) applies when Severity is DEBUG.
	DebugLevel    int
	OutputOptions []OutputOption
}

// OutputOption is one entry of "output-options". Fields hold final values:
// Kea's defaults (flush true, maxsize 10240000, maxver 1, pattern "") are
// the parser's job; NewOutputOption returns them.
type OutputOption struct {
	Output  string // stdout, stderr, syslog, syslog:FACILITY or a file name
	Flush   bool
	MaxSize uint64 // files only; 0 never rotates, below MinRotateSize means MinRotateSize
	MaxVer  int    // files only; at least 1
	Pattern string // "" selects Kea's default for the output
}

// NewOutputOption returns an output option with Kea's defaults.
func NewOutputOption(output string) OutputOption {
	return OutputOption{Output: output, Flush: true, MaxSize: 10240000, MaxVer: 1}
}

// Manager owns a hierarchy of loggers rooted at the daemon's name and the
// outputs they write to. Default is the process's manager.
type Manager struct {
	mu      sync.Mutex   // serializes configuration changes
	swap    sync.RWMutex // held for reading while a message is written
	root    string
	loggers map[string]*Logger
	entries []LoggerConfig // in force; nil means the start-up default
	boot    LoggerConfig   // the start-up default (Startup)
	verbose bool
	sinks   []sink
	proc    procInfo
	now     clock
	lockFD  int
	lock    *os.File
	cur     *setup
	stdout  io.Writer
	stderr  io.Writer
}

// Default is the process's manager; its root name is "kea" until the
// daemon calls SetRoot.
var Default = NewManager("kea")

// NewLogger returns the logger named root.suffix of the Default manager
// ("" is the root logger itself).
func NewLogger(suffix string) *Logger { return Default.Logger(suffix) }

// NewManager returns a manager whose root logger logs INFO and above to
// stdout with the default pattern, as Kea does before anything else is
// set.
func NewManager(root string) *Manager {
	host, _ := os.Hostname()
	m := &Manager{
		root:    root,
		loggers: map[string]*Logger{},
		boot:    LoggerConfig{Name: root, Severity: "INFO", OutputOptions: []OutputOption{NewOutputOption(OutputStdout)}},
		proc:    procInfo{pid: os.Getpid(), start: time.Now(), host: shortHost(host), fqdn: host, loc: time.Local},
		now:     time.Now,
		lockFD:  -1,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
	}
	st, err := m.build(nil)
	if err != nil {
		panic(err) // stdout cannot fail to open
	}
	m.install(st)
	return m
}

func shortHost(h string) string {
	name, _, _ := strings.Cut(h, ".")
	return name
}

// Logger returns the logger root.suffix, creating it on first use.
func (m *Manager) Logger(suffix string) *Logger {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.loggers[suffix]; ok {
		return l
	}
	l := &Logger{m: m, suffix: suffix}
	m.swap.Lock()
	l.rt.Store(m.current().resolve(m.fullName(suffix)))
	m.swap.Unlock()
	m.loggers[suffix] = l
	return l
}

// Root returns the root logger's name.
func (m *Manager) Root() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.root
}

// SetRoot names the root logger (the daemon's name, e.g. "kea-dhcp4").
// Every logger is renamed; the configuration in force is re-applied.
func (m *Manager) SetRoot(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.boot.Name == m.root {
		m.boot.Name = name
	}
	m.root = name
	return m.apply(m.entries)
}

func (m *Manager) fullName(suffix string) string {
	if suffix == "" {
		return m.root
	}
	return m.root + "." + suffix
}

// Startup sets the logging used until the configuration is applied, as
// Kea does when a daemon starts: the root logger at INFO, or DEBUG with
// debuglevel 99 when verbose (-d), to the destination named by
// KEA_LOGGER_DESTINATION (stdout, stderr, syslog, syslog:FACILITY, or a
// file, never rotated). Like Kea 2.2 it also honours KEA_LOGGER_SEVERITY
// and KEA_LOGGER_DBGLEVEL, and with KEA_LOCKFILE_DIR (not "none") it
// serializes output with other processes through
// $KEA_LOCKFILE_DIR/logger_lockfile. verbose stays in force for Configure.
func (m *Manager) Startup(verbose bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.verbose = verbose
	boot := LoggerConfig{Name: m.root, Severity: "INFO"}
	if verbose {
		boot.Severity, boot.DebugLevel = "DEBUG", MaxDebugLevel
	}
	if s := os.Getenv("KEA_LOGGER_SEVERITY"); s != "" {
		if _, err := ParseSeverity(s); err == nil {
			boot.Severity = s
		}
	}
	if s := os.Getenv("KEA_LOGGER_DBGLEVEL"); s != "" {
		var d int
		if _, err := fmt.Sscan(s, &d); err == nil {
			boot.DebugLevel = clampDebug(d)
		}
	}
	dest := os.Getenv("KEA_LOGGER_DESTINATION")
	o := OutputOption{Flush: true}
	switch {
	case dest == "" || dest == OutputStdout:
		o.Output = OutputStdout
	case dest == "syslog:":
		fmt.Fprintf(os.Stderr, "**ERROR** value for KEA_LOGGER_DESTINATION of syslog: is invalid, syslog will be used instead\n")
		o.Output = OutputSyslog
	default:
		o.Output = dest
	}
	boot.OutputOptions = []OutputOption{o}
	m.openLockFile(os.Getenv("KEA_LOCKFILE_DIR"))
	m.boot = boot
	return m.apply(nil)
}

func (m *Manager) openLockFile(dir string) {
	if m.lock != nil {
		m.lock.Close()
		m.lock, m.lockFD = nil, -1
	}
	if dir == "" || dir == "none" {
		return
	}
	f, err := os.OpenFile(dir+"/logger_lockfile", os.O_RDWR|os.O_CREATE, 0o660)
	if err != nil {
		return
	}
	m.lock, m.lockFD = f, int(f.Fd())
}

// Configure applies a "loggers" list, replacing the whole previous set-up
// at once. A nil or empty list means Kea's default: the root logger at
// INFO (DEBUG/99 in verbose mode) to stdout. With the verbose flag of
// Startup every entry is forced to DEBUG/99, as Kea's -d does. On error
// nothing changes.
func (m *Manager) Configure(entries []LoggerConfig) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cp := append([]LoggerConfig(nil), entries...)
	if cp == nil {
		cp = []LoggerConfig{}
	}
	return m.apply(cp)
}

// Check validates a "loggers" list without applying it (config-test).
func (m *Manager) Check(entries []LoggerConfig) error {
	_, err := m.plan(entries)
	return err
}

// Flush writes out what outputs with flush=false have buffered.
func (m *Manager) Flush() {
	m.swap.RLock()
	defer m.swap.RUnlock()
	for _, s := range m.sinks {
		s.flush()
	}
}

// Close flushes and closes every output; loggers then discard messages
// until the next Configure or Startup.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.swap.Lock()
	old := m.sinks
	m.sinks = nil
	for _, l := range m.loggers {
		r := *l.rt.Load()
		r.outs = nil
		l.rt.Store(&r)
	}
	m.swap.Unlock()
	var err error
	for _, s := range old {
		if e := s.close(); err == nil {
			err = e
		}
	}
	return err
}

// apply builds the outputs of entries (nil: the start-up default) and
// swaps them in. The caller holds m.mu.
func (m *Manager) apply(entries []LoggerConfig) error {
	st, err := m.build(entries)
	if err != nil {
		return err
	}
	old := m.install(st)
	m.entries = entries
	for _, s := range old {
		s.close()
	}
	return nil
}

func (m *Manager) current() *setup { return m.cur }
