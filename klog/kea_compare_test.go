package klog

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// keaMessages loads the keamsg catalogue files into a private catalogue.
func keaMessages(t *testing.T) *Catalogue {
	t.Helper()
	c := &Catalogue{byID: map[string]*Message{}}
	files, _ := filepath.Glob("keamsg/*.mes")
	if len(files) == 0 {
		t.Fatal("no keamsg/*.mes files")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.RegisterMes(string(src)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	return c
}

// The arguments Kea passed for the messages of its start-up and shut-down
// in testdata/kea (what the text shows, split at the placeholders).
var keaArgs = map[string][]any{
	"DHCP4_STARTING":                         {"2.2.0", "stable"},
	"HOSTS_BACKENDS_REGISTERED":              {"mysql postgresql "},
	"DHCPSRV_CFGMGR_SOCKET_TYPE_DEFAULT":     {"raw"},
	"DHCPSRV_CFGMGR_NEW_SUBNET4":             {"198.51.100.0/24 with params: valid-lifetime=7200"},
	"DHCP4_CONFIG_COMPLETE":                  {"added IPv4 subnets: 1; DDNS: disabled"},
	"DHCPSRV_MEMFILE_DB":                     {"persist=false type=memfile universe=4"},
	"DHCPSRV_MEMFILE_NO_STORAGE":             nil,
	"DHCPSRV_NO_SOCKETS_OPEN":                nil,
	"DHCP4_MULTI_THREADING_INFO":             {"no", 0, 0},
	"DHCP4_STARTED":                          {"2.2.0"},
	"DHCP4_SHUTDOWN":                         nil,
	"DHCP4_SHUTDOWN_REQUEST":                 nil,
	"DHCPSRV_TIMERMGR_START_TIMER":           {"reclaim-expired-leases"},
	"DHCPSRV_TIMERMGR_REGISTER_TIMER":        {"reclaim-expired-leases", 10000},
	"DHCPSRV_CLOSE_DB":                       {"memfile"},
	"COMMAND_DEREGISTERED":                   {"config-get"},
	"DHCPSRV_TIMERMGR_UNREGISTER_ALL_TIMERS": nil,
}

var keaLine = regexp.MustCompile(`^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\S+) +\[([^/]+)/(\d+)\.(\d+)\] (\S+)`)

// TestKeaStdoutLines renders the messages of Kea 2.2's own output with the
// same ID, arguments, time, logger and pid, and expects the same line
// (the thread number aside: klog prints the kernel thread ID).
func TestKeaStdoutLines(t *testing.T) {
	cat := keaMessages(t)
	files := []string{"testdata/kea/default-stdout.txt", "testdata/kea/nologgers-stderr.txt", "testdata/kea/child-own-output.stdout"}
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			mt := keaLine.FindStringSubmatch(line)
			if mt == nil {
				t.Fatalf("%s: unexpected line %q", f, line)
			}
			args, ok := keaArgs[mt[6]]
			if !ok && mt[6] != "DHCP4_CONFIG_LOAD_FAIL" {
				t.Fatalf("no arguments known for %s", mt[6])
			}
			if !ok {
				continue
			}
			ts, err := time.ParseInLocation("2006-01-02 15:04:05.000", mt[1], time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			env := newTestManager(t)
			env.m.now = func() time.Time { return ts.Add(456 * time.Microsecond) }
			env.m.proc.pid, _ = strconv.Atoi(mt[4])
			sev, _ := ParseSeverity(mt[2])
			msg := cat.Lookup(mt[6])
			if msg == nil {
				t.Fatalf("%s not in keamsg", mt[6])
			}
			suffix := strings.TrimPrefix(mt[3], "kea-dhcp4.")
			env.m.Logger(suffix).Log(sev, 0, msg, args...)
			got := env.stdout.String()
			tid := regexp.MustCompile(`\.\d+\] `)
			want := tid.ReplaceAllString(line+"\n", ".T] ")
			if got = tid.ReplaceAllString(got, ".T] "); got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("only %d lines compared", checked)
	}
}

// TestKeaSyslogDatagrams sends messages to a unixgram socket standing in
// for /dev/log and expects the datagrams Kea 2.2 sent for the same
// messages (testdata/kea/syslog-*.dgrams).
func TestKeaSyslogDatagrams(t *testing.T) {
	cat := keaMessages(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Skipf("cannot create a unixgram socket: %v", err)
	}
	defer conn.Close()
	old := syslogPath
	syslogPath = sock
	defer func() { syslogPath = old }()

	env := newTestManager(t)
	env.m.now = func() time.Time { return time.Date(2026, 11, 23, 13, 24, 42, 0, time.UTC) }
	opt := func(o string) []OutputOption { return []OutputOption{NewOutputOption(o)} }
	err = env.m.Configure([]LoggerConfig{
		{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: opt("syslog:LOCAL5")},
		{Name: "kea-dhcp4.hosts", Severity: "INFO", OutputOptions: opt("syslog:")},
		{Name: "kea-dhcp4.dhcpsrv", Severity: "DEBUG", DebugLevel: 99, OutputOptions: opt("syslog:daemon")},
		{Name: "kea-dhcp4.packets", Severity: "INFO", OutputOptions: opt("syslog")},
	})
	if err != nil {
		t.Fatal(err)
	}
	log := func(suffix string, s Severity, id string, args ...any) {
		env.m.Logger(suffix).Log(s, 50, cat.Lookup(id), args...)
	}
	log("hosts", Info, "HOSTS_BACKENDS_REGISTERED", "mysql postgresql ")
	log("dhcpsrv", Warn, "DHCPSRV_NO_SOCKETS_OPEN")
	log("dhcp4", Info, "DHCP4_STARTED", "2.2.0")
	log("dhcpsrv", Debug, "DHCPSRV_TIMERMGR_START_TIMER", "reclaim-expired-leases")
	log("packets", Info, "DHCP4_SHUTDOWN")
	log("dhcp4", Error, "DHCP4_SHUTDOWN")
	log("dhcp4", Fatal, "DHCP4_SHUTDOWN")
	want := []string{
		// Kea's own, syslog-facilities.dgrams and syslog-debug.dgrams:
		"<14>Nov 23 13:24:42 kea-dhcp4: INFO  [kea-dhcp4.hosts.T] HOSTS_BACKENDS_REGISTERED the following host backend types are available: mysql postgresql \n",
		"<28>Nov 23 13:24:42 kea-dhcp4: WARN  [kea-dhcp4.dhcpsrv.T] DHCPSRV_NO_SOCKETS_OPEN no interface configured to listen to DHCP traffic\n",
		"<174>Nov 23 13:24:42 kea-dhcp4: INFO  [kea-dhcp4.dhcp4.T] DHCP4_STARTED Kea DHCPv4 server version 2.2.0 started\n",
		"<31>Nov 23 13:24:42 kea-dhcp4: DEBUG [kea-dhcp4.dhcpsrv.T] DHCPSRV_TIMERMGR_START_TIMER starting timer: reclaim-expired-leases\n",
		// syslog-env.dgrams: "syslog" is local0.
		"<134>Nov 23 13:24:42 kea-dhcp4: INFO  [kea-dhcp4.packets.T] DHCP4_SHUTDOWN server shutdown\n",
		// log4cplus maps ERROR to LOG_ERR and FATAL to LOG_CRIT.
		"<171>Nov 23 13:24:42 kea-dhcp4: ERROR [kea-dhcp4.dhcp4.T] DHCP4_SHUTDOWN server shutdown\n",
		"<170>Nov 23 13:24:42 kea-dhcp4: FATAL [kea-dhcp4.dhcp4.T] DHCP4_SHUTDOWN server shutdown\n",
	}
	tid := regexp.MustCompile(`\.\d+\] `)
	buf := make([]byte, 4096)
	for i, w := range want {
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("datagram %d: %v", i, err)
		}
		if got := tid.ReplaceAllString(string(buf[:n]), ".T] "); got != w {
			t.Errorf("datagram %d\n got %q\nwant %q", i, got, w)
		}
	}
}

// A missing syslog socket loses messages but breaks nothing.
func TestSyslogWithoutSocket(t *testing.T) {
	old := syslogPath
	syslogPath = filepath.Join(t.TempDir(), "none")
	defer func() { syslogPath = old }()
	env := newTestManager(t)
	if err := env.m.Configure([]LoggerConfig{{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: []OutputOption{NewOutputOption("syslog"), out("stdout")}}}); err != nil {
		t.Fatal(err)
	}
	env.m.Logger("").Info(testMsg(t, "T_SYS", "still here"))
	if got := env.stdout.String(); got != "kea-dhcp4 T_SYS still here\n" {
		t.Errorf("stdout %q", got)
	}
}
