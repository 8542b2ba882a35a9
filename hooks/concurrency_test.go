package hooks

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentCalls runs packet goroutines through a hook point while the
// main goroutine registers callouts at run time and reloads the libraries;
// run with -race.
func TestConcurrentCalls(t *testing.T) {
	m := quietManager(t)
	var calls atomic.Int64
	counted := func(h *CalloutHandle) error {
		calls.Add(1)
		SetContext(h, "n", MustGet[int](h, "query4"))
		return nil
	}
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error { return h.RegisterCallout("pkt4_receive", counted) }},
		"libtest_b.so": {load: func(h *LibraryHandle) error { return h.RegisterCallout("pkt4_receive", counted) }},
	})
	mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))

	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A worker that finds no callouts is fast: all 5000
			// iterations can fall inside one reload's window. Go on
			// (bounded) until a callout has run.
			for i := 0; i < 5000 || (calls.Load() == 0 && i < 5_000_000); i++ {
				var a CalloutHandleAssociate
				if m.CalloutsPresent(Pkt4Receive) {
					h := a.CalloutHandle(m)
					s := h.ScopedState()
					Set(h, "query4", w*10000+i)
					m.Call(Pkt4Receive, h)
					if h.Status() != Continue {
						t.Errorf("status %v", h.Status())
					}
					s.Close()
				}
				a.ResetCalloutHandle()
			}
		}()
	}
	for i := range 20 {
		if i%5 == 4 {
			mustLoad(t, m, libs("libtest_a.so", "libtest_b.so"))
			continue
		}
		if err := m.PostCalloutsLibraryHandle().RegisterCallout("pkt4_receive", counted); err != nil && !errors.Is(err, ErrLibraryUnloaded) {
			t.Error(err)
		}
		_ = m.CommandNames()
	}
	wg.Wait()
	if calls.Load() == 0 {
		t.Error("no callout ran")
	}
}

func TestCalloutErrorIsLogged(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	m := NewManager(Options{Logger: slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	t.Cleanup(m.UnloadLibraries)
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return h.RegisterCallout("test_hook_a", func(*CalloutHandle) error { return errors.New("database unreachable") })
		}},
	})
	if err := m.LoadLibraries(libs("/usr/lib/x86_64-linux-gnu/kea/hooks/libtest_a.so"), true); err != nil {
		t.Fatal(err)
	}
	h := m.AcquireHandle()
	m.Call(testHookA, h)
	h.Release()
	m.UnloadLibraries()
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, want := range []string{
		"msgid=HOOKS_LIBPATH_SECURITY_WARNING",
		"msgid=HOOKS_LIBRARY_LOADED library=/usr/lib/x86_64-linux-gnu/kea/hooks/libtest_a.so",
		"msgid=HOOKS_CALLOUTS_BEGIN hook=test_hook_a callouts=1",
		`msgid=HOOKS_CALLOUT_EXCEPTION hook=test_hook_a library_index=1 library=/usr/lib/x86_64-linux-gnu/kea/hooks/libtest_a.so error="database unreachable"`,
		"msgid=HOOKS_CALLOUTS_COMPLETE hook=test_hook_a status=NEXT_STEP_DROP",
		"msgid=HOOKS_LIBRARY_UNLOADED",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
