package leasecmds_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/hooks/leasecmds/leasetest"
)

type exchange struct{ cmd, want string }

func run(t *testing.T, cm *ctrl.Manager, steps []exchange) {
	t.Helper()
	for _, s := range steps {
		if got := string(cm.ProcessText([]byte(s.cmd))); got != s.want {
			t.Errorf("%s:\n got %s\nwant %s", s.cmd, got, s.want)
		}
	}
}

// withDDNS returns the test configuration with DDNS updates enabled.
func withDDNS(t *testing.T, path, top string) []byte {
	t.Helper()
	var doc map[string]map[string]any
	if err := json.Unmarshal(leasetest.LoadConfig(t, path), &doc); err != nil {
		t.Fatal(err)
	}
	doc[top]["dhcp-ddns"] = map[string]any{"enable-updates": true}
	b, _ := json.Marshal(doc)
	return b
}

func TestResendDDNS4(t *testing.T) {
	d := leasetest.NewDaemon4(t, withDDNS(t, "testdata/kea22/config4.json", "Dhcp4"))
	cm := leasetest.Server(t, "kea-dhcp4", d)
	run(t, cm, []exchange{
		{`{"command":"lease4-add","arguments":{"ip-address":"198.51.100.10","hw-address":"01:02:03:04:05:06","hostname":"a.example.org.","fqdn-fwd":true}}`,
			`{ "result": 0, "text": "Lease for address 198.51.100.10, subnet-id 1 added." }`},
		{`{"command":"lease4-add","arguments":{"ip-address":"198.51.100.11","hw-address":"01:02:03:04:05:07"}}`,
			`{ "result": 0, "text": "Lease for address 198.51.100.11, subnet-id 1 added." }`},
		{`{"command":"lease4-add","arguments":{"ip-address":"198.51.100.12","hw-address":"01:02:03:04:05:08","hostname":"c.example.org."}}`,
			`{ "result": 0, "text": "Lease for address 198.51.100.12, subnet-id 1 added." }`},
		{`{"command":"lease4-resend-ddns","arguments":{"ip-address":"198.51.100.10"}}`,
			`{ "result": 0, "text": "NCR generated for: 198.51.100.10, hostname: a.example.org." }`},
		{`{"command":"lease4-resend-ddns","arguments":{"ip-address":"198.51.100.11"}}`,
			`{ "result": 1, "text": "Lease for: 198.51.100.11, has no hostname, nothing to update" }`},
		{`{"command":"lease4-resend-ddns","arguments":{"ip-address":"198.51.100.12"}}`,
			`{ "result": 1, "text": "Neither forward nor reverse updates enabled for lease for: 198.51.100.12" }`},
		{`{"command":"lease4-resend-ddns","arguments":{"ip-address":"198.51.100.99"}}`,
			`{ "result": 3, "text": "No lease found for: 198.51.100.99" }`},
		{`{"command":"lease4-del","arguments":{"ip-address":"198.51.100.10","update-ddns":true}}`,
			`{ "result": 0, "text": "IPv4 lease deleted." }`},
		{`{"command":"lease4-del","arguments":{"ip-address":"198.51.100.12","update-ddns":true}}`,
			`{ "result": 0, "text": "IPv4 lease deleted." }`},
	})
	want := []string{"add 198.51.100.10 a.example.org.", "remove 198.51.100.10 a.example.org."}
	if diff := cmp.Diff(want, d.NCRs); diff != "" {
		t.Errorf("name change requests (-want +got):\n%s", diff)
	}
}

