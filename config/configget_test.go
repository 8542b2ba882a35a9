package config

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// knownConfigGetDiffs are keys where Nestor's config-get deliberately
// differs from Kea 2.2's: the ARM (Kea 2.6) default of
// multi-threading.enable-multi-threading is true, Kea 2.2's was false.
var knownConfigGetDiffs = map[string]bool{"multi-threading": true}

// knownExampleDiffs are examples whose config-get differs from Kea 2.2's
// on purpose (COMPAT.md).
var knownExampleDiffs = map[string]string{
	"vendor-specific.json": "Kea shows an option 43 container with its sub-options packed into \"data\"; Nestor shows the data as written (Kea's form does not round-trip)",
}

// TestConfigGetAgainstKea sends each example that loads (interfaces
// emptied, machine-specific parts removed) to one Kea 2.2 kea-dhcp4 with
// config-set (inside a network namespace testdata/oracle/configget.py
// creates), asks config-get, and compares with Unparse4 of the same input.
func TestConfigGetAgainstKea(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (runs kea-dhcp4 over every example): not in -short")
	}
	files, _ := filepath.Glob(filepath.Join(keaExamples4, "*.json"))
	if len(files) == 0 {
		t.Skip("Kea examples not installed (apt-get install kea-doc)")
	}
	var names []string
	var docs [][]byte
	for _, f := range files {
		// Strip comments with our reader, empty the interfaces.
		c0, _, err := LoadDhcp4FileWith(f, LoadOptions{InterfaceExists: func(string) bool { return true }})
		if err != nil {
			continue
		}
		doc := Unparse4(c0)
		m := doc.Get("Dhcp4")
		m.Get("interfaces-config").Set("interfaces", NewList())
		m.Delete("control-socket")
		ld := NewMap()
		ld.Set("type", NewString("memfile"))
		ld.Set("persist", NewBool(false))
		m.Set("lease-database", ld)
		m.Delete("hooks-libraries")
		m.Delete("hosts-databases")
		m.Delete("hosts-database")
		m.Delete("loggers")
		// The namespace has 203.0.113.2 for a dhcp-ddns sender (never
		// 192.0.2.0/24, this machine's own link).
		if dd := m.Get("dhcp-ddns"); dd != nil && dd.Get("enable-updates").Bool {
			dd.Set("server-ip", NewString("203.0.113.1"))
			dd.Set("sender-ip", NewString("203.0.113.2"))
		}
		// The namespace has no interface but lo and a veth pair: drop
		// subnet and network interface names too.
		for _, n := range m.Get("shared-networks").Items {
			n.Delete("interface")
			for _, s := range n.Get("subnet4").Items {
				s.Delete("interface")
			}
		}
		for _, s := range m.Get("subnet4").Items {
			s.Delete("interface")
		}
		b, err := Compact(doc)
		if err != nil {
			t.Fatal(err)
		}
		names, docs = append(names, filepath.Base(f)), append(docs, b)
	}
	answers := keaConfigGet(t, 4, docs)
	compared := 0
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			a := answers[i]
			if a.SetResult != 0 || a.Get == nil {
				t.Skipf("no config-get from Kea: set %d %s; get %s", a.SetResult, a.SetText, a.GetText)
			}
			kea := a.Get["Dhcp4"]
			c, _, err := ParseDhcp4("in.json", docs[i], LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var ours map[string]map[string]any
			ob, _ := Compact(Unparse4(c))
			if err := json.Unmarshal(ob, &ours); err != nil {
				t.Fatal(err)
			}
			normalizeConfigGet(kea, ours["Dhcp4"])
			if diff := cmp.Diff(kea, ours["Dhcp4"]); diff != "" {
				if why, ok := knownExampleDiffs[name]; ok {
					t.Skipf("known difference: %s\n%s", why, diff)
				}
				t.Errorf("config-get differs (-kea +nestor):\n%s", diff)
				return
			}
			compared++
		})
	}
	t.Logf("%d of %d examples give Kea's config-get", compared, len(names))
}

func sortByJSON(v any) {
	l, ok := v.([]any)
	if !ok {
		return
	}
	sort.Slice(l, func(i, j int) bool {
		a, _ := json.Marshal(l[i])
		b, _ := json.Marshal(l[j])
		return string(a) < string(b)
	})
}
