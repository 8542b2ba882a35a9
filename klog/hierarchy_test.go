package klog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// logAll sends one message per severity (and debug levels 0, 40, 99)
// through each named logger and returns the lines of stdout and stderr in
// the short form "logger SEV[/level]".
func logAll(t *testing.T, env *testEnv, suffixes ...string) (out, errOut []string) {
	t.Helper()
	msg := testMsg(t, "T_PROBE", "%1")
	for _, s := range suffixes {
		l := env.m.Logger(s)
		for _, lv := range []int{0, 40, 99} {
			l.Debug(lv, msg, fmt.Sprintf("DEBUG/%d", lv))
		}
		l.Info(msg, "INFO")
		l.Warn(msg, "WARN")
		l.Error(msg, "ERROR")
		l.Fatal(msg, "FATAL")
	}
	short := func(lines []string) []string {
		var r []string
		for _, ln := range lines {
			// "%c %m" pattern: "kea-dhcp4.x T_PROBE SEV"
			f := strings.Fields(ln)
			r = append(r, f[0]+" "+f[2])
		}
		return r
	}
	return short(env.stdout.Lines()), short(env.stderr.Lines())
}

func out(o string) OutputOption {
	oo := NewOutputOption(o)
	oo.Pattern = "%c %m%n"
	return oo
}

