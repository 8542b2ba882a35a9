package lfc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nestordhcp/nestor/internal/cli"
	"github.com/nestordhcp/nestor/internal/version"
)

// usageError is a command-line complaint worded as kea-lfc words it.
type usageError string

func (e usageError) Error() string { return string(e) }

const usageText = `Usage: kea-lfc
 [-4|-6] -p file -x file -i file -o file -f file -c file
   -4 or -6 clean a set of v4 or v6 lease files
   -p <file>: PID file
   -x <file>: previous or ex lease file
   -i <file>: copy of lease file
   -o <file>: output lease file
   -f <file>: finish file
   -c <file>: configuration file
   -v: print version number and exit
   -V: print extended version information and exit
   -W: display the configuration report and exit
   -d: optional, verbose output 
   -h: print this message 
`

// RunLFC is kea-lfc's command line (without the program name); it returns
// the exit status. Messages go where kea-lfc sends them: usage errors to
// stderr, versions and -d output to stdout.
func RunLFC(args []string) int { return runLFC(args, os.Stdout, os.Stderr) }

func runLFC(args []string, stdout, stderr io.Writer) int {
	family, f, cfg, verbose, done, code, err := parseArgs(args, stdout, stderr)
	if done {
		return code
	}
	if err != nil {
		fmt.Fprintf(stderr, "Usage error: %s\n%s\nService failed: %s\n", err, usageText, err)
		return 1
	}
	var logf Logf
	if verbose {
		proto := "DHCPv4"
		if family == 6 {
			proto = "DHCPv6"
		}
		fmt.Fprintf(stdout, "Protocol version:    %s\nPrevious or ex lease file: %s\nCopy lease file:           %s\n"+
			"Output lease file:         %s\nFinish file:               %s\nConfig file:               %s\nPID file:                  %s\n\n",
			proto, f.Previous, f.Input, f.Output, f.Finish, cfg, f.PID)
		logf = func(format string, a ...any) {
			fmt.Fprintf(stdout, "%s INFO  [DhcpLFC/%d] %s\n", time.Now().Format("2006-01-02 15:04:05.000"), os.Getpid(), fmt.Sprintf(format, a...))
		}
	}
	if err := Run(family, f, logf); err != nil {
		// kea-lfc logs a fatal message and still exits 0; a server only
		// looks at the files, so do the same but say what happened.
		if errors.Is(err, ErrRunning) {
			fmt.Fprintln(stderr, "LFC_RUNNING LFC instance already running")
		} else {
			fmt.Fprintln(stderr, "LFC_FAIL", err)
		}
	}
	return 0
}

// parseArgs checks the command line in kea-lfc's order of complaints.
func parseArgs(args []string, stdout, stderr io.Writer) (family int, f Files, cfg string, verbose, done bool, code int, err error) {
	opts, rest, gerr := cli.Getopt(args, "46dvVWhc:p:x:i:o:f:")
	if gerr != nil {
		if strings.Contains(gerr.Error(), "requires an argument") {
			return 0, f, "", false, false, 0, usageError("Missing option argument")
		}
		return 0, f, "", false, false, 0, usageError("Unknown argument")
	}
	for _, o := range opts {
		switch o.Name {
		case '4':
			family = 4
		case '6':
			family = 6
		case 'd':
			verbose = true
		case 'v':
			fmt.Fprintln(stdout, version.Version)
			return 0, f, "", false, true, 0, nil
		case 'V':
			fmt.Fprint(stdout, version.Extended())
			return 0, f, "", false, true, 0, nil
		case 'W':
			fmt.Fprint(stdout, version.Report())
			return 0, f, "", false, true, 0, nil
		case 'h':
			fmt.Fprint(stderr, usageText)
			return 0, f, "", false, true, 0, nil
		case 'c':
			cfg = o.Value
		case 'p':
			f.PID = o.Value
		case 'x':
			f.Previous = o.Value
		case 'i':
			f.Input = o.Value
		case 'o':
			f.Output = o.Value
		case 'f':
			f.Finish = o.Value
		}
	}
	switch {
	case len(rest) > 0:
		err = usageError("Extraneous parameters.")
	case family == 0:
		err = usageError("DHCP version required")
	case f.PID == "":
		err = usageError("PID file not specified")
	case f.Previous == "":
		err = usageError("Previous file not specified")
	case f.Input == "":
		err = usageError("Copy file not specified")
	case f.Output == "":
		err = usageError("Output file not specified")
	case f.Finish == "":
		err = usageError("Finish file not specified")
	case cfg == "":
		err = usageError("Config file not specified")
	}
	return family, f, cfg, verbose, false, 0, err
}
