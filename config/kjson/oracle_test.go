package kjson

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// runKea runs "kea-dhcp4 -t t.json" in dir and returns what it printed
// after "Syntax check failed with: " ("" when it accepted the file) and
// its configuration syntax warnings. kea-dhcp4 -t opens no sockets.
func runKea(t *testing.T, bin, dir string) (string, []string) {
	t.Helper()
	cmd := exec.Command(bin, "-t", "t.json")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir)
	timer := time.AfterFunc(20*time.Second, func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	})
	defer timer.Stop()
	out, _ := cmd.CombinedOutput()
	text := string(out)
	var warns []string
	const warnTag = "configuration syntax warning: "
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, warnTag); i >= 0 {
			warns = append(warns, line[i+len(warnTag):])
		}
	}
	const failTag = "Syntax check failed with: "
	if i := strings.Index(text, failTag); i >= 0 {
		return strings.TrimSuffix(text[i+len(failTag):], "\n"), warns
	}
	if cmd.ProcessState == nil || !cmd.ProcessState.Success() {
		return "exit without message: " + text, warns
	}
	return "", warns
}

func keaBinary(t *testing.T, name string) string {
	if testing.Short() {
		t.Skip("runs Kea: skipped in -short mode")
	}
	bin, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed: cannot compare with Kea", name)
	}
	return bin
}

// TestAgainstKea checks that the Kea message recorded for every error case
// (and the acceptance of every good case) is what Kea 2.2 prints today.
func TestAgainstKea(t *testing.T) {
	bin := keaBinary(t, "kea-dhcp4")
	for _, tc := range errCases {
		t.Run("bad/"+tc.name, func(t *testing.T) {
			want := tc.kea
			switch want {
			case "-":
				want = ""
			case "":
				want = tc.want
			}
			got, warns := runKea(t, bin, writeFiles(t, tc.files))
			if got != want {
				t.Errorf("kea-dhcp4 -t printed\n %q\nrecorded\n %q", got, want)
			}
			if tc.kea != "-" {
				if diff := cmp.Diff(tc.warns, warns); diff != "" {
					t.Errorf("kea warnings (-recorded +kea):\n%s", diff)
				}
			}
		})
	}
	for _, tc := range goodCases {
		t.Run("good/"+tc.name, func(t *testing.T) {
			got, warns := runKea(t, bin, writeFiles(t, tc.files))
			if got != "" {
				t.Errorf("kea-dhcp4 -t rejected it: %q", got)
			}
			if diff := cmp.Diff(tc.warns, warns); diff != "" {
				t.Errorf("kea warnings (-recorded +kea):\n%s", diff)
			}
		})
	}
}
