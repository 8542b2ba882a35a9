package hooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PostCalloutsIndex is the library index of the server's post-callouts,
// which run after every library's callouts (Kea uses INT_MAX).
const PostCalloutsIndex = math.MaxInt32

// Options configure a Manager.
type Options struct {
	// ProcName is Kea's process name of the daemon ("kea-dhcp4",
	// "kea-dhcp6", "kea-dhcp-ddns"), checked against DaemonRestricted
	// libraries and shown to libraries by LibraryHandle.ProcName.
	ProcName string
	// Logger receives the framework's messages, with Kea's message ID in
	// the "msgid" attribute. Nil means slog.Default().
	Logger *slog.Logger
	// HooksPath is the hooks directory; "" means KEA_HOOKS_PATH or
	// DefaultHooksPath.
	HooksPath string
	// StrictPaths applies Kea 2.7.9's path restriction (see
	// ResolveLibrary); false (the default) accepts any directory, as Kea
	// does under -X.
	StrictPaths bool
	// Services is what the daemon offers its libraries (its lease store,
	// configuration, statistics ...), handed to them by
	// LibraryHandle.Services. Kea's libraries reach these through
	// singletons; a Go library instead asserts Services to the small
	// interface it needs, so it can be tested with a fake.
	Services any
}

type entry struct {
	lib int
	fn  Callout
	pc  uintptr // code pointer, to find the callout again on deregistration
}

// collection is one immutable snapshot of the callouts (Kea's
// LibraryManagerCollection plus CalloutManager). Packet goroutines read the
// current one through an atomic pointer; registrations after the load copy
// it and publish the copy.
type collection struct {
	gen      uint64
	callouts [][]entry // by Point; inner slices are never modified once published
	libs     []*LibraryHandle
	pre      *LibraryHandle
	post     *LibraryHandle
}

func (c *collection) handle(idx int) *LibraryHandle {
	switch {
	case idx == 0:
		return c.pre
	case idx == PostCalloutsIndex:
		return c.post
	case idx >= 1 && idx <= len(c.libs):
		return c.libs[idx-1]
	}
	return nil
}

func (c *collection) clone() *collection {
	d := *c
	d.callouts = slices.Clone(c.callouts)
	d.libs = slices.Clone(c.libs)
	return &d
}

// list returns a copy of the callouts of p, ready to be replaced.
func (c *collection) list(p Point) []entry {
	if int(p) >= len(c.callouts) {
		n := numPoints()
		if n <= int(p) {
			n = int(p) + 1
		}
		c.callouts = append(c.callouts, make([][]entry, n-len(c.callouts))...)
	}
	return slices.Clone(c.callouts[p])
}

type loadedLibrary struct {
	lib    Library
	handle *LibraryHandle
	cfg    LibraryConfig
}

// Manager is the hooks manager of one daemon: the loaded libraries, their
// callouts and command handlers, the parking lots and the callout-handle
// pool. Make one with NewManager; the zero Manager is not usable.
//
// Concurrency: CalloutsPresent, Call, AcquireHandle, Release, Park and the
// command methods may be called from any goroutine. LoadLibraries,
// UnloadLibraries, Verify and CallSrvConfigured are the library lifecycle:
// call them from one goroutine (the server's main loop), and pause packet
// processing around LoadLibraries/UnloadLibraries as Kea does with its
// multi-threading critical section, since a library's Unload may run while
// its callouts are still executing otherwise.
type Manager struct {
	cur       atomic.Pointer[collection]
	mu        sync.Mutex // guards collection changes, gen and staging
	gen       uint64
	staging   *collection
	lifecycle sync.Mutex // serialises load/unload
	loaded    []loadedLibrary
	configs   []LibraryConfig

	pool sync.Pool

	lotsMu      sync.RWMutex
	lots        map[Point]*ParkingLot
	parkedLimit atomic.Int64

	procName  string
	services  any
	hooksPath string
	strict    bool
	log       *slog.Logger
}

