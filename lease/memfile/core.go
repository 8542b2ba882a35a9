package memfile

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nestordhcp/nestor/internal/gctune"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/csv"
	"github.com/nestordhcp/nestor/lease/lfc"
)

// core is what the DHCPv4 and DHCPv6 stores share: the table, the live
// lease file, loading and the cleanup trigger.
type core[L any] struct {
	cfg    Config
	family int
	schema *csv.Schema
	path   string
	t      *table[L]
	file   *leaseFile // nil when not persisting

	format    func([]byte, *L) ([]byte, error) // the lease's row; also validates
	check     func(*L) error                   // rules a stored lease must follow
	tombstone func(*L) *L                      // the row Kea writes for a deletion
	valid     func(*L) uint32
	writeAll  func(path string, all []*L) error // a complete lease file
	loadFile  func(path string, maxErr int, apply func(*L), onErr func(*csv.RowError)) (csv.LoadResult, error)
	// fixup, when set, is applied to each lease read from the files
	// (the sanity checks); false drops the row.
	fixup func(*L) bool
	// altered: fixup changed or dropped a lease while loading, so memory
	// no longer holds what the files do.
	altered atomic.Bool

	bufs    sync.Pool
	lfcBusy atomic.Bool
	lfcWG   sync.WaitGroup
	stop    chan struct{}
	closed  atomic.Bool
}

const (
	modeAdd = iota
	modeUpdate
)

// open loads the lease file set the way Kea's Memfile_LeaseMgr does and
// opens the live file for appending.
func (c *core[L]) open() error {
	c.stop = make(chan struct{})
	if !c.cfg.Persist {
		return nil
	}
	c.path = c.cfg.Name
	if c.path == "" {
		c.path = DefaultName(c.family)
	}
	files := lfc.FilesFor(c.path)
	var size int64
	rows := 0
	for _, p := range []string{files.Finish, files.Previous, files.Input, c.path} {
		if st, err := os.Stat(p); err == nil {
			size += st.Size()
			rows += countLines(p)
		}
	}
	// Maps made at their size: growing them while loading leaves the
	// smaller tables behind as garbage (a third of the lease memory).
	c.t.presize(min(rows, 1<<26))
	// Nearly everything allocated from here to build is a lease that
	// stays: no collections meanwhile (see gctune).
	endLoad := gctune.BeginLoad(size)
	defer endLoad()
	conversion := false
	liveCurrent := true
	load := func(p string, live bool) error {
		if !exists(p) {
			return nil
		}
		c.cfg.logf("DHCPSRV_MEMFILE_LEASE_FILE_LOAD loading leases from file %s", p)
		res, err := c.loadFile(p, c.cfg.MaxRowErrors, c.apply, func(e *csv.RowError) {
			c.cfg.logf("DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR %v", e)
		})
		if err != nil {
			return fmt.Errorf("memfile: %w", err)
		}
		if res.State != csv.Current {
			conversion = true
			liveCurrent = liveCurrent && !live
			c.cfg.logf("DHCPSRV_MEMFILE_NEEDS_CONVERSION lease file %s: schema %s", p, res.State)
		}
		return nil
	}
	if exists(files.Finish) {
		if err := load(files.Finish, false); err != nil {
			return err
		}
	} else {
		for _, p := range []string{files.Previous, files.Input} {
			if err := load(p, false); err != nil {
				return err
			}
		}
	}
	if err := load(c.path, true); err != nil {
		return err
	}
	c.t.build()
	endLoad()
	if !liveCurrent && (exists(files.Finish) || exists(files.Input)) {
		// The live file must be rotated before rows of the current schema
		// are appended to it; finish the pending cleanup so it can be.
		if err := lfc.Run(c.family, files, c.cfg.Logf); err != nil {
			return fmt.Errorf("memfile: finishing the pending lease file cleanup: %w", err)
		}
	}
	f, err := openLeaseFile(c.path, c.schema)
	if err != nil {
		return fmt.Errorf("memfile: %w", err)
	}
	c.file = f
	if conversion {
		// As Kea does: rewrite the files in the current schema now.
		if _, err := c.startLFC(!c.altered.Load()); err != nil && !errors.Is(err, lfc.ErrRunning) {
			c.cfg.logf("DHCPSRV_MEMFILE_LFC_START_FAIL %v", err)
		}
	}
	if c.cfg.LFCInterval > 0 {
		c.lfcWG.Add(1)
		go c.lfcTimer()
	}
	return nil
}

