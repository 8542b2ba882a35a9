package hooks

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
)

// Callout is a function attached to a hook point (or a command handler). It
// reads and writes the handle's arguments, status and context. Returning a
// non-nil error is Kea's "callout threw": it is logged
// (HOOKS_CALLOUT_EXCEPTION) and forces the status to Drop, and the remaining
// callouts still run. A panic in a callout is recovered and treated the same
// way. A callout that merely wants the server to drop the packet sets Drop
// and returns nil.
type Callout func(h *CalloutHandle) error

// Errors returned by the argument and context accessors.
var (
	ErrNoSuchArgument = errors.New("no such argument")
	ErrNoSuchContext  = errors.New("no such callout context item")
	// ErrWrongType: the requested Go type is not exactly the stored one
	// (Kea requires an exact match).
	ErrWrongType = errors.New("wrong type")
)

// noLibrary is the current library outside any callout.
const noLibrary = -1

type value struct {
	name string
	typ  reflect.Type
	val  any
}

type ctxValue struct {
	lib int
	value
}

// CalloutHandle carries what the server and the callouts of one request
// share: named arguments (set per hook point), the next-step status, and a
// per-library context that lives as long as the handle. A packet has one
// handle for its whole life (see CalloutHandleAssociate), parked time
// included; commands, srv_configured calls and reclamation get a fresh one.
//
// A handle is used by one goroutine at a time. Handles are pooled: do not
// keep one after Release.
type CalloutHandle struct {
	m      *Manager
	coll   *collection // set while callouts run
	args   []value
	ctx    []ctxValue
	status NextStep
	gen    uint64 // load generation the context belongs to
	lib    int    // current library index, noLibrary outside callouts
	point  Point  // current hook point, -1 outside callouts
}

// Manager returns the manager the handle belongs to.
func (h *CalloutHandle) Manager() *Manager { return h.m }

// Status returns the next-step status.
func (h *CalloutHandle) Status() NextStep { return h.status }

// SetStatus sets the next-step status. Libraries should not turn Skip or Drop
// set by an earlier callout back into Continue.
func (h *CalloutHandle) SetStatus(s NextStep) { h.status = s }

// SetSkip is Kea's deprecated setSkip: true sets Skip, false Continue.
func (h *CalloutHandle) SetSkip(skip bool) {
	if skip {
		h.status = Skip
	} else {
		h.status = Continue
	}
}

// Skip is Kea's deprecated getSkip: whether the status is Skip.
func (h *CalloutHandle) Skip() bool { return h.status == Skip }

// CurrentLibrary returns the index of the library whose callout is running
// (1..N in configuration order; 0 for the server's pre-callouts and
// PostCalloutsIndex for its post-callouts), or -1 outside callouts.
func (h *CalloutHandle) CurrentLibrary() int { return h.lib }

// CurrentHook returns the hook point being called, or -1 outside callouts.
func (h *CalloutHandle) CurrentHook() Point { return h.point }

// HookName returns the name of the hook point being called, or "" outside
// callouts.
func (h *CalloutHandle) HookName() string {
	if h.point < 0 {
		return ""
	}
	return h.point.Name()
}

// LibraryHandle returns the handle of the library whose callout is running,
// so a callout can register or deregister callouts (Kea's
// getLibraryHandle). It is nil outside callouts.
func (h *CalloutHandle) LibraryHandle() *LibraryHandle {
	if h.coll == nil || h.lib == noLibrary {
		return nil
	}
	return h.coll.handle(h.lib)
}

// ParkingLot returns the parking lot of the hook point being called, through
// which a callout references the parked packet before returning with Park
// (Kea's getParkingLotHandlePtr). ok is false outside callouts.
func (h *CalloutHandle) ParkingLot() (lot ParkingLotHandle, ok bool) {
	if h.point < 0 || h.m == nil {
		return ParkingLotHandle{}, false
	}
	return ParkingLotHandle{h.m.ParkingLot(h.point)}, true
}

