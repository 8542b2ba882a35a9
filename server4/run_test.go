package server4

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/internal/cli"
)

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