func TestHierarchy(t *testing.T) {
	sevs := func(logger string, ss ...string) []string {
		var r []string
		for _, s := range ss {
			r = append(r, logger+" "+s)
		}
		return r
	}
	cat := func(parts ...[]string) []string {
		var r []string
		for _, p := range parts {
			r = append(r, p...)
		}
		return r
	}
	tests := []struct {
		name       string
		cfg        []LoggerConfig
		verbose    bool
		loggers    []string
		wantStdout []string
		wantStderr []string
	}{
		{
			name:       "root only, WARN",
			cfg:        []LoggerConfig{{Name: "kea-dhcp4", Severity: "WARN", OutputOptions: []OutputOption{out("stdout")}}},
			loggers:    []string{"", "dhcpsrv"},
			wantStdout: cat(sevs("kea-dhcp4", "WARN", "ERROR", "FATAL"), sevs("kea-dhcp4.dhcpsrv", "WARN", "ERROR", "FATAL")),
		},
		{
			name:       "debuglevel compares <=",
			cfg:        []LoggerConfig{{Name: "kea-dhcp4", Severity: "debug", DebugLevel: 40, OutputOptions: []OutputOption{out("stdout")}}},
			loggers:    []string{"packets"},
			wantStdout: sevs("kea-dhcp4.packets", "DEBUG/0", "DEBUG/40", "INFO", "WARN", "ERROR", "FATAL"),
		},
		{
			// The ARM's example: DEBUG for one child, the rest at the
			// root's INFO; the child writes to the root's output.
			name: "child severity, root outputs",
			cfg: []LoggerConfig{
				{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: []OutputOption{out("stdout")}},
				{Name: "kea-dhcp4.bad-packets", Severity: "DEBUG", DebugLevel: 99},
			},
			loggers:    []string{"bad-packets", "dhcp4"},
			wantStdout: cat(sevs("kea-dhcp4.bad-packets", "DEBUG/0", "DEBUG/40", "DEBUG/99", "INFO", "WARN", "ERROR", "FATAL"), sevs("kea-dhcp4.dhcp4", "INFO", "WARN", "ERROR", "FATAL")),
		},
		{
			// Kea 2.2 (testdata/kea/child-own-output.*): a child with its own
			// output writes there only.
			name: "child own output",
			cfg: []LoggerConfig{
				{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: []OutputOption{out("stdout")}},
				{Name: "kea-dhcp4.dhcpsrv", Severity: "WARN", OutputOptions: []OutputOption{out("stderr")}},
			},
			loggers:    []string{"dhcp4", "dhcpsrv"},
			wantStdout: sevs("kea-dhcp4.dhcp4", "INFO", "WARN", "ERROR", "FATAL"),
			wantStderr: sevs("kea-dhcp4.dhcpsrv", "WARN", "ERROR", "FATAL"),
		},
		{
			name: "child without severity inherits the root's level and debuglevel",
			cfg: []LoggerConfig{
				{Name: "kea-dhcp4", Severity: "DEBUG", DebugLevel: 40, OutputOptions: []OutputOption{out("stdout")}},
				{Name: "kea-dhcp4.leases", DebugLevel: 0, OutputOptions: []OutputOption{out("stderr")}},
			},
			loggers:    []string{"leases"},
			wantStderr: sevs("kea-dhcp4.leases", "DEBUG/0", "DEBUG/40", "INFO", "WARN", "ERROR", "FATAL"),
		},
		{
			name: "explicit DEBUG without debuglevel is level 0",
			cfg: []LoggerConfig{
				{Name: "kea-dhcp4", Severity: "DEBUG", DebugLevel: 99, OutputOptions: []OutputOption{out("stdout")}},
				{Name: "kea-dhcp4.eval", Severity: "DEBUG"},
			},
			loggers:    []string{"eval"},
			wantStdout: sevs("kea-dhcp4.eval", "DEBUG/0", "INFO", "WARN", "ERROR", "FATAL"),
		},
		{
			name: "NONE silences, child may re-enable",
			cfg: []LoggerConfig{
				{Name: "kea-dhcp4", Severity: "NONE", OutputOptions: []OutputOption{out("stdout")}},
				{Name: "kea-dhcp4.dhcpsrv", Severity: "ERROR"},
			},
			loggers:    []string{"", "hooks", "dhcpsrv"},
			wantStdout: sevs("kea-dhcp4.dhcpsrv", "ERROR", "FATAL"),
		},
		{
			name:       "only a child configured: root keeps INFO to stdout",
			cfg:        []LoggerConfig{{Name: "kea-dhcp4.dhcpsrv", Severity: "ERROR", OutputOptions: []OutputOption{out("stderr")}}},
			loggers:    []string{"dhcpsrv"},
			wantStderr: sevs("kea-dhcp4.dhcpsrv", "ERROR", "FATAL"),
		},
		{
			name: "other daemons' loggers are ignored",
			cfg: []LoggerConfig{
				{Name: "kea-dhcp4", Severity: "ERROR", OutputOptions: []OutputOption{out("stdout")}},
				{Name: "kea-dhcp6", Severity: "DEBUG", DebugLevel: 99, OutputOptions: []OutputOption{out("stderr")}},
				{Name: "kea-dhcp4x", Severity: "DEBUG", DebugLevel: 99, OutputOptions: []OutputOption{out("stderr")}},
			},
			loggers:    []string{""},
			wantStdout: sevs("kea-dhcp4", "ERROR", "FATAL"),
		},
		{
			name: "verbose forces DEBUG/99 on every entry",
			cfg: []LoggerConfig{
				{Name: "kea-dhcp4", Severity: "ERROR", OutputOptions: []OutputOption{out("stdout")}},
				{Name: "kea-dhcp4.dhcpsrv", Severity: "NONE"},
			},
			verbose:    true,
			loggers:    []string{"dhcpsrv"},
			wantStdout: sevs("kea-dhcp4.dhcpsrv", "DEBUG/0", "DEBUG/40", "DEBUG/99", "INFO", "WARN", "ERROR", "FATAL"),
		},
		{
			name:       "unknown severity is INFO",
			cfg:        []LoggerConfig{{Name: "kea-dhcp4", Severity: "LOUD", OutputOptions: []OutputOption{out("stdout")}}},
			loggers:    []string{"x"},
			wantStdout: sevs("kea-dhcp4.x", "INFO", "WARN", "ERROR", "FATAL"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestManager(t)
			env.m.verbose = tc.verbose
			if err := env.m.Configure(tc.cfg); err != nil {
				t.Fatal(err)
			}
			gotOut, gotErr := logAll(t, env, tc.loggers...)
			if d := cmp.Diff(tc.wantStdout, gotOut); d != "" {
				t.Errorf("stdout (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantStderr, gotErr); d != "" {
				t.Errorf("stderr (-want +got):\n%s", d)
			}
		})
	}
}

func TestEnabled(t *testing.T) {
	env := newTestManager(t)
	if err := env.m.Configure([]LoggerConfig{{Name: "kea-dhcp4", Severity: "DEBUG", DebugLevel: 45}}); err != nil {
		t.Fatal(err)
	}
	l := env.m.Logger("alloc-engine")
	if !l.DebugEnabled(45) || l.DebugEnabled(46) || !l.Enabled(Info) || l.Name() != "kea-dhcp4.alloc-engine" {
		t.Errorf("DebugEnabled(45)=%v DebugEnabled(46)=%v Enabled(Info)=%v Name=%q",
			l.DebugEnabled(45), l.DebugEnabled(46), l.Enabled(Info), l.Name())
	}
}

func TestSetRootRenames(t *testing.T) {
	env := newTestManager(t)
	l := env.m.Logger("dhcpsrv")
	if err := env.m.SetRoot("kea-dhcp6"); err != nil {
		t.Fatal(err)
	}
	if l.Name() != "kea-dhcp6.dhcpsrv" || env.m.Logger("").Name() != "kea-dhcp6" {
		t.Errorf("names after SetRoot: %q", l.Name())
	}
}

func TestConfigErrors(t *testing.T) {
	bad := [][]LoggerConfig{
		{{Name: ""}},
		{{Name: "kea-dhcp4", Severity: "DEBUG", DebugLevel: 100}},
		{{Name: "kea-dhcp4", DebugLevel: -1}},
		{{Name: "kea-dhcp4", OutputOptions: []OutputOption{{}}}},
		{{Name: "kea-dhcp4", OutputOptions: []OutputOption{NewOutputOption("/nonexistent-dir-klog/x.log")}}},
	}
	env := newTestManager(t)
	for i, cfg := range bad {
		if err := env.m.Configure(cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	if err := env.m.Check([]LoggerConfig{{Name: "kea-dhcp4", Severity: "DEBUG", DebugLevel: 100}}); err == nil {
		t.Error("Check accepted debuglevel 100")
	}
}
