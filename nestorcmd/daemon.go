package nestorcmd

import (
	"fmt"
	"github.com/nestordhcp/nestor/internal/gctune"
	"io"
	"os"
	"strings"

	"github.com/nestordhcp/nestor/agent"
	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/d2"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/server4"
	"github.com/nestordhcp/nestor/server6"
	"github.com/nestordhcp/nestor/shell"

	"github.com/nestordhcp/nestor/internal/cli"
	"github.com/nestordhcp/nestor/internal/version"
)

var (
	dhcp4Spec = cli.DaemonSpec{Program: "kea-dhcp4", Description: "DHCPv4 server", Ports: true}
	dhcp6Spec = cli.DaemonSpec{Program: "kea-dhcp6", Description: "DHCPv6 server", Ports: true}
	agentSpec = cli.DaemonSpec{Program: "kea-ctrl-agent", Description: "Control Agent"}
	d2Spec    = cli.DaemonSpec{Program: "kea-dhcp-ddns", Description: "DHCP-DDNS server"}
)

func runD2(prog string, args []string, stdout, stderr io.Writer) int {
	return runDaemon(prog, d2Spec, args, stdout, stderr)
}

func runAgent(prog string, args []string, stdout, stderr io.Writer) int {
	return runDaemon(prog, agentSpec, args, stdout, stderr)
}

func runShell(_ string, args []string, stdout, stderr io.Writer) int {
	return shell.Main(args, os.Stdin, stdout, stderr)
}

func runDHCP4(prog string, args []string, stdout, stderr io.Writer) int {
	return runDaemon(prog, dhcp4Spec, args, stdout, stderr)
}

func runDHCP6(prog string, args []string, stdout, stderr io.Writer) int {
	return runDaemon(prog, dhcp6Spec, args, stdout, stderr)
}

// runDaemon handles the command line every Kea daemon shares; what remains
// is the daemon's own work.
func runDaemon(prog string, spec cli.DaemonSpec, args []string, stdout, stderr io.Writer) int {
	a, err := spec.ParseDaemon(args)
	if err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, msg)
		}
		fmt.Fprint(stderr, spec.Usage())
		return 1
	}
	switch a.Mode {
	case cli.ModeVersion:
		fmt.Fprintln(stdout, version.Version)
		return 0
	case cli.ModeExtVersion:
		fmt.Fprint(stdout, version.Extended())
		return 0
	case cli.ModeReport:
		fmt.Fprint(stdout, report())
		return 0
	}
	check := a.Mode == cli.ModeCheck || a.Mode == cli.ModeCheckExtra
	if !check {
		// headroom of the garbage collector in proportion to the live heap
		gctune.Start()
	}
	switch spec.Program {
	case dhcp4Spec.Program:
		if check {
			return config.CheckDhcp4File(a.ConfigFile, a.Mode == cli.ModeCheckExtra, stdout, stderr)
		}
		server4.BuildReport = report
		return server4.Run(a, stdout, stderr)
	case dhcp6Spec.Program:
		if check {
			return config.CheckDhcp6File(a.ConfigFile, a.Mode == cli.ModeCheckExtra, stdout, stderr)
		}
		server6.BuildReport = report
		return server6.Run(a, stdout, stderr)
	case agentSpec.Program:
		return agent.Run(a, stdout, stderr)
	case d2Spec.Program:
		d2.BuildReport = report
		return d2.Run(a, stdout, stderr)
	}
	fmt.Fprintf(stderr, "%s: not built yet: %s\n", prog, modeWork(a.Mode))
	return 1
}

// report is the -W build report: the version report and the hook libraries
// compiled into this binary.
func report() string {
	var b strings.Builder
	b.WriteString(version.Report())
	b.WriteString("  Hook libraries:\n")
	for _, name := range hooks.LibraryNames() {
		b.WriteString("    " + name + "\n")
	}
	return b.String()
}

func modeWork(m cli.Mode) string {
	switch m {
	case cli.ModeCheck, cli.ModeCheckExtra:
		return "configuration checking"
	default:
		return "serving"
	}
}
