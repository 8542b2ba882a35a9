package hooks

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type fakePkt struct{ xid uint32 }

type stringer interface{ String() string }

func (p *fakePkt) String() string { return fmt.Sprint(p.xid) }

func TestArguments(t *testing.T) {
	m := quietManager(t)
	h := m.AcquireHandle()
	defer h.Release()

	pkt := &fakePkt{xid: 7}
	Set(h, "query4", pkt)
	Set(h, "fake_allocation", true)
	Set(h, "offer_lft", uint32(300))
	Set[stringer](h, "named", pkt)
	Set[error](h, "nil-iface", nil)

	if got, err := Get[*fakePkt](h, "query4"); err != nil || got != pkt {
		t.Errorf("Get query4 = %v, %v", got, err)
	}
	if got := MustGet[uint32](h, "offer_lft"); got != 300 {
		t.Errorf("offer_lft = %d", got)
	}
	if got, err := Get[stringer](h, "named"); err != nil || got.String() != "7" {
		t.Errorf("Get named = %v, %v", got, err)
	}
	if got, err := Get[error](h, "nil-iface"); err != nil || got != nil {
		t.Errorf("Get nil-iface = %v, %v", got, err)
	}

	// Exact type match: a compatible type is not enough.
	wrong := []func() error{
		func() error { _, err := Get[int](h, "offer_lft"); return err },
		func() error { _, err := Get[uint64](h, "offer_lft"); return err },
		func() error { _, err := Get[stringer](h, "query4"); return err },
		func() error { _, err := Get[*fakePkt](h, "named"); return err },
		func() error { _, err := Get[fakePkt](h, "query4"); return err },
	}
	for i, f := range wrong {
		if err := f(); !errors.Is(err, ErrWrongType) {
			t.Errorf("case %d: err = %v, want ErrWrongType", i, err)
		}
	}
	if _, err := Get[bool](h, "missing"); !errors.Is(err, ErrNoSuchArgument) {
		t.Errorf("missing: %v", err)
	}

	// Set replaces, keeping first-set order; the type may change.
	Set(h, "fake_allocation", "no")
	if got, err := Get[string](h, "fake_allocation"); err != nil || got != "no" {
		t.Errorf("replaced = %q, %v", got, err)
	}
	want := []string{"query4", "fake_allocation", "offer_lft", "named", "nil-iface"}
	if diff := cmp.Diff(want, h.ArgumentNames()); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	h.DeleteArgument("offer_lft")
	h.DeleteArgument("not-there")
	if diff := cmp.Diff([]string{"query4", "fake_allocation", "named", "nil-iface"}, h.ArgumentNames()); diff != "" {
		t.Errorf("after delete (-want +got):\n%s", diff)
	}
	h.DeleteAllArguments()
	if len(h.ArgumentNames()) != 0 {
		t.Error("DeleteAllArguments left arguments")
	}

	h.SetSkip(true)
	if !h.Skip() || h.Status() != Skip {
		t.Error("SetSkip(true)")
	}
	h.SetSkip(false)
	if h.Skip() || h.Status() != Continue {
		t.Error("SetSkip(false)")
	}
}

