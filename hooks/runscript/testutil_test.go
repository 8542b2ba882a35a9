package runscript

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/hooks"
)

// dumpScript writes a shell script that records its arguments and its
// whole environment, one file per run, under dir. The script gets no
// environment from the caller (as in Kea), so the directory is written
// into it.
func dumpScript(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "dump.sh")
	body := fmt.Sprintf(`#!/bin/sh
out=%q/run.$$
{
  echo "ARGC=$#"
  echo "ARG0=$0"
  echo "ARG1=$1"
  /usr/bin/env
} > "$out.tmp"
/bin/mv "$out.tmp" "$out.dump"
`, dir)
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// dump is one recorded run: argv and the environment.
type dump struct {
	argc, arg0, arg1 string
	vars             map[string]string
	mtime            time.Time
}

// shellVars are what /bin/sh adds to the environment by itself.
var shellVars = map[string]bool{"PWD": true, "SHLVL": true, "_": true, "OLDPWD": true}

func readDump(t *testing.T, path string) dump {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	d := dump{vars: map[string]string{}, mtime: st.ModTime()}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch k {
		case "ARGC":
			d.argc = v
		case "ARG0":
			d.arg0 = v
		case "ARG1":
			d.arg1 = v
		default:
			if !shellVars[k] {
				d.vars[k] = v
			}
		}
	}
	return d
}

// dumps returns the runs recorded in dir, oldest first.
func dumps(t *testing.T, dir string) []dump {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "run.*.dump"))
	out := make([]dump, 0, len(files))
	for _, f := range files {
		out = append(out, readDump(t, f))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].mtime.Before(out[j].mtime) })
	return out
}

// waitDumps waits (bounded) until dir holds n runs.
func waitDumps(t *testing.T, dir string, n int) []dump {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "run.*.dump"))
		if len(files) >= n || time.Now().After(deadline) {
			return dumps(t, dir)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func clearDumps(t *testing.T, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "run.*.dump"))
	for _, f := range files {
		os.Remove(f)
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newManager(proc string) *hooks.Manager {
	return hooks.NewManager(hooks.Options{ProcName: proc, Logger: discard()})
}

func loadLib(t *testing.T, mgr *hooks.Manager, lib, params string) {
	t.Helper()
	cfgs := []hooks.LibraryConfig{{Library: "/usr/lib/x86_64-linux-gnu/kea/hooks/" + lib, Parameters: json.RawMessage(params)}}
	if err := mgr.LoadLibraries(cfgs, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mgr.UnloadLibraries)
}

func names(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
