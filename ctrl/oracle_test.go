package ctrl_test

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/stats"
)

// kea22Commands are the commands Kea 2.2's kea-dhcp4 lists besides the
// statistic-* ones; the servers register them, here they are stubs so that
// list-commands can be compared.
var kea22Commands = []string{"build-report", "config-backend-pull", "config-get", "config-reload",
	"config-set", "config-test", "config-write", "dhcp-disable", "dhcp-enable", "leases-reclaim",
	"libreload", "server-tag-get", "shutdown", "status-get", "version-get"}

var quiet = slog.New(slog.DiscardHandler)

var tsRE = regexp.MustCompile(`"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"`)

func normalize(b []byte) string { return tsRE.ReplaceAllString(string(b), `"TS"`) }

// newKea22 returns a manager and registry in the state kea-dhcp4 starts in
// for the capture configuration: the statistics of 001-get-all-initial.
func newKea22(t *testing.T) (*ctrl.Manager, *stats.Registry) {
	t.Helper()
	m := ctrl.NewManager(quiet)
	reg := stats.New()
	if err := reg.RegisterCommands(m); err != nil {
		t.Fatal(err)
	}
	for _, c := range kea22Commands {
		if err := m.Register(c, func(*ctrl.Command) ctrl.Answer { return ctrl.Error("stub") }); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile("testdata/kea22/answers/001-get-all-initial.out")
	if err != nil {
		t.Fatal(err)
	}
	var all struct {
		Arguments map[string][][2]json.RawMessage
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for name, samples := range all.Arguments {
		var v int64
		if err := json.Unmarshal(samples[0][0], &v); err != nil {
			t.Fatal(err)
		}
		if err := reg.SetInt(name, v); err != nil {
			t.Fatal(err)
		}
	}
	return m, reg
}

// TestKea22Answers replays the recorded commands, in order, on one manager
// and compares each answer byte for byte with Kea 2.2's (timestamps aside).
func TestKea22Answers(t *testing.T) {
	m, _ := newKea22(t)
	reqs, _ := filepath.Glob("testdata/kea22/cases/*.req")
	if len(reqs) < 100 {
		t.Fatalf("only %d cases", len(reqs))
	}
	slices.Sort(reqs)
	for _, req := range reqs {
		name := strings.TrimSuffix(filepath.Base(req), ".req")
		in, err := os.ReadFile(req)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile("testdata/kea22/answers/" + name + ".out")
		if err != nil {
			t.Fatal(err)
		}
		got, complete := m.Handle(in)
		if len(want) == 0 {
			if complete {
				t.Errorf("%s: answered %s; Kea waits for more input", name, got)
			}
			continue
		}
		if d := cmp.Diff(normalize(want), normalize(got)); d != "" {
			t.Errorf("%s: answer differs from Kea 2.2 (-kea +nestor):\n%s", name, d)
		}
	}
}

// TestKea22ZeroLimit replays the zero count limit sequence: the statistic
// loses its samples and statistic-get fails until a reset.
func TestKea22ZeroLimit(t *testing.T) {
	m, _ := newKea22(t)
	for i := 1; i <= 6; i++ {
		base := filepath.Join("testdata/kea22/answers", "zero-"+string(rune('0'+i)))
		in, err := os.ReadFile(base + ".req")
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(base + ".out")
		got, _ := m.Handle(in)
		if d := cmp.Diff(normalize(want), normalize(got)); d != "" {
			t.Errorf("step %d (-kea +nestor):\n%s", i, d)
		}
	}
}

// TestNegativeDuration: Kea 2.2 crashes (recorded in crash-*.out); Nestor
// refuses the value.
func TestNegativeDuration(t *testing.T) {
	for _, f := range []string{"crash-age-set-negative.out", "crash-age-set-all-negative.out"} {
		b, err := os.ReadFile("testdata/kea22/answers/" + f)
		if err != nil || !strings.HasPrefix(string(b), "CRASH") {
			t.Fatalf("%s: the recording does not show Kea's crash: %q %v", f, b, err)
		}
	}
	m, reg := newKea22(t)
	for _, req := range []string{
		`{"command": "statistic-sample-age-set", "arguments": {"name": "pkt4-received", "duration": -5}}`,
		`{"command": "statistic-sample-age-set-all", "arguments": {"duration": -5}}`,
	} {
		got, _ := m.Handle([]byte(req))
		want := `{ "result": 1, "text": "'duration' parameter must not be negative." }`
		if string(got) != want {
			t.Errorf("%s: got %s, want %s", req, got, want)
		}
	}
	if s, ok := reg.Samples("pkt4-received"); !ok || len(s) != 1 {
		t.Errorf("pkt4-received after refused limits: %v %v", s, ok)
	}
}
