package config

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestRoundTrip6: parse -> unparse -> parse gives the same snapshot (the
// effective parameters of every subnet and the same unparsed document),
// for every DHCPv6 example configuration and testdata/good6.
func TestRoundTrip6(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(keaExamples6, "*.json"))
	good, _ := filepath.Glob("testdata/good6/*.json")
	files = append(files, good...)
	if len(files) == 0 {
		t.Skip("no example configurations (apt-get install kea-doc)")
	}
	opts := LoadOptions{InterfaceExists: func(string) bool { return true }, NoHookCheck: true}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c1, _, err := LoadDhcp6FileWith(f, opts)
			if err != nil {
				t.Skipf("does not load here: %v", err)
			}
			doc1 := Unparse6(c1)
			text1, err := Compact(doc1)
			if err != nil {
				t.Fatal(err)
			}
			c2, _, err := Dhcp6FromTree(doc1, opts)
			if err != nil {
				t.Fatalf("unparsed configuration does not load: %v\n%s", err, text1)
			}
			text2, _ := Compact(Unparse6(c2))
			if diff := cmp.Diff(string(text1), string(text2)); diff != "" {
				t.Errorf("unparse is not a fixpoint (-first +second):\n%s", diff)
			}
			if len(c1.AllSubnets) != len(c2.AllSubnets) {
				t.Fatalf("subnets: %d then %d", len(c1.AllSubnets), len(c2.AllSubnets))
			}
			cmpOpts := cmp.Options{cmpopts.IgnoreUnexported(OptionData{}), cmpopts.IgnoreFields(Node{}, "Span"),
				cmpopts.IgnoreFields(Entry{}, "KeyPos"), cmpopts.EquateEmpty(),
				cmpopts.IgnoreFields(OptionData{}, "Data", "Def", "CSVFormat")}
			for i := range c1.AllSubnets {
				s1, s2 := c1.AllSubnets[i], c2.AllSubnets[i]
				if s1.ID != s2.ID || s1.Prefix != s2.Prefix {
					t.Errorf("subnet %d: %d %s then %d %s", i, s1.ID, s1.Prefix, s2.ID, s2.Prefix)
				}
				if diff := cmp.Diff(s1.Eff, s2.Eff, cmpOpts); diff != "" {
					t.Errorf("subnet %s effective parameters differ (-first +second):\n%s", s1.Text, diff)
				}
				if diff := cmp.Diff(s1.PDPools, s2.PDPools, cmpopts.IgnoreUnexported(PDPool6{}, OptionData{}), cmpopts.IgnoreFields(Node{}, "Span"),
					cmpopts.IgnoreFields(Entry{}, "KeyPos"), cmpopts.EquateEmpty(), cmpopts.EquateComparable(netip.Prefix{}),
					cmpopts.IgnoreFields(OptionData{}, "Data", "Def", "CSVFormat")); diff != "" {
					t.Errorf("subnet %s pd-pools differ (-first +second):\n%s", s1.Text, diff)
				}
			}
		})
	}
}
