package ctrl

import (
	"io"
	"net/http"
	"testing"
	"time"
)

func TestHTTPMetricsBehindAuth(t *testing.T) {
	m := NewManager(nil)
	cfg := &HTTPConfig{Address: "127.0.0.1", Port: 0,
		Auth: &BasicAuth{Realm: "kea", Clients: []Credential{{User: "prom", Password: "pw"}}},
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			io.WriteString(w, "kea_dhcp4_pkt4_received_total 3\n")
		})}
	l, err := ListenHTTP(cfg, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	url := "http://" + l.Addr().String() + "/metrics"
	c := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct {
		user, pass string
		code       int
		body       string
	}{
		{"", "", 401, ""},
		{"prom", "bad", 401, ""},
		{"prom", "pw", 200, "kea_dhcp4_pkt4_received_total 3\n"},
	} {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pass)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || (tc.body != "" && string(b) != tc.body) {
			t.Errorf("%s/%s: %d %q, want %d %q", tc.user, tc.pass, resp.StatusCode, b, tc.code, tc.body)
		}
	}
	// Without Metrics, GET is refused as Kea refuses it.
	cfg2 := &HTTPConfig{Address: "127.0.0.1"}
	l2, err := ListenHTTP(cfg2, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	resp, err := c.Get("http://" + l2.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("GET /metrics without Metrics: %d, want 400", resp.StatusCode)
	}
}
