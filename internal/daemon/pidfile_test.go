package daemon

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestPIDFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEA_PIDFILE_DIR", dir)
	path := PIDFilePath("/etc/kea/kea-dhcp4.conf", "kea-dhcp4")
	if want := filepath.Join(dir, "kea-dhcp4.kea-dhcp4.pid"); path != want {
		t.Fatalf("pid file %s, want %s", path, want)
	}
	if err := WritePIDFile(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("pid file holds %q", b)
	}
	// A live process holding the file: already running.
	os.WriteFile(path, []byte(strconv.Itoa(os.Getppid())+"\n"), 0o644)
	if err := WritePIDFile(path); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("live PID: err = %v", err)
	}
	// A stale PID is replaced.
	os.WriteFile(path, []byte("999999999\n"), 0o644)
	if err := WritePIDFile(path); err != nil {
		t.Errorf("stale PID: %v", err)
	}
}
