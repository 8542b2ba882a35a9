// Package keactrl is Kea's keactrl: it starts, stops, reloads and reports
// on the daemons named in keactrl.conf, with the output lines of Kea 2.2's
// keactrl script. It reads keactrl.conf itself (see ParseConf) instead of
// sourcing it with a shell.
package keactrl

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/nestordhcp/nestor/internal/daemon"
	"github.com/nestordhcp/nestor/internal/version"
)

// DefaultConf is keactrl.conf's place when -c is not given
// ([kea-install-dir]/etc/kea/keactrl.conf for Debian's layout).
const DefaultConf = "/etc/kea/keactrl.conf"

// DefaultLogDestination is what the started daemons log to when
// KEA_LOGGER_DESTINATION is not set (Kea's script sets it to its
// kea.log in the same way).
const DefaultLogDestination = "/var/log/kea/kea.log"

// server is one daemon keactrl manages.
type server struct {
	key     string // -s keyword and keactrl.conf's enable switch: dhcp4
	program string // Kea's program name, which names its PID file
	status  string // status line label
	cfgText string // status line label of its configuration file
}

// servers in keactrl's order. kea-netconf is not part of Nestor: keactrl
// treats it as Kea's script does when Kea is built without NETCONF.
var servers = []server{
	{"dhcp4", "kea-dhcp4", "DHCPv4 server", "Kea DHCPv4 configuration file"},
	{"dhcp6", "kea-dhcp6", "DHCPv6 server", "Kea DHCPv6 configuration file"},
	{"dhcp_ddns", "kea-dhcp-ddns", "DHCP DDNS", "Kea DHCP DDNS configuration file"},
	{"ctrl_agent", "kea-ctrl-agent", "Control Agent", "Kea Control Agent configuration file"},
}

func (s server) srvVar() string { return s.key + "_srv" }
func (s server) cfgVar() string { return "kea_" + s.key + "_config_file" }

// run is one keactrl invocation.
type run struct {
	out      io.Writer
	conf     Conf
	confPath string
	selected []string
}

func (r *run) info(format string, a ...any) {
	fmt.Fprintf(r.out, "INFO/keactrl: "+format+"\n", a...)
}

func (r *run) errorf(format string, a ...any) {
	fmt.Fprintf(r.out, "ERROR/keactrl: "+format+"\n", a...)
}

func usage(w io.Writer, prog string) {
	fmt.Fprintf(w, "usage is %s command [-c keactrl-config-file] [-s server[,server,..]]\n", prog)
	fmt.Fprintf(w, "commands: start stop reload status version\n")
}

// Main runs keactrl with args (the words after the program name) and
// returns its exit status. Like Kea's script it writes everything,
// errors included, to stdout; the daemons it starts inherit the
// process's standard output and error.
func Main(prog string, args []string, stdout io.Writer) int {
	r := &run{out: stdout}
	if len(args) == 0 || args[0] == "" {
		r.errorf("missing command")
		usage(stdout, prog)
		return 1
	}
	command := args[0]
	if command == "-v" || command == "--version" {
		fmt.Fprintln(stdout, version.Version)
		return 0
	}
	switch command {
	case "start", "stop", "reload", "status", "version":
	default:
		r.errorf("invalid command: %s", command)
		return 1
	}
	r.confPath = DefaultConf
	r.selected = []string{"all"}
	for i := 1; i < len(args); i++ {
		switch opt := args[i]; opt {
		case "-c", "--ctrl-config":
			i++
			if i >= len(args) || args[i] == "" {
				r.errorf("keactrl-config-file not specified")
				usage(stdout, prog)
				return 1
			}
			r.confPath = args[i]
		case "-s", "--server":
			i++
			var list []string
			if i < len(args) {
				for _, s := range strings.Split(args[i], ",") {
					if s = strings.TrimSpace(s); s != "" {
						list = append(list, s)
					}
				}
			}
			if len(list) == 0 {
				r.errorf("servers not specified")
				usage(stdout, prog)
				return 1
			}
			for _, s := range list {
				if !validServer(s) {
					r.errorf("invalid server name: %s", s)
					return 1
				}
			}
			r.selected = list
		default:
			r.errorf("invalid option: %s", opt)
			usage(stdout, prog)
			return 1
		}
	}
	if st, err := os.Stat(r.confPath); err != nil || !st.Mode().IsRegular() {
		r.errorf("keactrl configuration file doesn't exist in %s.", r.confPath)
		return 1
	}
	data, err := os.ReadFile(r.confPath)
	if err != nil {
		r.errorf("keactrl configuration file doesn't exist in %s.", r.confPath)
		return 1
	}
	if r.conf, err = ParseConf(string(data), os.Getenv); err != nil {
		r.errorf("%s: %v", r.confPath, err)
		return 1
	}
	// Kea's script checks these four names (dhcp_ddns, not dhcp_ddns_srv).
	for _, v := range []string{"dhcp4_srv", "dhcp6_srv", "dhcp_ddns", "ctrl_agent_srv"} {
		if r.conf[v] == "" {
			r.errorf("%s parameter not specified", v)
			return 1
		}
	}
	for _, s := range servers {
		r.conf[s.key] = strings.ToLower(r.conf[s.key])
	}
	switch command {
	case "start":
		if os.Getenv("KEA_LOGGER_DESTINATION") == "" {
			os.Setenv("KEA_LOGGER_DESTINATION", DefaultLogDestination)
		}
		r.each(true, r.start)
	case "stop":
		r.each(false, func(s server) { r.signal(s, syscall.SIGTERM, "Stopping", "Stop") })
	case "reload":
		r.each(false, func(s server) { r.signal(s, syscall.SIGHUP, "Reloading", "Reload") })
	case "status":
		return r.status()
	case "version":
		fmt.Fprintf(stdout, "keactrl: %s\n", version.Version)
		r.each(false, r.version)
	}
	return 0
}

