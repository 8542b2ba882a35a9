package hooks

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestRegistry(t *testing.T) {
	if ContextCreate.Name() != "context_create" || ContextDestroy.Name() != "context_destroy" {
		t.Fatalf("framework hooks: %q %q", ContextCreate.Name(), ContextDestroy.Name())
	}
	for _, name := range []string{"pkt4_receive", "leases4_committed", "lease6_rebind", "addr6_register", "d2_srv_configured", "select_key", "command_processed", "http_auth"} {
		p, ok := LookupPoint(name)
		if !ok || p.Name() != name {
			t.Errorf("LookupPoint(%q) = %v, %v", name, p, ok)
		}
	}
	if Pkt4Receive.Name() != "pkt4_receive" || Lease4Offer.String() != "lease4_offer" {
		t.Errorf("names: %q %q", Pkt4Receive.Name(), Lease4Offer.String())
	}
	if _, ok := LookupPoint("no_such_hook"); ok {
		t.Error("LookupPoint found an unregistered hook")
	}
	for _, name := range []string{"pkt4_receive", "context_create", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", name)
				}
			}()
			Register(name)
		}()
	}
}

func TestCommandHookNames(t *testing.T) {
	tests := []struct{ cmd, hook string }{
		{"lease4-get", "$lease4_get"},
		{"stat-lease6-get", "$stat_lease6_get"},
		{"status", "$status"},
		{"x", "$x"},
	}
	for _, tt := range tests {
		if got := CommandToHookName(tt.cmd); got != tt.hook {
			t.Errorf("CommandToHookName(%q) = %q, want %q", tt.cmd, got, tt.hook)
		}
		if got := HookToCommandName(tt.hook); got != tt.cmd {
			t.Errorf("HookToCommandName(%q) = %q, want %q", tt.hook, got, tt.cmd)
		}
	}
	for _, h := range []string{"pkt4_receive", "$", ""} {
		if got := HookToCommandName(h); got != "" {
			t.Errorf("HookToCommandName(%q) = %q, want empty", h, got)
		}
	}
}

