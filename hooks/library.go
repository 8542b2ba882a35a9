package hooks

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// Library is a hook library compiled into Nestor. A fresh value is made by
// the library's factory each time the configuration loads it, so a reload
// starts from a clean state as a dlopen would.
//
// Load is Kea's load(): it reads the parameters and registers every callout
// and command handler through the LibraryHandle (there is no symbol scan in
// Go, so standard-named callouts are registered here too). A non-nil error
// fails the load: the framework then calls Unload, drops the library's
// callouts and rejects the whole configuration.
//
// Unload is Kea's unload(): it must release every reference the library
// holds to server objects (packets, leases, goroutines, timers). Its error
// is logged and otherwise ignored.
//
// Load and Unload run on the server's main goroutine, never concurrently
// with each other.
type Library interface {
	Load(h *LibraryHandle) error
	Unload() error
}

// MultiThreadingCompatible is implemented by a library whose callouts may run
// concurrently on several packet goroutines. A library that does not
// implement it, or returns false, is not compatible, as in Kea (a missing
// multi_threading_compatible() counts as 0); loading it while the server's
// multi-threading is enabled fails.
type MultiThreadingCompatible interface {
	MultiThreadingCompatible() bool
}

// DaemonRestricted is implemented by a library that works only in some
// daemons. Daemons returns Kea's process names ("kea-dhcp4", "kea-dhcp6",
// "kea-dhcp-ddns"); loading it in another daemon fails. (Kea's libraries
// check Daemon::getProcName() in load(); this does the same before Load.)
type DaemonRestricted interface {
	Daemons() []string
}

// ParametersValidator is implemented by a library that can check its
// parameters without loading. Manager.Verify calls it, so config-test and
// config-set reject bad parameters while the previous configuration keeps
// serving, before the point where libraries are unloaded.
type ParametersValidator interface {
	ValidateParameters(p Parameters) error
}

var libraries = struct {
	mu sync.RWMutex
	m  map[string]func() Library
}{m: map[string]func() Library{}}

// RegisterLibrary makes a library available under Kea's file name (the base
// name of the configured "library" path, e.g. "libdhcp_lease_cmds.so"). Call
// it from an init function, as database/sql drivers do. An empty name, a name
// with a '/', a nil factory or a duplicate name is a programming error and
// panics.
func RegisterLibrary(name string, factory func() Library) {
	if name == "" || strings.ContainsRune(name, '/') || name == "." || name == ".." {
		panic(fmt.Sprintf("hooks: RegisterLibrary with invalid name %q", name))
	}
	if factory == nil {
		panic("hooks: RegisterLibrary with a nil factory for " + name)
	}
	libraries.mu.Lock()
	defer libraries.mu.Unlock()
	if _, dup := libraries.m[name]; dup {
		panic("hooks: RegisterLibrary called twice for " + name)
	}
	libraries.m[name] = factory
}

// LibraryNames returns the names of every registered library, sorted.
func LibraryNames() []string {
	libraries.mu.RLock()
	defer libraries.mu.RUnlock()
	names := make([]string, 0, len(libraries.m))
	for n := range libraries.m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func libraryFactory(name string) (func() Library, bool) {
	libraries.mu.RLock()
	defer libraries.mu.RUnlock()
	f, ok := libraries.m[name]
	return f, ok
}

// DefaultHooksPath is the hooks directory when KEA_HOOKS_PATH is not set:
// ISC Kea's default for a source install. It only matters for bare names and
// in strict path mode; the libraries themselves are compiled in.
const DefaultHooksPath = "/usr/local/lib/kea/hooks"

// HooksPathFromEnv returns KEA_HOOKS_PATH, or DefaultHooksPath when unset,
// without a trailing slash.
func HooksPathFromEnv() string {
	p := os.Getenv("KEA_HOOKS_PATH")
	if p == "" {
		p = DefaultHooksPath
	}
	return trimTrailingSlash(p)
}

func trimTrailingSlash(p string) string {
	for len(p) > 1 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}

// Resolution is the outcome of resolving a configured "library" string.
type Resolution struct {
	// Name is the registered library name (the file name).
	Name string
	// Path is where Kea would open the file: <hooks dir>/<file name> in
	// strict mode and for bare names, the configured path otherwise.
	Path string
	// OutsideHooksPath is true when the configured directory is not the
	// hooks directory (Kea's HOOKS_LIBPATH_SECURITY_WARNING under -X).
	OutsideHooksPath bool
}

// ResolveLibrary maps a configured "library" string to a registered library,
// following Kea's hooks-path rules (2.7.9 and later) in one of two modes.
//
// Lenient mode (strict false, Nestor's default): any directory is accepted,
// because operators' configurations carry the Debian
// (/usr/lib/x86_64-linux-gnu/kea/hooks/...) or ISC (/usr/local/lib/kea/hooks/...)
// absolute paths that Kea before 2.7.9 required; this is Kea's behaviour
// under -X. Strict mode is Kea's default since 2.7.9: a path whose directory
// is not hooksPath (or is "/") is rejected with "invalid path specified:
// '<dir>', supported path is '<hooks dir>'". In both modes a bare name
// resolves to <hooksPath>/<name>; an empty name, ".", ".." or a path ending
// in '/' has no file name and is an error; and the file name must be a
// registered library, otherwise the error lists the available ones. No file
// is opened.
func ResolveLibrary(library, hooksPath string, strict bool) (Resolution, error) {
	p := strings.TrimSpace(library)
	hooksPath = trimTrailingSlash(hooksPath)
	file, dir, hasDir := p, "", false
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		file, dir, hasDir = p[i+1:], p[:i], true
		if dir == "" {
			dir = "/"
		}
	}
	if file == "" || file == "." || file == ".." {
		return Resolution{}, fmt.Errorf("path: '%s' has no filename", p)
	}
	r := Resolution{Name: file, Path: hooksPath + "/" + file}
	if hasDir && (trimTrailingSlash(dir) != hooksPath || dir == "/") {
		if strict {
			return Resolution{}, fmt.Errorf("invalid path specified: '%s', supported path is '%s'", dir, hooksPath)
		}
		r.OutsideHooksPath = true
		r.Path = p
	}
	if _, ok := libraryFactory(file); !ok {
		avail := LibraryNames()
		list := "none"
		if len(avail) > 0 {
			list = strings.Join(avail, ", ")
		}
		return Resolution{}, fmt.Errorf("hooks library '%s' is not available: no library named '%s' is built into this binary; available libraries: %s", p, file, list)
	}
	return r, nil
}
