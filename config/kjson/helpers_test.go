package kjson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles creates files (name -> content) under a new temporary
// directory and returns it. Names may contain slashes.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func warningStrings(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

// nested returns files t.json -> nb.json -> nc.json ..., depth of them, the last
// holding one Dhcp4 entry, each included in place of a map entry.
func nested(depth int) map[string]string {
	files := map[string]string{
		"t.json": `{"Dhcp4": {"renew-timer": 100, <?include "nb.json"?> "rebind-timer": 200}}`,
	}
	for i := 1; i < depth; i++ {
		files[nName(i)] = `<?include "` + nName(i+1) + `"?>` + "\n"
	}
	files[nName(depth)] = `"valid-lifetime": 4000,` + "\n"
	return files
}

func nName(i int) string {
	return "n" + string(rune('a'+i)) + ".json"
}

// checkRoundTrip prints e both ways and reads it back: the trees must be
// Equal, and printing again must give the same text.
func checkRoundTrip(t testing.TB, e *Element) {
	t.Helper()
	for _, step := range []int{0, 2, 4} {
		var b strings.Builder
		if err := e.PrettyPrint(&b, step); err != nil {
			t.Fatalf("PrettyPrint: %v", err)
		}
		back, _, err := ParseBytes("pretty", []byte(b.String()), Options{AnyTopLevel: true})
		if err != nil {
			t.Fatalf("reading PrettyPrint(%d) output back: %v\n%s", step, err, b.String())
		}
		if !Equal(e, back) {
			t.Fatalf("PrettyPrint(%d) round trip differs:\n%s\n%s", step, e, back)
		}
		var b2 strings.Builder
		if err := back.PrettyPrint(&b2, step); err != nil || b2.String() != b.String() {
			t.Fatalf("PrettyPrint(%d) not stable: %v\n%s\n%s", step, err, b.String(), b2.String())
		}
	}
	js, err := e.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	back, _, err := ParseBytes("compact", js, Options{AnyTopLevel: true})
	if err != nil {
		t.Fatalf("reading MarshalJSON output back: %v\n%s", err, js)
	}
	if !Equal(e, back) {
		t.Fatalf("MarshalJSON round trip differs:\n%s\n%s", e, back)
	}
}
