// Package admin is "nestor admin", Nestor's kea-admin: it creates,
// versions and upgrades the lease database schema (db-init, db-version,
// db-upgrade), dumps leases to and uploads them from memfile CSV files
// (lease-dump, lease-upload) and recounts the lease statistics tables
// (stats-recount), for the memfile, mysql and pgsql backends, with
// kea-admin's options and messages. It uses Nestor's own schema SQL and
// the databases' client protocols directly, not psql, mysql or kea-lfc.
package admin

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nestordhcp/nestor/internal/version"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// options are kea-admin's parameters.
type options struct {
	prog, command, backend string
	host, user, password   string
	name, scriptsDir       string
	port                   int
	passwordGiven          bool
	family                 int // 4 or 6; 0 when not given
	input, output          string
	extra                  []string
	yes                    bool
	schema                 string // --schema-version (Nestor extension)
}

const defaultScriptsDir = "/usr/share/kea/scripts"

// Main runs kea-admin with args (the arguments after the program name)
// and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	return Run("kea-admin", args, stdout, stderr)
}

// Run is Main with the program name shown in the usage text.
func Run(prog string, args []string, stdout, stderr io.Writer) int {
	o := &options{prog: prog, host: "localhost", user: "keatest", password: "keatest", name: "keatest", scriptsDir: defaultScriptsDir}
	w := stdout
	if len(args) == 0 || args[0] == "" {
		logError(w, "missing command")
		usage(w, prog)
		return 1
	}
	o.command = args[0]
	if o.command == "-v" || o.command == "--version" {
		fmt.Fprintln(w, version.Version)
		return 0
	}
	if o.command == "-h" || o.command == "--help" {
		usage(w, prog)
		return 0
	}
	switch o.command {
	case "db-init", "db-version", "db-upgrade", "lease-dump", "lease-upload", "stats-recount":
	default:
		logError(w, "invalid command: "+o.command)
		usage(w, prog)
		return 1
	}
	if len(args) < 2 || args[1] == "" {
		logError(w, "missing backend")
		usage(w, prog)
		return 1
	}
	o.backend = args[1]
	switch o.backend {
	case "memfile", "mysql", "pgsql":
	default:
		logError(w, "invalid backend: "+o.backend)
		return 1
	}
	if code, ok := o.parse(args[2:], w); !ok {
		return code
	}
	if !o.passwordGiven {
		if p, ok := os.LookupEnv("KEA_ADMIN_DB_PASSWORD"); ok {
			fmt.Fprintln(w, "Using the value of KEA_ADMIN_DB_PASSWORD for authentication...")
			o.password = p
		}
	}
	if len(o.extra) > 0 {
		logWarning(w, "extra arguments ("+strings.Join(o.extra, " ")+") are for the mysql/psql clients, which Nestor does not run; ignored")
	}
	if o.scriptsDir != defaultScriptsDir {
		logWarning(w, "Nestor uses its own schema scripts; -d "+o.scriptsDir+" is ignored")
	}
	return o.run(w)
}

