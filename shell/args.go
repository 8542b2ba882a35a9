package shell

import (
	"fmt"
	"strconv"
	"strings"
)

// options are kea-shell's command-line options, with its defaults.
type options struct {
	host, path, ca, cert, key string
	port, timeout             int
	services                  []string // "" for a --service given without a value
	authUser, authPassword    string
	command                   string
	version, help             bool
}

const usage = `usage: kea-shell [-h] [--host HOST] [--port PORT] [--path PATH] [--ca CA]
                 [--cert CERT] [--key KEY] [--timeout TIMEOUT]
                 [--service [SERVICE]] [--auth-user AUTH_USER]
                 [--auth-password AUTH_PASSWORD] [-v]
                 [command]
`

const help = usage + `
kea-shell is a simple text client that uses REST interface to connect to Kea
Control Agent.

positional arguments:
  command               command to be executed. If not specified, "list-
                        commands" is used

options:
  -h, --help            show this help message and exit
  --host HOST           hostname of the CA to connect to (default:; 127.0.0.1)
  --port PORT           TCP port of the CA to connect to (default: 8000)
  --path PATH           Path of the URL to connect to (default: "")
  --ca CA               File or directory name of the CA (default: "" i.e. do
                        not use HTTPS)
  --cert CERT           File name of the client certificate (default: "")
  --key KEY             File name of the client private key (default: "")
  --timeout TIMEOUT     Timeout (in seconds) when attempting to connect to CA
                        (default: 10)
  --service [SERVICE]   target specified service. If not specified,control
                        agent will receive command.
  --auth-user AUTH_USER
                        Basic HTTP authentication user
  --auth-password AUTH_PASSWORD
                        Basic HTTP authentication password
  -v                    Prints version
`

// argError is a command-line error, printed after the usage as
// "kea-shell: error: ..." with exit status 2, as Python's argparse does.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

var longOptions = []string{"--help", "--host", "--port", "--path", "--ca", "--cert", "--key",
	"--timeout", "--service", "--auth-user", "--auth-password"}

// parseArgs reads the command line as kea-shell's argparse parser does:
// long options may be abbreviated to a unique prefix and take their value
// as the next argument or after "="; --service may come without a value;
// at most one positional argument, the command.
func parseArgs(args []string) (*options, error) {
	o := &options{host: "127.0.0.1", port: 8000, timeout: 10, command: "list-commands"}
	var extra []string
	positional := 0
	onlyPositional := false
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if onlyPositional || arg == "-" || !strings.HasPrefix(arg, "-") || isNumber(arg) {
			if positional == 0 {
				o.command = arg
				positional++
			} else {
				extra = append(extra, arg)
			}
			continue
		}
		if arg == "--" {
			onlyPositional = true
			continue
		}
		if arg == "-h" {
			o.help = true
			return o, nil
		}
		if arg == "-v" {
			o.version = true
			continue
		}
		if !strings.HasPrefix(arg, "--") {
			extra = append(extra, arg)
			continue
		}
		name, value, hasValue := strings.Cut(arg, "=")
		full, err := matchOption(name)
		if err != nil {
			return nil, err
		}
		if full == "" {
			extra = append(extra, arg)
			continue
		}
		if full == "--help" {
			o.help = true
			return o, nil
		}
		takeValue := func(optional bool) (string, bool, error) {
			if hasValue {
				return value, true, nil
			}
			if i+1 < len(args) && (!strings.HasPrefix(args[i+1], "-") || isNumber(args[i+1])) {
				i++
				return args[i], true, nil
			}
			if optional {
				return "", false, nil
			}
			return "", false, &argError{"argument " + full + ": expected one argument"}
		}
		if full == "--service" {
			v, _, _ := takeValue(true)
			o.services = append(o.services, v)
			continue
		}
		v, _, err := takeValue(false)
		if err != nil {
			return nil, err
		}
		switch full {
		case "--host":
			o.host = v
		case "--path":
			o.path = v
		case "--ca":
			o.ca = v
		case "--cert":
			o.cert = v
		case "--key":
			o.key = v
		case "--auth-user":
			o.authUser = v
		case "--auth-password":
			o.authPassword = v
		case "--port", "--timeout":
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return nil, &argError{fmt.Sprintf("argument %s: invalid int value: '%s'", full, v)}
			}
			if full == "--port" {
				o.port = n
			} else {
				o.timeout = n
			}
		}
	}
	if len(extra) > 0 {
		return nil, &argError{"unrecognized arguments: " + strings.Join(extra, " ")}
	}
	return o, nil
}

// matchOption resolves an abbreviated long option; "" means unknown.
func matchOption(name string) (string, error) {
	var found []string
	for _, o := range longOptions {
		if o == name {
			return o, nil
		}
		if strings.HasPrefix(o, name) {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", &argError{fmt.Sprintf("ambiguous option: %s could match %s", name, strings.Join(found, ", "))}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
