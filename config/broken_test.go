package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keaRecorded reads the stderr line Kea 2.2's "kea-dhcp4 -t" printed for a
// broken case (recorded next to it by testdata/broken/record.sh).
func keaRecorded(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/broken", name+".kea.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(l, "exit ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// TestBrokenConfigs: every broken configuration is refused; the table
// holds what Nestor prints, which is Kea's line unless the case says why
// not.
func TestBrokenConfigs(t *testing.T) {
	for _, tc := range brokenCases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata/broken", tc.name+".json")
			var out, errb bytes.Buffer
			rc := CheckDhcp4File(path, false, &out, &errb)
			got := strings.TrimSpace(errb.String())
			if rc == 0 {
				t.Fatalf("accepted; want %q", tc.want)
			}
			want := tc.want
			if want == "" {
				want = keaRecorded(t, tc.name)
			}
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}
