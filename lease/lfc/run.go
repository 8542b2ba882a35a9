package lfc

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/csv"
)

// maxRowErrors is kea-lfc's limit of bad rows per file.
const maxRowErrors = 100

// Logf receives progress messages (Kea's LFC_* log messages); may be nil.
type Logf func(format string, args ...any)

// Run performs one cleanup of DHCPv4 (family 4) or DHCPv6 (family 6)
// lease files. It returns ErrRunning when another cleanup holds the PID file.
func Run(family int, f Files, logf Logf) error {
	return run(family, f, logf, nil)
}

// RunFrom is Run for a caller that holds the merge result already: a
// server that has just loaded Previous and Input (and nothing else) holds
// in memory exactly what the cleanup would read back from them. write
// writes those leases to the output file in address order and returns
// how many it wrote; the rest (PID file, renames, messages) is Run's.
// It saves loading every lease a second time.
func RunFrom(family int, f Files, logf Logf, write func(output string) (int, error)) error {
	return run(family, f, logf, write)
}

func run(family int, f Files, logf Logf, write func(string) (int, error)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if family != 4 && family != 6 {
		return fmt.Errorf("lfc: DHCP version %d not supported", family)
	}
	running, err := pidRunning(f.PID)
	if err != nil {
		return err
	}
	if running {
		return ErrRunning
	}
	if err := writePID(f.PID); err != nil {
		return fmt.Errorf("lfc: unable to create PID file: %w", err)
	}
	defer os.Remove(f.PID)

	if !exists(f.Finish) {
		logf("LFC_PROCESSING Previous file: %s, copy file: %s", f.Previous, f.Input)
		var err error
		if write != nil {
			err = processFrom(f, logf, write)
		} else {
			err = process(family, f, logf)
		}
		if err != nil {
			return fmt.Errorf("lfc: processing failed: %w", err)
		}
	}
	logf("LFC_ROTATING LFC rotating files")
	return rotate(f)
}

// process merges Previous and Input into Output and renames it to Finish.
func process(family int, f Files, logf Logf) error {
	onErr := func(e *csv.RowError) { logf("DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR %v", e) }
	switch family {
	case 4:
		m := map[netip.Addr]*lease.Lease4{}
		apply := func(l *lease.Lease4) { merge(m, l.Addr, l, l.ValidLifetime) }
		for _, p := range []string{f.Previous, f.Input} {
			if err := loadIfExists(p, func() (csv.LoadResult, error) { return csv.Load4(p, maxRowErrors, apply, onErr) }, logf); err != nil {
				return err
			}
		}
		if err := csv.WriteFile4(f.Output, sorted(m)); err != nil {
			return err
		}
		logf("LFC_WRITE_STATS Leases: %d", len(m))
	case 6:
		m := map[netip.Addr]*lease.Lease6{}
		apply := func(l *lease.Lease6) { merge(m, l.Addr, l, l.ValidLifetime) }
		for _, p := range []string{f.Previous, f.Input} {
			if err := loadIfExists(p, func() (csv.LoadResult, error) { return csv.Load6(p, maxRowErrors, apply, onErr) }, logf); err != nil {
				return err
			}
		}
		if err := csv.WriteFile6(f.Output, sorted(m)); err != nil {
			return err
		}
		logf("LFC_WRITE_STATS Leases: %d", len(m))
	}
	if err := os.Rename(f.Output, f.Finish); err != nil {
		return fmt.Errorf("unable to move output (%s) to complete (%s): %w", f.Output, f.Finish, err)
	}
	return nil
}

// processFrom writes Output with write and renames it to Finish.
func processFrom(f Files, logf Logf, write func(string) (int, error)) error {
	n, err := write(f.Output)
	if err != nil {
		return err
	}
	logf("LFC_WRITE_STATS Leases: %d", n)
	if err := os.Rename(f.Output, f.Finish); err != nil {
		return fmt.Errorf("unable to move output (%s) to complete (%s): %w", f.Output, f.Finish, err)
	}
	return nil
}

// merge applies one row as Kea's lease file loader does: the newest row
// wins, a row with valid lifetime 0 deletes the lease.
func merge[L any](m map[netip.Addr]*L, a netip.Addr, l *L, valid uint32) {
	if valid == 0 {
		delete(m, a)
		return
	}
	m[a] = l
}

func sorted[L any](m map[netip.Addr]*L) []*L {
	keys := make([]netip.Addr, 0, len(m))
	for a := range m {
		keys = append(keys, a)
	}
	slices.SortFunc(keys, netip.Addr.Compare)
	out := make([]*L, len(keys))
	for i, a := range keys {
		out[i] = m[a]
	}
	return out
}

func loadIfExists(path string, load func() (csv.LoadResult, error), logf Logf) error {
	if !exists(path) {
		return nil
	}
	res, err := load()
	if err != nil {
		return err
	}
	logf("LFC_READ_STATS %s: rows: %d, errors: %d", path, res.Rows, res.Errors)
	return nil
}

// rotate removes Previous and Input and renames Finish to Previous.
func rotate(f Files) error {
	if err := os.Remove(f.Previous); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("lfc: unable to delete previous file '%s': %w", f.Previous, err)
	}
	if err := os.Remove(f.Input); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("lfc: unable to delete copy file '%s': %w", f.Input, err)
	}
	if err := os.Rename(f.Finish, f.Previous); err != nil {
		return fmt.Errorf("lfc: unable to move finish (%s) to previous (%s): %w", f.Finish, f.Previous, err)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