// DefaultParkedPacketLimit is Kea's default parked-packet-limit.
const DefaultParkedPacketLimit = 256

// NewManager returns a Manager with no libraries loaded.
func NewManager(o Options) *Manager {
	m := &Manager{
		procName:  o.ProcName,
		services:  o.Services,
		hooksPath: trimTrailingSlash(o.HooksPath),
		strict:    o.StrictPaths,
		log:       o.Logger,
		lots:      map[Point]*ParkingLot{},
	}
	if m.hooksPath == "" {
		m.hooksPath = HooksPathFromEnv()
	}
	if m.log == nil {
		m.log = slog.Default()
	}
	m.pool.New = newHandle
	m.parkedLimit.Store(DefaultParkedPacketLimit)
	m.gen = 1
	m.cur.Store(&collection{gen: m.gen})
	return m
}

// HooksPath returns the hooks directory in use.
func (m *Manager) HooksPath() string { return m.hooksPath }

// ProcName returns the daemon's process name given in Options.
func (m *Manager) ProcName() string { return m.procName }

// CalloutsPresent reports whether any callout is registered on p. Servers
// call it before building a hook point's arguments and skip the hook point
// entirely when it is false; it costs an atomic load and two bounds checks.
func (m *Manager) CalloutsPresent(p Point) bool {
	c := m.cur.Load()
	return uint(p) < uint(len(c.callouts)) && len(c.callouts[p]) > 0
}

// Call resets h's status to Continue and runs every callout registered on p
// in order: by library index (configuration order, the server's
// pre-callouts first and post-callouts last), then in registration order. A
// status set by one callout does not stop the others; the status is only
// what the server reads afterwards. A callout returning an error (or
// panicking) is logged and forces Drop, and the remaining callouts still run.
func (m *Manager) Call(p Point, h *CalloutHandle) {
	h.status = Continue
	c := m.cur.Load()
	if uint(p) < uint(len(c.callouts)) {
		if list := c.callouts[p]; len(list) > 0 {
			m.run(c, p, list, h)
		}
	}
}

func (m *Manager) run(c *collection, p Point, list []entry, h *CalloutHandle) {
	if h.gen != c.gen {
		// The libraries were reloaded since the context was made: the
		// context belonged to library instances that are gone.
		h.wipeContext()
		h.gen = c.gen
	}
	prevColl, prevLib, prevPoint := h.coll, h.lib, h.point
	h.coll, h.point = c, p
	debugOn := m.log.Enabled(context.Background(), slog.LevelDebug)
	var begin time.Time
	if debugOn {
		begin = time.Now()
		m.log.Debug("calling callouts", "msgid", "HOOKS_CALLOUTS_BEGIN", "hook", p.Name(), "callouts", len(list))
	}
	for i := range list {
		e := &list[i]
		h.lib = e.lib
		var start time.Time
		if debugOn {
			start = time.Now()
		}
		if err := invoke(e.fn, h); err != nil {
			h.status = Drop
			m.log.Error("callout failed; status forced to DROP", "msgid", "HOOKS_CALLOUT_EXCEPTION",
				"hook", p.Name(), "library_index", e.lib, "library", libName(c, e.lib), "error", err)
		} else if debugOn {
			m.log.Debug("callout returned", "msgid", "HOOKS_CALLOUT_CALLED", "hook", p.Name(),
				"library_index", e.lib, "duration", time.Since(start))
		}
	}
	if debugOn {
		m.log.Debug("callouts completed", "msgid", "HOOKS_CALLOUTS_COMPLETE", "hook", p.Name(),
			"status", h.status.String(), "duration", time.Since(begin))
	}
	h.coll, h.lib, h.point = prevColl, prevLib, prevPoint
}

func libName(c *collection, idx int) string {
	if lh := c.handle(idx); lh != nil {
		return lh.library
	}
	return ""
}

