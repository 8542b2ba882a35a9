package ctrl_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/stats"
)

// FuzzHandle feeds raw bytes to a manager with the statistic commands:
// nothing may panic, every answer must be valid JSON with a "result", and
// a command that parses must print back (Kea style) to text that parses to
// the same thing.
func FuzzHandle(f *testing.F) {
	reqs, _ := filepath.Glob("testdata/kea22/cases/*.req")
	for _, r := range reqs {
		b, _ := os.ReadFile(r)
		f.Add(b)
	}
	f.Add([]byte(`{"command": "statistic-sample-count-set", "arguments": {"name": "a", "max-samples": 0}}`))
	f.Add([]byte(`{"command": "statistic-get-all"}`))
	m := ctrl.NewManager(quiet)
	reg := stats.New()
	if err := reg.RegisterCommands(m); err != nil {
		f.Fatal(err)
	}
	reg.SetInt("a", 1)
	c := reg.Counter("pkt4-received")
	f.Fuzz(func(t *testing.T, data []byte) {
		c.Inc()
		ans, complete := m.Handle(data)
		if !complete {
			return
		}
		var a struct {
			Result *int `json:"result"`
		}
		if err := json.Unmarshal(ans, &a); err != nil || a.Result == nil {
			t.Fatalf("answer %q is not a valid answer: %v", ans, err)
		}
		el, err := ctrl.ParseWire(data)
		if err != nil {
			return
		}
		out := el.String()
		el2, err := ctrl.ParseWire([]byte(out))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", out, err)
		}
		if el2.String() != out {
			t.Fatalf("round trip: %q then %q", out, el2.String())
		}
	})
}
