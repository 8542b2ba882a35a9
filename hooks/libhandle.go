package hooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// Errors returned by LibraryHandle registrations.
var (
	// ErrNoSuchHook: the hook name is not registered (Kea's NoSuchHook).
	ErrNoSuchHook = errors.New("no such hook")
	// ErrLibraryUnloaded: the handle belongs to a library instance, or a
	// server pre/post handle, that a later load or unload has replaced.
	ErrLibraryUnloaded = errors.New("library handle no longer loaded")
)

// LibraryHandle is a library's access to the framework, given to Load and
// available in callouts through CalloutHandle.LibraryHandle: its
// parameters, and the registration of its callouts and command handlers.
//
// Registrations made during Load become visible when the whole list has
// loaded. Registrations made later (from a callout or another goroutine)
// take effect at once; they are safe for concurrent use with packet
// processing.
type LibraryHandle struct {
	m       *Manager
	index   int
	library string
	name    string
	params  Parameters
	gen     uint64
}

// Index returns the library's index: 1..N in configuration order, 0 for the
// server's pre-callouts handle, PostCalloutsIndex for its post-callouts one.
func (lh *LibraryHandle) Index() int { return lh.index }

// Library returns the "library" string as configured.
func (lh *LibraryHandle) Library() string { return lh.library }

// Name returns the registered name the library resolved to.
func (lh *LibraryHandle) Name() string { return lh.name }

// ProcName returns the daemon's process name ("kea-dhcp4", ...), for
// libraries that behave differently per daemon.
func (lh *LibraryHandle) ProcName() string { return lh.m.procName }

// Services returns what the daemon offers its libraries (Options.Services),
// or nil. A library asserts it to the interface it needs, for example
//
//	type leaseServices interface{ LeaseStore4() lease.Store4 }
//	svc, ok := h.Services().(leaseServices)
//
// and fails its Load with a clear error when the daemon lacks it.
func (lh *LibraryHandle) Services() any { return lh.m.services }

// Parameters returns the library's "parameters" map (Kea's getParameters).
func (lh *LibraryHandle) Parameters() Parameters { return lh.params }

// Parameter returns one parameter (Kea's getParameter, which returns null
// when absent: here ok is false).
func (lh *LibraryHandle) Parameter(name string) (json.RawMessage, bool) { return lh.params.Get(name) }

// ParameterNames returns the parameter names (Kea's getParameterNames).
func (lh *LibraryHandle) ParameterNames() []string { return lh.params.Names() }

// DecodeParameters decodes the parameters strictly into v; see
// Parameters.Decode.
func (lh *LibraryHandle) DecodeParameters(v any) error { return lh.params.Decode(v) }

// RegisterCallout appends fn to the callouts of hook (a registered hook name
// such as "pkt4_receive", or "context_create"). Callouts of one library run
// in registration order, after those of libraries with a lower index. An
// unknown hook name is ErrNoSuchHook. Hook points of every server are
// registered in every daemon, so a library may register both pkt4_receive
// and pkt6_receive; only the daemon's own are ever called.
func (lh *LibraryHandle) RegisterCallout(hook string, fn Callout) error {
	if fn == nil {
		return fmt.Errorf("hooks: nil callout for hook %s", hook)
	}
	p, ok := LookupPoint(hook)
	if !ok {
		return fmt.Errorf("%w: hook name %s is not recognised", ErrNoSuchHook, hook)
	}
	return lh.register(p, fn)
}

// RegisterCommand registers fn as a handler of the control command cmd,
// creating the "$cmd" hook point on demand (Kea's registerCommandCallout).
// A handler reads the "command" argument (json.RawMessage, the whole command
// as received) and must set "response" (json.RawMessage, usually made with
// CreateAnswer), returning nil even when the command failed; it returns an
// error only when it could not produce a response.
func (lh *LibraryHandle) RegisterCommand(cmd string, fn Callout) error {
	if cmd == "" {
		return errors.New("hooks: empty command name")
	}
	if fn == nil {
		return fmt.Errorf("hooks: nil handler for command %s", cmd)
	}
	return lh.register(commandPoint(cmd), fn)
}

func (lh *LibraryHandle) register(p Point, fn Callout) error {
	e := entry{lib: lh.index, fn: fn, pc: reflect.ValueOf(fn).Pointer()}
	return lh.m.modify(lh, func(c *collection) error {
		list := c.list(p)
		// After the last callout of a library with an index <= ours.
		at := len(list)
		for at > 0 && list[at-1].lib > lh.index {
			at--
		}
		list = append(list, entry{})
		copy(list[at+1:], list[at:])
		list[at] = e
		c.callouts[p] = list
		lh.m.log.Debug("callout registered", "msgid", "HOOKS_CALLOUT_REGISTRATION", "library_index", lh.index, "hook", p.Name())
		return nil
	})
}

// DeregisterCallout removes every registration of fn by this library on
// hook; removed reports whether there was any. Go functions are not
// comparable, so they are compared by code pointer: this is reliable for
// top-level functions and method expressions, not for closures (the compiler
// may or may not give two closures of one literal the same code). To remove
// closures, use DeregisterAllCallouts.
func (lh *LibraryHandle) DeregisterCallout(hook string, fn Callout) (removed bool, err error) {
	p, ok := LookupPoint(hook)
	if !ok {
		return false, fmt.Errorf("%w: hook name %s is not recognised", ErrNoSuchHook, hook)
	}
	if fn == nil {
		return false, nil
	}
	pc := reflect.ValueOf(fn).Pointer()
	return lh.deregister(p, func(e entry) bool { return e.pc == pc })
}

// DeregisterAllCallouts removes every callout this library registered on
// hook; removed reports whether there was any.
func (lh *LibraryHandle) DeregisterAllCallouts(hook string) (removed bool, err error) {
	p, ok := LookupPoint(hook)
	if !ok {
		return false, fmt.Errorf("%w: hook name %s is not recognised", ErrNoSuchHook, hook)
	}
	return lh.deregister(p, func(entry) bool { return true })
}

func (lh *LibraryHandle) deregister(p Point, match func(entry) bool) (bool, error) {
	removed := false
	err := lh.m.modify(lh, func(c *collection) error {
		list := c.list(p)
		n := len(list)
		out := list[:0]
		for _, e := range list {
			if e.lib == lh.index && match(e) {
				continue
			}
			out = append(out, e)
		}
		clear(list[len(out):])
		removed = len(out) != n
		if len(out) == 0 {
			out = nil
		}
		c.callouts[p] = out
		if removed {
			lh.m.log.Debug("callouts removed", "msgid", "HOOKS_CALLOUT_DEREGISTERED", "library_index", lh.index, "hook", p.Name())
		}
		return nil
	})
	return removed, err
}
