package lfc

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const hdr4 = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id"

func write(t *testing.T, path string, lines ...string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
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

func present(f Files) []string {
	var out []string
	for _, p := range []string{f.Previous, f.Input, f.Output, f.Finish, f.PID} {
		if _, err := os.Stat(p); err == nil {
			out = append(out, filepath.Ext(p))
		}
	}
	return out
}

var (
	a1  = "198.51.100.1,aa:00:00:00:00:01,,3600,2000003600,1,0,0,one,0,,0"
	a1b = "198.51.100.1,aa:00:00:00:00:01,,3600,2000007200,1,0,0,one-renewed,0,,0"
	a2  = "198.51.100.2,aa:00:00:00:00:02,,3600,1000003600,1,0,0,,2,,0" // expired-reclaimed: kept
	a3  = "198.51.100.3,aa:00:00:00:00:03,,3600,2000003600,1,0,0,,0,,0"
	a3d = "198.51.100.3,aa:00:00:00:00:03,,0,2000000000,1,0,0,,0,,0" // deletion
	a10 = "198.51.100.10,aa:00:00:00:00:10,,3600,2000003600,1,0,0,,0,,0"
)

func TestRunMerges(t *testing.T) {
	f := FilesFor(filepath.Join(t.TempDir(), "kea-leases4.csv"))
	write(t, f.Previous, hdr4, a10, a1, a3)
	write(t, f.Input, hdr4, a2, a1b, a3d, "broken,row")
	if err := Run(4, f, nil); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{".2"}, present(f)); d != "" {
		t.Errorf("files left (-want +got)\n%s", d)
	}
	if d := cmp.Diff([]string{hdr4, a1b, a2, a10}, read(t, f.Previous)); d != "" {
		t.Errorf("result (-want +got)\n%s", d)
	}
}

func TestRunUpgradesOldSchema(t *testing.T) {
	f := FilesFor(filepath.Join(t.TempDir(), "kea-leases4.csv"))
	write(t, f.Input, strings.TrimSuffix(hdr4, ",pool_id"), "198.51.100.1,aa:00:00:00:00:01,,3600,2000003600,1,0,0,one,0,")
	if err := Run(4, f, nil); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{hdr4, a1}, read(t, f.Previous)); d != "" {
		t.Errorf("result (-want +got)\n%s", d)
	}
}

// TestRunResumes covers a cleanup interrupted after NAME.completed was
// written: the next run only renames.
func TestRunResumes(t *testing.T) {
	f := FilesFor(filepath.Join(t.TempDir(), "kea-leases4.csv"))
	write(t, f.Previous, hdr4, a3)
	write(t, f.Input, hdr4, a10)
	write(t, f.Finish, hdr4, a1)
	write(t, f.Output, hdr4, "198.51.100.9,partial") // a leftover of an older crash
	if err := Run(4, f, nil); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{hdr4, a1}, read(t, f.Previous)); d != "" {
		t.Errorf("result (-want +got)\n%s", d)
	}
	if d := cmp.Diff([]string{".2", ".output"}, present(f)); d != "" {
		t.Errorf("files left (-want +got)\n%s", d)
	}
}

func TestRunRefusesWhileRunning(t *testing.T) {
	f := FilesFor(filepath.Join(t.TempDir(), "kea-leases4.csv"))
	write(t, f.Input, hdr4, a1)
	write(t, f.PID, "1") // init is always alive
	if err := Run(4, f, nil); !errors.Is(err, ErrRunning) {
		t.Fatalf("Run = %v, want ErrRunning", err)
	}
	if d := cmp.Diff([]string{".1", ".pid"}, present(f)); d != "" {
		t.Errorf("files touched (-want +got)\n%s", d)
	}
	write(t, f.PID, "999999999") // stale
	if err := Run(4, f, nil); err != nil {
		t.Fatal(err)
	}
}

func TestRunFailureKeepsInputs(t *testing.T) {
	f := FilesFor(filepath.Join(t.TempDir(), "kea-leases4.csv"))
	write(t, f.Previous, "not,a,lease,header")
	write(t, f.Input, hdr4, a1)
	if err := Run(4, f, nil); err == nil {
		t.Fatal("Run succeeded on a file with a bad header")
	}
	if d := cmp.Diff([]string{".2", ".1"}, present(f)); d != "" {
		t.Errorf("files (-want +got)\n%s", d)
	}
}

// TestKeaLFCAgrees runs Kea's own kea-lfc on the same input and compares
// the results column by column (Kea 2.2 writes one column less).
func TestKeaLFCAgrees(t *testing.T) {
	bin, err := exec.LookPath("kea-lfc")
	if err != nil {
		t.Skip("kea-lfc (Debian package kea-common) is not installed")
	}
	dir := t.TempDir()
	ours, theirs := FilesFor(filepath.Join(dir, "ours.csv")), FilesFor(filepath.Join(dir, "kea.csv"))
	for _, f := range []Files{ours, theirs} {
		write(t, f.Previous, hdr4, a10, a1, a3)
		write(t, f.Input, hdr4, a2, a1b, a3d, "broken,row")
	}
	if err := Run(4, ours, nil); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-4", "-x", theirs.Previous, "-i", theirs.Input, "-o", theirs.Output, "-f", theirs.Finish, "-p", theirs.PID, "-c", "ignored")
	cmd.Env = append(os.Environ(), "KEA_LOCKFILE_DIR="+dir, "KEA_PIDFILE_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kea-lfc: %v\n%s", err, out)
	}
	want := read(t, theirs.Previous)
	got := read(t, ours.Previous)
	for i := range got {
		got[i] = got[i][:strings.LastIndexByte(got[i], ',')] // drop pool_id
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-kea-lfc +ours)\n%s", d)
	}
}
