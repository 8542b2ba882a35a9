package config

import (
	"errors"
	"io"

	"github.com/nestordhcp/nestor/config/kjson"
)

// LoadOptions tune loading.
type LoadOptions struct {
	// Extra enables the checks of "-T": every database named must have a
	// backend in this build.
	Extra bool
	// InterfaceExists overrides the system lookup Kea makes for interface
	// names (tests use it); nil asks the system.
	InterfaceExists func(name string) bool
	// BaseDir resolves relative <?include?> paths (default: the working
	// directory, as Kea).
	BaseDir string
	// NoHookCheck skips checking that the hook libraries exist (tests of
	// the model use it on Kea's examples that name libraries elsewhere).
	NoHookCheck bool
	// MaxBytes bounds the size of the file and its includes (0: kjson's
	// default).
	MaxBytes int64
}

func (o LoadOptions) kjson() kjson.Options {
	return kjson.Options{BaseDir: o.BaseDir, MaxBytes: o.MaxBytes}
}

// LoadDhcp4File reads, checks and resolves a kea-dhcp4 configuration file.
// The error, if any, is an *Error or a *kjson.Error and prints as Kea
// prints it; warnings are what Kea would log while accepting the file.
func LoadDhcp4File(path string) (*Dhcp4, []Warning, error) {
	return LoadDhcp4FileWith(path, LoadOptions{})
}

// LoadDhcp4FileWith is LoadDhcp4File with options.
func LoadDhcp4FileWith(path string, opts LoadOptions) (*Dhcp4, []Warning, error) {
	doc, kw, err := kjson.ParseFile(path, opts.kjson())
	warns := syntaxWarnings(kw)
	if err != nil {
		return nil, warns, err
	}
	c, w, err := Dhcp4FromTree(fromKJSON(doc), opts)
	if c != nil {
		c.Source = path
	}
	return c, append(warns, w...), err
}

// ParseDhcp4 is LoadDhcp4File for a configuration held in memory (name is
// used in positions; Kea uses "<string>" for commands).
func ParseDhcp4(name string, data []byte, opts LoadOptions) (*Dhcp4, []Warning, error) {
	doc, kw, err := kjson.ParseBytes(name, data, opts.kjson())
	warns := syntaxWarnings(kw)
	if err != nil {
		return nil, warns, err
	}
	c, w, err := Dhcp4FromTree(fromKJSON(doc), opts)
	return c, append(warns, w...), err
}

// Dhcp4FromTree builds the configuration from a document already read
// (the top-level map holding "Dhcp4", e.g. the arguments of config-set).
func Dhcp4FromTree(doc *Node, opts LoadOptions) (*Dhcp4, []Warning, error) {
	m, gerr := checkTop(doc, "Dhcp4", grammar4())
	if gerr != nil {
		return nil, nil, gerr
	}
	d := newDecoder(4, opts)
	c := d.decodeDhcp4(m, doc)
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

// extraChecks are -T's: every database named needs a backend in this
// build.
func extraChecks(lease *Database, hosts []*Database, cc *ConfigControl) error {
	if lease != nil {
		if msg := MissingBackend("lease database", lease.Type); msg != "" {
			return cfgErr(lease.pos, "%s", msg)
		}
	}
	for _, db := range hosts {
		if msg := MissingBackend("hosts database", db.Type); msg != "" {
			return cfgErr(db.pos, "%s", msg)
		}
	}
	if cc != nil {
		for _, db := range cc.ConfigDatabases {
			if msg := MissingBackend("config database", db.Type); msg != "" {
				return cfgErr(db.pos, "%s", msg)
			}
		}
	}
	return nil
}

func syntaxWarnings(kw []kjson.Warning) []Warning {
	var out []Warning
	for _, w := range kw {
		out = append(out, Warning{ID: "DHCP4_CONFIG_SYNTAX_WARNING",
			Msg: "configuration syntax warning: " + w.String()})
	}
	return out
}

// CheckDhcp4File is "kea-dhcp4 -t FILE" (extra false) and "-T FILE"
// (extra true): it loads the file, writes the warnings to stdout as log
// lines and, on failure, the error to stderr the way Kea 2.2 does
// ("Syntax check failed with: ..." for grammar errors, "Error encountered:
// ..." for the others). It returns the process exit status.
func CheckDhcp4File(path string, extra bool, stdout, stderr io.Writer) int {
	_, warns, err := LoadDhcp4FileWith(path, LoadOptions{Extra: extra})
	return reportCheck("kea-dhcp4", warns, err, stdout, stderr)
}

// FormatCheckError renders a load error as Kea's -t prints it on stderr.
func FormatCheckError(err error) string {
	var ce *Error
	if errors.As(err, &ce) && ce.Kind == ConfigError {
		return "Error encountered: " + ce.Error()
	}
	return "Syntax check failed with: " + err.Error()
}

// readDoc reads a configuration file into a Node tree without checking it.
func readDoc(path string) (*Node, []Warning, error) {
	doc, kw, err := kjson.ParseFile(path, kjson.Options{})
	if err != nil {
		return nil, syntaxWarnings(kw), err
	}
	return fromKJSON(doc), syntaxWarnings(kw), nil
}
