// Package runscript provides the two run-script hook libraries: ISC's
// libdhcp_run_script.so (parameters "name" and "sync", Kea's variable
// names such as LEASE4_ADDRESS) and the third-party kea-hook-runscript.so
// (parameters "script" and "wait", KEA_* variables). Both call one
// external program at DHCP hook points with the hook name as its only
// argument and the hook point's data in its environment.
//
// Scripts run asynchronously by default for ISC's library (sync false) and
// synchronously by default for the third-party one (wait true), as in the
// originals. Asynchronous runs go through a bounded queue served by a few
// goroutines; see Runner for the policy when the queue is full.
package runscript

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nestordhcp/nestor/hooks"
)

// Kea's file names of the two libraries.
const (
	ISCName        = "libdhcp_run_script.so"
	ThirdPartyName = "kea-hook-runscript.so"
)

// Defaults of the asynchronous runner.
const (
	// DefaultWorkers is how many asynchronous scripts may run at once.
	DefaultWorkers = 4
	// DefaultQueueSize is how many asynchronous runs may wait for a
	// worker; a run that finds the queue full is dropped and counted.
	DefaultQueueSize = 1024
)

func init() {
	hooks.RegisterLibrary(ISCName, func() hooks.Library { return &Library{flavor: flavorISC} })
	hooks.RegisterLibrary(ThirdPartyName, func() hooks.Library { return &Library{flavor: flavorThirdParty} })
}

type flavor int

const (
	flavorISC flavor = iota
	flavorThirdParty
)

func (f flavor) libName() string {
	if f == flavorISC {
		return ISCName
	}
	return ThirdPartyName
}

// Params are the decoded parameters of either library: Script is "name"
// (ISC) or "script" (third party), Sync is "sync" or "wait".
type Params struct {
	Script string
	Sync   bool
}

// ParseParams checks a library's parameters the way ValidateParameters
// does and returns them. ISC's library takes "name" (mandatory) and
// "sync" (boolean, default false); the third-party one "script"
// (mandatory) and "wait" (boolean, default true). Unknown keys are
// refused. The script must be an absolute path to an executable regular
// file.
func ParseParams(lib string, p hooks.Parameters) (Params, error) {
	f := flavorISC
	if lib == ThirdPartyName {
		f = flavorThirdParty
	}
	return parseParams(f, p)
}

func parseParams(f flavor, p hooks.Parameters) (Params, error) {
	scriptKey, syncKey, out := "name", "sync", Params{}
	if f == flavorThirdParty {
		scriptKey, syncKey, out.Sync = "script", "wait", true
	}
	prefix := f.libName() + ": "
	if !p.IsSet() {
		return out, fmt.Errorf("%sthe '%s' parameter is mandatory", prefix, scriptKey)
	}
	for _, k := range p.Names() {
		if k != scriptKey && k != syncKey {
			return out, fmt.Errorf("%sunknown parameter '%s' (expected '%s' and '%s')", prefix, k, scriptKey, syncKey)
		}
	}
	raw, ok := p.Get(scriptKey)
	if !ok {
		return out, fmt.Errorf("%sthe '%s' parameter is mandatory", prefix, scriptKey)
	}
	if err := decodeJSON(raw, &out.Script); err != nil {
		return out, fmt.Errorf("%sthe '%s' parameter must be a string", prefix, scriptKey)
	}
	if raw, ok := p.Get(syncKey); ok {
		if err := decodeJSON(raw, &out.Sync); err != nil {
			return out, fmt.Errorf("%sthe '%s' parameter must be a boolean", prefix, syncKey)
		}
	}
	if err := checkExecutable(out.Script); err != nil {
		return out, fmt.Errorf("%sinvalid '%s' parameter: %w", prefix, scriptKey, err)
	}
	return out, nil
}

