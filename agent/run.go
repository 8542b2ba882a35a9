package agent

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/internal/cli"
	"github.com/nestordhcp/nestor/internal/version"
	"github.com/nestordhcp/nestor/klog"
)

// DefaultPIDDir is where the PID file goes without KEA_PIDFILE_DIR
// (Debian's Kea uses /run/kea).
const DefaultPIDDir = "/run/kea"

// Run is kea-ctrl-agent after its command line was parsed: -t checks the
// configuration file (what Kea prints, on stdout and stderr), -c serves it
// until SIGTERM, SIGINT or the shutdown command, with SIGHUP reloading the
// file (the running configuration stays when the file is broken). It
// writes the PID file <KEA_PIDFILE_DIR>/<config name>.kea-ctrl-agent.pid.
// The version modes (-v, -V, -W) are the caller's. It returns the exit
// status.
func Run(args cli.DaemonArgs, stdout, stderr io.Writer) int {
	switch args.Mode {
	case cli.ModeCheck, cli.ModeCheckExtra:
		return config.CheckControlAgentFile(args.ConfigFile, stdout, stderr)
	case cli.ModeRun:
	default:
		fmt.Fprintln(stderr, "kea-ctrl-agent: unsupported mode")
		return 1
	}
	klog.Default.SetRoot("kea-ctrl-agent")
	klog.Default.Startup(args.Debug)
	defer klog.Default.Flush()
	log := klog.NewLogger("ctrl-agent")

	cfg, _, err := config.LoadControlAgentFile(args.ConfigFile)
	if err != nil {
		log.Fatal(msgFailed, err)
		fmt.Fprintf(stderr, "Service failed: Configuration parsing failed: %v\n", err)
		return 1
	}
	pidPath := pidFilePath(args.ConfigFile)
	if err := writePIDFile(pidPath); err != nil {
		log.Fatal(msgFailed, err)
		fmt.Fprintf(stderr, "Service failed: Launch failed: %v\n", err)
		return 1
	}
	defer os.Remove(pidPath)

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	a, err := New(cfg, Options{ConfigFile: args.ConfigFile, Logger: log, ManageLogging: !args.Debug})
	if err != nil {
		log.Fatal(msgFailed, err)
		fmt.Fprintf(stderr, "Service failed: %v\n", err)
		return 1
	}
	log.Info(msgStarted, version.Version)
	exit := 0
loop:
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				log.Info(msgReconfig, "Hangup", args.ConfigFile)
				a.configReload()
				continue
			}
			break loop
		case exit = <-a.Done():
			break loop
		}
	}
	log.Info(msgRunExit)
	a.Close()
	log.Info(msgShutdown, "kea-ctrl-agent", os.Getpid(), version.Version)
	return exit
}

func pidFilePath(configFile string) string {
	dir := os.Getenv("KEA_PIDFILE_DIR")
	if dir == "" {
		dir = DefaultPIDDir
	}
	base := filepath.Base(configFile)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	return filepath.Join(dir, base+".kea-ctrl-agent.pid")
}

var errAlreadyRunning = errors.New("already running")

// writePIDFile creates the PID file, refusing when it names a live
// process (Kea's PIDFile::check).
func writePIDFile(path string) error {
	if b, err := os.ReadFile(path); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p > 0 && p != os.Getpid() {
			if err := syscall.Kill(p, 0); err == nil || errors.Is(err, syscall.EPERM) {
				return fmt.Errorf("%w: PID %d in %s", errAlreadyRunning, p, path)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}