func TestArgumentsVisibleAcrossLibraries(t *testing.T) {
	m := quietManager(t)
	var got []string
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
				Set(h, "$a-to-b", "hello")
				Set(h, "hostname", MustGet[string](h, "hostname")+".example")
				return nil
			})
		}},
		"libtest_b.so": {load: func(h *LibraryHandle) error {
			return h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
				got = append(got, MustGet[string](h, "$a-to-b"), MustGet[string](h, "hostname"))
				return nil
			})
		}},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
	h := m.AcquireHandle()
	defer h.Release()
	Set(h, "hostname", "host")
	m.Call(testHookA, h)
	if diff := cmp.Diff([]string{"hello", "host.example"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if hn := MustGet[string](h, "hostname"); hn != "host.example" {
		t.Errorf("server reads back %q", hn)
	}
}

func TestContextIsolationAndLifetime(t *testing.T) {
	m := quietManager(t)
	type seen struct {
		lib, hook string
		val       any
		names     []string
	}
	var log []seen
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return errors.Join(
				h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
					SetContext(h, "foo", 2)
					return nil
				}),
				h.RegisterCallout("test_hook_b", func(h *CalloutHandle) error {
					v, err := GetContext[int](h, "foo")
					log = append(log, seen{"a", h.HookName(), v, h.ContextNames()})
					return err
				}),
			)
		}},
		"libtest_b.so": {load: func(h *LibraryHandle) error {
			return errors.Join(
				h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
					if _, ok, err := GetOptionalContext[int](h, "foo"); ok || err != nil {
						t.Errorf("library b sees library a's context: %v %v", ok, err)
					}
					SetContext(h, "foo", "bar")
					SetContext(h, "other", 1.5)
					return nil
				}),
				h.RegisterCallout("test_hook_b", func(h *CalloutHandle) error {
					v, err := GetContext[string](h, "foo")
					log = append(log, seen{"b", h.HookName(), v, h.ContextNames()})
					if _, err2 := GetContext[int](h, "foo"); err == nil && !errors.Is(err2, ErrWrongType) {
						t.Errorf("wrong-type context: %v", err2)
					}
					h.DeleteContext("other")
					return err
				}),
			)
		}},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
	var assoc CalloutHandleAssociate
	h := assoc.CalloutHandle(m)
	func() {
		defer h.ScopedState().Close()
		m.Call(testHookA, h)
	}()
	func() {
		defer h.ScopedState().Close()
		m.Call(testHookB, h) // context survives scoped state
	}()
	m.Call(testHookB, h)
	want := []seen{
		{"a", "test_hook_b", 2, []string{"foo"}},
		{"b", "test_hook_b", "bar", []string{"foo", "other"}},
		{"a", "test_hook_b", 2, []string{"foo"}},
		{"b", "test_hook_b", "bar", []string{"foo"}},
	}
	if diff := cmp.Diff(want, log, cmp.AllowUnexported(seen{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if h.Status() != Continue {
		t.Errorf("a context lookup failed: status %v", h.Status())
	}
	if h.CurrentLibrary() != -1 || h.CurrentHook() != -1 || h.HookName() != "" || h.LibraryHandle() != nil {
		t.Error("current library/hook set outside callouts")
	}
	if _, err := GetContext[int](h, "foo"); !errors.Is(err, ErrNoSuchContext) {
		t.Errorf("server sees library context: %v", err)
	}
	assoc.ResetCalloutHandle()
	// A new handle starts with no context.
	h2 := assoc.CalloutHandle(m)
	defer assoc.ResetCalloutHandle()
	log = nil
	m.Call(testHookB, h2)
	if len(log) != 2 || log[0].val != 0 || h2.Status() != Drop {
		t.Errorf("fresh handle: %+v status %v", log, h2.Status())
	}
}

func TestContextCreateDestroy(t *testing.T) {
	m := quietManager(t)
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return errors.Join(
				h.RegisterCallout("context_create", func(h *CalloutHandle) error {
					record("create %s", h.HookName())
					SetContext(h, "n", 0)
					Set(h, "leftover", 1)
					h.SetStatus(Drop)
					return nil
				}),
				h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
					n := MustGet[int](h, "$n")
					SetContext(h, "n", MustGet[int](h, "$n")+n)
					return nil
				}),
				h.RegisterCallout("context_destroy", func(h *CalloutHandle) error {
					n, err := GetContext[int](h, "n")
					record("destroy %s n=%d", h.HookName(), n)
					return err
				}),
			)
		}},
	})
	mustLoad(t, m, libs("libtest_a.so"))
	takeEvents()

	var assoc CalloutHandleAssociate
	if assoc.HasCalloutHandle() {
		t.Fatal("handle before use")
	}
	h := assoc.CalloutHandle(m)
	if h2 := assoc.CalloutHandle(m); h2 != h {
		t.Fatal("a second handle was made for the same packet")
	}
	if len(h.ArgumentNames()) != 0 || h.Status() != Continue {
		t.Errorf("context_create left arguments %v or status %v", h.ArgumentNames(), h.Status())
	}
	for i := 1; i <= 3; i++ {
		s := h.ScopedState()
		Set(h, "$n", i)
		m.Call(testHookA, h)
		s.Close()
	}
	assoc.ResetCalloutHandle()
	assoc.ResetCalloutHandle() // no-op
	eventsEqual(t, takeEvents(), []string{"create context_create", "destroy context_destroy n=6"})
	// No callouts: nothing runs, the handle is still usable.
	mustLoad(t, m, nil)
	h = m.AcquireHandle()
	h.Release()
	h.Release()
	eventsEqual(t, takeEvents(), []string{"unload libtest_a.so"})
}

