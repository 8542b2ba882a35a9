package daemon

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/internal/version"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/stats"
)

// CoreCommands are the built-in commands kea-dhcp4 and kea-dhcp6 share
// (build-report, config-*, dhcp-disable/enable, libreload, server-tag-get,
// shutdown, status-get, version-get and the statistic-* commands), written
// once for both daemons. T is the configuration type (config.Dhcp4,
// config.Dhcp6); a daemon fills the fields and calls Register, then
// registers its own commands (leases-reclaim, ...) beside them.
type CoreCommands[T any] struct {
	// Family names the service in dhcp-disable's answer: "DHCPv4".
	Family string
	// Key is the configuration's top-level key: "Dhcp4".
	Key string
	// ConfigFile is the -c file (config-reload, config-write).
	ConfigFile string
	// Mu serialises configuration changes; it is held while Apply runs.
	Mu *sync.Mutex
	// Config returns the configuration in force (nil before the first).
	Config func() *T
	// Parse reads a configuration from config-set/config-test arguments
	// ({"Dhcp4": {...}}).
	Parse func(args []byte) (*T, error)
	// Load reads the configuration file.
	Load func(path string) (*T, error)
	// Unparse renders a configuration as config-get shows it.
	Unparse func(*T) *config.Node
	// Check verifies a configuration without applying anything
	// (config-test, and the first step of config-set).
	Check func(*T) error
	// Apply applies a checked configuration; Mu is held.
	Apply func(*T) error
	// Loggers returns the configuration's "loggers" entries; with
	// ManageLogging they are applied to the process's logging.
	Loggers       func(*T) []*config.Logger
	ManageLogging bool
	// ServerTag returns the configuration's server-tag.
	ServerTag func(*T) string
	// Stop asks the daemon to exit with the value (shutdown).
	Stop func(exitValue int)
	// Status adds the daemon's own status-get arguments (multi-threading,
	// sockets) to args.
	Status func(args map[string]any)
	// Started and Reloaded are the times of the start and of the last
	// successful configuration (status-get's uptime and reload).
	Started  time.Time
	Reloaded func() time.Time
	// LibReload reloads the hook libraries of the configuration in force
	// (libreload); Mu is held.
	LibReload func(*T) error
	// Network is the service state dhcp-disable and dhcp-enable change.
	Network *NetworkState
	// Stats is the registry of the statistic-* commands.
	Stats *stats.Registry
	// BuildReport returns build-report's text.
	BuildReport func() string
}

// Register installs the commands on m.
func (c *CoreCommands[T]) Register(m *ctrl.Manager) error {
	for _, e := range []struct {
		name string
		h    ctrl.Handler
	}{
		{"version-get", c.versionGet},
		{"build-report", func(*ctrl.Command) ctrl.Answer { return ctrl.Success(c.BuildReport()) }},
		{"config-get", c.configGet},
		{"config-hash-get", c.configHashGet},
		{"config-test", c.configTest},
		{"config-set", c.configSet},
		{"config-reload", c.configReload},
		{"config-write", c.configWrite},
		{"config-backend-pull", func(*ctrl.Command) ctrl.Answer {
			return ctrl.Answer{Result: ctrl.ResultEmpty, Text: "No config backend."}
		}},
		{"shutdown", c.shutdown},
		{"status-get", c.statusGet},
		{"dhcp-disable", c.dhcpDisable},
		{"dhcp-enable", c.dhcpEnable},
		{"server-tag-get", c.serverTagGet},
		{"libreload", c.libReload},
	} {
		if err := m.Register(e.name, e.h); err != nil {
			return err
		}
	}
	return c.Stats.RegisterCommands(m)
}

func (c *CoreCommands[T]) versionGet(*ctrl.Command) ctrl.Answer {
	return ctrl.Answer{Result: ctrl.ResultSuccess, Text: version.Version, Args: map[string]string{"extended": version.Extended()}}
}

func (c *CoreCommands[T]) configGet(*ctrl.Command) ctrl.Answer {
	cfg := c.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	doc := c.Unparse(cfg)
	h, err := config.Hash(doc)
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	doc.Set("hash", config.NewString(h))
	b, err := config.Compact(doc)
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	return ctrl.SuccessArgs(ctrl.RawKea(b))
}

func (c *CoreCommands[T]) configHashGet(*ctrl.Command) ctrl.Answer {
	cfg := c.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	h, err := config.Hash(c.Unparse(cfg))
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	return ctrl.SuccessArgs(map[string]string{"hash": h})
}

// parseArgs reads the {"Dhcp4": {...}} arguments of config-set and
// config-test with Kea's checks.
func (c *CoreCommands[T]) parseArgs(cmd *ctrl.Command) (*T, *ctrl.Answer) {
	fail := func(a ctrl.Answer) (*T, *ctrl.Answer) { return nil, &a }
	if cmd.Args == nil {
		return fail(ctrl.Error("Missing mandatory 'arguments' parameter."))
	}
	d, err := cmd.Args.Get(c.Key)
	if err != nil {
		return fail(ctrl.ProcessingError(err))
	}
	if d == nil {
		return fail(ctrl.Error("Missing mandatory '" + c.Key + "' parameter."))
	}
	cfg, err := c.Parse(cmd.ArgsJSON())
	if err != nil {
		return fail(ctrl.Error(err.Error()))
	}
	return cfg, nil
}