// apply is a loaded row: the newest row wins, valid lifetime 0 deletes.
// It fills the maps alone; open builds the rest once the files are read.
func (c *core[L]) apply(l *L) {
	a := keyOf(c.t.ops.addr(l))
	if c.valid(l) == 0 {
		l = nil
	} else if c.fixup != nil && !c.fixup(l) {
		return
	}
	c.t.loadSet(a, l)
}

// persist writes the row for l before the change is applied in memory.
func (c *core[L]) persist(l *L) error {
	bp, _ := c.bufs.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, 256)
		bp = &b
	}
	row, err := c.format((*bp)[:0], l)
	if err == nil && c.file != nil {
		err = c.file.append(row)
	}
	*bp = row[:0]
	c.bufs.Put(bp)
	return err
}

// HoldWrites makes the store collect lease-file rows instead of writing
// each one, until ReleaseWrites (group commit). Holds may overlap (one per
// packet worker); rows written by any goroutine while a hold is open are
// collected too. Without a lease file it does nothing.
func (c *core[L]) HoldWrites() {
	if c.file != nil {
		c.file.hold()
	}
}

// ReleaseWrites closes one hold and writes every collected row with one
// write(2). The caller answers clients for the changes it made during its
// hold only when ReleaseWrites returns nil: an error means their rows may
// not be in the file (the changes stay in memory).
func (c *core[L]) ReleaseWrites() error {
	if c.file != nil {
		return c.file.release()
	}
	return nil
}

func (c *core[L]) put(l *L, mode int) (old, nw *L, err error) {
	if c.closed.Load() {
		return nil, nil, errClosed
	}
	if err := c.check(l); err != nil {
		return nil, nil, err
	}
	nl := c.t.ops.clone(l)
	return c.t.change(keyOf(c.t.ops.addr(nl)), func(old *L) (*L, error) {
		if mode == modeAdd && old != nil {
			return nil, lease.ErrExists
		}
		if mode == modeUpdate && old == nil {
			return nil, lease.ErrNotFound
		}
		if err := c.persist(nl); err != nil {
			return nil, err
		}
		return nl, nil
	})
}

// del removes the lease at a when keep (nil: always) accepts it.
func (c *core[L]) del(a netip.Addr, keep func(*L) bool) (old *L, err error) {
	if c.closed.Load() {
		return nil, errClosed
	}
	old, _, err = c.t.change(keyOf(a), func(old *L) (*L, error) {
		if old == nil || (keep != nil && !keep(old)) {
			return nil, lease.ErrNotFound
		}
		if err := c.persist(c.tombstone(old)); err != nil {
			return nil, err
		}
		return nil, nil
	})
	return old, err
}

var errClosed = errors.New("memfile: lease database is closed")

// ErrNotPersisting is returned by StartLFC when "persist" is false.
var ErrNotPersisting = errors.New("memfile: leases are not persisted, there is no lease file to clean up")

// startLFC rotates the live file to NAME.1 (unless an earlier cleanup left
// NAME.1 or NAME.completed, which that cleanup must finish first, as Kea
// decides) and runs the cleanup in the background.
//
// fromMemory is for the cleanup open starts right after loading, when
// memory holds exactly what NAME.2 and the rotated file hold (no sanity
// check changed or dropped a lease: kea-lfc does not apply them): the cleanup
// then writes the stored leases (a snapshot of the pointers: stored
// leases are never modified) instead of loading them all a second time.
func (c *core[L]) startLFC(fromMemory bool) (<-chan error, error) {
	if c.file == nil {
		return nil, ErrNotPersisting
	}
	if !c.lfcBusy.CompareAndSwap(false, true) {
		return nil, lfc.ErrRunning
	}
	files := lfc.FilesFor(c.path)
	var snapshot []*L
	if !exists(files.Finish) && !exists(files.Input) {
		if fromMemory {
			c.t.freeze(func(all []*L) { snapshot = all })
		}
		if err := c.file.rotate(files.Input); err != nil {
			c.lfcBusy.Store(false)
			c.cfg.logf("DHCPSRV_MEMFILE_LFC_LEASE_FILE_RENAME_FAIL %v", err)
			return nil, err
		}
	}
	c.cfg.logf("DHCPSRV_MEMFILE_LFC_EXECUTE executing Lease File Cleanup for %s", c.path)
	done := make(chan error, 1)
	c.lfcWG.Add(1)
	go func() {
		defer c.lfcWG.Done()
		var err error
		if snapshot != nil {
			err = lfc.RunFrom(c.family, files, c.cfg.Logf, func(out string) (int, error) {
				return len(snapshot), c.writeAll(out, snapshot)
			})
		} else {
			err = lfc.Run(c.family, files, c.cfg.Logf)
		}
		if err != nil {
			c.cfg.logf("DHCPSRV_MEMFILE_LFC_FAIL %v", err)
		}
		c.lfcBusy.Store(false)
		done <- err
	}()
	return done, nil
}