func TestResolveLibrary(t *testing.T) {
	const hp = "/usr/local/lib/kea/hooks"
	tests := []struct {
		name, lib string
		strict    bool
		want      Resolution
		err       string
	}{
		{"debian path lenient", "/usr/lib/x86_64-linux-gnu/kea/hooks/libtest_a.so", false,
			Resolution{Name: "libtest_a.so", Path: "/usr/lib/x86_64-linux-gnu/kea/hooks/libtest_a.so", OutsideHooksPath: true}, ""},
		{"isc path", "/usr/local/lib/kea/hooks/libtest_a.so", false, Resolution{Name: "libtest_a.so", Path: hp + "/libtest_a.so"}, ""},
		{"isc path strict", "/usr/local/lib/kea/hooks/libtest_a.so", true, Resolution{Name: "libtest_a.so", Path: hp + "/libtest_a.so"}, ""},
		{"bare name", "libtest_b.so", true, Resolution{Name: "libtest_b.so", Path: hp + "/libtest_b.so"}, ""},
		{"blanks trimmed", "  libtest_b.so ", false, Resolution{Name: "libtest_b.so", Path: hp + "/libtest_b.so"}, ""},
		{"relative dir lenient", "hooks/libtest_c.so", false, Resolution{Name: "libtest_c.so", Path: "hooks/libtest_c.so", OutsideHooksPath: true}, ""},
		{"debian path strict", "/usr/lib/x86_64-linux-gnu/kea/hooks/libtest_a.so", true, Resolution{},
			"invalid path specified: '/usr/lib/x86_64-linux-gnu/kea/hooks', supported path is '/usr/local/lib/kea/hooks'"},
		{"root strict", "/libtest_a.so", true, Resolution{}, "invalid path specified: '/', supported path is '/usr/local/lib/kea/hooks'"},
		{"empty", "", false, Resolution{}, "path: '' has no filename"},
		{"dot", ".", false, Resolution{}, "path: '.' has no filename"},
		{"dotdot", "/a/..", false, Resolution{}, "path: '/a/..' has no filename"},
		{"trailing slash", "/usr/local/lib/kea/hooks/", false, Resolution{}, "has no filename"},
		{"unknown", "/usr/lib/kea/hooks/libdhcp_nope.so", false, Resolution{},
			"hooks library '/usr/lib/kea/hooks/libdhcp_nope.so' is not available: no library named 'libdhcp_nope.so' is built into this binary; available libraries: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveLibrary(tt.lib, hp, tt.strict)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestUnknownLibraryListsAvailable(t *testing.T) {
	m := quietManager(t)
	setScripts(t, nil)
	err := m.Verify(libs("libtest_a.so", "/opt/kea/libdhcp_unknown.so"), true)
	if err == nil {
		t.Fatal("Verify accepted an unknown library")
	}
	msg := err.Error()
	for _, want := range []string{
		"hooks libraries failed to validate - library or libraries in error are: /opt/kea/libdhcp_unknown.so",
		"available libraries: ", "libtest_a.so", "libtest_nomt.so", "libtest_validate.so",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	err = m.LoadLibraries(libs("libtest_a.so", "libdhcp_unknown.so"), true)
	if !errors.Is(err, ErrLoadFailed) || err.Error() != "One or more hook libraries failed to load" {
		t.Fatalf("LoadLibraries err = %v", err)
	}
	if !strings.Contains(errors.Unwrap(err.(*LoadError).Err).Error(), "available libraries") {
		t.Errorf("cause %v does not list available libraries", err.(*LoadError).Err)
	}
	eventsEqual(t, takeEvents(), []string{"load libtest_a.so", "unload libtest_a.so"})
}

func TestHooksPathEnv(t *testing.T) {
	t.Setenv("KEA_HOOKS_PATH", "/opt/hooks/")
	m := NewManager(Options{StrictPaths: true})
	if m.HooksPath() != "/opt/hooks" {
		t.Fatalf("HooksPath = %q", m.HooksPath())
	}
	setScripts(t, nil)
	if err := m.Verify(libs("/opt/hooks/libtest_a.so", "libtest_b.so"), true); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if err := m.Verify(libs("/usr/local/lib/kea/hooks/libtest_a.so"), true); err == nil ||
		!strings.Contains(err.Error(), "supported path is '/opt/hooks'") {
		t.Errorf("Verify strict: %v", err)
	}
	t.Setenv("KEA_HOOKS_PATH", "")
	if got := HooksPathFromEnv(); got != DefaultHooksPath {
		t.Errorf("HooksPathFromEnv = %q", got)
	}
}

func TestLoadOrderAndCalloutOrdering(t *testing.T) {
	m := quietManager(t)
	var libA *LibraryHandle
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			libA = h
			if h.Index() != 1 {
				t.Errorf("a index = %d", h.Index())
			}
			return errors.Join(h.RegisterCallout("test_hook_a", tag("a1")), h.RegisterCallout("test_hook_a", tag("a2")))
		}},
		"libtest_b.so": {load: func(h *LibraryHandle) error {
			if h.Index() != 2 {
				t.Errorf("b index = %d", h.Index())
			}
			return errors.Join(h.RegisterCallout("test_hook_a", tag("b1")), h.RegisterCallout("test_hook_b", tag("b-only")))
		}},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
	eventsEqual(t, takeEvents(), []string{"load libtest_a.so", "load libtest_b.so"})

	// A registration made after the load by library 1 still runs before
	// library 2's callouts; the server's pre/post callouts bracket all.
	if err := libA.RegisterCallout("test_hook_a", tag("a3")); err != nil {
		t.Fatal(err)
	}
	if err := m.PostCalloutsLibraryHandle().RegisterCallout("test_hook_a", tag("post")); err != nil {
		t.Fatal(err)
	}
	if err := m.PreCalloutsLibraryHandle().RegisterCallout("test_hook_a", tag("pre")); err != nil {
		t.Fatal(err)
	}
	h := m.AcquireHandle()
	defer h.Release()
	m.Call(testHookA, h)
	eventsEqual(t, takeEvents(), []string{"pre", "a1", "a2", "a3", "b1", "post"})
	m.Call(testHookB, h)
	eventsEqual(t, takeEvents(), []string{"b-only"})

	// Pre/post callouts are wiped by the next load.
	mustLoad(t, m, libs("libtest_a.so"))
	takeEvents()
	m.Call(testHookA, h)
	eventsEqual(t, takeEvents(), []string{"a1", "a2"})
	if m.CalloutsPresent(testHookB) {
		t.Error("callouts of an unloaded library still present")
	}
}

func TestStatusResetAndEveryCalloutRuns(t *testing.T) {
	m := quietManager(t)
	var seen []NextStep
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
				seen = append(seen, h.Status())
				h.SetStatus(Skip)
				return nil
			})
		}},
		"libtest_b.so": {load: func(h *LibraryHandle) error {
			return h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
				seen = append(seen, h.Status())
				h.SetStatus(Drop)
				return nil
			})
		}},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
	h := m.AcquireHandle()
	defer h.Release()
	h.SetStatus(Park)
	m.Call(testHookA, h)
	if h.Status() != Drop {
		t.Errorf("status = %v, want DROP", h.Status())
	}
	m.Call(testHookA, h)
	want := []NextStep{Continue, Skip, Continue, Skip}
	if !equalSteps(seen, want) {
		t.Errorf("statuses seen = %v, want %v", seen, want)
	}
	// A hook point with no callouts still resets the status.
	h.SetStatus(Skip)
	m.Call(testHookB, h)
	if h.Status() != Continue {
		t.Errorf("status after empty hook = %v", h.Status())
	}
}

