package keamsg

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/klog"
)

// Every message of the .mes files is registered and has its generated
// variable; every generated variable names a message of the files.
func TestCatalogueComplete(t *testing.T) {
	names, _ := fs.Glob(files, "*.mes")
	ids := map[string]bool{}
	for _, n := range names {
		src, _ := files.ReadFile(n)
		es, err := klog.ParseMes(string(src))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for _, e := range es {
			ids[e.ID] = true
			m := klog.LookupMessage(e.ID)
			if m == nil || m.Text != e.Text || Lookup(e.ID) != m {
				t.Errorf("%s not registered as %q", e.ID, e.Text)
			}
		}
	}
	gen := regexp.MustCompile(`(?m)^\t(\w+) = m\("(\w+)"\)$`)
	vars := 0
	zz, _ := fs.Glob(os.DirFS("."), "zz_*.go")
	for _, f := range zz {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, mt := range gen.FindAllStringSubmatch(string(b), -1) {
			vars++
			if mt[1] != mt[2] || !ids[mt[1]] {
				t.Errorf("%s: stale variable %s", f, mt[1])
			}
		}
	}
	if vars != len(ids) {
		t.Errorf("%d generated variables for %d messages: run go generate", vars, len(ids))
	}
}

func TestWellKnownTexts(t *testing.T) {
	want := map[*klog.Message]string{
		DHCP4_LEASE_ALLOC:               "%1: lease %2 has been allocated for %3 seconds",
		DHCP4_STARTED:                   "Kea DHCPv4 server version %1 started",
		DHCP4_PACKET_RECEIVED:           "%1: %2 (type %3) received from %4 to %5 on interface %6",
		DHCPSRV_MEMFILE_LFC_START:       "starting Lease File Cleanup",
		ALLOC_ENGINE_V4_LEASE_RECLAIM:   "%1: reclaiming expired lease for address %2",
		HOOKS_LIBRARY_LOADED:            "hooks library %1 successfully loaded",
		DHCPSRV_MEMFILE_LEASE_FILE_LOAD: "loading leases from file %1",
		DHCP4_CONFIG_LOAD_FAIL:          "configuration error using file: %1, reason: %2",
	}
	for m, text := range want {
		if m.Text != text || !strings.HasPrefix(m.ID, strings.SplitN(m.ID, "_", 2)[0]) {
			t.Errorf("%s: %q, want %q", m.ID, m.Text, text)
		}
	}
}