// Set sets argument name to v, replacing any previous value. The argument
// remembers T: Get must ask for exactly T.
func Set[T any](h *CalloutHandle, name string, v T) {
	typ := reflect.TypeFor[T]()
	for i := range h.args {
		if h.args[i].name == name {
			h.args[i].typ, h.args[i].val = typ, v
			return
		}
	}
	h.args = append(h.args, value{name: name, typ: typ, val: v})
}

// Get returns argument name. It fails with ErrNoSuchArgument when the
// argument is not set and with ErrWrongType when it was set with another
// type than T (exact match, as Kea's getArgument).
func Get[T any](h *CalloutHandle, name string) (T, error) {
	for i := range h.args {
		if h.args[i].name == name {
			return typed[T](&h.args[i], "argument")
		}
	}
	var zero T
	return zero, fmt.Errorf("%w: %s", ErrNoSuchArgument, name)
}

// MustGet is Get for arguments the hook point's contract guarantees. It
// panics on error; Manager.Call recovers the panic and forces Drop.
func MustGet[T any](h *CalloutHandle, name string) T {
	v, err := Get[T](h, name)
	if err != nil {
		panic(err)
	}
	return v
}

func typed[T any](v *value, what string) (T, error) {
	var zero T
	if want := reflect.TypeFor[T](); v.typ != want {
		return zero, fmt.Errorf("%w: %s %q is %v, not %v", ErrWrongType, what, v.name, v.typ, want)
	}
	if v.val == nil {
		return zero, nil
	}
	return v.val.(T), nil
}

// ArgumentNames returns the names of the arguments set, in the order they
// were first set.
func (h *CalloutHandle) ArgumentNames() []string {
	names := make([]string, len(h.args))
	for i := range h.args {
		names[i] = h.args[i].name
	}
	return names
}

// ArgumentValue returns argument name untyped, with the Go type it was set
// with (for tools that inspect every argument of a hook point); ok is false
// when it is not set. Callouts use Get.
func (h *CalloutHandle) ArgumentValue(name string) (v any, t reflect.Type, ok bool) {
	for i := range h.args {
		if h.args[i].name == name {
			return h.args[i].val, h.args[i].typ, true
		}
	}
	return nil, nil, false
}

// DeleteArgument removes argument name, if set.
func (h *CalloutHandle) DeleteArgument(name string) {
	for i := range h.args {
		if h.args[i].name == name {
			h.args = slices.Delete(h.args, i, i+1)
			return
		}
	}
}

// DeleteAllArguments removes every argument.
func (h *CalloutHandle) DeleteAllArguments() {
	clear(h.args)
	h.args = h.args[:0]
}

// SetContext sets a context item of the current library. Context is private
// to each library and survives from one hook point to the next until the
// handle is released. GetContext must ask for exactly T.
func SetContext[T any](h *CalloutHandle, name string, v T) {
	typ := reflect.TypeFor[T]()
	for i := range h.ctx {
		if c := &h.ctx[i]; c.lib == h.lib && c.name == name {
			c.typ, c.val = typ, v
			return
		}
	}
	h.ctx = append(h.ctx, ctxValue{lib: h.lib, value: value{name: name, typ: typ, val: v}})
}

// GetContext returns a context item of the current library; ErrNoSuchContext
// when it is not set, ErrWrongType when T is not exactly its type.
func GetContext[T any](h *CalloutHandle, name string) (T, error) {
	v, ok, err := GetOptionalContext[T](h, name)
	if err == nil && !ok {
		err = fmt.Errorf("%w: %s", ErrNoSuchContext, name)
	}
	return v, err
}

// GetOptionalContext is GetContext that reports a missing item with ok false
// instead of an error (Kea's getOptionalContext).
func GetOptionalContext[T any](h *CalloutHandle, name string) (v T, ok bool, err error) {
	for i := range h.ctx {
		if c := &h.ctx[i]; c.lib == h.lib && c.name == name {
			v, err = typed[T](&c.value, "context item")
			return v, err == nil, err
		}
	}
	return v, false, nil
}

// ContextNames returns the names of the current library's context items.
func (h *CalloutHandle) ContextNames() []string {
	var names []string
	for i := range h.ctx {
		if h.ctx[i].lib == h.lib {
			names = append(names, h.ctx[i].name)
		}
	}
	return names
}