// checkExecutable mirrors Kea's ProcessSpawn checks (the file exists and
// is executable), plus an absolute path so that the daemon's working
// directory does not matter.
func checkExecutable(path string) error {
	if path == "" {
		return errors.New("the script path is empty")
	}
	if !filepath.IsAbs(path) {
		return fmt.Errorf("%s: not an absolute path", path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("file not found: %s", path)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	if st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("file not executable: %s", path)
	}
	return nil
}

// Library is one loaded instance of either library; a reload makes a
// fresh one.
type Library struct {
	flavor flavor
	params Params
	runner *Runner
}

// Load reads the parameters, starts the runner and registers the
// callouts of every hook point the library uses.
func (l *Library) Load(h *hooks.LibraryHandle) error {
	p, err := parseParams(l.flavor, h.Parameters())
	if err != nil {
		return err
	}
	l.params = p
	argv0 := p.Script
	if l.flavor == flavorThirdParty {
		argv0 = filepath.Base(p.Script) // as its execle() call does
	}
	log := slog.Default().With("library", l.flavor.libName())
	l.runner = NewRunner(p.Script, argv0, p.Sync, DefaultWorkers, DefaultQueueSize, log)
	table := iscCallouts
	if l.flavor == flavorThirdParty {
		table = thirdPartyCallouts
	}
	for _, c := range table {
		if err := h.RegisterCallout(c.hook, l.callout(c.hook, c.env)); err != nil {
			return err
		}
	}
	return nil
}

// Unload stops accepting runs. Queued asynchronous runs still execute in
// the background (they hold only strings, no server objects), so a
// reconfiguration does not lose lease events.
func (l *Library) Unload() error {
	if l.runner != nil {
		l.runner.Close()
	}
	return nil
}

// ValidateParameters lets config-test and config-set refuse bad
// parameters while the running configuration keeps serving.
func (l *Library) ValidateParameters(p hooks.Parameters) error {
	_, err := parseParams(l.flavor, p)
	return err
}

// MultiThreadingCompatible: the callouts only read their arguments and
// hand strings to the runner, which is safe for concurrent use.
func (l *Library) MultiThreadingCompatible() bool { return true }

// Daemons restricts the libraries to the DHCP servers, as Kea's load()
// does.
func (l *Library) Daemons() []string { return []string{"kea-dhcp4", "kea-dhcp6"} }

// Runner returns the library's runner (nil before Load), for statistics.
func (l *Library) Runner() *Runner { return l.runner }

// envFunc builds a hook point's environment from the callout arguments.
type envFunc func(h *hooks.CalloutHandle, e *env)

func (l *Library) callout(hook string, build envFunc) hooks.Callout {
	return func(h *hooks.CalloutHandle) error {
		// Kea's run_script does nothing once an earlier callout asked to
		// skip or drop; the third-party library runs regardless.
		if l.flavor == flavorISC {
			if st := h.Status(); st == hooks.Skip || st == hooks.Drop {
				return nil
			}
		}
		var e env
		build(h, &e)
		l.runner.Run(hook, e.vars)
		return nil
	}
}

// env accumulates NAME=value strings in order.
type env struct{ vars []string }

func (e *env) add(name, value string) { e.vars = append(e.vars, name+"="+value) }

// Runner starts the script. Synchronous runs happen on the caller's
// goroutine and wait for the script to exit. Asynchronous runs are queued
// (at most queueSize waiting) and started by a fixed pool of workers
// goroutines, each waiting for its script to exit before taking the next,
// so at most workers scripts run at once and none is left a zombie. When
// the queue is full the run is dropped, logged (RUN_SCRIPT_QUEUE_FULL)
// and counted in Dropped: packet processing never waits for a script it
// did not ask to wait for.
type Runner struct {
	path, argv0 string
	sync        bool
	log         *slog.Logger

	mu     sync.RWMutex // guards closed and the send on queue
	closed bool
	queue  chan job
	wg     sync.WaitGroup

	started, failed, dropped atomic.Int64
}

type job struct {
	hook string
	vars []string
}

// NewRunner makes a runner for the script at path, started with argv0 as
// its argument zero.
func NewRunner(path, argv0 string, sync bool, workers, queueSize int, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	r := &Runner{path: path, argv0: argv0, sync: sync, log: log}
	if !sync {
		workers = max(workers, 1)
		r.queue = make(chan job, max(queueSize, 0))
		r.wg.Add(workers)
		for range workers {
			go r.work()
		}
	}
	return r
}

func (r *Runner) work() {
	defer r.wg.Done()
	for j := range r.queue {
		r.exec(j.hook, j.vars)
	}
}

// Run runs the script for hook with vars as its whole environment (as
// Kea's ProcessSpawn does: the daemon's own environment is not passed).
func (r *Runner) Run(hook string, vars []string) {
	if r.sync {
		r.exec(hook, vars)
		return
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return
	}
	select {
	case r.queue <- job{hook, vars}:
	default:
		r.dropped.Add(1)
		r.log.Warn("script queue full, run dropped", "msgid", "RUN_SCRIPT_QUEUE_FULL", "hook", hook, "script", r.path)
	}
}

func (r *Runner) exec(hook string, vars []string) {
	cmd := &exec.Cmd{
		Path:   r.path,
		Args:   []string{r.argv0, hook},
		Env:    vars,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	}
	if cmd.Env == nil {
		cmd.Env = []string{} // nil would pass the daemon's environment
	}
	r.started.Add(1)
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) { // exit codes are ignored, as in Kea
			r.failed.Add(1)
			r.log.Error("failed to run script", "msgid", "RUN_SCRIPT_EXEC_FAILED", "hook", hook, "script", r.path, "error", err)
		}
	}
}

// Close stops accepting runs; queued runs still execute. It does not
// wait for them (Wait does).
func (r *Runner) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed && r.queue != nil {
		close(r.queue)
	}
	r.closed = true
}

// Wait waits until every queued asynchronous run has finished; call it
// after Close.
func (r *Runner) Wait() { r.wg.Wait() }

// Stats reports scripts started, scripts that could not be started and
// asynchronous runs dropped because the queue was full.
func (r *Runner) Stats() (started, failed, dropped int64) {
	return r.started.Load(), r.failed.Load(), r.dropped.Load()
}

// decodeJSON decodes one parameter value strictly: null is not a string
// or a boolean.
func decodeJSON(raw []byte, v any) error {
	if strings.TrimSpace(string(raw)) == "null" {
		return errors.New("null")
	}
	return json.Unmarshal(raw, v)
}
