package agent

import (
	"os"
	"slices"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/internal/version"
)

// localCommands are the commands the agent answers itself (Kea 2.2's
// list; config-hash-get came with Kea 2.4).
var localCommands = []string{
	"build-report", "config-get", "config-reload", "config-set", "config-test",
	"config-write", "list-commands", "shutdown", "status-get", "version-get",
}

// handleLocal answers a command sent without "service": a hook library
// first, then the agent's own commands. A "not supported" answer gets
// Kea's hint about "service".
func (a *Agent) handleLocal(name string, cmd *ctrl.Element, body []byte) []byte {
	if h := a.hooksDispatcher(); h != nil && name != "list-commands" {
		raw, _ := cmd.MarshalJSON()
		if resp, ok := h.HandleCommand(name, raw); ok {
			out, err := reprint(resp)
			if err != nil {
				return ctrl.Error("internal server error: invalid response: " + err.Error()).Bytes()
			}
			return addHint(out)
		}
	}
	args, _ := cmd.Get("arguments")
	var ans ctrl.Answer
	switch name {
	case "list-commands":
		ans = a.listCommands()
	case "build-report":
		ans = ctrl.Success(version.Report())
	case "version-get":
		ans = ctrl.Answer{Result: ctrl.ResultSuccess, Text: version.Version,
			Args: map[string]string{"extended": version.Extended()}}
	case "status-get":
		now := time.Now()
		ans = ctrl.SuccessArgs(map[string]int64{
			"pid":    int64(pid()),
			"uptime": int64(now.Sub(a.started) / time.Second),
			"reload": int64(now.Sub(time.Unix(0, a.reloaded.Load())) / time.Second),
		})
	case "config-get":
		b, err := config.CompactControlAgent(a.cfg.Load())
		if err != nil {
			ans = ctrl.Error(err.Error())
		} else {
			ans = ctrl.SuccessArgs(ctrl.RawKea(b))
		}
	case "config-test", "config-set":
		ans = a.configFromCommand(name, args, body)
	case "config-reload":
		ans = a.configReload()
	case "config-write":
		ans = a.configWrite(args)
	case "shutdown":
		ans = a.shutdown(args)
	default:
		ans = ctrl.Answer{Result: ctrl.ResultUnsupported, Text: "'" + name + "' command not supported."}
	}
	return addHint(ans.Bytes())
}

func (a *Agent) listCommands() ctrl.Answer {
	names := slices.Clone(localCommands)
	if h := a.hooksDispatcher(); h != nil {
		names = append(names, h.CommandNames()...)
	}
	slices.Sort(names)
	return ctrl.SuccessArgs(slices.Compact(names))
}

// configFromCommand is config-test and config-set: the arguments are
// decoded as Kea decodes them (no grammar, positions in the body).
func (a *Agent) configFromCommand(name string, args *ctrl.Element, body []byte) ctrl.Answer {
	if args == nil {
		return ctrl.Error("Missing mandatory 'arguments' parameter.")
	}
	if args.Kind() != ctrl.Map {
		return ctrl.ProcessingError(&ctrl.TypeError{Msg: "get(string) called on a non-map Element", Pos: wireToString(args.Pos())})
	}
	cfg, _, err := config.ControlAgentFromCommand(body)
	if err != nil {
		a.log.Error(msgConfigCheckFail, err)
		return ctrl.Error(err.Error())
	}
	if name == "config-test" {
		return ctrl.Success("Configuration check successful")
	}
	cfg.Source = a.cfg.Load().Source
	if err := a.Configure(cfg); err != nil {
		a.log.Error(msgConfigFail, err)
		return ctrl.Error(err.Error())
	}
	return ctrl.Success("Configuration applied successfully.")
}

// configReload reads the -c file again, keeping the running configuration
// when it is broken.
func (a *Agent) configReload() ctrl.Answer {
	if a.opts.ConfigFile == "" {
		return ctrl.Error("Config reload failed: no configuration file")
	}
	cfg, _, err := config.LoadControlAgentFile(a.opts.ConfigFile)
	if err != nil {
		a.log.Error(msgConfigFail, err)
		return ctrl.Error("Config reload failed: " + err.Error())
	}
	if err := a.Configure(cfg); err != nil {
		a.log.Error(msgConfigFail, err)
		return ctrl.Error("Config reload failed: " + err.Error())
	}
	return ctrl.Success("Configuration applied successfully.")
}

func (a *Agent) configWrite(args *ctrl.Element) ctrl.Answer {
	filename := a.opts.ConfigFile
	if args != nil && args.Kind() == ctrl.Map {
		if f, _ := args.Get("filename"); f != nil {
			s, err := f.StringValue()
			if err != nil {
				return ctrl.Error("passed parameter 'filename' is not a string")
			}
			filename = s
		}
	}
	if filename == "" {
		return ctrl.Error("Unable to determine filename. Please specify valid filename.")
	}
	b, err := config.PrettyControlAgent(a.cfg.Load())
	if err == nil {
		err = os.WriteFile(filename, b, 0o644)
	}
	if err != nil {
		return ctrl.Error("Error during write-config:Unable to open file " + filename + " for writing")
	}
	return ctrl.Answer{Result: ctrl.ResultSuccess, Text: "Configuration written to " + filename + " successful",
		Args: map[string]any{"filename": filename, "size": len(b)}}
}

func (a *Agent) shutdown(args *ctrl.Element) ctrl.Answer {
	exit := 0
	if args != nil && args.Kind() == ctrl.Map {
		if v, _ := args.Get("exit-value"); v != nil {
			n, err := v.IntValue()
			if err != nil {
				return ctrl.Error("parameter 'exit-value' is not an integer")
			}
			exit = int(n)
		}
	}
	a.requestShutdown(exit)
	return ctrl.Success("Control Agent is shutting down")
}