func (c *CoreCommands[T]) configTest(cmd *ctrl.Command) ctrl.Answer {
	cfg, bad := c.parseArgs(cmd)
	if bad != nil {
		return *bad
	}
	if err := c.Check(cfg); err != nil {
		return ctrl.Error(err.Error())
	}
	return ctrl.Success("Configuration seems sane. Control-socket, hook-libraries, and D2 configuration were sanity checked, but not applied.")
}

func (c *CoreCommands[T]) configSet(cmd *ctrl.Command) ctrl.Answer {
	cfg, bad := c.parseArgs(cmd)
	if bad != nil {
		return *bad
	}
	return c.Reconfigure(cfg, "")
}

func (c *CoreCommands[T]) configReload(*ctrl.Command) ctrl.Answer {
	cfg, err := c.Load(c.ConfigFile)
	if err != nil {
		return ctrl.Error("Config reload failed: " + err.Error())
	}
	return c.Reconfigure(cfg, "Config reload failed: ")
}

// Reload is config-reload from the file (SIGHUP); it reports whether the
// new configuration took.
func (c *CoreCommands[T]) Reload() bool { return c.configReload(nil).Result == ctrl.ResultSuccess }

// Reconfigure applies cfg (config-set, config-reload). The configuration
// in force stays when cfg fails its checks; when applying fails part way
// (a lease file, a hook library, a socket), the previous configuration is
// applied again so that the server goes on serving it. prefix heads error
// texts.
func (c *CoreCommands[T]) Reconfigure(cfg *T, prefix string) ctrl.Answer {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	if err := c.Check(cfg); err != nil {
		return ctrl.Error(prefix + err.Error())
	}
	old := c.Config()
	if err := c.applyWithLoggers(cfg); err != nil {
		if old != nil {
			// Best effort: the old configuration was running a moment
			// ago; what it needs (files, sockets) is normally still there.
			_ = c.applyWithLoggers(old)
		}
		return ctrl.Error(prefix + err.Error())
	}
	h, err := config.Hash(c.Unparse(cfg))
	if err != nil {
		return ctrl.Success("Configuration successful.")
	}
	return ctrl.Answer{Result: ctrl.ResultSuccess, Text: "Configuration successful.", Args: map[string]string{"hash": h}}
}

func (c *CoreCommands[T]) applyWithLoggers(cfg *T) error {
	if c.ManageLogging {
		if err := ApplyLoggers(c.Loggers(cfg)); err != nil {
			return err
		}
	}
	return c.Apply(cfg)
}

func (c *CoreCommands[T]) configWrite(cmd *ctrl.Command) ctrl.Answer {
	name := c.ConfigFile
	if cmd.Args != nil {
		if cmd.Args.Kind() != ctrl.Map {
			return ctrl.Error("Argument must be a map")
		}
		if f, _ := cmd.Args.Get("filename"); f != nil {
			v, err := f.StringValue()
			if err != nil {
				return ctrl.Error("passed parameter 'filename' is not a string")
			}
			name = v
		}
	}
	if name == "" {
		return ctrl.Error("Unable to determine filename.Please specify filename explicitly.")
	}
	cfg := c.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	b, err := config.Compact(c.Unparse(cfg))
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	if r, err := ctrl.Reformat(b); err == nil {
		b = r
	}
	b = append(b, '\n')
	if err := os.WriteFile(name, b, 0o644); err != nil {
		return ctrl.Error(fmt.Sprintf("Error during write-config:Unable to open file %s for writing", name))
	}
	return ctrl.Answer{Result: ctrl.ResultSuccess, Text: "Configuration written to " + name + " successfully",
		Args: map[string]any{"filename": name, "size": len(b)}}
}

func (c *CoreCommands[T]) shutdown(cmd *ctrl.Command) ctrl.Answer {
	exit := 0
	if cmd.Args != nil && cmd.Args.Kind() == ctrl.Map {
		if v, _ := cmd.Args.Get("exit-value"); v != nil {
			n, err := v.IntValue()
			if err != nil {
				return ctrl.Error("parameter 'exit-value' is not an integer")
			}
			exit = int(n)
		}
	}
	c.Stop(exit)
	return ctrl.Success("Shutting down.")
}

func (c *CoreCommands[T]) statusGet(*ctrl.Command) ctrl.Answer {
	now := time.Now()
	args := map[string]any{
		"pid":    os.Getpid(),
		"uptime": int64(now.Sub(c.Started).Seconds()),
		"reload": int64(now.Sub(c.Reloaded()).Seconds()),
	}
	if c.Status != nil {
		c.Status(args)
	}
	return ctrl.SuccessArgs(args)
}

