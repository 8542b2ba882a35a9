package config

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const keaExamples6 = "/usr/share/doc/kea/examples/kea6"

// runKea6 runs Kea 2.2's "kea-dhcp6 -t" on path and returns whether it
// accepted the file and its stderr (the error line).
func runKea6(t *testing.T, path string) (bool, string) {
	t.Helper()
	kea, err := exec.LookPath("kea-dhcp6")
	if err != nil {
		t.Skip("kea-dhcp6 is not installed (apt-get install kea-dhcp6-server): no oracle")
	}
	dir := t.TempDir()
	cmd := exec.Command(kea, "-t", path)
	cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir, "KEA_LOGGER_DESTINATION=stdout")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	return err == nil, strings.TrimSpace(stderr.String())
}

// TestExamplesAgainstKea6 checks every DHCPv6 example Kea ships: Nestor
// accepts exactly the files Kea 2.2 accepts and, for the others, prints
// Kea's error line.
func TestExamplesAgainstKea6(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Kea on every example: not in -short")
	}
	files, _ := filepath.Glob(filepath.Join(keaExamples6, "*.json"))
	if len(files) == 0 {
		t.Skip("Kea examples not installed (apt-get install kea-doc)")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			keaOK, keaErr := runKea6(t, f)
			var out, errb bytes.Buffer
			ok := CheckDhcp6File(f, false, &out, &errb) == 0
			msg := strings.TrimSpace(errb.String())
			if ok != keaOK {
				t.Fatalf("accept: nestor %v, kea %v\nnestor: %s\nkea:    %s", ok, keaOK, msg, keaErr)
			}
			if !ok && msg != keaErr {
				t.Errorf("error differs\nnestor: %s\nkea:    %s", msg, keaErr)
			}
		})
	}
}
