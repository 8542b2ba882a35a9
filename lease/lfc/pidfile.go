package lfc

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrRunning is returned when another cleanup holds the PID file.
var ErrRunning = errors.New("lfc: another instance is already running")

// pidRunning reports whether path names a live process other than us, as
// Kea's PIDFile::check does (a file that cannot be parsed is an error).
func pidRunning(path string) (bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return false, errors.New("lfc: unable to read PID from file '" + path + "'")
	}
	if pid <= 0 || pid == os.Getpid() {
		return false, nil
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM), nil
}

func writePID(path string) error {
	return os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}
