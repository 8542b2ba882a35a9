package config

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseDhcp4 feeds arbitrary documents to the whole loader: reader,
// grammar check, decoding, validation, inheritance and unparse. It must
// never panic or hang; when a document loads, unparsing it must load too.
func FuzzParseDhcp4(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/broken/*.json")
	ex, _ := filepath.Glob(filepath.Join(keaExamples4, "*.json"))
	seeds = append(seeds, ex...)
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"Dhcp4":{"subnet4":[{"subnet":"198.51.100.0/24","pools":[{"pool":"198.51.100.1-198.51.100.9"}]}]}}`))
	opts := LoadOptions{InterfaceExists: func(string) bool { return true }, BaseDir: os.TempDir(), MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Includes read files (the reader's own fuzz target covers them);
		// here they would only make runs depend on the machine.
		if bytes.Contains(data, []byte("<?")) {
			return
		}
		c, _, err := ParseDhcp4("fuzz.json", data, opts)
		if err != nil {
			_ = FormatCheckError(err)
			return
		}
		doc := Unparse4(c)
		if _, err := Hash(doc); err != nil {
			return // a non-finite real cannot be written
		}
		if _, _, err := Dhcp4FromTree(doc, opts); err != nil {
			t.Fatalf("unparsed configuration does not load: %v", err)
		}
	})
}

// FuzzParseDhcp6 is FuzzParseDhcp4 for the Dhcp6 loader: no panic, no
// hang, and a loaded configuration unparses to one that loads.
func FuzzParseDhcp6(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/broken6/*.json")
	ex, _ := filepath.Glob(filepath.Join(keaExamples6, "*.json"))
	seeds = append(seeds, ex...)
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"Dhcp6":{"subnet6":[{"subnet":"2001:db8:1::/64","pools":[{"pool":"2001:db8:1::1-2001:db8:1::9"}],"pd-pools":[{"prefix":"2001:db8:8::","prefix-len":48,"delegated-len":56,"excluded-prefix":"2001:db8:8::","excluded-prefix-len":60}],"reservations":[{"duid":"01:02","ip-addresses":["2001:db8:1::5"],"prefixes":["2001:db8:9::/56"]}]}]}}`))
	opts := LoadOptions{InterfaceExists: func(string) bool { return true }, BaseDir: os.TempDir(), MaxBytes: 1 << 20, NoHookCheck: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte("<?")) {
			return
		}
		c, _, err := ParseDhcp6("fuzz.json", data, opts)
		if err != nil {
			_ = FormatCheckError(err)
			return
		}
		doc := Unparse6(c)
		if _, err := Hash(doc); err != nil {
			return // a non-finite real cannot be written
		}
		if _, _, err := Dhcp6FromTree(doc, opts); err != nil {
			t.Fatalf("unparsed configuration does not load: %v", err)
		}
	})
}