// DeleteContext removes a context item of the current library.
func (h *CalloutHandle) DeleteContext(name string) {
	for i := range h.ctx {
		if h.ctx[i].lib == h.lib && h.ctx[i].name == name {
			h.ctx = slices.Delete(h.ctx, i, i+1)
			return
		}
	}
}

// DeleteAllContext removes every context item of the current library.
func (h *CalloutHandle) DeleteAllContext() {
	h.ctx = slices.DeleteFunc(h.ctx, func(c ctxValue) bool { return c.lib == h.lib })
}

func (h *CalloutHandle) wipeContext() {
	clear(h.ctx)
	h.ctx = h.ctx[:0]
}

// ScopedState clears the arguments and resets the status to Continue, and
// returns a value whose Close does the same again: Kea's
// ScopedCalloutHandleState, for use around each packet hook point:
//
//	defer h.ScopedState().Close()
//
// The context survives. When the callouts park the packet, do not Close on
// return: the unpark callback needs the arguments (lease4_offer's
// offer_address_in_use) and closes the state itself.
func (h *CalloutHandle) ScopedState() ScopedState {
	h.DeleteAllArguments()
	h.status = Continue
	return ScopedState{h}
}

// ScopedState is returned by CalloutHandle.ScopedState.
type ScopedState struct{ h *CalloutHandle }

// Close clears the arguments and resets the status.
func (s ScopedState) Close() {
	s.h.DeleteAllArguments()
	s.h.status = Continue
}

// AcquireHandle returns a fresh CalloutHandle from the pool and runs the
// context_create callouts on it (with no arguments; arguments and status are
// cleared afterwards). Release it when the request is done.
func (m *Manager) AcquireHandle() *CalloutHandle {
	h := m.pool.Get().(*CalloutHandle)
	h.m = m
	c := m.cur.Load()
	h.gen = c.gen
	if len(c.callouts) > int(ContextCreate) && len(c.callouts[ContextCreate]) > 0 {
		m.run(c, ContextCreate, c.callouts[ContextCreate], h)
		h.DeleteAllArguments()
		h.status = Continue
	}
	return h
}

// Release runs the context_destroy callouts, then wipes the arguments and
// the context and returns the handle to the pool. Releasing twice is a
// no-op; using the handle after Release is a bug.
func (h *CalloutHandle) Release() {
	m := h.m
	if m == nil {
		return
	}
	c := m.cur.Load()
	if len(c.callouts) > int(ContextDestroy) && len(c.callouts[ContextDestroy]) > 0 {
		if h.gen != c.gen {
			h.wipeContext()
			h.gen = c.gen
		}
		h.status = Continue
		m.run(c, ContextDestroy, c.callouts[ContextDestroy], h)
	}
	h.DeleteAllArguments()
	h.wipeContext()
	h.status = Continue
	h.m, h.coll = nil, nil
	m.pool.Put(h)
}

func newHandle() any { return &CalloutHandle{lib: noLibrary, point: -1} }

// CalloutHandleAssociate is embedded in a server's packet to give it one
// CalloutHandle for its whole life, created on first use (so a packet that
// meets no callouts never has one) — Kea's CalloutHandleAssociate.
type CalloutHandleAssociate struct {
	h *CalloutHandle
}

// CalloutHandle returns the packet's handle, acquiring it (and running
// context_create) on first use.
func (a *CalloutHandleAssociate) CalloutHandle(m *Manager) *CalloutHandle {
	if a.h == nil {
		a.h = m.AcquireHandle()
	}
	return a.h
}

// HasCalloutHandle reports whether the packet has a handle.
func (a *CalloutHandleAssociate) HasCalloutHandle() bool { return a.h != nil }

// ResetCalloutHandle releases the packet's handle, if any (running
// context_destroy). Call it when the packet is done, including after a
// parked packet is unparked and answered, or dropped.
func (a *CalloutHandleAssociate) ResetCalloutHandle() {
	if a.h != nil {
		a.h.Release()
		a.h = nil
	}
}