func equalSteps(a, b []NextStep) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCalloutErrorForcesDrop(t *testing.T) {
	tests := []struct {
		name  string
		first Callout
		later NextStep // status the later callout sets (Continue: none)
		want  NextStep
	}{
		{"error", func(*CalloutHandle) error { return errors.New("boom") }, Continue, Drop},
		{"panic", func(*CalloutHandle) error { panic("boom") }, Continue, Drop},
		{"MustGet of a missing argument", func(h *CalloutHandle) error { MustGet[int](h, "nope"); return nil }, Continue, Drop},
		{"later callout may change it", func(*CalloutHandle) error { return errors.New("boom") }, Skip, Skip},
		{"no error", func(*CalloutHandle) error { return nil }, Continue, Continue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := quietManager(t)
			ran := false
			setScripts(t, map[string]script{
				"libtest_a.so": {load: func(h *LibraryHandle) error { return h.RegisterCallout("test_hook_a", tt.first) }},
				"libtest_b.so": {load: func(h *LibraryHandle) error {
					return h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
						ran = true
						if tt.later != Continue {
							h.SetStatus(tt.later)
						}
						return nil
					})
				}},
			})
			mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
			h := m.AcquireHandle()
			defer h.Release()
			m.Call(testHookA, h)
			if !ran {
				t.Error("the callout after the failing one did not run")
			}
			if h.Status() != tt.want {
				t.Errorf("status = %v, want %v", h.Status(), tt.want)
			}
		})
	}
}

func TestLoadAllOrNothing(t *testing.T) {
	loadErr := errors.New("bad parameter")
	tests := []struct {
		name    string
		list    []string
		scripts map[string]script
		mt      bool
		events  []string
	}{
		{"second load fails", []string{"libtest_a.so", "libtest_b.so", "libtest_c.so"},
			map[string]script{"libtest_b.so": {load: func(*LibraryHandle) error { return loadErr }}}, true,
			[]string{"load libtest_a.so", "load libtest_b.so", "unload libtest_b.so", "unload libtest_a.so"}},
		{"load panics", []string{"libtest_a.so", "libtest_b.so"},
			map[string]script{"libtest_b.so": {load: func(*LibraryHandle) error { panic("oops") }}}, true,
			[]string{"load libtest_a.so", "load libtest_b.so", "unload libtest_b.so", "unload libtest_a.so"}},
		{"unknown hook in load", []string{"libtest_a.so", "libtest_b.so"},
			map[string]script{"libtest_a.so": {load: func(h *LibraryHandle) error { return h.RegisterCallout("pkt7_receive", tag("x")) }}}, true,
			[]string{"load libtest_a.so", "unload libtest_a.so"}},
		{"mt incompatible third", []string{"libtest_a.so", "libtest_b.so", "libtest_nomt.so"}, nil, true,
			[]string{"load libtest_a.so", "load libtest_b.so", "unload libtest_b.so", "unload libtest_a.so"}},
		{"mt false", []string{"libtest_a.so", "libtest_mtfalse.so"}, nil, true,
			[]string{"load libtest_a.so", "unload libtest_a.so"}},
		{"wrong daemon", []string{"libtest_a.so", "libtest_v4only.so"}, nil, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := quietManager(t)
			if tt.name == "wrong daemon" {
				m.procName = "kea-dhcp6"
				tt.events = []string{"load libtest_a.so", "unload libtest_a.so"}
			}
			sc := map[string]script{}
			for k, v := range tt.scripts {
				sc[k] = v
			}
			for _, n := range tt.list {
				if sc[n].load == nil {
					sc[n] = script{load: func(h *LibraryHandle) error { return h.RegisterCallout("test_hook_a", tag(n)) }}
				}
			}
			setScripts(t, sc)
			err := m.LoadLibraries(libs(tt.list...), tt.mt)
			if !errors.Is(err, ErrLoadFailed) {
				t.Fatalf("err = %v, want ErrLoadFailed", err)
			}
			if err.Error() != "One or more hook libraries failed to load" {
				t.Errorf("text = %q", err.Error())
			}
			eventsEqual(t, takeEvents(), tt.events)
			if m.CalloutsPresent(testHookA) || len(m.Libraries()) != 0 {
				t.Error("something stayed loaded after a failed load")
			}
		})
	}
}

