package csv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nestordhcp/nestor/lease"
)

// loadSeen is what loading a file produced, in call order.
type loadSeen struct {
	Leases []string // rows as re-formatted by AppendLease4
	Errs   []string
	Res    LoadResult
	Err    string
}

// TestLoadMatchesReader builds files spanning several parse blocks, with
// bad rows, a line longer than a block and torn last rows, and checks that
// the parallel Load4 sees exactly what reading row by row sees: the same
// leases in the same order, the same row errors with the same numbers and
// the same stop at max-row-errors.
func TestLoadMatchesReader(t *testing.T) {
	good := func(i int) string {
		return fmt.Sprintf("10.%d.%d.%d,02:00:00:%02x:%02x:%02x,,3600,%d,1,0,0,h%d.example.org,0,,0",
			i>>16&255, i>>8&255, i&255, i>>16&255, i>>8&255, i&255, 1_700_000_000+i, i)
	}
	build := func(n int, bad map[int]string, tail string) string {
		var b strings.Builder
		b.WriteString(hdr4 + "\n")
		for i := range n {
			if s, ok := bad[i]; ok {
				b.WriteString(s + "\n")
				continue
			}
			b.WriteString(good(i) + "\n")
		}
		b.WriteString(tail)
		return b.String()
	}
	rowsPerBlock := blockSize / len(good(1000)+"\n")
	long := "10.9.9.9,02:00:00:00:00:01,,3600,1,1,0,0," + strings.Repeat("x", blockSize+100) + ",0,,0"
	bad := map[int]string{
		3:                  "10.0.0.3,zz,,3600,1,1,0,0,,0,,0",
		rowsPerBlock - 1:   "not,enough,columns",
		rowsPerBlock:       "",
		rowsPerBlock + 1:   long,
		2*rowsPerBlock + 7: "10.0.0.300,02:00:00:00:00:01,,3600,1,1,0,0,,0,,0",
	}
	n := 3*rowsPerBlock + 10
	tests := []struct {
		name      string
		content   string
		maxErrors int
	}{
		{"clean", build(n, nil, ""), 0},
		{"bad rows, no limit", build(n, bad, ""), 0},
		{"bad rows, limit reached in a later block", build(n, bad, ""), 3},
		{"bad rows, limit not reached", build(n, bad, ""), 4},
		{"torn last row", build(n, bad, good(n)), 0},
		{"torn bad last row", build(n, nil, "10.1.2.3,02"), 0},
		{"header only", hdr4 + "\n", 0},
		{"empty", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "l.csv")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			var got loadSeen
			res, err := Load4(path, tc.maxErrors, func(l *lease.Lease4) {
				row, _ := AppendLease4(nil, l)
				got.Leases = append(got.Leases, string(row))
			}, func(e *RowError) { got.Errs = append(got.Errs, e.Error()) })
			got.Res = res
			if err != nil {
				got.Err = err.Error()
			}
			want := readSequentially(t, path, tc.content, tc.maxErrors)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load4 differs from reading row by row (-want +got):\n%s", diff)
			}
			if tc.name == "clean" && len(got.Leases) != n {
				t.Errorf("loaded %d leases, want %d", len(got.Leases), n)
			}
		})
	}
}

// readSequentially is the reference: the Reader, one row at a time.
func readSequentially(t *testing.T, path, content string, maxErrors int) loadSeen {
	t.Helper()
	var s loadSeen
	r, err := NewReader(strings.NewReader(content), Schema4)
	if errors.Is(err, ErrNoHeader) {
		return s
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Res.State = r.State()
	for {
		l, err := r.Next4()
		if err == io.EOF {
			return s
		}
		s.Res.Rows = r.Row()
		s.Res.Unterminated = r.Unterminated
		var re *RowError
		if errors.As(err, &re) {
			s.Res.Errors++
			s.Errs = append(s.Errs, re.Error())
			if maxErrors > 0 && s.Res.Errors > maxErrors {
				s.Err = fmt.Sprintf("%v %d to read a lease from the lease file %s", ErrTooManyRowErrors, maxErrors, path)
				return s
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		row, _ := AppendLease4(nil, l)
		s.Leases = append(s.Leases, string(row))
	}
}
