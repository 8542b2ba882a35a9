package kjson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const keaExamples = "/usr/share/doc/kea/examples"

// Every configuration example shipped with Kea reads, and survives
// PrettyPrint/MarshalJSON and back.
func TestKeaExamples(t *testing.T) {
	if _, err := os.Stat(keaExamples); err != nil {
		t.Skipf("Kea examples not installed (%v): package kea-doc provides them", err)
	}
	var files []string
	err := filepath.WalkDir(keaExamples, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// *.json everywhere, and the template's Kea configs (*.conf there;
		// the https/ *.conf files are web server configs).
		if strings.HasSuffix(p, ".json") ||
			(strings.Contains(p, "/template-") && strings.HasSuffix(p, ".conf")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("found only %d example files", len(files))
	}
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[filepath.Base(filepath.Dir(f))] = true
		t.Run(strings.TrimPrefix(f, keaExamples+"/"), func(t *testing.T) {
			e, _, err := ParseFile(f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if e.Kind() != Map || e.Len() == 0 {
				t.Fatalf("top level is %s with %d entries", e.Kind(), e.Len())
			}
			checkRoundTrip(t, e)
		})
	}
	for _, d := range []string{"kea4", "kea6", "agent", "ddns"} {
		if !dirs[d] {
			t.Errorf("no examples found under %s", d)
		}
	}
}
