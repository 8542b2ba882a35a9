package server4_test

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

// TestPrometheusScrape runs the real daemon on loopback only (no DHCP
// interfaces), scrapes GET /metrics from its http control socket and from
// the NESTOR_METRICS_LISTEN listener, parses both with Prometheus' own
// text-format parser, and checks every value against statistic-get-all.
func TestPrometheusScrape(t *testing.T) {
	bin := nestorBinary(t)
	dir := t.TempDir()
	ctlPort, metricsPort := freePort(t), freePort(t)
	cfg := fmt.Sprintf(`{"Dhcp4": {
  "interfaces-config": {"interfaces": []},
  "control-sockets": [{"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": %d}],
  "lease-database": {"type": "memfile", "persist": false},
  "subnet4": [{"id": 7, "subnet": "198.51.100.0/24",
               "pools": [{"pool": "198.51.100.10 - 198.51.100.19"}]}]
}}`, ctlPort)
	path := filepath.Join(dir, "kea-dhcp4.json")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "dhcp4", "-c", path)
	cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir,
		fmt.Sprintf("NESTOR_METRICS_LISTEN=127.0.0.1:%d", metricsPort))
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	ctlURL := fmt.Sprintf("http://127.0.0.1:%d/", ctlPort)
	var all map[string]any
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Post(ctlURL, "application/json", strings.NewReader(`{"command": "statistic-get-all"}`))
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
	if len(all) == 0 {
		t.Fatal("statistic-get-all returned no statistics")
	}

	for _, url := range []string{ctlURL + "metrics", fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)} {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		p := expfmt.NewTextParser(model.LegacyValidation)
		fams, err := p.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s does not parse as Prometheus text: %v", url, err)
		}
		checked := 0
		for _, name := range []string{"pkt4-received", "subnet[7].total-addresses", "subnet[7].assigned-addresses"} {
			samples, ok := all[name].([]any)
			if !ok || len(samples) == 0 {
				t.Errorf("statistic-get-all lacks %s", name)
				continue
			}
			want := samples[0].([]any)[0].(float64)
			base, subnet := name, ""
			if strings.HasPrefix(name, "subnet[") {
				subnet = name[len("subnet["):strings.IndexByte(name, ']')]
				base = name[strings.IndexByte(name, '.')+1:]
			}
			metric := "kea_dhcp4_" + strings.ReplaceAll(base, "-", "_")
			if strings.HasPrefix(base, "pkt4-") {
				metric += "_total"
			}
			fam := fams[metric]
			if fam == nil {
				t.Errorf("%s: no metric family %s", url, metric)
				continue
			}
			found := false
			for _, m := range fam.GetMetric() {
				label, pooled := "", false
				for _, l := range m.GetLabel() {
					switch l.GetName() {
					case "subnet_id":
						label = l.GetValue()
					case "pool_id":
						pooled = true
					}
				}
				if label != subnet || pooled {
					continue
				}
				v := m.GetCounter().GetValue() + m.GetGauge().GetValue() + m.GetUntyped().GetValue()
				if v != want {
					t.Errorf("%s: %s{subnet_id=%q} = %v, statistic-get-all says %v", url, metric, subnet, v, want)
				}
				found = true
				checked++
			}
			if !found {
				t.Errorf("%s: %s has no sample with subnet_id=%q", url, metric, subnet)
			}
		}
		if checked != 3 {
			t.Errorf("%s: checked %d values, want 3", url, checked)
		}
	}
	if want := float64(10); all["subnet[7].total-addresses"].([]any)[0].([]any)[0].(float64) != want {
		t.Errorf("subnet[7].total-addresses = %v, want %v", all["subnet[7].total-addresses"], want)
	}
}
