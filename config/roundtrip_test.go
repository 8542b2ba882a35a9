package config

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// exampleOK loads an example with interfaces and hook libraries out of the
// way: the round trip is about the model, not the machine.
func loadForRoundTrip(t *testing.T, path string) *Dhcp4 {
	t.Helper()
	c, _, err := LoadDhcp4FileWith(path, LoadOptions{InterfaceExists: func(string) bool { return true }, NoHookCheck: true})
	if err != nil {
		return nil
	}
	return c
}

// TestRoundTrip: parse -> unparse -> parse gives the same snapshot (the
// effective parameters of every subnet and the same unparsed document),
// for every example configuration that loads.
func TestRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(keaExamples4, "*.json"))
	files = append(files, roundTripCases(t)...)
	if len(files) == 0 {
		t.Skip("no example configurations (apt-get install kea-doc)")
	}
	loaded := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c1 := loadForRoundTrip(t, f)
			if c1 == nil {
				t.Skip("does not load here (hook library or database Nestor lacks)")
			}
			loaded++
			doc1 := Unparse4(c1)
			text1, err := Compact(doc1)
			if err != nil {
				t.Fatal(err)
			}
			c2, _, err := Dhcp4FromTree(doc1, LoadOptions{InterfaceExists: func(string) bool { return true }, NoHookCheck: true})
			if err != nil {
				t.Fatalf("unparsed configuration does not load: %v\n%s", err, text1)
			}
			text2, _ := Compact(Unparse4(c2))
			if diff := cmp.Diff(string(text1), string(text2)); diff != "" {
				t.Errorf("unparse is not a fixpoint (-first +second):\n%s", diff)
			}
			if len(c1.AllSubnets) != len(c2.AllSubnets) {
				t.Fatalf("subnets: %d then %d", len(c1.AllSubnets), len(c2.AllSubnets))
			}
			opts := cmp.Options{cmpopts.IgnoreUnexported(OptionData{}), cmpopts.IgnoreFields(Node{}, "Span"),
				cmpopts.IgnoreFields(Entry{}, "KeyPos"), cmpopts.EquateEmpty(),
				cmpopts.IgnoreFields(OptionData{}, "Data", "Def", "CSVFormat")}
			for i := range c1.AllSubnets {
				s1, s2 := c1.AllSubnets[i], c2.AllSubnets[i]
				if s1.ID != s2.ID || s1.Prefix != s2.Prefix {
					t.Errorf("subnet %d: %d %s then %d %s", i, s1.ID, s1.Prefix, s2.ID, s2.Prefix)
				}
				if diff := cmp.Diff(s1.Eff, s2.Eff, opts); diff != "" {
					t.Errorf("subnet %s effective parameters differ (-first +second):\n%s", s1.Text, diff)
				}
			}
		})
	}
}

func roundTripCases(t *testing.T) []string {
	files, _ := filepath.Glob("testdata/good/*.json")
	return files
}
