package server6

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestPrometheusScrape6 runs nestor dhcp6 on loopback only (no DHCP
// interfaces) with an http control socket, scrapes GET /metrics from it,
// parses the page with Prometheus' text-format parser and checks the
// values against statistic-get-all.
func TestPrometheusScrape6(t *testing.T) {
	bin := nestorBinary(t)
	dir := t.TempDir()
	port := freePort(t)
	path := filepath.Join(dir, "kea-dhcp6.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"Dhcp6": {
  "interfaces-config": {"interfaces": []},
  "control-sockets": [{"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": %d}],
  "lease-database": {"type": "memfile", "persist": false},
  "server-id": {"type": "LL", "htype": 1, "identifier": "0a0b0c0d0e0f", "persist": false},
  "subnet6": [{"id": 7, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
    "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 48, "delegated-len": 56}]}]}}`, port)), 0o644)
	cmd := exec.Command(bin, "dhcp6", "-c", path)
	cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	var all map[string]any
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"command": "statistic-get-all"}`))
		if err == nil {
			var answers []map[string]any
			err = json.NewDecoder(resp.Body).Decode(&answers)
			resp.Body.Close()
			if err == nil && len(answers) == 1 {
				all, _ = answers[0]["arguments"].(map[string]any)
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("control socket not answering: %v\n%s", err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Get(url + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("/metrics does not parse as Prometheus text: %v", err)
	}
	for _, tc := range []struct {
		stat, metric, subnet string
		want                 float64
	}{
		{"pkt6-received", "kea_dhcp6_pkt6_received_total", "", 0},
		{"subnet[7].total-nas", "kea_dhcp6_total_nas", "7", 256},
		{"subnet[7].total-pds", "kea_dhcp6_total_pds", "7", 256},
		{"subnet[7].assigned-nas", "kea_dhcp6_assigned_nas", "7", 0},
	} {
		samples, ok := all[tc.stat].([]any)
		if !ok || len(samples) == 0 {
			t.Errorf("statistic-get-all lacks %s", tc.stat)
			continue
		}
		if v := samples[0].([]any)[0].(float64); v != tc.want {
			t.Errorf("statistic-get-all %s = %v, want %v", tc.stat, v, tc.want)
		}
		fam := fams[tc.metric]
		if fam == nil {
			t.Errorf("no metric family %s", tc.metric)
			continue
		}
		found := false
		for _, m := range fam.GetMetric() {
			label := ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "subnet_id" {
					label = l.GetValue()
				}
			}
			if label != tc.subnet {
				continue
			}
			found = true
			if v := m.GetCounter().GetValue() + m.GetGauge().GetValue() + m.GetUntyped().GetValue(); v != tc.want {
				t.Errorf("%s{subnet_id=%q} = %v, statistic-get-all says %v", tc.metric, tc.subnet, v, tc.want)
			}
		}
		if !found {
			t.Errorf("%s has no sample with subnet_id=%q", tc.metric, tc.subnet)
		}
	}
}
