package runscript

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/hooks"
)

func TestBadParametersRejected(t *testing.T) {
	dir := t.TempDir()
	script := dumpScript(t, dir)
	noexec := filepath.Join(dir, "noexec.sh")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lib, params, want string
	}{
		{ISCName, ``, "'name' parameter is mandatory"},
		{ISCName, `{}`, "'name' parameter is mandatory"},
		{ISCName, `{"sync": true}`, "'name' parameter is mandatory"},
		{ISCName, `{"name": 5}`, "'name' parameter must be a string"},
		{ISCName, `{"name": null}`, "'name' parameter must be a string"},
		{ISCName, `{"name": "` + script + `", "sync": "yes"}`, "'sync' parameter must be a boolean"},
		{ISCName, `{"name": "` + script + `", "script": "x"}`, "unknown parameter 'script'"},
		{ISCName, `{"name": "relative.sh"}`, "not an absolute path"},
		{ISCName, `{"name": "` + dir + `/missing.sh"}`, "file not found"},
		{ISCName, `{"name": "` + noexec + `"}`, "file not executable"},
		{ISCName, `{"name": "` + dir + `"}`, "not a regular file"},
		{ThirdPartyName, `{}`, "'script' parameter is mandatory"},
		{ThirdPartyName, `{"name": "` + script + `"}`, "unknown parameter 'name'"},
		{ThirdPartyName, `{"script": ["a"]}`, "'script' parameter must be a string"},
		{ThirdPartyName, `{"script": "` + script + `", "wait": 1}`, "'wait' parameter must be a boolean"},
		{ThirdPartyName, `{"script": "` + noexec + `"}`, "file not executable"},
	}
	for _, tc := range tests {
		t.Run(tc.lib+tc.params, func(t *testing.T) {
			mgr := newManager("kea-dhcp4")
			var raw json.RawMessage
			if tc.params != "" {
				raw = json.RawMessage(tc.params)
			}
			err := mgr.Verify([]hooks.LibraryConfig{{Library: tc.lib, Parameters: raw}}, true)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.lib) {
				t.Errorf("Verify = %v, want an error naming %s with %q", err, tc.lib, tc.want)
			}
		})
	}
}

func TestDefaultsAndDaemons(t *testing.T) {
	script := dumpScript(t, t.TempDir())
	p, err := ParseParams(ISCName, mustParams(t, `{"name": "`+script+`"}`))
	if err != nil || p.Sync || p.Script != script {
		t.Errorf("ISC defaults = %+v, %v; want sync false", p, err)
	}
	p, err = ParseParams(ThirdPartyName, mustParams(t, `{"script": "`+script+`"}`))
	if err != nil || !p.Sync {
		t.Errorf("third-party defaults = %+v, %v; want wait true", p, err)
	}
	mgr := newManager("kea-dhcp-ddns")
	err = mgr.Verify([]hooks.LibraryConfig{{Library: ISCName, Parameters: json.RawMessage(`{"name": "` + script + `"}`)}}, true)
	if err == nil {
		t.Error("libdhcp_run_script.so accepted by kea-dhcp-ddns")
	}
}

func mustParams(t *testing.T, s string) hooks.Parameters {
	t.Helper()
	p, err := hooks.ParseParameters(json.RawMessage(s))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPreviousConfigKeepsServing: a bad parameter set fails Verify (what
// config-set and config-test run first) and the loaded library still runs
// the script.
func TestPreviousConfigKeepsServing(t *testing.T) {
	dir := t.TempDir()
	script := dumpScript(t, dir)
	mgr := newManager("kea-dhcp4")
	loadLib(t, mgr, ISCName, `{"name": "`+script+`", "sync": true}`)
	bad := []hooks.LibraryConfig{{Library: ISCName, Parameters: json.RawMessage(`{"name": "` + script + `", "sync": "no"}`)}}
	if err := mgr.Verify(bad, true); err == nil {
		t.Fatal("bad parameters accepted")
	}
	expire(mgr)
	if ds := dumps(t, dir); len(ds) != 1 || ds[0].arg1 != "lease4_expire" {
		t.Fatalf("runs after the rejected config: %d, want 1 lease4_expire", len(ds))
	}
}

func expire(mgr *hooks.Manager) {
	h := mgr.AcquireHandle()
	defer h.Release()
	st := h.ScopedState()
	defer st.Close()
	hooks.Set(h, "lease4", fixtureLease4("198.51.100.20"))
	hooks.Set(h, "remove_lease", false)
	mgr.Call(hooks.Lease4Expire, h)
}

// TestAsyncRuns: with sync false the callout returns before the script
// has run, and every run is eventually made.
func TestAsyncRuns(t *testing.T) {
	dir := t.TempDir()
	script := dumpScript(t, dir)
	mgr := newManager("kea-dhcp4")
	loadLib(t, mgr, ISCName, `{"name": "`+script+`"}`)
	for range 5 {
		expire(mgr)
	}
	ds := waitDumps(t, dir, 5)
	if len(ds) != 5 {
		t.Fatalf("%d async runs recorded, want 5", len(ds))
	}
	for _, d := range ds {
		if d.arg1 != "lease4_expire" || d.vars["LEASE4_ADDRESS"] != "198.51.100.20" {
			t.Errorf("run %s with LEASE4_ADDRESS %q", d.arg1, d.vars["LEASE4_ADDRESS"])
		}
	}
}

// TestQueueFullDrops: with one worker busy and a queue of one, further
// runs are dropped and counted instead of blocking the caller.
func TestQueueFullDrops(t *testing.T) {
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	script := filepath.Join(dir, "block.sh")
	body := "#!/bin/sh\ni=0\nwhile [ ! -e " + gate + " ] && [ $i -lt 200 ]; do /bin/sleep 0.05; i=$((i+1)); done\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	r := NewRunner(script, script, false, 1, 1, discard())
	r.Run("lease4_expire", nil)
	// Wait (bounded) until the worker has taken the first run.
	for i := 0; i < 200 && len(r.queue) != 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	for range 4 {
		r.Run("lease4_expire", nil)
	}
	_, _, dropped := r.Stats()
	if dropped != 3 {
		t.Errorf("dropped = %d, want 3 (one running, one queued)", dropped)
	}
	os.WriteFile(gate, nil, 0o644)
	r.Close()
	r.Wait()
	started, failed, _ := r.Stats()
	if started != 2 || failed != 0 {
		t.Errorf("started %d failed %d, want 2 and 0", started, failed)
	}
	r.Run("lease4_expire", nil) // after Close: ignored, no panic
}

// TestThirdPartySyncByDefault: kea-hook-runscript waits for the script
// by default and passes the hook name as $1. (It also passes the base name
// as argument zero, which a shell script cannot see: the kernel hands the
// interpreter the path.)
func TestThirdPartySyncByDefault(t *testing.T) {
	dir := t.TempDir()
	script := dumpScript(t, dir)
	mgr := newManager("kea-dhcp4")
	loadLib(t, mgr, ThirdPartyName, `{"script": "`+script+`"}`)
	h := mgr.AcquireHandle()
	defer h.Release()
	st := h.ScopedState()
	hooks.Set(h, "lease4", fixtureLease4("198.51.100.20"))
	mgr.Call(hooks.Lease4Recover, h)
	st.Close()
	ds := dumps(t, dir) // wait defaults to true
	if len(ds) != 1 || ds[0].arg1 != "lease4_recover" {
		t.Fatalf("runs = %+v, want one lease4_recover", ds)
	}
}
