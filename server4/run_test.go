package server4

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/internal/cli"
)

func TestPIDFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEA_PIDFILE_DIR", dir)
	path := pidFilePath("/etc/kea/kea-dhcp4.conf")
	if want := filepath.Join(dir, "kea-dhcp4.kea-dhcp4.pid"); path != want {
		t.Fatalf("pid file %s, want %s", path, want)
	}
	if err := writePIDFile(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("pid file holds %q", b)
	}
	// A live process holding the file: already running.
	os.WriteFile(path, []byte(strconv.Itoa(os.Getppid())+"\n"), 0o644)
	if err := writePIDFile(path); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("live PID: err = %v", err)
	}
	// A stale PID is replaced.
	os.WriteFile(path, []byte("999999999\n"), 0o644)
	if err := writePIDFile(path); err != nil {
		t.Errorf("stale PID: %v", err)
	}
}

func TestRunBadConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEA_PIDFILE_DIR", dir)
	t.Setenv("KEA_LOCKFILE_DIR", "none")
	cfg := filepath.Join(dir, "bad.json")
	os.WriteFile(cfg, []byte(`{"Dhcp4": {"valid-lifetime": 10, "foo": 1}}`), 0o644)
	var out, errb bytes.Buffer
	code := Run(cli.DaemonArgs{Mode: cli.ModeRun, ConfigFile: cfg}, &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if want := `got unexpected keyword "foo" in Dhcp4 map`; !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q lacks %q", errb.String(), want)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.kea-dhcp4.pid")); err == nil {
		t.Errorf("PID file left behind")
	}
}
