package config

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// probeMaps6 places a probed key in each Dhcp6 map context: the text before
// the key (with the map's required keys) and after it.
var probeMaps6 = []struct{ path, before, after string }{
	{"Dhcp6", `{"Dhcp6":{`, `}}`},
	{"subnet6", `{"Dhcp6":{"subnet6":[{"subnet":"2001:db8::/64",`, `}]}}`},
	{"shared-networks", `{"Dhcp6":{"shared-networks":[{"name":"n",`, `}]}}`},
	{"pools", `{"Dhcp6":{"subnet6":[{"subnet":"2001:db8::/64","pools":[{"pool":"2001:db8::1-2001:db8::5",`, `}]}]}}`},
	{"pd-pools", `{"Dhcp6":{"subnet6":[{"subnet":"2001:db8::/64","pd-pools":[{"prefix":"2001:db8:1::","prefix-len":48,"delegated-len":64,`, `}]}]}}`},
	{"reservations", `{"Dhcp6":{"reservations":[{"duid":"01:02",`, `}]}}`},
	{"client-classes", `{"Dhcp6":{"client-classes":[{"name":"c",`, `}]}}`},
	{"interfaces-config", `{"Dhcp6":{"interfaces-config":{"interfaces":[],`, `}}}`},
	{"server-id", `{"Dhcp6":{"server-id":{"type":"LLT",`, `}}}`},
	{"compatibility", `{"Dhcp6":{"compatibility":{"lenient-option-parsing":true,`, `}}}`},
}

// specFor finds the table of a probed map.
func specFor6(path string) *mapSpec {
	g := grammar6()
	switch path {
	case "Dhcp6":
		return g
	case "subnet6", "shared-networks", "reservations", "client-classes", "interfaces-config", "server-id", "compatibility":
		return g.key(path).Sub
	case "pools", "pd-pools":
		return g.key("subnet6").Sub.key(path).Sub
	}
	return nil
}

func allKeyNames(m *mapSpec, seen map[*mapSpec]bool, out map[string]bool) {
	if m == nil || seen[m] {
		return
	}
	seen[m] = true
	for k, ks := range m.keys {
		out[k] = true
		allKeyNames(ks.Sub, seen, out)
	}
}

var keaLoc = regexp.MustCompile(`:1\.(\d+)`)

// TestProbeKeys6 asks Kea 2.2 whether each keyword is known in each Dhcp6
// map and compares with the tables (keys marked 2.6 are expected to differ).
// It runs about 1500 kea-dhcp6 processes: only with NESTOR_KEA_PROBE=1.
func TestProbeKeys6(t *testing.T) {
	if os.Getenv("NESTOR_KEA_PROBE") == "" {
		t.Skip("set NESTOR_KEA_PROBE=1 to probe Kea 2.2's Dhcp6 grammar (several minutes)")
	}
	kea, err := exec.LookPath("kea-dhcp6")
	if err != nil {
		t.Skip("kea-dhcp6 is not installed")
	}
	names := map[string]bool{}
	allKeyNames(grammar6(), map[*mapSpec]bool{}, names)
	allKeyNames(grammar4(), map[*mapSpec]bool{}, names)
	for _, k := range []string{"excluded-prefixes", "ip-address", "metadata", "allow-address-registration", "circuit-id", "client-id"} {
		names[k] = true
	}
	var keys []string
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dir := t.TempDir()
	only := os.Getenv("NESTOR_KEA_PROBE_MAP")
	for _, pm := range probeMaps6 {
		if only != "" && only != pm.path {
			continue
		}
		spec := specFor6(pm.path)
		for _, k := range keys {
			col := len(pm.before) + 1
			doc := pm.before + strconv.Quote(k) + `:{"zz":[[[]]]}` + pm.after
			f := filepath.Join(dir, "p.json")
			os.WriteFile(f, []byte(doc), 0o644)
			cmd := exec.Command(kea, "-t", f)
			cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir)
			out, _ := cmd.CombinedOutput()
			msg := string(out)
			kind := "known"
			if m := keaLoc.FindStringSubmatch(msg); m != nil {
				if c, _ := strconv.Atoi(m[1]); c == col {
					kind = "unknown"
					if !strings.Contains(msg, "got unexpected keyword") && !strings.Contains(msg, "unexpected constant string") {
						kind = "token"
					}
				}
			}
			want := "unknown"
			switch {
			case spec.key(k) != nil:
				want = "known"
			case spec.Tokens[k]:
				want = "token"
			}
			if kind != want {
				t.Errorf("PROBE %s %s: kea %s, table %s: %s", pm.path, k, kind, want, strings.TrimSpace(msg))
			}
		}
	}
}
