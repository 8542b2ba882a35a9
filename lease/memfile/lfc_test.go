package memfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease/csv"
)

func waitLFC(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("lease file cleanup did not finish in 10 s")
	}
}

func TestStartLFC(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s := open4(t, Config{Persist: true, Name: name})
	for i := 1; i <= 5; i++ {
		s.AddLease4(lease4(i))
		s.UpdateLease4(lease4(i))
	}
	s.DeleteLease4(lease4(5).Addr)
	done, err := s.StartLFC()
	if err != nil {
		t.Fatal(err)
	}
	s.AddLease4(lease4(6)) // written to the new live file while the cleanup runs
	waitLFC(t, done)
	for _, suffix := range []string{".1", ".output", ".completed", ".pid"} {
		if _, err := os.Stat(name + suffix); err == nil {
			t.Errorf("%s left behind", suffix)
		}
	}
	if n := len(read(t, name+".2")); n != 5 {
		t.Errorf("%s.2 has %d lines, want header + 4 leases", name, n)
	}
	if got := read(t, name); len(got) != 2 || got[0] != csv.Schema4.Header(12) {
		t.Errorf("live file after rotation: %q", got)
	}
	want, _ := s.AllLeases4()
	s.Close()
	re := open4(t, Config{Persist: true, Name: name})
	got, _ := re.AllLeases4()
	if d := cmp.Diff(want, got, cmpIP); d != "" {
		t.Errorf("reload after cleanup (-before +after)\n%s", d)
	}
}

// TestOpenKea22File starts on a file Kea 2.2 wrote: the leases load and
// the files are converted to the current schema, as Kea converts them.
func TestOpenKea22File(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	b, err := os.ReadFile("../testdata/kea22-leases4.csv")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(name, b, 0o644)
	s := open4(t, Config{Persist: true, Name: name})
	if s.Len() != 5 {
		t.Errorf("loaded %d leases, Kea holds 5", s.Len())
	}
	s.Close() // waits for the conversion
	prev := read(t, name+".2")
	if prev[0] != csv.Schema4.Header(12) || len(prev) != 6 {
		t.Errorf("converted file: %q", prev)
	}
	if live := read(t, name); len(live) != 1 || live[0] != csv.Schema4.Header(12) {
		t.Errorf("live file: %q", live)
	}
}

func read(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
