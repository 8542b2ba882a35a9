// Command nestor is the Nestor DHCP suite in one binary. Its subcommands
// mirror Kea's programs; run through a link named after one of them
// (kea-dhcp4, kea-dhcp6, kea-dhcp-ddns, kea-ctrl-agent, kea-lfc, kea-admin,
// kea-shell, perfdhcp, keactrl) it behaves as that program.
package nestorcmd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nestordhcp/nestor/admin"
	"github.com/nestordhcp/nestor/internal/version"
	"github.com/nestordhcp/nestor/keactrl"
	"github.com/nestordhcp/nestor/lease/lfc"
)

// program is one of the suite's programs.
type program struct {
	name    string // subcommand: nestor NAME
	kea     string // Kea's program name, used for multi-call links
	summary string
	run     func(prog string, args []string, stdout, stderr io.Writer) int
}

var programs []program

func init() {
	programs = []program{
		{"dhcp4", "kea-dhcp4", "the DHCPv4 server", runDHCP4},
		{"dhcp6", "kea-dhcp6", "the DHCPv6 server", runDHCP6},
		{"ddns", "kea-dhcp-ddns", "the DHCP-DDNS daemon", runD2},
		{"dhcp-ddns", "", "the DHCP-DDNS daemon (same as ddns)", runD2},
		{"agent", "kea-ctrl-agent", "the control agent", runAgent},
		{"lfc", "kea-lfc", "the lease file cleanup", runLFC},
		{"admin", "kea-admin", "database administration", admin.Run},
		{"shell", "kea-shell", "the control channel client", runShell},
		{"perfdhcp", "perfdhcp", "the DHCP load generator", notBuilt},
		{"keactrl", "keactrl", "start, stop and reload the daemons", runKeactrl},
		{"build", "", "build a custom binary with third-party hook libraries", runBuild},
		{"demo", "", "serve a DHCPv4 lease to a built-in client on loopback", runDemo},
		{"version", "", "print the version", runVersion},
	}
}

// Main runs the command named by os.Args and exits with its status.
func Main() {
	os.Exit(dispatch(os.Args, os.Stdout, os.Stderr))
}

// dispatch picks the program from the name the binary was run as or, for
// "nestor", from the first argument.
func dispatch(argv []string, stdout, stderr io.Writer) int {
	self := "nestor"
	if len(argv) > 0 {
		self = filepath.Base(argv[0])
	}
	for _, p := range programs {
		if p.kea != "" && self == p.kea {
			return p.run(p.kea, argv[1:], stdout, stderr)
		}
	}
	if len(argv) < 2 {
		usage(stderr)
		return 1
	}
	sub := argv[1]
	switch sub {
	case "-h", "--help", "help":
		usage(stdout)
		return 0
	case "-v", "--version":
		return runVersion("nestor", nil, stdout, stderr)
	}
	for _, p := range programs {
		if p.name == sub {
			return p.run("nestor "+p.name, argv[2:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "nestor: unknown command %q\n\n", sub)
	usage(stderr)
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Nestor %s, a DHCP server suite that drops in for ISC Kea %s\n\n", version.Version, version.KeaCompat)
	fmt.Fprintln(w, "Usage: nestor COMMAND [ARGS]   (or run through a link named after Kea's program)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, p := range programs {
		link := ""
		if p.kea != "" {
			link = "(" + p.kea + ")"
		}
		fmt.Fprintf(w, "  %-9s %-17s %s\n", p.name, link, p.summary)
	}
}

func notBuilt(prog string, _ []string, _, stderr io.Writer) int {
	fmt.Fprintf(stderr, "%s: not built yet\n", prog)
	return 1
}

func runVersion(_ string, args []string, stdout, _ io.Writer) int {
	if len(args) > 0 && (args[0] == "-V" || args[0] == "--extended") {
		fmt.Fprint(stdout, version.Extended())
		return 0
	}
	fmt.Fprintln(stdout, version.Version)
	return 0
}

func runKeactrl(prog string, args []string, stdout, _ io.Writer) int {
	return keactrl.Main(prog, args, stdout)
}

func runLFC(_ string, args []string, _, _ io.Writer) int { return lfc.RunLFC(args) }
