package leasecmds_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/hooks/leasecmds/leasetest"
)

// seeds returns the recorded arguments of one command.
func seeds(f *testing.F, file, cmd string) {
	for _, r := range leasetest.ReadRecorded(f, file) {
		var c struct {
			Command   string          `json:"command"`
			Arguments json.RawMessage `json:"arguments"`
		}
		if json.Unmarshal([]byte(r.Request), &c) == nil && c.Command == cmd && c.Arguments != nil {
			f.Add(string(c.Arguments))
		}
	}
}

// checkAnswer: every answer is a Kea answer with a known result code.
func checkAnswer(t *testing.T, cmd, args string, resp []byte) map[string]any {
	var a map[string]any
	if err := json.Unmarshal(resp, &a); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %s", cmd, args, resp)
	}
	code, ok := a["result"].(float64)
	if !ok || (code != 0 && code != 1 && code != 3) {
		t.Fatalf("%s %s: unexpected result in %s", cmd, args, resp)
	}
	return a
}

func FuzzLease4Add(f *testing.F) {
	seeds(f, "testdata/kea22/answers4.jsonl", "lease4-add")
	d := leasetest.NewDaemon4(f, leasetest.LoadConfig(f, "testdata/kea22/config4.json"))
	cm := leasetest.Server(f, "kea-dhcp4", d)
	f.Fuzz(func(t *testing.T, args string) {
		cmd := `{"arguments":` + args + `,"command":"lease4-add"}`
		resp := cm.ProcessText([]byte(cmd))
		a := checkAnswer(t, "lease4-add", args, resp)
		if a["result"].(float64) != 0 {
			return
		}
		// An added lease can be read back, with the address it was given.
		text, _ := a["text"].(string)
		addr := strings.TrimPrefix(text, "Lease for address ")
		addr = addr[:strings.IndexByte(addr, ',')]
		get := cm.ProcessText([]byte(`{"command":"lease4-get","arguments":{"ip-address":"` + addr + `"}}`))
		g := checkAnswer(t, "lease4-get", addr, get)
		if g["result"].(float64) != 0 {
			t.Fatalf("lease %s added by %s is not found: %s", addr, args, get)
		}
		cm.ProcessText([]byte(`{"command":"lease4-del","arguments":{"ip-address":"` + addr + `"}}`))
	})
}

func FuzzLease6BulkApply(f *testing.F) {
	seeds(f, "testdata/kea22/answers6.jsonl", "lease6-bulk-apply")
	seeds(f, "testdata/kea22/answers6.jsonl", "lease6-add")
	d := leasetest.NewDaemon6(f, leasetest.LoadConfig(f, "testdata/kea22/config6.json"))
	cm := leasetest.Server(f, "kea-dhcp6", d)
	f.Fuzz(func(t *testing.T, args string) {
		for _, cmd := range []string{"lease6-bulk-apply", "lease6-add", "lease6-update"} {
			resp := cm.ProcessText([]byte(`{"arguments":` + args + `,"command":"` + cmd + `"}`))
			checkAnswer(t, cmd, args, resp)
		}
		// Whatever was applied, the store still lists its leases.
		all := cm.ProcessText([]byte(`{"command":"lease6-get-all"}`))
		checkAnswer(t, "lease6-get-all", "", all)
	})
}
