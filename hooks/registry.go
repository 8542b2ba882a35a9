package hooks

import (
	"fmt"
	"strings"
	"sync"
)

// Point is a hook point: a small index into the global registry of hook
// names, as Kea's ServerHooks index. Points are registered once, at package
// initialisation, and never deregistered.
type Point int32

// The framework's own hook points, pre-registered with Kea's indexes.
const (
	// ContextCreate is called when a CalloutHandle is created (for a
	// packet: the first time the server needs one), before any other hook
	// point sees it. Arguments: none; use the per-library context. The
	// status is ignored.
	ContextCreate Point = 0
	// ContextDestroy is called when a CalloutHandle is released, after
	// all other hook points; the context is wiped right after. Arguments:
	// none. The status is ignored.
	ContextDestroy Point = 1
)

// registry holds every hook name. Reads on the packet path never touch it:
// callout lists are indexed by Point in the Manager's collection.
var registry = struct {
	mu     sync.RWMutex
	names  []string
	byName map[string]Point
}{
	names:  []string{"context_create", "context_destroy"},
	byName: map[string]Point{"context_create": ContextCreate, "context_destroy": ContextDestroy},
}

// Register adds a hook point and returns its index. It is meant to be called
// from package-level variable initialisers or init functions of the servers:
// a duplicate or empty name is a programming error and panics (Kea throws
// DuplicateHook at static-initialisation time).
func Register(name string) Point {
	if name == "" {
		panic("hooks: Register with an empty hook name")
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if _, dup := registry.byName[name]; dup {
		panic(fmt.Sprintf("hooks: duplicate hook point %q", name))
	}
	return registerLocked(name)
}

func registerLocked(name string) Point {
	p := Point(len(registry.names))
	registry.names = append(registry.names, name)
	registry.byName[name] = p
	return p
}

// LookupPoint returns the hook point registered under name.
func LookupPoint(name string) (Point, bool) {
	registry.mu.RLock()
	p, ok := registry.byName[name]
	registry.mu.RUnlock()
	return p, ok
}

// commandPoint returns the hook point "$cmd" of a command, registering it on
// demand as Kea's registerCommandCallout does.
func commandPoint(cmd string) Point {
	name := CommandToHookName(cmd)
	if p, ok := LookupPoint(name); ok {
		return p
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if p, ok := registry.byName[name]; ok {
		return p
	}
	return registerLocked(name)
}

// Name returns the hook name of p ("pkt4_receive", "$lease4_get", ...).
func (p Point) Name() string {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	if p < 0 || int(p) >= len(registry.names) {
		return fmt.Sprintf("Point(%d)", int32(p))
	}
	return registry.names[p]
}

// String returns the hook name.
func (p Point) String() string { return p.Name() }

// PointNames returns every registered hook name in index order.
func PointNames() []string {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	return append([]string(nil), registry.names...)
}

func numPoints() int {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	return len(registry.names)
}

// CommandToHookName maps a control command to the name of its hook point:
// "$" followed by the command with each '-' replaced by '_'
// ("lease4-get" -> "$lease4_get"), as Kea's ServerHooks::commandToHookName.
func CommandToHookName(cmd string) string {
	return "$" + strings.ReplaceAll(cmd, "-", "_")
}

// HookToCommandName is the reverse of CommandToHookName. It returns "" when
// hook is not a command hook (does not start with '$').
func HookToCommandName(hook string) string {
	if len(hook) < 2 || hook[0] != '$' {
		return ""
	}
	return strings.ReplaceAll(hook[1:], "_", "-")
}