func (c *core[L]) lfcTimer() {
	defer c.lfcWG.Done()
	tk := time.NewTicker(c.cfg.LFCInterval)
	defer tk.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tk.C:
			if _, err := c.startLFC(false); err != nil && !errors.Is(err, lfc.ErrRunning) {
				c.cfg.logf("DHCPSRV_MEMFILE_LFC_START_FAIL %v", err)
			}
		}
	}
}

func (c *core[L]) close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(c.stop)
	c.lfcWG.Wait()
	if c.file != nil {
		return c.file.close()
	}
	return nil
}

// expiredSet returns the leases of the chosen expiry set expiring before cutoff.
func (c *core[L]) expiredSet(reclaimed bool, cutoff int64, max int) []*L {
	keys := c.t.expiredKeys(reclaimed, cutoff, max)
	out := make([]*L, 0, len(keys))
	for _, k := range keys {
		if l := c.t.get(k.addr); l != nil {
			out = append(out, l)
		}
	}
	return out
}

// deleteReclaimed deletes expired-reclaimed leases expiring before cutoff.
func (c *core[L]) deleteReclaimed(cutoff int64, notify func(old *L)) (int, error) {
	n := 0
	for _, k := range c.t.expiredKeys(true, cutoff, 0) {
		old, err := c.del(addrOfKey(k.addr, c.family), func(l *L) bool {
			return c.t.ops.state(l) == lease.StateExpiredReclaimed && c.t.ops.expire(l) < cutoff
		})
		if errors.Is(err, lease.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
		notify(old)
	}
	return n, nil
}

// wipe deletes every lease of a subnet.
func (c *core[L]) wipe(match func(*L) bool, notify func(old *L)) (int, error) {
	n := 0
	for _, l := range c.t.scan(match) {
		old, err := c.del(c.t.ops.addr(l), match)
		if errors.Is(err, lease.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
		notify(old)
	}
	return n, nil
}

func addrOfKey(k addrKey, family int) netip.Addr {
	if family == 4 {
		v := uint32(k.lo)
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	var b [16]byte
	for i := range 8 {
		b[i] = byte(k.hi >> (56 - 8*i))
		b[8+i] = byte(k.lo >> (56 - 8*i))
	}
	return netip.AddrFrom16(b)
}

// countLines returns the number of newlines in the file at path (0 when
// it cannot be read): an upper bound of its leases. Reading the file
// twice costs milliseconds (the load reads it from the page cache).
func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err != nil {
			return n
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeFile writes a snapshot of every lease to path. For the live file it
// holds every shard's write lock (so no change is half done and none can
// start), moves the old file to path.bakPID, writes the snapshot as the
// new live file and reopens it for appending.
func (c *core[L]) writeFile(path string, write func(string, []*L) error) error {
	if c.file == nil || path != c.path {
		return write(path, c.t.scan(nil))
	}
	var err error
	c.t.freeze(func(all []*L) {
		lf := c.file
		lf.mu.Lock()
		defer lf.mu.Unlock()
		if lf.f != nil {
			lf.f.Close()
			lf.f = nil
		}
		if err = os.Rename(path, fmt.Sprintf("%s.bak%d", path, os.Getpid())); err == nil {
			err = write(path, all)
		}
		if oerr := lf.open(); err == nil {
			err = oerr
		}
	})
	return err
}