func TestMultiThreadingCompatibility(t *testing.T) {
	tests := []struct {
		lib string
		mt  bool
		ok  bool
	}{
		{"libtest_nomt.so", true, false},
		{"libtest_nomt.so", false, true},
		{"libtest_mtfalse.so", true, false},
		{"libtest_mtfalse.so", false, true},
		{"libtest_a.so", true, true},
	}
	for _, tt := range tests {
		m := quietManager(t)
		setScripts(t, nil)
		verr := m.Verify(libs(tt.lib), tt.mt)
		lerr := m.LoadLibraries(libs(tt.lib), tt.mt)
		if (verr == nil) != tt.ok || (lerr == nil) != tt.ok {
			t.Errorf("%s mt=%v: Verify %v, Load %v; want ok=%v", tt.lib, tt.mt, verr, lerr, tt.ok)
		}
		if verr != nil && !strings.Contains(verr.Error(), "not compatible with multi-threading") {
			t.Errorf("Verify error %q", verr)
		}
	}
}

func TestReloadUnloadsFirstInReverse(t *testing.T) {
	m := quietManager(t)
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error { return nil }},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so", "libtest_c.so"))
	for range 2 {
		mustLoad(t, m, libs("libtest_a.so", "libtest_b.so", "libtest_c.so"))
	}
	eventsEqual(t, takeEvents(), []string{
		"load libtest_a.so", "load libtest_b.so", "load libtest_c.so",
		"unload libtest_c.so", "unload libtest_b.so", "unload libtest_a.so",
		"load libtest_a.so", "load libtest_b.so", "load libtest_c.so",
		"unload libtest_c.so", "unload libtest_b.so", "unload libtest_a.so",
		"load libtest_a.so", "load libtest_b.so", "load libtest_c.so",
	})
	m.UnloadLibraries()
	eventsEqual(t, takeEvents(), []string{"unload libtest_c.so", "unload libtest_b.so", "unload libtest_a.so"})
	// An empty list unloads as well, and loads nothing.
	mustLoad(t, m, libs("libtest_a.so"))
	mustLoad(t, m, nil)
	eventsEqual(t, takeEvents(), []string{"load libtest_a.so", "unload libtest_a.so"})
}

