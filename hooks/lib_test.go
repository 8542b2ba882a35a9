package hooks

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
)

// The test libraries: each registered name runs the script the running test
// installed for it with setScripts.

type script struct {
	load     func(h *LibraryHandle) error
	unload   func() error
	validate func(p Parameters) error
}

var (
	scriptsMu sync.Mutex
	scripts   = map[string]script{}
	events    []string
)

func record(format string, args ...any) {
	scriptsMu.Lock()
	events = append(events, fmt.Sprintf(format, args...))
	scriptsMu.Unlock()
}

func takeEvents() []string {
	scriptsMu.Lock()
	defer scriptsMu.Unlock()
	e := events
	events = nil
	return e
}

// setScripts installs scripts for the test and clears the event log.
func setScripts(t *testing.T, s map[string]script) {
	t.Helper()
	scriptsMu.Lock()
	scripts = s
	events = nil
	scriptsMu.Unlock()
	t.Cleanup(func() {
		scriptsMu.Lock()
		scripts = map[string]script{}
		events = nil
		scriptsMu.Unlock()
	})
}

type baseLib struct {
	name string
	id   int
}

var instances struct {
	sync.Mutex
	n int
}

func newBase(name string) baseLib {
	instances.Lock()
	instances.n++
	id := instances.n
	instances.Unlock()
	return baseLib{name: name, id: id}
}

func (l *baseLib) Load(h *LibraryHandle) error {
	record("load %s", l.name)
	scriptsMu.Lock()
	s := scripts[l.name]
	scriptsMu.Unlock()
	if s.load != nil {
		return s.load(h)
	}
	return nil
}

func (l *baseLib) Unload() error {
	record("unload %s", l.name)
	scriptsMu.Lock()
	s := scripts[l.name]
	scriptsMu.Unlock()
	if s.unload != nil {
		return s.unload()
	}
	return nil
}

// mtLib is compatible with multi-threading; nomtLib is not (it lacks the
// method, as a Kea library without multi_threading_compatible()).
type mtLib struct{ baseLib }

func (mtLib) MultiThreadingCompatible() bool { return true }

type nomtLib struct{ baseLib }

type mtFalseLib struct{ baseLib }

func (mtFalseLib) MultiThreadingCompatible() bool { return false }

type v4OnlyLib struct{ mtLib }

func (v4OnlyLib) Daemons() []string { return []string{"kea-dhcp4"} }

type validatingLib struct{ mtLib }

func (l *validatingLib) ValidateParameters(p Parameters) error {
	scriptsMu.Lock()
	s := scripts[l.name]
	scriptsMu.Unlock()
	record("validate %s", l.name)
	if s.validate != nil {
		return s.validate(p)
	}
	return nil
}

func init() {
	for _, n := range []string{"libtest_a.so", "libtest_b.so", "libtest_c.so"} {
		RegisterLibrary(n, func() Library { return &mtLib{newBase(n)} })
	}
	RegisterLibrary("libtest_nomt.so", func() Library { return &nomtLib{newBase("libtest_nomt.so")} })
	RegisterLibrary("libtest_mtfalse.so", func() Library { return &mtFalseLib{newBase("libtest_mtfalse.so")} })
	RegisterLibrary("libtest_v4only.so", func() Library { return &v4OnlyLib{mtLib{newBase("libtest_v4only.so")}} })
	RegisterLibrary("libtest_validate.so", func() Library { return &validatingLib{mtLib{newBase("libtest_validate.so")}} })
}

// Hook points used only by the tests.
var (
	testHookA = Register("test_hook_a")
	testHookB = Register("test_hook_b")
)

func quietManager(t *testing.T) *Manager {
	t.Helper()
	m := NewManager(Options{ProcName: "kea-dhcp4", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), HooksPath: "/usr/local/lib/kea/hooks"})
	t.Cleanup(m.UnloadLibraries)
	return m
}

func libs(names ...string) []LibraryConfig {
	out := make([]LibraryConfig, len(names))
	for i, n := range names {
		out[i] = LibraryConfig{Library: n}
	}
	return out
}

func mustLoad(t *testing.T, m *Manager, cfgs []LibraryConfig) {
	t.Helper()
	if err := m.LoadLibraries(cfgs, true); err != nil {
		var le *LoadError
		if errors.As(err, &le) {
			t.Fatalf("LoadLibraries: %v: %v", err, le.Err)
		}
		t.Fatalf("LoadLibraries: %v", err)
	}
}

// tag returns a callout that records "<tag>" when called.
func tag(s string) Callout {
	return func(h *CalloutHandle) error {
		record("%s", s)
		return nil
	}
}

func eventsEqual(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("events:\n got %q\nwant %q", got, want)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
