package config

import (
	"errors"
	"fmt"
	"io"

	"github.com/nestordhcp/nestor/config/kjson"
)

// LoadDhcp6File reads, checks and resolves a kea-dhcp6 configuration file.
// The error, if any, is an *Error or a *kjson.Error and prints as Kea
// prints it; warnings are what Kea would log while accepting the file.
func LoadDhcp6File(path string) (*Dhcp6, []Warning, error) {
	return LoadDhcp6FileWith(path, LoadOptions{})
}

// LoadDhcp6FileWith is LoadDhcp6File with options.
func LoadDhcp6FileWith(path string, opts LoadOptions) (*Dhcp6, []Warning, error) {
	doc, kw, err := kjson.ParseFile(path, opts.kjson())
	warns := syntaxWarnings6(kw)
	if err != nil {
		return nil, warns, err
	}
	c, w, err := Dhcp6FromTree(fromKJSON(doc), opts)
	if c != nil {
		c.Source = path
	}
	return c, append(warns, w...), err
}

// ParseDhcp6 is LoadDhcp6File for a configuration held in memory (name is
// used in positions; Kea uses "<string>" for commands).
func ParseDhcp6(name string, data []byte, opts LoadOptions) (*Dhcp6, []Warning, error) {
	doc, kw, err := kjson.ParseBytes(name, data, opts.kjson())
	warns := syntaxWarnings6(kw)
	if err != nil {
		return nil, warns, err
	}
	c, w, err := Dhcp6FromTree(fromKJSON(doc), opts)
	return c, append(warns, w...), err
}

// Dhcp6FromTree builds the configuration from a document already read
// (the top-level map holding "Dhcp6", e.g. the arguments of config-set).
func Dhcp6FromTree(doc *Node, opts LoadOptions) (*Dhcp6, []Warning, error) {
	m, gerr := checkTop(doc, "Dhcp6", grammar6())
	if gerr != nil {
		return nil, nil, gerr
	}
	d := newDecoder(6, opts)
	c := d.decodeDhcp6(m)
	if d.err != nil {
		return nil, d.warnings, d.err
	}
	if opts.Extra {
		if err := extraChecks(c.LeaseDatabase, c.HostsDatabases, c.ConfigControl); err != nil {
			return nil, d.warnings, err
		}
	}
	return c, d.warnings, nil
}

func syntaxWarnings6(kw []kjson.Warning) []Warning {
	out := syntaxWarnings(kw)
	for i := range out {
		out[i].ID = "DHCP6_CONFIG_SYNTAX_WARNING"
	}
	return out
}

// CheckDhcp6File is "kea-dhcp6 -t FILE" (extra false) and "-T FILE"
// (extra true): it loads the file, writes the warnings to stdout as log
// lines and, on failure, the error to stderr the way Kea 2.2 does. It
// returns the process exit status.
func CheckDhcp6File(path string, extra bool, stdout, stderr io.Writer) int {
	_, warns, err := LoadDhcp6FileWith(path, LoadOptions{Extra: extra})
	return reportCheck("kea-dhcp6", warns, err, stdout, stderr)
}

// reportCheck prints a -t result the way the Kea daemon does.
func reportCheck(daemon string, warns []Warning, err error, stdout, stderr io.Writer) int {
	for _, w := range warns {
		fmt.Fprintf(stdout, "WARN  [%s] %s\n", daemon, w)
	}
	if err != nil {
		fmt.Fprintln(stderr, FormatCheckError(err))
		var ce *Error
		if errors.As(err, &ce) {
			for _, n := range ce.Notes {
				fmt.Fprintln(stdout, "ERROR ["+daemon+".hooks] "+n)
			}
		}
		return 1
	}
	return 0
}
