// Package daemon holds what Kea's daemons share around their main work:
// the PID file and the set of control sockets of a configuration.
package daemon

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

// PIDFilePath is Kea's PID file name for program (kea-dhcp4, kea-dhcp6,
// kea-ctrl-agent, ...): [KEA_PIDFILE_DIR or DefaultPIDDir]/[config base
// name without extension].[program].pid.
func PIDFilePath(configFile, program string) string {
	dir := os.Getenv("KEA_PIDFILE_DIR")
	if dir == "" {
		dir = DefaultPIDDir
	}
	base := filepath.Base(configFile)
	if ext := filepath.Ext(base); ext != "" {
		base = strings.TrimSuffix(base, ext)
	}
	return filepath.Join(dir, base+"."+program+".pid")
}

// ErrAlreadyRunning is returned by WritePIDFile when a live process holds
// the PID file.
var ErrAlreadyRunning = errors.New("already running")

// WritePIDFile creates the PID file, refusing when the PID it holds is a
// live process (Kea's PIDFile::check).
func WritePIDFile(path string) error {
	if b, err := os.ReadFile(path); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 && pid != os.Getpid() {
			if syscall.Kill(pid, 0) == nil || errors.Is(syscall.Kill(pid, 0), syscall.EPERM) {
				return fmt.Errorf("%w: PID %d in %s", ErrAlreadyRunning, pid, path)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}
