package klog

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// replayLines writes lines with the lengths Kea 2.2 wrote in
// testdata/kea/rotate-*: the same start-up log of 3000 subnets.
func replayLines(t *testing.T, s sink) {
	t.Helper()
	f, err := os.Open("testdata/kea/rotate-R3-linelens.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		n, err := strconv.Atoi(sc.Text())
		if err != nil || n < 1 {
			t.Fatalf("bad line length %q", sc.Text())
		}
		line := bytes.Repeat([]byte{'a' + byte(i%26)}, n)
		line[n-1] = '\n'
		if err := s.write(line, Info); err != nil {
			t.Fatal(err)
		}
	}
}

func dirSizes(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, e := range es {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fi.Size()
	}
	return out
}

// The expected sizes are what Kea 2.2 left on disk for the same writes
// (testdata/kea/rotate-R*.ls).
func TestRotationMatchesKea(t *testing.T) {
	tests := []struct {
		name    string
		maxSize uint64
		maxVer  int
		want    map[string]int64
	}{
		{"R1 maxsize 204800 maxver 2", 204800, 2, map[string]int64{"kea.log": 166627, "kea.log.1": 204954, "kea.log.2": 204896, "kea.log.lock": 0}},
		{"R2 maxsize 1000 acts as 204800", 1000, 2, map[string]int64{"kea.log": 166627, "kea.log.1": 204954, "kea.log.2": 204896, "kea.log.lock": 0}},
		{"R3 maxsize 0 never rotates", 0, 3, map[string]int64{"kea.log": 576477}},
		{"R4 maxsize 204801 maxver 1", 204801, 1, map[string]int64{"kea.log": 166627, "kea.log.1": 204954, "kea.log.lock": 0}},
		{"maxver 0 acts as 1", 204800, 0, map[string]int64{"kea.log": 166627, "kea.log.1": 204954, "kea.log.lock": 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := openFileSink(filepath.Join(dir, "kea.log"), tc.maxSize, tc.maxVer, true)
			if err != nil {
				t.Fatal(err)
			}
			replayLines(t, s)
			if err := s.close(); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, dirSizes(t, dir)); d != "" {
				t.Errorf("files (-want +got):\n%s", d)
			}
		})
	}
}

func TestRotationShiftsVersions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.log")
	s, err := openFileSink(path, MinRotateSize, 3, false)
	if err != nil {
		t.Fatal(err)
	}
	// Each write of MinRotateSize+1 bytes rotates right after it, so file
	// N holds the write made N rotations ago.
	for i := 0; i < 6; i++ {
		b := bytes.Repeat([]byte{'0' + byte(i)}, MinRotateSize+1)
		if err := s.write(b, Info); err != nil {
			t.Fatal(err)
		}
	}
	s.close()
	want := map[string]byte{"x.log.1": '5', "x.log.2": '4', "x.log.3": '3'}
	for name, c := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || len(b) != MinRotateSize+1 || b[0] != c {
			t.Errorf("%s: %d bytes starting %q, err %v; want version %c", name, len(b), b[:min(1, len(b))], err, c)
		}
	}
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Errorf("current file has %d bytes, want 0", len(b))
	}
	if _, err := os.Stat(path + ".4"); err == nil {
		t.Error("x.log.4 exists beyond maxver 3")
	}
}

func TestFileAppendsAndFlush(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := openFileSink(path, 0, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	s.write([]byte("new\n"), Info)
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("flush=false wrote through: %q", b)
	}
	s.flush()
	if b, _ := os.ReadFile(path); string(b) != "old\nnew\n" {
		t.Errorf("after flush: %q", b)
	}
	s.close()
	if err := s.write([]byte("late\n"), Info); err != errClosed {
		t.Errorf("write after close: %v", err)
	}
}
