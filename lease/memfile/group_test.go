package memfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/lease"
)

func fileRows(t *testing.T, name string) int {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n") - 1 // minus the header
}

// TestGroupCommit: rows written while a hold is open reach the file only
// at ReleaseWrites, all of them (other holders' and other writers' too),
// and without a hold every write goes to the file at once.
func TestGroupCommit(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s := open4(t, Config{Persist: true, Name: name})
	var g lease.WriteGrouper = s

	if err := s.AddLease4(lease4(1)); err != nil {
		t.Fatal(err)
	}
	if n := fileRows(t, name); n != 1 {
		t.Fatalf("no hold: %d rows in the file, want 1", n)
	}

	g.HoldWrites() // holder A
	g.HoldWrites() // holder B
	for i := 2; i <= 4; i++ {
		if err := s.AddLease4(lease4(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteLease4(lease4(1).Addr); err != nil {
		t.Fatal(err)
	}
	if n := fileRows(t, name); n != 1 {
		t.Fatalf("while held: %d rows in the file, want 1", n)
	}
	if _, err := s.Lease4(lease4(3).Addr); err != nil {
		t.Fatalf("held lease not in memory: %v", err)
	}
	if err := g.ReleaseWrites(); err != nil { // A releases: everything is written
		t.Fatal(err)
	}
	if n := fileRows(t, name); n != 5 {
		t.Fatalf("after the first release: %d rows, want 5", n)
	}
	if err := s.AddLease4(lease4(5)); err != nil { // B still holds
		t.Fatal(err)
	}
	if n := fileRows(t, name); n != 5 {
		t.Fatalf("B holding: %d rows, want 5", n)
	}
	if err := g.ReleaseWrites(); err != nil {
		t.Fatal(err)
	}
	if err := s.AddLease4(lease4(6)); err != nil { // no hold left
		t.Fatal(err)
	}
	if n := fileRows(t, name); n != 7 {
		t.Fatalf("after both releases: %d rows, want 7", n)
	}

	// Rows held at Close are written, and the file reloads as written.
	g.HoldWrites()
	if err := s.AddLease4(lease4(7)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	re := open4(t, Config{Persist: true, Name: name})
	all, _ := re.AllLeases4()
	if got := strings.Join(addrs4(all), " "); got != "198.51.100.2 198.51.100.3 198.51.100.4 198.51.100.5 198.51.100.6 198.51.100.7" {
		t.Errorf("reloaded %s", got)
	}
}

// TestGroupCommitWriteError: a grouped write that fails is reported to the
// releasing holder and to the holders open at the time, whose rows were
// in it.
func TestGroupCommitWriteError(t *testing.T) {
	name := filepath.Join(t.TempDir(), "kea-leases4.csv")
	s := open4(t, Config{Persist: true, Name: name})
	s.HoldWrites()
	s.HoldWrites()
	if err := s.AddLease4(lease4(1)); err != nil {
		t.Fatal(err)
	}
	// Make the write fail: replace the descriptor with a read-only one.
	lf := s.c.file
	ro, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	lf.mu.Lock()
	good, goodFD := lf.f, lf.fd
	lf.f, lf.fd = ro, int(ro.Fd())
	lf.mu.Unlock()
	if err := s.ReleaseWrites(); err == nil {
		t.Fatal("first release: no error from a failed write")
	}
	if err := s.ReleaseWrites(); err == nil {
		t.Fatal("second holder: no error although its rows were in the failed write")
	}
	lf.mu.Lock()
	lf.f, lf.fd = good, goodFD
	lf.mu.Unlock()
	ro.Close()
	s.HoldWrites()
	if err := s.AddLease4(lease4(2)); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseWrites(); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

// TestGroupCommitNoFile: without persistence holds do nothing.
func TestGroupCommitNoFile(t *testing.T) {
	s := open4(t, Config{})
	s.HoldWrites()
	if err := s.AddLease4(lease4(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseWrites(); err != nil {
		t.Fatal(err)
	}
}

// TestWatchView4: view watchers see every change, like Watch4 watchers,
// with the stored leases rather than copies.
func TestWatchView4(t *testing.T) {
	s := open4(t, Config{})
	var views, copies []lease.Change4
	cancel := s.WatchView4(func(c lease.Change4) { views = append(views, c) })
	s.Watch4(func(c lease.Change4) { copies = append(copies, c) })
	l := lease4(1)
	if err := s.AddLease4(l); err != nil {
		t.Fatal(err)
	}
	l.ValidLifetime = 7200
	if err := s.UpdateLease4(l); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLease4(l.Addr); err != nil {
		t.Fatal(err)
	}
	if len(views) != 3 || len(copies) != 3 {
		t.Fatalf("%d view and %d copy notifications, want 3 and 3", len(views), len(copies))
	}
	for i, k := range []lease.ChangeKind{lease.Added, lease.Updated, lease.Deleted} {
		if views[i].Kind != k || copies[i].Kind != k {
			t.Errorf("change %d: kinds %v and %v, want %v", i, views[i].Kind, copies[i].Kind, k)
		}
	}
	if views[1].New.ValidLifetime != 7200 || views[1].Old.ValidLifetime != 3600 {
		t.Errorf("update seen as %d -> %d", views[1].Old.ValidLifetime, views[1].New.ValidLifetime)
	}
	if views[1].New == copies[1].New {
		t.Error("Watch4 watcher got the same lease object as the view watcher")
	}
	cancel()
	s.AddLease4(lease4(2))
	if len(views) != 3 {
		t.Error("cancelled view watcher still called")
	}
}