func (o *options) parse(args []string, w io.Writer) (int, bool) {
	need := func(i int, what string) (string, bool) {
		if i+1 >= len(args) || args[i+1] == "" {
			logError(w, what+" requires a parameter")
			usage(w, o.prog)
			return "", false
		}
		return args[i+1], true
	}
	for i := 0; i < len(args); i++ {
		var ok bool
		switch a := args[i]; a {
		case "-h", "--host":
			if o.host, ok = need(i, "-h or --host"); !ok {
				return 1, false
			}
			i++
		case "-P", "--port":
			if i+1 >= len(args) {
				logError(w, "-P or --port requires a parameter")
				usage(w, o.prog)
				return 1, false
			}
			i++
			if _, err := fmt.Sscanf(args[i], "%d", &o.port); err != nil || o.port <= 0 || o.port > 65535 {
				logError(w, "invalid port: "+args[i])
				return 1, false
			}
		case "-u", "--user":
			if o.user, ok = need(i, "-u or --user"); !ok {
				return 1, false
			}
			i++
		case "-p", "--password":
			o.passwordGiven = true
			if i+1 < len(args) {
				i++
				o.password = args[i]
			} else if isTerminal(os.Stdin) {
				fmt.Fprint(w, "Password: ")
				line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
				fmt.Fprintln(w)
				o.password = strings.TrimRight(line, "\r\n")
			} else {
				logWarning(w, "Non-interactive tty detected. Assuming empty password.")
				o.password = ""
			}
		case "-n", "--name":
			if o.name, ok = need(i, "-n or --name"); !ok {
				return 1, false
			}
			i++
		case "-d", "--directory":
			if o.scriptsDir, ok = need(i, "-d or --directory"); !ok {
				return 1, false
			}
			i++
		case "-4", "-6":
			f := int(a[1] - '0')
			if o.family != 0 && o.family != f {
				logError(w, "you may not specify both -4 and -6")
				usage(w, o.prog)
				return 1, false
			}
			o.family = f
		case "-i", "--input":
			if o.input, ok = need(i, "-i or --input"); !ok {
				return 1, false
			}
			i++
		case "-o", "--output":
			if o.output, ok = need(i, "-o or --output"); !ok {
				return 1, false
			}
			i++
		case "-x", "--extra":
			var x string
			if x, ok = need(i, "-x or --extra"); !ok {
				return 1, false
			}
			o.extra = append(o.extra, x)
			i++
		case "-y", "--yes":
			o.yes = true
		case "--schema-version":
			if o.schema, ok = need(i, "--schema-version"); !ok {
				return 1, false
			}
			i++
		default:
			logError(w, "invalid option: "+a)
			usage(w, o.prog)
			return 1, false
		}
	}
	return 0, true
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

func logError(w io.Writer, msg string)   { fmt.Fprintf(w, "ERROR/kea-admin: %s\n", msg) }
func logWarning(w io.Writer, msg string) { fmt.Fprintf(w, "WARNING/kea-admin: %s\n", msg) }
func logInfo(w io.Writer, msg string)    { fmt.Fprintf(w, "INFO/kea-admin: %s\n", msg) }

func (o *options) config() sqlcommon.Config {
	return sqlcommon.Config{Host: o.host, Port: o.port, User: o.user, Password: o.password, Name: o.name, PoolSize: 1}
}

func usage(w io.Writer, prog string) {
	fmt.Fprintf(w, `
%s %s (Nestor)

This is Nestor's kea-admin: it conducts administrative tasks on
the lease database of a Kea or Nestor installation.

Usage: %s COMMAND BACKEND [parameters]

COMMAND: Currently supported operations are:

 - db-init: Initializes new database. Useful for first time installation.
 - db-version: Checks version of the existing database schema. Useful
 -             for checking database version when preparing for an upgrade.
 - db-upgrade: Upgrades your database schema.
 - lease-dump: Dumps current leases to a memfile-ready CSV file.
 - lease-upload: Uploads leases from a CSV file to the database.
 - stats-recount: Recounts lease statistics.

BACKEND - one of the supported backends: memfile|mysql|pgsql

PARAMETERS: Parameters are optional in general, but may be required
            for specific operations.
 -h or --host hostname - specifies a hostname of a database to connect to
 -P or --port port - specifies the TCP port to use for the database connection
 -u or --user name - specifies username when connecting to a database
 -p or --password [password] - specifies a password for the database connection;
                               if omitted from the command line,
                               then the user will be prompted for a password
 -n or --name database - specifies a database name to connect to
 -d or --directory - path to upgrade scripts (ignored: Nestor has its own)
 -v or --version - print kea-admin version and quit.
 -x or --extra - specifies extra argument(s) to pass to the database command (ignored)
 --schema-version X.Y - db-init: the schema version to create (Nestor;
                        pgsql 13.0 or 22.0, mysql 14.0 or 22.0; default
                        Kea 2.2's, so that Kea 2.2 can share the database)

 Parameters specific to lease-dump, lease-upload:
     -4 to dump IPv4 leases to file
     -6 to dump IPv6 leases to file
     -i or --input to specify the name of file from which leases will be uploaded
     -o or --output to specify the name of file to which leases will be dumped
     -y or --yes - assume yes on overwriting temporary files
`, prog, version.Version, prog)
}
