package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nestordhcp/nestor/internal/version"
)

// Mode is what a daemon was asked to do by its command line.
type Mode int

const (
	ModeRun        Mode = iota // -c: serve
	ModeCheck                  // -t: check the configuration and exit
	ModeCheckExtra             // -T: check, also loading hooks and opening databases
	ModeVersion                // -v
	ModeExtVersion             // -V
	ModeReport                 // -W
)

// DaemonSpec describes one of Kea's daemons for its command line.
type DaemonSpec struct {
	Program     string // Kea's program name: kea-dhcp4, kea-dhcp6, ...
	Description string // "DHCPv4 server", ...
	Ports       bool   // takes -p and -P
}

// DaemonArgs is a parsed daemon command line.
type DaemonArgs struct {
	Mode       Mode
	ConfigFile string
	Debug      bool
	ServerPort uint16 // 0: the protocol's default
	ClientPort uint16 // 0: the protocol's default
}

// UsageError is a command-line error: the program prints Msg (when not
// empty) and the usage text to stderr and exits 1, as Kea does.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usage is the usage text for the daemon, in Kea's layout.
func (s DaemonSpec) Usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Nestor %s, version %s (Kea %s compatible)\n\n", s.Description, version.Version, version.KeaCompat)
	ports := ""
	if s.Ports {
		ports = " [-p number] [-P number]"
	}
	fmt.Fprintf(&b, "Usage: %s -[v|V|W] [-d] [-{c|t|T} cfgfile]%s\n", s.Program, ports)
	b.WriteString("  -v: print version number and exit\n")
	b.WriteString("  -V: print extended version and exit\n")
	b.WriteString("  -W: display the configuration report and exit\n")
	b.WriteString("  -d: debug mode with extra verbosity (former -v)\n")
	b.WriteString("  -c file: specify configuration file\n")
	b.WriteString("  -t file: check the configuration file syntax and exit\n")
	b.WriteString("  -T file: check the configuration file doing hooks load and extra checks and exit\n")
	if s.Ports {
		b.WriteString("  -p number: specify non-standard server port number 1-65535 (useful for testing only)\n")
		b.WriteString("  -P number: specify non-standard client port number 1-65535 (useful for testing only)\n")
	}
	return b.String()
}

// ParseDaemon parses a daemon's arguments (without the program name).
// Errors are *UsageError.
func (s DaemonSpec) ParseDaemon(args []string) (DaemonArgs, error) {
	spec := "dvVWc:t:T:"
	if s.Ports {
		spec += "p:P:"
	}
	opts, rest, err := Getopt(args, spec)
	if err != nil {
		return DaemonArgs{}, &UsageError{Msg: s.Program + ": " + err.Error()}
	}
	var a DaemonArgs
	for _, o := range opts {
		switch o.Name {
		case 'd':
			a.Debug = true
		case 'v':
			return DaemonArgs{Mode: ModeVersion}, nil
		case 'V':
			return DaemonArgs{Mode: ModeExtVersion}, nil
		case 'W':
			return DaemonArgs{Mode: ModeReport}, nil
		case 'c', 't', 'T':
			a.ConfigFile = o.Value
			switch o.Name {
			case 't':
				a.Mode = ModeCheck
			case 'T':
				a.Mode = ModeCheckExtra
			default:
				a.Mode = ModeRun
			}
		case 'p', 'P':
			which := "server"
			if o.Name == 'P' {
				which = "client"
			}
			n, err := strconv.Atoi(o.Value)
			if err != nil || n < 1 || n > 65535 {
				return DaemonArgs{}, &UsageError{Msg: fmt.Sprintf("Failed to parse %s port number: [%s], 1-65535 allowed.", which, o.Value)}
			}
			if o.Name == 'p' {
				a.ServerPort = uint16(n)
			} else {
				a.ClientPort = uint16(n)
			}
		}
	}
	if len(rest) > 0 {
		return DaemonArgs{}, &UsageError{}
	}
	if a.ConfigFile == "" {
		return DaemonArgs{}, &UsageError{Msg: "Configuration file not specified."}
	}
	return a, nil
}

// IsUsage reports whether err is a command-line usage error.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}