func validServer(s string) bool {
	if s == "all" || s == "netconf" {
		return true
	}
	for _, sv := range servers {
		if sv.key == s {
			return true
		}
	}
	return false
}

// each runs f for the selected servers; with enabledOnly, only for those
// keactrl.conf enables ("yes"). This is Kea's run_conditional: start
// checks the switch, stop, reload and version do not.
func (r *run) each(enabledOnly bool, f func(server)) {
	for _, s := range servers {
		if !r.isSelected(s.key) {
			continue
		}
		if enabledOnly && r.conf[s.key] != "yes" {
			continue
		}
		f(s)
	}
}

func (r *run) isSelected(key string) bool {
	for _, s := range r.selected {
		if s == "all" || s == key {
			return true
		}
	}
	return false
}

// pidFile returns the server's PID file and the PID it holds (0: none).
// The name comes from the server's program name and its configuration
// file, as the daemons make it (daemon.PIDFilePath).
func (r *run) pidFile(s server) (string, int) {
	path := daemon.PIDFilePath(r.conf[s.cfgVar()], s.program)
	b, err := os.ReadFile(path)
	if err != nil {
		return path, 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid < 0 {
		return path, 0
	}
	return path, pid
}

// running reports the PID of the server when its PID file names a live
// process.
func (r *run) running(s server) (string, int, bool) {
	path, pid := r.pidFile(s)
	if pid <= 0 {
		return path, pid, false
	}
	err := syscall.Kill(pid, 0)
	return path, pid, err == nil || errors.Is(err, syscall.EPERM)
}

// command is the server's argv: the words of its _srv setting (a
// "nestor dhcp4" setting is two words, as in Kea's unquoted use of it).
func (r *run) command(s server) []string { return strings.Fields(r.conf[s.srvVar()]) }

func (r *run) start(s server) {
	if path, pid, ok := r.running(s); ok {
		r.info("%s appears to be running, see: PID %d, PID file: %s.", s.program, pid, path)
		return
	}
	argv := r.command(s)
	if len(argv) == 0 {
		r.errorf("%s parameter not specified", s.srvVar())
		return
	}
	argv = append(argv, "-c", r.conf[s.cfgVar()])
	if r.conf["kea_verbose"] == "yes" {
		argv = append(argv, "-d")
	}
	r.info("Starting %s", strings.Join(argv, " "))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// Like a background job of a script: not in the terminal's process
	// group, so an interrupt at the terminal does not reach it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		r.errorf("%s: %v", argv[0], err)
		return
	}
	_ = cmd.Process.Release()
}

func (r *run) signal(s server, sig syscall.Signal, doing, what string) {
	_, pid, ok := r.running(s)
	if !ok {
		r.info("%s isn't running.", s.program)
		return
	}
	r.info("%s %s...", doing, s.program)
	if err := syscall.Kill(pid, sig); err != nil {
		r.errorf("%s failed, could not send signal %d to process %s, PID %d.", what, int(sig), s.program, pid)
	}
}

func (r *run) status() int {
	for _, s := range servers {
		state := "inactive"
		if _, _, ok := r.running(s); ok {
			state = "active"
		}
		fmt.Fprintf(r.out, "%s: %s\n", s.status, state)
	}
	for _, s := range servers {
		fmt.Fprintf(r.out, "%s: %s\n", s.cfgText, r.conf[s.cfgVar()])
	}
	fmt.Fprintf(r.out, "keactrl configuration file: %s\n", r.confPath)
	for _, s := range servers {
		f := r.conf[s.cfgVar()]
		if f == "" {
			r.errorf("Configuration file for Kea not specified.")
			return 1
		}
		if st, err := os.Stat(f); err != nil || !st.Mode().IsRegular() {
			r.errorf("Configuration file for Kea does not exist: %s.", f)
			return 1
		}
	}
	return 0
}

func (r *run) version(s server) {
	argv := r.command(s)
	ver := ""
	if len(argv) == 0 {
		ver = "unknown, " + s.srvVar() + " not specified"
	} else if _, err := lookPath(argv[0]); err != nil {
		ver = "unknown, " + argv[0] + " missing"
	} else {
		out, err := exec.Command(argv[0], append(argv[1:], "-v")...).Output()
		if err != nil {
			r.errorf("Error checking version of binary file: %s", argv[0])
		}
		ver = strings.TrimRight(string(out), "\n")
	}
	fmt.Fprintf(r.out, "%s: %s\n", s.program, ver)
}

// lookPath finds a program given as a path or, without a slash, in PATH.
func lookPath(name string) (string, error) {
	if strings.ContainsRune(name, filepath.Separator) {
		if _, err := os.Stat(name); err != nil {
			return "", err
		}
		return name, nil
	}
	return exec.LookPath(name)
}