func TestUnloadErrorIgnored(t *testing.T) {
	m := quietManager(t)
	setScripts(t, map[string]script{
		"libtest_a.so": {unload: func() error { return errors.New("cannot") }},
		"libtest_b.so": {unload: func() error { panic("worse") }},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
	mustLoad(t, m, libs("libtest_c.so"))
	eventsEqual(t, takeEvents(), []string{"load libtest_a.so", "load libtest_b.so", "unload libtest_b.so", "unload libtest_a.so", "load libtest_c.so"})
}

func TestVerify(t *testing.T) {
	m := quietManager(t)
	setScripts(t, map[string]script{
		"libtest_validate.so": {validate: func(p Parameters) error {
			var cfg struct {
				Name string `json:"name"`
			}
			return p.Decode(&cfg)
		}},
	})
	if err := m.Verify(libs("libtest_a.so", "libtest_validate.so"), true); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	bad := []LibraryConfig{
		{Library: "libtest_validate.so", Parameters: json.RawMessage(`{"nmae": "x"}`)},
		{Library: "libtest_nomt.so"},
		{Library: "libtest_a.so", Parameters: json.RawMessage(`[1]`)},
	}
	err := m.Verify(bad, true)
	want := "hooks libraries failed to validate - library or libraries in error are: libtest_validate.so, libtest_nomt.so, libtest_a.so " +
		"(libtest_validate.so: unknown parameter 'nmae'; libtest_nomt.so: library is not compatible with multi-threading (disable multi-threading or remove the library); libtest_a.so: parameters must be a map)"
	if err == nil || err.Error() != want {
		t.Errorf("Verify:\n got %v\nwant %s", err, want)
	}
	for _, e := range takeEvents() {
		if strings.HasPrefix(e, "load") || strings.HasPrefix(e, "unload") {
			t.Errorf("Verify loaded or unloaded a library: %s", e)
		}
	}
	if len(m.Libraries()) != 0 {
		t.Error("Verify left libraries loaded")
	}
}

func TestLibraryParameters(t *testing.T) {
	m := quietManager(t)
	type cfg struct {
		Name string `json:"name"`
		Sync bool   `json:"sync"`
	}
	var got cfg
	var names []string
	var raw json.RawMessage
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			names = h.ParameterNames()
			raw, _ = h.Parameter("name")
			return h.DecodeParameters(&got)
		}},
	})
	params := json.RawMessage(`{"sync": true, "name": "/usr/share/kea/scripts/x.sh"}`)
	if err := m.LoadLibraries([]LibraryConfig{{Library: "/usr/lib/kea/hooks/libtest_a.so", Parameters: params}}, true); err != nil {
		t.Fatal(err)
	}
	if got != (cfg{Name: "/usr/share/kea/scripts/x.sh", Sync: true}) || strings.Join(names, ",") != "name,sync" || string(raw) != `"/usr/share/kea/scripts/x.sh"` {
		t.Errorf("got %+v names %v raw %s", got, names, raw)
	}
	l := m.Libraries()
	if len(l) != 1 || l[0].Library != "/usr/lib/kea/hooks/libtest_a.so" || l[0].Name != "libtest_a.so" || l[0].Index != 1 {
		t.Errorf("Libraries = %+v", l)
	}
	if c := m.LibraryConfigs(); len(c) != 1 || string(c[0].Parameters) != string(params) {
		t.Errorf("LibraryConfigs = %+v", c)
	}
	// A bad parameter fails the load.
	err := m.LoadLibraries([]LibraryConfig{{Library: "libtest_a.so", Parameters: json.RawMessage(`{"sync": "yes"}`)}}, true)
	if !errors.Is(err, ErrLoadFailed) || !strings.Contains(err.(*LoadError).Err.Error(), "parameter 'sync' must be a boolean, not a string") {
		t.Errorf("err = %v / %v", err, err.(*LoadError).Err)
	}
}

type servicesLib struct{ got any }

func (l *servicesLib) Load(h *LibraryHandle) error { l.got = h.Services(); return nil }
func (l *servicesLib) Unload() error               { return nil }
func (l *servicesLib) MultiThreadingCompatible() bool {
	return true
}

// servicesLibs is the instance the registered libtest_services.so
// factory returns: registered once per process, so the test can run again
// (-count=N).
var (
	servicesLibOnce sync.Once
	servicesLibs    atomic.Pointer[servicesLib]
)

func TestServicesReachLibraries(t *testing.T) {
	lib := &servicesLib{}
	servicesLibs.Store(lib)
	servicesLibOnce.Do(func() {
		RegisterLibrary("libtest_services.so", func() Library { return servicesLibs.Load() })
	})
	type daemon struct{ name string }
	d := &daemon{name: "kea-dhcp4"}
	m := NewManager(Options{ProcName: "kea-dhcp4", Services: d})
	if err := m.LoadLibraries([]LibraryConfig{{Library: "libtest_services.so"}}, true); err != nil {
		t.Fatal(err)
	}
	defer m.UnloadLibraries()
	if lib.got != d {
		t.Fatalf("library saw services %v, want %v", lib.got, d)
	}
}