func invoke(fn Callout, h *CalloutHandle) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return fn(h)
}

// modify applies fn to the collection lh belongs to: in place while it is
// being loaded (not yet visible), else on a copy of the current collection
// that is then published.
func (m *Manager) modify(lh *LibraryHandle, fn func(c *collection) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.staging != nil && lh.gen == m.staging.gen {
		return fn(m.staging)
	}
	cur := m.cur.Load()
	if lh.gen != cur.gen {
		return ErrLibraryUnloaded
	}
	c := cur.clone()
	if err := fn(c); err != nil {
		return err
	}
	m.cur.Store(c)
	return nil
}

// PreCalloutsLibraryHandle returns the handle through which the server
// registers its own callouts that run before every library's (index 0).
// They are wiped by every LoadLibraries and must be registered again.
func (m *Manager) PreCalloutsLibraryHandle() *LibraryHandle {
	return m.serverHandle(0)
}

// PostCalloutsLibraryHandle is PreCalloutsLibraryHandle for callouts that
// run after every library's (index PostCalloutsIndex).
func (m *Manager) PostCalloutsLibraryHandle() *LibraryHandle {
	return m.serverHandle(PostCalloutsIndex)
}

func (m *Manager) serverHandle(idx int) *LibraryHandle {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.cur.Load()
	lh := cur.handle(idx)
	if lh != nil {
		return lh
	}
	lh = &LibraryHandle{m: m, index: idx, library: "(server)", gen: cur.gen}
	c := cur.clone()
	if idx == 0 {
		c.pre = lh
	} else {
		c.post = lh
	}
	m.cur.Store(c)
	return lh
}

// ErrLoadFailed is matched (errors.Is) by the error of a failed
// LoadLibraries; its text is Kea's.
//
//lint:ignore ST1005 Kea's exact text
var ErrLoadFailed = errors.New("One or more hook libraries failed to load")

// LoadError is returned by LoadLibraries. Its text is exactly Kea's "One or
// more hook libraries failed to load" (Kea answers it with code 5, fatal);
// Library and Err say which library failed and why, and are logged.
type LoadError struct {
	Library string
	Err     error
}

func (e *LoadError) Error() string   { return ErrLoadFailed.Error() }
func (e *LoadError) Unwrap() []error { return []error{ErrLoadFailed, e.Err} }

// VerifyError is returned by Verify: Kea's "hooks libraries failed to
// validate - library or libraries in error are: a, b" followed by the
// reason for each.
type VerifyError struct {
	Libraries []string
	Errs      []error
}

func (e *VerifyError) Error() string {
	var b strings.Builder
	b.WriteString("hooks libraries failed to validate - library or libraries in error are: ")
	b.WriteString(strings.Join(e.Libraries, ", "))
	b.WriteString(" (")
	for i, err := range e.Errs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	b.WriteString(")")
	return b.String()
}

func (e *VerifyError) Unwrap() []error { return e.Errs }