func TestResendDDNS6(t *testing.T) {
	d := leasetest.NewDaemon6(t, withDDNS(t, "testdata/kea22/config6.json", "Dhcp6"))
	cm := leasetest.Server(t, "kea-dhcp6", d)
	run(t, cm, []exchange{
		{`{"command":"lease6-add","arguments":{"ip-address":"2001:db8:1::10","duid":"01:02:03","iaid":1,"hostname":"a.example.org.","fqdn-rev":true}}`,
			`{ "result": 0, "text": "Lease for address 2001:db8:1::10, subnet-id 1 added." }`},
		{`{"command":"lease6-resend-ddns","arguments":{"ip-address":"2001:db8:1::10"}}`,
			`{ "result": 0, "text": "NCR generated for: 2001:db8:1::10, hostname: a.example.org." }`},
		{`{"command":"lease6-resend-ddns","arguments":{"ip-address":"2001:db8:1::11"}}`,
			`{ "result": 3, "text": "No lease found for: 2001:db8:1::11" }`},
		{`{"command":"lease6-del","arguments":{"ip-address":"2001:db8:1::10","update-ddns":true}}`,
			`{ "result": 0, "text": "IPv6 lease deleted." }`},
	})
	want := []string{"add 2001:db8:1::10 a.example.org.", "remove 2001:db8:1::10 a.example.org."}
	if diff := cmp.Diff(want, d.NCRs); diff != "" {
		t.Errorf("name change requests (-want +got):\n%s", diff)
	}
}

// lease4-write and lease6-write write a complete memfile lease file.
func TestLeaseWrite(t *testing.T) {
	dir := t.TempDir()
	d4 := leasetest.NewDaemon4(t, leasetest.LoadConfig(t, "testdata/kea22/config4.json"))
	cm4 := leasetest.Server(t, "kea-dhcp4", d4)
	out4 := filepath.Join(dir, "w4.csv")
	run(t, cm4, []exchange{
		{`{"command":"lease4-add","arguments":{"ip-address":"198.51.100.10","hw-address":"01:02:03:04:05:06","expire":1900000000}}`,
			`{ "result": 0, "text": "Lease for address 198.51.100.10, subnet-id 1 added." }`},
		{`{"command":"lease4-write","arguments":{"filename":"` + out4 + `"}}`,
			`{ "result": 0, "text": "IPv4 lease database into '` + out4 + `'." }`},
	})
	data, err := os.ReadFile(out4)
	if err != nil {
		t.Fatal(err)
	}
	if want := "198.51.100.10,01:02:03:04:05:06,,4000,1900000000,1,0,0,,0,"; !strings.Contains(string(data), want) {
		t.Errorf("written file %q lacks the row %q", data, want)
	}

	d6 := leasetest.NewDaemon6(t, leasetest.LoadConfig(t, "testdata/kea22/config6.json"))
	cm6 := leasetest.Server(t, "kea-dhcp6", d6)
	out6 := filepath.Join(dir, "w6.csv")
	run(t, cm6, []exchange{
		{`{"command":"lease6-add","arguments":{"ip-address":"2001:db8:1::10","duid":"01:02:03","iaid":7,"expire":1900000000}}`,
			`{ "result": 0, "text": "Lease for address 2001:db8:1::10, subnet-id 1 added." }`},
		{`{"command":"lease6-write","arguments":{"filename":"` + out6 + `"}}`,
			`{ "result": 0, "text": "IPv6 lease database into '` + out6 + `'." }`},
		{`{"command":"lease6-write","arguments":[]}`,
			`{ "result": 1, "text": "get(string) called on a non-map Element in (<wire>:0:14)" }`},
	})
	data, err = os.ReadFile(out6)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "2001:db8:1::10,01:02:03,4000,1900000000,1,4000,0,7,128,") {
		t.Errorf("written file %q lacks the lease", data)
	}
}

