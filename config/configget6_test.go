package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// oracleInput6 is the example made runnable by Kea inside an empty
// namespace: no interfaces, hooks, control socket, databases or loggers
// (the script adds its own socket and a memfile lease database).
func oracleInput6(t *testing.T, f string) (*Node, bool) {
	c0, _, err := LoadDhcp6FileWith(f, LoadOptions{InterfaceExists: func(string) bool { return true }, NoHookCheck: true})
	if err != nil || c0 == nil {
		return nil, false
	}
	doc, _, err := readDoc(f)
	if err != nil {
		return nil, false
	}
	commentsToUserContext(doc)
	m := doc.Get("Dhcp6")
	if ic := m.Get("interfaces-config"); ic != nil {
		ic.Set("interfaces", NewList())
	}
	for _, k := range []string{"control-socket", "control-sockets", "hooks-libraries", "hosts-databases", "hosts-database", "loggers", "config-control"} {
		m.Delete(k)
	}
	// The namespace has 2001:db8:ffff::2 for a dhcp-ddns sender.
	if dd := m.Get("dhcp-ddns"); dd != nil && dd.Has("sender-ip") {
		dd.Set("server-ip", NewString("2001:db8:ffff::1"))
		dd.Set("sender-ip", NewString("2001:db8:ffff::2"))
	}
	ld := NewMap()
	ld.Set("type", NewString("memfile"))
	ld.Set("persist", NewBool(false))
	m.Set("lease-database", ld)
	drop := func(l *Node) {
		for _, s := range l.Items {
			s.Delete("interface")
		}
	}
	if l := m.Get("shared-networks"); l != nil {
		for _, n := range l.Items {
			n.Delete("interface")
			if sl := n.Get("subnet6"); sl != nil {
				drop(sl)
			}
		}
	}
	if l := m.Get("subnet6"); l != nil {
		drop(l)
	}
	return doc, true
}

// TestConfigGetAgainstKea6 sends each DHCPv6 example Kea ships (made
// runnable, see oracleInput6) to one Kea 2.2 process with config-set, asks
// config-get, and compares with Unparse6 of the same input.
func TestConfigGetAgainstKea6(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (runs kea-dhcp6 over every example): not in -short")
	}
	files, _ := filepath.Glob(filepath.Join(keaExamples6, "*.json"))
	if len(files) == 0 {
		t.Skip("Kea examples not installed (apt-get install kea-doc)")
	}
	var names []string
	var docs [][]byte
	for _, f := range files {
		doc, ok := oracleInput6(t, f)
		if !ok {
			continue
		}
		b, err := Compact(doc)
		if err != nil {
			t.Fatal(err)
		}
		names, docs = append(names, filepath.Base(f)), append(docs, b)
	}
	answers := keaConfigGet(t, 6, docs)
	compared := 0
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			a := answers[i]
			if a.SetResult != 0 || a.Get == nil {
				t.Skipf("no config-get from Kea: set %d %s; get %s", a.SetResult, a.SetText, a.GetText)
			}
			kea := a.Get["Dhcp6"]
			c, _, err := ParseDhcp6("in.json", docs[i], LoadOptions{InterfaceExists: func(string) bool { return true }})
			if err != nil {
				t.Fatal(err)
			}
			var ours map[string]map[string]any
			ob, _ := Compact(Unparse6(c))
			if err := json.Unmarshal(ob, &ours); err != nil {
				t.Fatal(err)
			}
			normalizeConfigGet(kea, ours["Dhcp6"])
			for k := range knownConfigGetDiffs6 {
				delete(kea, k)
				delete(ours["Dhcp6"], k)
			}
			if diff := cmp.Diff(kea, ours["Dhcp6"]); diff != "" {
				if why, ok := knownExampleDiffs6[name]; ok {
					t.Skipf("known difference: %s\n%s", why, diff)
				}
				t.Errorf("config-get differs (-kea +nestor):\n%s", diff)
				return
			}
			compared++
		})
	}
	if os.Getenv("NESTOR_CONFIGGET_DUMP") != "" {
		for i, name := range names {
			b, _ := json.MarshalIndent(answers[i].Get, "", "  ")
			os.WriteFile(filepath.Join(os.TempDir(), "kea6-"+name), b, 0o644)
		}
	}
	t.Logf("%d of %d examples give Kea's config-get", compared, len(names))
}

// knownExampleDiffs6 are DHCPv6 examples whose config-get differs from
// Kea 2.2's on purpose (COMPAT.md).
var knownExampleDiffs6 = map[string]string{}

// knownConfigGetDiffs6 are DHCPv6 global keys shown differently on purpose:
// Kea 2.2's kea-dhcp6 takes "compatibility" but leaves it out of
// config-get; Nestor shows it so that config-write keeps it.
var knownConfigGetDiffs6 = map[string]bool{"compatibility": true}

// normalizeConfigGet removes what Kea's answer holds that does not come
// from the configuration: the script's control socket, lease database and
// data directory, and the keys knownConfigGetDiffs lists; option lists are
// compared as sets.
func normalizeConfigGet(kea, ours map[string]any) {
	delete(kea, "control-socket")
	delete(ours, "control-socket")
	if _, set := ours["data-directory"]; !set {
		delete(kea, "data-directory")
	}
	for k := range knownConfigGetDiffs {
		delete(kea, k)
		delete(ours, k)
	}
	for _, k := range []string{"option-def", "option-data"} {
		sortByJSON(kea[k])
		sortByJSON(ours[k])
	}
}