// open resolves cfg to a fresh library instance and checks it can be loaded
// here: known name, path rules, parameters a map, multi-threading and daemon
// compatibility. Nothing is loaded.
func (m *Manager) open(cfg LibraryConfig, mtEnabled bool) (Library, Resolution, Parameters, error) {
	res, err := ResolveLibrary(cfg.Library, m.hooksPath, m.strict)
	if err != nil {
		return nil, res, Parameters{}, err
	}
	if res.OutsideHooksPath {
		m.log.Debug("library path is outside the hooks directory; accepted (lenient path mode)",
			"msgid", "HOOKS_LIBPATH_SECURITY_WARNING", "library", cfg.Library, "hooks_path", m.hooksPath)
	}
	params, err := ParseParameters(cfg.Parameters)
	if err != nil {
		return nil, res, params, err
	}
	factory, _ := libraryFactory(res.Name)
	lib, err := construct(factory)
	if err != nil {
		return nil, res, params, err
	}
	if mtEnabled {
		if mt, ok := lib.(MultiThreadingCompatible); !ok || !mt.MultiThreadingCompatible() {
			m.log.Error("hooks library is not compatible with multi-threading",
				"msgid", "HOOKS_LIBRARY_MULTI_THREADING_NOT_COMPATIBLE", "library", cfg.Library)
			return nil, res, params, errors.New("library is not compatible with multi-threading (disable multi-threading or remove the library)")
		}
	}
	if dr, ok := lib.(DaemonRestricted); ok && m.procName != "" {
		if ds := dr.Daemons(); !slices.Contains(ds, m.procName) {
			return nil, res, params, fmt.Errorf("library cannot be loaded in %s (it supports %s)", m.procName, strings.Join(ds, ", "))
		}
	}
	return lib, res, params, nil
}

func construct(factory func() Library) (lib Library, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("library constructor panicked: %v", r)
		}
	}()
	if lib = factory(); lib == nil {
		return nil, errors.New("library constructor returned nil")
	}
	return lib, nil
}

// Verify checks a hooks-libraries list without loading anything (Kea's
// verifyLibraries, run while parsing a configuration and by config-test):
// every library must resolve to a registered one, pass the multi-threading
// and daemon checks, and, if it implements ParametersValidator, accept its
// parameters. All failures are reported together.
func (m *Manager) Verify(cfgs []LibraryConfig, mtEnabled bool) error {
	var ve VerifyError
	for _, cfg := range cfgs {
		lib, _, params, err := m.open(cfg, mtEnabled)
		if err == nil {
			if v, ok := lib.(ParametersValidator); ok {
				err = validate(v, params)
			}
		}
		if err != nil {
			ve.Libraries = append(ve.Libraries, cfg.Library)
			ve.Errs = append(ve.Errs, fmt.Errorf("%s: %w", cfg.Library, err))
		}
	}
	if len(ve.Libraries) > 0 {
		return &ve
	}
	return nil
}

func validate(v ParametersValidator, p Parameters) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parameter validation panicked: %v", r)
		}
	}()
	return v.ValidateParameters(p)
}

// LoadLibraries replaces the loaded libraries by cfgs (Kea's commit step,
// done at startup and on every config-set/config-reload even when the list
// did not change). The current libraries are unloaded first, in reverse
// order, and every parking lot is cleared; then each library of cfgs is
// made, checked as Verify does, and loaded in order with index 1..N.
//
// All or nothing: if any library fails, every library loaded in this pass
// is unloaded (a library whose Load failed gets Unload too) in reverse
// order, no library remains loaded, and the error is a *LoadError whose text
// is Kea's "One or more hook libraries failed to load". The previous
// libraries are gone by then, as in Kea: run Verify first to reject a bad
// list while the old one still serves.
//
// mtEnabled is the server's multi-threading setting: libraries that are not
// MultiThreadingCompatible fail when it is true.
func (m *Manager) LoadLibraries(cfgs []LibraryConfig, mtEnabled bool) error {
	m.lifecycle.Lock()
	defer m.lifecycle.Unlock()
	m.unloadLocked()
	if len(cfgs) == 0 {
		return nil
	}

	m.mu.Lock()
	m.gen++
	staging := &collection{gen: m.gen, callouts: make([][]entry, numPoints())}
	m.staging = staging
	m.mu.Unlock()

	var loaded []loadedLibrary
	var failure *LoadError
	for i, cfg := range cfgs {
		lib, res, params, err := m.open(cfg, mtEnabled)
		if err != nil {
			m.log.Error("failed to open hooks library", "msgid", "HOOKS_OPEN_ERROR", "library", cfg.Library, "error", err)
			failure = &LoadError{Library: cfg.Library, Err: fmt.Errorf("%s: %w", cfg.Library, err)}
			break
		}
		lh := &LibraryHandle{m: m, index: i + 1, library: cfg.Library, name: res.Name, params: params, gen: staging.gen}
		m.mu.Lock()
		staging.libs = append(staging.libs, lh)
		m.mu.Unlock()
		m.log.Debug("loading hooks library", "msgid", "HOOKS_LIBRARY_LOADING", "library", cfg.Library)
		if err := safeLoad(lib, lh); err != nil {
			m.log.Error("hooks library 'load' failed", "msgid", "HOOKS_LOAD_ERROR", "library", cfg.Library, "error", err)
			m.unloadOne(lib, cfg.Library)
			failure = &LoadError{Library: cfg.Library, Err: fmt.Errorf("%s: %w", cfg.Library, err)}
			break
		}
		loaded = append(loaded, loadedLibrary{lib: lib, handle: lh, cfg: cfg})
		m.log.Info("hooks library successfully loaded", "msgid", "HOOKS_LIBRARY_LOADED", "library", cfg.Library)
	}

	m.mu.Lock()
	m.staging = nil
	if failure == nil {
		m.cur.Store(staging)
	} else {
		m.gen++ // staged handles become stale
		m.cur.Store(&collection{gen: m.gen})
	}
	m.mu.Unlock()

	if failure != nil {
		for i := len(loaded) - 1; i >= 0; i-- {
			m.unloadOne(loaded[i].lib, loaded[i].cfg.Library)
		}
		return failure
	}
	m.loaded = loaded
	m.configs = slices.Clone(cfgs)
	return nil
}