// Per-pool statistics (Kea 2.6) move when the server created them.
func TestPoolStatistics(t *testing.T) {
	d := leasetest.NewDaemon4(t, leasetest.LoadConfig(t, "testdata/kea22/config4.json"))
	reg := d.Registry()
	_ = reg.SetInt("subnet[2].pool[1].assigned-addresses", 0)
	_ = reg.SetInt("subnet[2].pool[1].declined-addresses", 0)
	cm := leasetest.Server(t, "kea-dhcp4", d)
	run(t, cm, []exchange{
		{`{"command":"lease4-add","arguments":{"ip-address":"198.51.100.193","hw-address":"01:02:03:04:05:06","state":1}}`,
			`{ "result": 0, "text": "Lease for address 198.51.100.193, subnet-id 2 added." }`},
		{`{"command":"lease4-add","arguments":{"ip-address":"198.51.100.250","hw-address":"01:02:03:04:05:07"}}`,
			`{ "result": 0, "text": "Lease for address 198.51.100.250, subnet-id 2 added." }`},
	})
	for name, want := range map[string]int64{
		"subnet[2].pool[1].assigned-addresses": 1,
		"subnet[2].pool[1].declined-addresses": 1,
		"subnet[2].assigned-addresses":         2,
		"subnet[2].declined-addresses":         1,
		"declined-addresses":                   1,
	} {
		if s, ok := reg.Get(name); !ok || s.Int != want {
			t.Errorf("%s = %v (present %v), want %d", name, s.Int, ok, want)
		}
	}
	if _, ok := reg.Get("subnet[2].pool[0].assigned-addresses"); ok {
		t.Error("a pool statistic the server did not create appeared")
	}
	run(t, cm, []exchange{{`{"command":"lease4-wipe","arguments":{"subnet-id":2}}`,
		`{ "result": 0, "text": "Deleted 2 IPv4 lease(s) from subnet(s) 2" }`}})
	if s, _ := reg.Get("subnet[2].pool[1].assigned-addresses"); s.Int != 0 {
		t.Errorf("after wipe pool assigned = %d", s.Int)
	}
}

// A daemon that offers no lease database cannot load the library.
func TestLoadNeedsServices(t *testing.T) {
	for _, tc := range []struct {
		proc string
		svc  any
	}{
		{"kea-dhcp4", nil},
		{"kea-dhcp4", struct{}{}},
		{"kea-dhcp6", leasetest.NewDaemon4(t, leasetest.LoadConfig(t, "testdata/kea22/config4.json"))},
	} {
		mgr := hooks.NewManager(hooks.Options{ProcName: tc.proc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Services: tc.svc})
		err := mgr.LoadLibraries([]hooks.LibraryConfig{{Library: "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}}, true)
		if err == nil {
			mgr.UnloadLibraries()
			t.Errorf("%s with %T: library loaded", tc.proc, tc.svc)
		}
	}
	mgr := hooks.NewManager(hooks.Options{ProcName: "kea-dhcp-ddns", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := mgr.LoadLibraries([]hooks.LibraryConfig{{Library: "libdhcp_lease_cmds.so"}}, true); err == nil {
		t.Error("lease_cmds loaded in kea-dhcp-ddns")
	}
}

// A reconfiguration is seen by the next command.
func TestConfigurationIsReadPerCommand(t *testing.T) {
	d := leasetest.NewDaemon4(t, leasetest.LoadConfig(t, "testdata/kea22/config4.json"))
	cm := leasetest.Server(t, "kea-dhcp4", d)
	cfg, _, err := config.ParseDhcp4("x", []byte(`{"Dhcp4":{"subnet4":[{"id":7,"subnet":"203.0.113.0/24"}]}}`), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d.SetConfig(cfg)
	run(t, cm, []exchange{
		{`{"command":"lease4-add","arguments":{"ip-address":"198.51.100.10","hw-address":"01:02:03:04:05:06"}}`,
			`{ "result": 1, "text": "subnet-id not specified and failed to find a subnet for address 198.51.100.10" }`},
		{`{"command":"lease4-add","arguments":{"ip-address":"203.0.113.10","hw-address":"01:02:03:04:05:06"}}`,
			`{ "result": 0, "text": "Lease for address 203.0.113.10, subnet-id 7 added." }`},
	})
}