func (c *CoreCommands[T]) serverTagGet(*ctrl.Command) ctrl.Answer {
	tag := ""
	if cfg := c.Config(); cfg != nil {
		tag = c.ServerTag(cfg)
	}
	return ctrl.SuccessArgs(map[string]string{"server-tag": tag})
}

// originOf reads dhcp-disable/dhcp-enable's "origin" (default "user").
func originOf(c *ctrl.Command) (string, *ctrl.Answer) {
	origin := "user"
	if c.Args == nil {
		return origin, nil
	}
	if c.Args.Kind() != ctrl.Map {
		a := ctrl.Error("arguments for the '" + c.Name + "' command must be a map")
		return "", &a
	}
	if o, _ := c.Args.Get("origin"); o != nil {
		v, err := o.StringValue()
		if err != nil {
			a := ctrl.Error("'origin' argument must be a string")
			return "", &a
		}
		origin = v
	}
	return origin, nil
}

func (c *CoreCommands[T]) dhcpDisable(cmd *ctrl.Command) ctrl.Answer {
	origin, bad := originOf(cmd)
	if bad != nil {
		return *bad
	}
	var period time.Duration
	if cmd.Args != nil {
		if mp, _ := cmd.Args.Get("max-period"); mp != nil {
			n, err := mp.IntValue()
			if err != nil {
				return ctrl.Error("'max-period' argument must be a number")
			}
			if n <= 0 {
				return ctrl.Error("'max-period' must be positive integer")
			}
			period = time.Duration(n) * time.Second
		}
	}
	c.Network.Disable(origin, period)
	if period > 0 {
		return ctrl.Success(fmt.Sprintf("%s service disabled for %d seconds", c.Family, int64(period/time.Second)))
	}
	return ctrl.Success(c.Family + " service disabled")
}

func (c *CoreCommands[T]) dhcpEnable(cmd *ctrl.Command) ctrl.Answer {
	origin, bad := originOf(cmd)
	if bad != nil {
		return *bad
	}
	c.Network.Enable(origin)
	return ctrl.Success("DHCP service successfully enabled")
}

func (c *CoreCommands[T]) libReload(*ctrl.Command) ctrl.Answer {
	c.Mu.Lock()
	defer c.Mu.Unlock()
	cfg := c.Config()
	if cfg == nil {
		return ctrl.Error("No configuration")
	}
	if err := c.LibReload(cfg); err != nil {
		return ctrl.Error("Failed to reload hooks libraries.")
	}
	return ctrl.Success("Hooks libraries successfully reloaded.")
}

// NetworkState is the DHCP service state dhcp-disable and dhcp-enable
// change (Kea's NetworkState): the service is disabled while any origin
// (the "user", an HA partner, ...) disables it; a max-period re-enables an
// origin by itself.
type NetworkState struct {
	mu      sync.Mutex
	origins map[string]*disabling
	off     atomic.Bool
}

// disabling is one origin's dhcp-disable; timer is its max-period.
type disabling struct{ timer *time.Timer }

// Enabled reports whether the DHCP service is enabled.
func (n *NetworkState) Enabled() bool { return !n.off.Load() }

// Disable disables the service for origin, for maxPeriod when it is
// positive, else until Enable.
func (n *NetworkState) Disable(origin string, maxPeriod time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.origins == nil {
		n.origins = map[string]*disabling{}
	}
	if d := n.origins[origin]; d != nil && d.timer != nil {
		d.timer.Stop()
	}
	d := &disabling{}
	if maxPeriod > 0 {
		d.timer = time.AfterFunc(maxPeriod, func() { n.expire(origin, d) })
	}
	n.origins[origin] = d
	n.off.Store(true)
}

// expire ends origin's disabling d when its max-period ran out and no
// later dhcp-disable replaced it.
func (n *NetworkState) expire(origin string, d *disabling) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.origins[origin] != d {
		return
	}
	delete(n.origins, origin)
	n.off.Store(len(n.origins) > 0)
}

// Enable ends origin's disabling; the service is enabled when no origin
// disables it any more.
func (n *NetworkState) Enable(origin string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if d := n.origins[origin]; d != nil && d.timer != nil {
		d.timer.Stop()
	}
	delete(n.origins, origin)
	n.off.Store(len(n.origins) > 0)
}

// PacketStatus adds status-get's multi-threading arguments (from mt, the
// configuration's; nil when there is none) and the DHCP sockets' state.
func PacketStatus(args map[string]any, mt *config.MultiThreading, disp *netio.Dispatcher, sockets *netio.Set) {
	if mt != nil {
		args["multi-threading-enabled"] = mt.Enable
		if mt.Enable {
			args["thread-pool-size"] = mt.ThreadPoolSize
			args["packet-queue-size"] = mt.PacketQueueSize
			qs := [3]float64{}
			if disp != nil {
				qs = disp.Stats().QueueStats
			}
			args["packet-queue-statistics"] = qs[:]
		}
	}
	if sockets != nil {
		args["sockets"] = sockets.Status()
	}
}
