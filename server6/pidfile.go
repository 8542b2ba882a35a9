package server6

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// DefaultPIDDir is where PID files go when KEA_PIDFILE_DIR is not set:
// Debian's Kea runs in /run/kea.
const DefaultPIDDir = "/run/kea"

// pidFilePath is Kea's PID file name: [dir]/[config base name without
// extension].kea-dhcp6.pid.
func pidFilePath(configFile string) string {
	dir := os.Getenv("KEA_PIDFILE_DIR")
	if dir == "" {
		dir = DefaultPIDDir
	}
	base := filepath.Base(configFile)
	if ext := filepath.Ext(base); ext != "" {
		base = strings.TrimSuffix(base, ext)
	}
	return filepath.Join(dir, base+".kea-dhcp6.pid")
}

// errAlreadyRunning is returned by writePIDFile when a live process holds
// the PID file.
var errAlreadyRunning = errors.New("already running")

// writePIDFile creates the PID file, refusing when the PID it holds is a
// live process (Kea's PIDFile::check).
func writePIDFile(path string) error {
	if b, err := os.ReadFile(path); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 && pid != os.Getpid() {
			if syscall.Kill(pid, 0) == nil || errors.Is(syscall.Kill(pid, 0), syscall.EPERM) {
				return fmt.Errorf("%w: PID %d in %s", errAlreadyRunning, pid, path)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}