func safeLoad(lib Library, lh *LibraryHandle) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("load panicked: %v", r)
		}
	}()
	return lib.Load(lh)
}

func (m *Manager) unloadOne(lib Library, name string) {
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("unload panicked: %v", r)
			}
		}()
		return lib.Unload()
	}()
	if err != nil {
		m.log.Error("hooks library 'unload' failed", "msgid", "HOOKS_UNLOAD_ERROR", "library", name, "error", err)
		return
	}
	m.log.Info("hooks library successfully unloaded", "msgid", "HOOKS_LIBRARY_UNLOADED", "library", name)
}

// UnloadLibraries unloads every library in reverse order, drops all
// callouts (the server's pre- and post-callouts too) and clears the parking
// lots. The server calls it at shutdown.
func (m *Manager) UnloadLibraries() {
	m.lifecycle.Lock()
	defer m.lifecycle.Unlock()
	m.unloadLocked()
}

func (m *Manager) unloadLocked() {
	m.mu.Lock()
	m.gen++
	m.cur.Store(&collection{gen: m.gen})
	m.mu.Unlock()
	for i := len(m.loaded) - 1; i >= 0; i-- {
		m.unloadOne(m.loaded[i].lib, m.loaded[i].cfg.Library)
	}
	m.loaded, m.configs = nil, nil
	m.clearParkingLots()
}

// LoadedLibrary describes a loaded library.
type LoadedLibrary struct {
	Index int
	// Library is the "library" string as configured.
	Library string
	// Name is the registered name it resolved to.
	Name       string
	Parameters Parameters
}

// Libraries returns the loaded libraries in index order.
func (m *Manager) Libraries() []LoadedLibrary {
	m.lifecycle.Lock()
	defer m.lifecycle.Unlock()
	out := make([]LoadedLibrary, len(m.loaded))
	for i, l := range m.loaded {
		out[i] = LoadedLibrary{Index: l.handle.index, Library: l.handle.library, Name: l.handle.name, Parameters: l.handle.params}
	}
	return out
}

// LibraryConfigs returns the list the current libraries were loaded from,
// as configured (for config-get).
func (m *Manager) LibraryConfigs() []LibraryConfig {
	m.lifecycle.Lock()
	defer m.lifecycle.Unlock()
	return slices.Clone(m.configs)
}
