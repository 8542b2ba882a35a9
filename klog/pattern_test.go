package klog

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Expected outputs are Kea 2.2's own, from testdata/kea/pattern-*.out
// (same pattern, logger, message and time).
func TestPatternMatchesKea(t *testing.T) {
	t.Setenv("KLOGX", "envval")
	at := func(h, m, s, us int) time.Time { return time.Date(2026, 11, 23, h, m, s, us*1000, time.UTC) }
	const (
		hosts   = "HOSTS_BACKENDS_REGISTERED the following host backend types are available: mysql postgresql "
		nostore = "DHCPSRV_MEMFILE_NO_STORAGE running in non-persistent mode, leases will be lost after restart"
	)
	tests := []struct {
		name, pattern, logger string
		sev                   Severity
		msg                   string
		t                     time.Time
		relMS                 int
		pid, tid              int
		want                  string
	}{
		{"D", "<%d{%Y-%m-%d %H:%M:%S.%q}|%D{%a %b %j %y %Z %Q}|%p|%5p|%-7p|%.3c|%10.4m|%r|%E{KLOGX}|%h|%%|%k|%n",
			"kea-dhcp4.hosts", Info, hosts, at(13, 25, 43, 132839), 8, 1, 1,
			"<2026-11-23 13:25:43.132|Mon Nov 327 26 UTC 132.839|INFO| INFO|INFO   |sts|sql |8|envval|vm|%|%k|\n"},
		{"H without caller fields", "a%d|%c{1}|%c{2}|%-5.5p|%x|%X|%X{k}|%T|%H|%i %-",
			"kea-dhcp4.dhcpsrv", Warn, nostore, at(13, 25, 44, 0), 0, 26034, 26034,
			"a2026-11-23 13:25:44|dhcpsrv|kea-dhcp4.dhcpsrv|WARN ||||26034|vm|26034 %-"},
		{"H2", "b%E|%5|%.m|%d{%Y|%D{%q %X %x %c}|%m%n",
			"kea-dhcp4.dhcpsrv", Warn, nostore, at(13, 25, 45, 981000), 0, 1, 1,
			"b|%5|%.m|2026|11/23/26{981 13:25:45 11/23/26 Mon Nov 23 13:25:45 2026|" + nostore + "\n"},
		{"H3", "c%-20.30d{%H}|%0p|%3.1p|%.0p|%-.2p|%3-p|%t|%3%|%.2%|%%%n",
			"kea-dhcp4.dhcpsrv", Warn, nostore, at(13, 25, 45, 0), 0, 1, 139737104794112,
			"c13                  |WARN|N||RN|%3-p|139737104794112|%3%|%.2%|%\n"},
		{"H4", "e%c{0}|%c{x}|%c{}|%c{5}|%d{}|%D{%e %k %l %s %z %F %T %u %C %G %V %g %h %P %R}|%m{3}|%10m|%d{%Y\n",
			"kea-dhcp4.dhcpsrv", Warn, nostore, at(13, 27, 18, 0), 0, 1, 1,
			"ekea-dhcp4.dhcpsrv|kea-dhcp4.dhcpsrv|kea-dhcp4.dhcpsrv|kea-dhcp4.dhcpsrv|2026-11-23 13:27:18|" +
				"23 13  1 1795440438 +0000 2026-11-23 13:27:18 1 20 2026 48 26 Nov pm 13:27|" + nostore + "{3}|" + nostore + "|2026-11-23 13:27:18"},
		{"H5", "f%-10.3%|%D{%%q %q %%%Q}|%.100p|%10c{1}|%-8i|%p{x}|%n%",
			"kea-dhcp4.dhcpsrv", Warn, nostore, at(13, 27, 20, 242624), 0, 30722, 1,
			"f%-10.3%|%q 242 %242.624|WARN|   dhcpsrv|30722   |WARN{x}|\n%"},
		{"default", DefaultPattern, "kea-dhcp4.dhcp4", Info, "DHCP4_SHUTDOWN server shutdown", at(13, 20, 29, 179000), 0, 10832, 139631098319360,
			"2026-11-23 13:20:29.179 INFO  [kea-dhcp4.dhcp4/10832.139631098319360] DHCP4_SHUTDOWN server shutdown\n"},
		{"default syslog", DefaultSyslogPattern, "kea-dhcp4.dhcp4", Debug, "DHCP4_SHUTDOWN_REQUEST shutdown of server requested", at(13, 25, 6, 0), 0, 1, 139643978904064,
			"DEBUG [kea-dhcp4.dhcp4.139643978904064] DHCP4_SHUTDOWN_REQUEST shutdown of server requested\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ParsePattern(tc.pattern)
			pi := &procInfo{pid: tc.pid, start: tc.t.Add(-time.Duration(tc.relMS)*time.Millisecond - time.Microsecond), host: "vm", fqdn: "vm", loc: time.UTC}
			e := &event{t: tc.t, sev: tc.sev, logger: tc.logger, msg: []byte(tc.msg), tid: tc.tid, ktid: tc.tid, env: pi}
			if got := string(p.appendEvent(nil, e)); got != tc.want {
				t.Errorf("pattern %q\n got %q\nwant %q", tc.pattern, got, tc.want)
			}
		})
	}
}

func TestThreadConversions(t *testing.T) {
	runtime.LockOSThread() // gettid must not change between the two reads
	defer runtime.UnlockOSThread()
	p := ParsePattern("%t %T %t")
	e := &event{env: &procInfo{pid: 4242}}
	got := string(p.appendEvent(nil, e))
	want := fmt.Sprintf("4242 %d 4242", gettid())
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestPatternProblems(t *testing.T) {
	tests := []struct {
		pattern  string
		problems int
	}{
		{DefaultPattern, 0},
		{DefaultSyslogPattern, 0},
		{"%k", 1},
		{"%.m", 1},
		{"%d{%Y", 1},
		{"%3-p", 1},
		{"plain text", 0},
	}
	for _, tc := range tests {
		if got := len(ParsePattern(tc.pattern).Problems()); got != tc.problems {
			t.Errorf("%q: %d problems, want %d", tc.pattern, got, tc.problems)
		}
	}
}

func TestPatternCaller(t *testing.T) {
	p := ParsePattern("%b:%L %M")
	if !p.needCaller {
		t.Fatal("caller conversions not detected")
	}
	env := newTestManager(t)
	if err := env.m.Configure([]LoggerConfig{{Name: "kea-dhcp4", Severity: "INFO",
		OutputOptions: []OutputOption{{Output: "stdout", Flush: true, Pattern: "%b %M%n"}}}}); err != nil {
		t.Fatal(err)
	}
	env.m.Logger("x").Info(testMsg(t, "T_CALLER", "here"))
	if got := env.stdout.String(); !strings.HasPrefix(got, "pattern_test.go ") || !strings.Contains(got, "TestPatternCaller") {
		t.Errorf("caller fields: %q", got)
	}
}

func TestTimeFormatAllSpecs(t *testing.T) {
	tm := time.Date(2026, 1, 4, 0, 5, 9, 7000, time.UTC) // a Sunday, ISO week 1 of 2026
	tf := compileTimeFormat("%a %A %b %B %C %d %e %H %I %j %k %l %m %M %p %S %u %U %w %W %y %Y %G %g %V %D %r %R %T %q %Q %% %K %t%n")
	want := "Sun Sunday Jan January 20 04  4 00 12 004  0 12 01 05 AM 09 7 01 0 00 26 2026 2026 26 01 01/04/26 12:05:09 AM 00:05 00:05:09 000 000.007 % %K \t\n"
	if got := string(tf.append(nil, tm)); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
