package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// broken6Nestor are the Dhcp6 cases where Nestor's line differs from Kea
// 2.2's on purpose (COMPAT.md): the line Nestor prints.
var broken6Nestor = map[string]string{
	"pdpool-delegated-len-too-big": "Error encountered: Delegated length (129) must not be greater than 128 (testdata/broken6/pdpool-delegated-len-too-big.json:1:62)",
}

// TestBrokenConfigs6: every broken Dhcp6 configuration under
// testdata/broken6 is refused with the line Kea 2.2 printed (recorded
// next to it by testdata/broken6/record.sh), unless broken6Nestor says
// why not.
func TestBrokenConfigs6(t *testing.T) {
	files, _ := filepath.Glob("testdata/broken6/*.json")
	if len(files) < 40 {
		t.Fatalf("only %d broken Dhcp6 cases", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			want, ok := broken6Nestor[name]
			if !ok {
				b, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".kea.txt")
				if err != nil {
					t.Fatal(err)
				}
				var lines []string
				for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
					if !strings.HasPrefix(l, "exit ") {
						lines = append(lines, l)
					}
				}
				want = strings.Join(lines, "\n")
				if want == "" {
					t.Fatalf("Kea 2.2 accepted %s: not a broken case", f)
				}
			}
			var out, errb bytes.Buffer
			rc := CheckDhcp6File(f, false, &out, &errb)
			got := strings.TrimSpace(errb.String())
			if rc == 0 {
				t.Fatalf("accepted; want %q", want)
			}
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}
