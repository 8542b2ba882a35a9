package lfc

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunLFCCommandLine(t *testing.T) {
	dir := t.TempDir()
	full := []string{"-4", "-p", filepath.Join(dir, "p"), "-x", filepath.Join(dir, "x"), "-i", filepath.Join(dir, "i"),
		"-o", filepath.Join(dir, "o"), "-f", filepath.Join(dir, "f"), "-c", "ignored"}
	tests := []struct {
		args      []string
		code      int
		stderr    string
		stdoutHas string
	}{
		{nil, 1, "Usage error: DHCP version required", ""},
		{[]string{"-4"}, 1, "Usage error: PID file not specified", ""},
		{[]string{"-4", "-p", "p", "-x", "x"}, 1, "Usage error: Copy file not specified", ""},
		{[]string{"-6", "-p", "p", "-x", "x", "-i", "i", "-o", "o", "-f", "f"}, 1, "Usage error: Config file not specified", ""},
		{[]string{"-z"}, 1, "Usage error: Unknown argument", ""},
		{[]string{"-4", "-p"}, 1, "Usage error: Missing option argument", ""},
		{append(append([]string{}, full...), "extra"), 1, "Usage error: Extraneous parameters.", ""},
		{[]string{"-h"}, 0, "Usage: kea-lfc", ""},
		{[]string{"-v"}, 0, "", "."},
		{full, 0, "", ""},
		{append([]string{"-d"}, full...), 0, "", "Protocol version:    DHCPv4"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		code := runLFC(tc.args, &out, &errb)
		if code != tc.code || !strings.HasPrefix(errb.String(), tc.stderr) || !strings.Contains(out.String(), tc.stdoutHas) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", tc.args, code, out.String(), errb.String())
		}
		if tc.code == 1 && !strings.Contains(errb.String(), "Service failed: ") {
			t.Errorf("%q: stderr lacks the Service failed line", tc.args)
		}
	}
}
