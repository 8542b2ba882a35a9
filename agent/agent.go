package agent

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/klog"
)

// DefaultForwardTimeout bounds one forwarded command (connect, send and
// read the answer). Kea 2.2 waits longer than 12 s (recorded); Nestor
// waits a minute.
const DefaultForwardTimeout = 60 * time.Second

// Options tune an Agent.
type Options struct {
	// ConfigFile is the -c file: config-reload reads it and config-write
	// writes it by default.
	ConfigFile string
	// Logger receives the agent's messages; nil means the
	// "kea-ctrl-agent.ctrl-agent" logger of klog.Default.
	Logger *klog.Logger
	// ForwardTimeout: 0 means DefaultForwardTimeout.
	ForwardTimeout time.Duration
	// ManageLogging applies the configuration's loggers to klog.Default
	// on every (re)configuration (the daemon does; tests do not).
	ManageLogging bool
}

// Agent is the control agent: an HTTP(S) listener taking commands, which
// it forwards to the daemons' unix sockets or answers itself. It is safe
// for concurrent use.
type Agent struct {
	opts Options
	log  *klog.Logger
	cfg  atomic.Pointer[config.ControlAgent]

	mu       sync.Mutex // reconfiguration
	ln       *listener
	hooks    *hooks.Manager
	hookDisp atomic.Pointer[hooks.Manager]

	started  time.Time
	reloaded atomic.Int64 // unix nanoseconds of the last configuration

	stopOnce sync.Once
	done     chan int
}

// New starts an agent serving cfg.
func New(cfg *config.ControlAgent, opts Options) (*Agent, error) {
	if opts.ForwardTimeout == 0 {
		opts.ForwardTimeout = DefaultForwardTimeout
	}
	a := &Agent{opts: opts, log: opts.Logger, started: time.Now(), done: make(chan int, 1)}
	if a.log == nil {
		a.log = klog.NewLogger("ctrl-agent")
	}
	if err := a.Configure(cfg); err != nil {
		return nil, err
	}
	return a, nil
}

// Addr returns the address the agent listens on (useful with port 0).
func (a *Agent) Addr() net.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ln == nil {
		return nil
	}
	return a.ln.ln.Addr()
}

// Config returns the running configuration.
func (a *Agent) Config() *config.ControlAgent { return a.cfg.Load() }

// Done delivers the exit value when the shutdown command asks the agent
// to stop.
func (a *Agent) Done() <-chan int { return a.done }

// Configure applies a configuration: a new HTTP(S) socket when the
// address, port or TLS setup changed (the old one keeps serving if the new
// one cannot be opened), and the hook libraries. On error the running
// configuration is kept.
func (a *Agent) Configure(cfg *config.ControlAgent) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var old *listener
	if a.ln == nil || a.ln.key != listenerKey(cfg) {
		ln, err := listen(cfg, a)
		if err != nil {
			return err
		}
		old, a.ln = a.ln, ln
		host, port, _ := net.SplitHostPort(ln.ln.Addr().String())
		if cfg.TLS() {
			a.log.Info(msgHTTPSStarted, host, port)
		} else {
			a.log.Info(msgHTTPStarted, host, port)
		}
	}
	if err := a.loadHooks(cfg); err != nil {
		if old != nil {
			a.ln.close(0)
			a.ln = old
		}
		return err
	}
	if a.opts.ManageLogging {
		applyLogging(cfg)
	}
	a.cfg.Store(cfg)
	a.reloaded.Store(time.Now().UnixNano())
	if old != nil {
		// The request that asked for this may be running on the old
		// socket: let it finish in the background.
		go old.close(ctrl.DefaultTimeout)
	}
	return nil
}

func (a *Agent) loadHooks(cfg *config.ControlAgent) error {
	if len(cfg.HooksLibraries) == 0 && a.hooks == nil {
		return nil
	}
	var libs []hooks.LibraryConfig
	for _, h := range cfg.HooksLibraries {
		lc := hooks.LibraryConfig{Library: h.Library}
		if h.Parameters != nil {
			b, err := config.Compact(h.Parameters)
			if err != nil {
				return err
			}
			lc.Parameters = json.RawMessage(b)
		}
		libs = append(libs, lc)
	}
	if a.hooks != nil {
		a.hooks.UnloadLibraries()
	}
	if a.hooks == nil {
		a.hooks = hooks.NewManager(hooks.Options{ProcName: "kea-ctrl-agent"})
	}
	if err := a.hooks.LoadLibraries(libs, false); err != nil {
		return err
	}
	if len(libs) == 0 {
		a.hookDisp.Store(nil)
	} else {
		a.hookDisp.Store(a.hooks)
	}
	return nil
}

func (a *Agent) hooksDispatcher() *hooks.Manager { return a.hookDisp.Load() }

// Close stops the agent: the socket (requests in progress may finish) and
// the hook libraries.
func (a *Agent) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ln != nil {
		a.ln.close(ctrl.DefaultTimeout)
		a.ln = nil
	}
	if a.hooks != nil {
		a.hooks.UnloadLibraries()
		a.hookDisp.Store(nil)
	}
	return nil
}

// requestShutdown tells Run to stop with the exit value.
func (a *Agent) requestShutdown(exit int) {
	a.stopOnce.Do(func() { a.done <- exit })
}

func applyLogging(cfg *config.ControlAgent) {
	entries := []klog.LoggerConfig{}
	for _, l := range cfg.Loggers {
		e := klog.LoggerConfig{Name: l.Name, Severity: l.Severity, DebugLevel: l.DebugLevel}
		for _, o := range l.OutputOptions {
			e.OutputOptions = append(e.OutputOptions, klog.OutputOption{
				Output: o.Output, Flush: o.Flush, MaxSize: o.MaxSize, MaxVer: o.MaxVer, Pattern: o.Pattern,
			})
		}
		entries = append(entries, e)
	}
	_ = klog.Default.Configure(entries)
}

func contextTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	}
	return context.WithTimeout(context.Background(), d)
}

// pid is the process id as status-get shows it.
func pid() int { return os.Getpid() }
