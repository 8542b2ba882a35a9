// Package hookstest is a hooks library for tests: it registers a callout on
// every hook point, records the arguments (names, Go types and values) each
// call saw, and does what the test asks at each point — set a status, change
// an argument, park the query. The server packages' hook conformance tests
// load it through an ordinary "hooks-libraries" entry and compare what it
// saw with Kea's hooks API documentation.
//
// Importing the package registers the library as LibraryName, and a small
// RBAC library for the HTTP hook points as RBACLibrary (rbac.go). It is
// meant for tests only: no binary should import it.
package hookstest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nestordhcp/nestor/hooks"
)

// LibraryName is the file name the library is registered under.
const LibraryName = "libnestor_hookstest.so"

func init() {
	hooks.RegisterLibrary(LibraryName, func() hooks.Library { return &library{} })
}

// Arg is one argument a callout saw.
type Arg struct {
	Name  string
	Type  reflect.Type // nil when the argument was not set
	Value any
}

// Call is one call of a hook point's callouts.
type Call struct {
	Point  string
	Args   []Arg
	Status hooks.NextStep // the status when this library's callout ran
}

// Arg returns the argument name of the call.
func (c Call) Arg(name string) (Arg, bool) {
	for _, a := range c.Args {
		if a.Name == name {
			return a, true
		}
	}
	return Arg{}, false
}

// Names returns the argument names, sorted.
func (c Call) Names() []string {
	n := make([]string, len(c.Args))
	for i, a := range c.Args {
		n[i] = a.Name
	}
	slices.Sort(n)
	return n
}

// Action runs in the callout after the call was recorded.
type Action func(h *hooks.CalloutHandle) error

// Recorder receives the calls of the libraries loaded with its Entry.
type Recorder struct {
	id      string
	mu      sync.Mutex
	calls   []Call
	actions map[string]Action
	loads   int
}

var (
	recMu     sync.Mutex
	recorders = map[string]*Recorder{}
	nextID    atomic.Int64
)

// New makes a recorder. Close it when done (tests: t.Cleanup(r.Close)).
func New() *Recorder {
	r := &Recorder{id: fmt.Sprintf("rec-%d", nextID.Add(1)), actions: map[string]Action{}}
	recMu.Lock()
	recorders[r.id] = r
	recMu.Unlock()
	return r
}

// Close forgets the recorder: libraries loaded for it fail from now on.
func (r *Recorder) Close() {
	recMu.Lock()
	delete(recorders, r.id)
	recMu.Unlock()
}

// Entry is the "hooks-libraries" element that loads the library for r.
func (r *Recorder) Entry() string {
	return fmt.Sprintf(`{"library": %q, "parameters": {"recorder": %q}}`, LibraryName, r.id)
}

// SetStatus makes the callout at point set status s.
func (r *Recorder) SetStatus(point string, s hooks.NextStep) {
	r.On(point, func(h *hooks.CalloutHandle) error { h.SetStatus(s); return nil })
}

// On makes the callout at point run a (nil: only record).
func (r *Recorder) On(point string, a Action) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if a == nil {
		delete(r.actions, point)
		return
	}
	r.actions[point] = a
}

// Calls returns the recorded calls of point, oldest first.
func (r *Recorder) Calls(point string) []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Call
	for _, c := range r.calls {
		if c.Point == point {
			out = append(out, c)
		}
	}
	return out
}

// Points returns the names of the points called, in first-call order.
func (r *Recorder) Points() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		if !slices.Contains(out, c.Point) {
			out = append(out, c.Point)
		}
	}
	return out
}

// Reset forgets the recorded calls and the actions.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = nil
	clear(r.actions)
}

// Loads returns how many times a library was loaded for r.
func (r *Recorder) Loads() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loads
}

func (r *Recorder) callout(point string) hooks.Callout {
	return func(h *hooks.CalloutHandle) error {
		c := Call{Point: point, Status: h.Status()}
		for _, n := range h.ArgumentNames() {
			a := Arg{Name: n}
			a.Value, a.Type, _ = h.ArgumentValue(n)
			c.Args = append(c.Args, a)
		}
		r.mu.Lock()
		r.calls = append(r.calls, c)
		act := r.actions[point]
		r.mu.Unlock()
		if act != nil {
			return act(h)
		}
		return nil
	}
}

type library struct{ r *Recorder }

type params struct {
	Recorder string `json:"recorder"`
}

func (l *library) Load(h *hooks.LibraryHandle) error {
	var p params
	if err := h.DecodeParameters(&p); err != nil {
		return fmt.Errorf("hookstest: %w", err)
	}
	recMu.Lock()
	r := recorders[p.Recorder]
	recMu.Unlock()
	if r == nil {
		return fmt.Errorf("hookstest: no recorder %q", p.Recorder)
	}
	l.r = r
	r.mu.Lock()
	r.loads++
	r.mu.Unlock()
	for _, name := range hooks.PointNames() {
		if strings.HasPrefix(name, "$") {
			continue
		}
		if err := h.RegisterCallout(name, r.callout(name)); err != nil {
			return err
		}
	}
	return nil
}

func (l *library) Unload() error { return nil }

func (l *library) MultiThreadingCompatible() bool { return true }
