package klog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestStartupDestination(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pre.log")
	tests := []struct {
		name, dest, sev  string
		verbose          bool
		wantOut, wantErr bool
		wantFile         bool
		wantDebug        bool
	}{
		{name: "unset is stdout", wantOut: true},
		{name: "stdout", dest: "stdout", wantOut: true},
		{name: "stderr", dest: "stderr", wantErr: true},
		{name: "file", dest: file, wantFile: true},
		{name: "verbose", dest: "stdout", verbose: true, wantOut: true, wantDebug: true},
		{name: "KEA_LOGGER_SEVERITY", dest: "stdout", sev: "WARN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KEA_LOGGER_DESTINATION", tc.dest)
			t.Setenv("KEA_LOGGER_SEVERITY", tc.sev)
			t.Setenv("KEA_LOCKFILE_DIR", "none")
			os.Remove(file)
			env := newTestManager(t)
			if err := env.m.Startup(tc.verbose); err != nil {
				t.Fatal(err)
			}
			l := env.m.Logger("dhcp4")
			msg := testMsg(t, "T_START", "starting %1")
			l.Info(msg, "up")
			l.Debug(DbgStartShut, msg, "debug")
			env.m.Flush()
			fb, _ := os.ReadFile(file)
			got := map[string]string{"stdout": env.stdout.String(), "stderr": env.stderr.String(), "file": string(fb)}
			for dest, want := range map[string]bool{"stdout": tc.wantOut, "stderr": tc.wantErr, "file": tc.wantFile} {
				has := strings.Contains(got[dest], "INFO  [kea-dhcp4.dhcp4/4242.")
				if has != want {
					t.Errorf("%s has the INFO line: %v, want %v (%q)", dest, has, want, got[dest])
				}
			}
			all := got["stdout"] + got["stderr"] + got["file"]
			if has := strings.Contains(all, "T_START starting debug"); has != tc.wantDebug {
				t.Errorf("debug line present %v, want %v", has, tc.wantDebug)
			}
		})
	}
}

func TestStartupLockFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEA_LOGGER_DESTINATION", "stdout")
	t.Setenv("KEA_LOCKFILE_DIR", dir)
	env := newTestManager(t)
	if err := env.m.Startup(false); err != nil {
		t.Fatal(err)
	}
	env.m.Logger("").Info(testMsg(t, "T_LOCK", "locked"))
	if _, err := os.Stat(filepath.Join(dir, "logger_lockfile")); err != nil {
		t.Errorf("no lock file: %v", err)
	}
	if !strings.Contains(env.stdout.String(), "T_LOCK locked") {
		t.Errorf("stdout %q", env.stdout.String())
	}
}

// Configure replaces the whole set-up; a failing one leaves it in force.
func TestReconfigure(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	env := newTestManager(t)
	l := env.m.Logger("dhcpsrv")
	msg := testMsg(t, "T_RECONF", "line %1")
	file := func(p string) []OutputOption { o := out(p); return []OutputOption{o} }
	steps := []struct {
		cfg     []LoggerConfig
		wantErr bool
	}{
		{cfg: []LoggerConfig{{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: file(a)}}},
		{cfg: []LoggerConfig{{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: file(b)}, {Name: "kea-dhcp4.dhcpsrv", Severity: "WARN"}}},
		{cfg: []LoggerConfig{{Name: "kea-dhcp4", Severity: "DEBUG", DebugLevel: 99, OutputOptions: file(filepath.Join(dir, "missing", "c.log"))}}, wantErr: true},
		{cfg: nil}, // no loggers: INFO to stdout
	}
	for i, st := range steps {
		err := env.m.Configure(st.cfg)
		if (err != nil) != st.wantErr {
			t.Fatalf("step %d: err %v", i, err)
		}
		l.Info(msg, fmt.Sprintf("info%d", i))
		l.Warn(msg, fmt.Sprintf("warn%d", i))
		l.Debug(0, msg, fmt.Sprintf("debug%d", i))
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	want := map[string]string{
		"a": "kea-dhcp4.dhcpsrv T_RECONF line info0\nkea-dhcp4.dhcpsrv T_RECONF line warn0\n",
		"b": "kea-dhcp4.dhcpsrv T_RECONF line warn1\nkea-dhcp4.dhcpsrv T_RECONF line warn2\n",
	}
	if string(ab) != want["a"] || string(bb) != want["b"] {
		t.Errorf("a.log %q\nb.log %q", ab, bb)
	}
	if got := env.stdout.String(); !strings.Contains(got, "T_RECONF line info3") || strings.Contains(got, "debug3") {
		t.Errorf("stdout after reset to defaults: %q", got)
	}
}

// Messages from many goroutines while the configuration changes: every
// line is whole, none is lost outside the swaps.
func TestConcurrentLoggingAndReconfigure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.log")
	env := newTestManager(t)
	cfg := []LoggerConfig{{Name: "kea-dhcp4", Severity: "INFO", OutputOptions: []OutputOption{out(path)}}}
	if err := env.m.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	msg := testMsg(t, "T_CONC", "goroutine %1 message %2 %3")
	const workers, perWorker = 4, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := env.m.Logger(fmt.Sprintf("w%d", w))
			for i := range perWorker {
				l.Info(msg, w, i, strings.Repeat("x", 100))
			}
		}()
	}
	for range 20 {
		if err := env.m.Configure(cfg); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != workers*perWorker {
		t.Errorf("%d lines, want %d", len(lines), workers*perWorker)
	}
	for _, ln := range lines {
		if !strings.HasSuffix(ln, strings.Repeat("x", 100)) || !strings.Contains(ln, " T_CONC goroutine ") {
			t.Fatalf("torn line %q", ln)
		}
	}
}

func TestCloseDiscards(t *testing.T) {
	env := newTestManager(t)
	l := env.m.Logger("")
	env.m.Close()
	l.Info(testMsg(t, "T_CLOSED", "gone"))
	if env.stdout.String() != "" {
		t.Errorf("wrote after Close: %q", env.stdout.String())
	}
}