func TestContextWipedOnReload(t *testing.T) {
	m := quietManager(t)
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return h.RegisterCallout("test_hook_a", func(h *CalloutHandle) error {
				_, ok, _ := GetOptionalContext[int](h, "x")
				record("has=%v", ok)
				SetContext(h, "x", 1)
				return nil
			})
		}},
	})
	mustLoad(t, m, libs("libtest_a.so"))
	h := m.AcquireHandle()
	defer h.Release()
	m.Call(testHookA, h)
	m.Call(testHookA, h)
	mustLoad(t, m, libs("libtest_a.so"))
	m.Call(testHookA, h)
	got := slices.DeleteFunc(takeEvents(), func(s string) bool { return s[0] != 'h' })
	eventsEqual(t, got, []string{"has=false", "has=true", "has=false"})
}

func TestCalloutSeesItsLibraryAndHook(t *testing.T) {
	m := quietManager(t)
	setScripts(t, map[string]script{
		"libtest_b.so": {load: func(lh *LibraryHandle) error {
			return lh.RegisterCallout("test_hook_b", func(h *CalloutHandle) error {
				if h.LibraryHandle() != lh || h.CurrentLibrary() != 2 || h.CurrentHook() != testHookB || h.Manager() != m {
					t.Errorf("library %v/%d hook %v", h.LibraryHandle(), h.CurrentLibrary(), h.CurrentHook())
				}
				// Registering from a callout takes effect for the next call.
				return h.LibraryHandle().RegisterCallout("test_hook_a", tag("late"))
			})
		}},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
	h := m.AcquireHandle()
	defer h.Release()
	m.Call(testHookB, h)
	m.Call(testHookA, h)
	got := takeEvents()
	if got[len(got)-1] != "late" {
		t.Errorf("events %v", got)
	}
}

func TestDeregister(t *testing.T) {
	m := quietManager(t)
	var lh *LibraryHandle
	one, two := calloutOne, tag("two")
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			lh = h
			return errors.Join(h.RegisterCallout("test_hook_a", one), h.RegisterCallout("test_hook_a", two),
				h.RegisterCallout("test_hook_a", one), h.RegisterCallout("test_hook_b", one))
		}},
		"libtest_b.so": {load: func(h *LibraryHandle) error { return h.RegisterCallout("test_hook_a", tag("b")) }},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
	takeEvents()
	h := m.AcquireHandle()
	defer h.Release()

	removed, err := lh.DeregisterCallout("test_hook_a", tagOne)
	if err != nil || removed {
		t.Errorf("deregistering a function never registered: %v %v", removed, err)
	}
	// Every registration of the function by this library goes.
	removed, err = lh.DeregisterCallout("test_hook_a", one)
	if err != nil || !removed {
		t.Errorf("DeregisterCallout: %v %v", removed, err)
	}
	m.Call(testHookA, h)
	eventsEqual(t, takeEvents(), []string{"two", "b"})
	if removed, _ := lh.DeregisterCallout("test_hook_a", one); removed {
		t.Error("removed twice")
	}
	if _, err := lh.DeregisterAllCallouts("test_hook_a"); err != nil {
		t.Fatal(err)
	}

	if err := errors.Join(lh.RegisterCallout("test_hook_a", calloutX), lh.RegisterCallout("test_hook_a", calloutY)); err != nil {
		t.Fatal(err)
	}
	if removed, _ := lh.DeregisterCallout("test_hook_a", calloutX); !removed {
		t.Error("calloutX not removed")
	}
	m.Call(testHookA, h)
	eventsEqual(t, takeEvents(), []string{"y", "b"})

	if removed, err := lh.DeregisterAllCallouts("test_hook_b"); !removed || err != nil {
		t.Errorf("DeregisterAllCallouts: %v %v", removed, err)
	}
	if m.CalloutsPresent(testHookB) {
		t.Error("callouts left on test_hook_b")
	}
	if _, err := lh.DeregisterAllCallouts("nope"); !errors.Is(err, ErrNoSuchHook) {
		t.Errorf("unknown hook: %v", err)
	}
	if err := lh.RegisterCallout("nope", one); !errors.Is(err, ErrNoSuchHook) {
		t.Errorf("unknown hook: %v", err)
	}
	// After a reload the old handle is stale.
	old := lh
	mustLoad(t, m, libs("libtest_a.so"))
	if err := old.RegisterCallout("test_hook_a", one); !errors.Is(err, ErrLibraryUnloaded) {
		t.Errorf("stale handle: %v", err)
	}
}

func tagOne(*CalloutHandle) error     { return nil }
func calloutOne(*CalloutHandle) error { record("one"); return nil }
func calloutX(*CalloutHandle) error   { record("x"); return nil }
func calloutY(*CalloutHandle) error   { record("y"); return nil }
