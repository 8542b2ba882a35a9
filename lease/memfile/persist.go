package memfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"unsafe"

	"github.com/nestordhcp/nestor/lease/csv"
	"golang.org/x/sys/unix"
)

// leaseFile is the live lease file: an append-only stream of rows.
// Rows are written with one write(2) each and not fsynced, as Kea does:
// a row survives the server's crash once append returns, though not a
// power loss.
//
// While a hold is open (hold, release: group commit for the packet path)
// rows are collected instead and written together, with one write(2), by
// the next release; the holder sends its replies only after that.
type leaseFile struct {
	mu     sync.Mutex
	path   string
	schema *csv.Schema
	f      *os.File
	fd     int // f's descriptor
	size   int64

	holds   int    // open holds
	pending []byte // rows collected while holds > 0
	// failHolds holders still open when a grouped write failed: their
	// releases report failErr, since their rows may have been lost.
	failHolds int
	failErr   error
}

// openLeaseFile opens path for appending, creating it with the schema's
// header when missing or empty. A file ending in a torn row gets a
// newline first so the next row starts on its own line.
func openLeaseFile(path string, s *csv.Schema) (*leaseFile, error) {
	lf := &leaseFile{path: path, schema: s}
	if err := lf.open(); err != nil {
		return nil, err
	}
	return lf, nil
}

func (lf *leaseFile) open() error {
	f, err := os.OpenFile(lf.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	lf.f, lf.fd, lf.size = f, int(f.Fd()), st.Size()
	if lf.size == 0 {
		return lf.write([]byte(lf.schema.Header(len(lf.schema.Columns)) + "\n"))
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, lf.size-1); err != nil && err != io.EOF {
		f.Close()
		return err
	}
	if last[0] != '\n' {
		return lf.write([]byte{'\n'})
	}
	return nil
}

// write appends b; on a short write it cuts the file back so that no
// partial row is left for the next one to join.
func (lf *leaseFile) write(b []byte) error {
	n, err := rawWrite(lf.fd, b)
	if err != nil {
		if n > 0 {
			_ = lf.f.Truncate(lf.size)
		}
		return fmt.Errorf("memfile: writing %s: %w", lf.path, err)
	}
	lf.size += int64(n)
	return nil
}

// append writes one row (with its newline), or collects it while a hold
// is open.
func (lf *leaseFile) append(row []byte) error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.f == nil {
		return errors.New("memfile: lease file " + lf.path + " is closed")
	}
	if lf.holds > 0 {
		lf.pending = append(lf.pending, row...)
		return nil
	}
	return lf.write(row)
}

// hold opens a hold: rows are collected until release.
func (lf *leaseFile) hold() {
	lf.mu.Lock()
	lf.holds++
	lf.mu.Unlock()
}

// release closes one hold and writes every collected row (its own and
// those of other holders or writers) with one write(2). It reports the
// error of that write, or of an earlier grouped write that failed while
// this hold was open.
func (lf *leaseFile) release() error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.holds > 0 {
		lf.holds--
	}
	err := lf.flushLocked()
	if err != nil {
		lf.failHolds, lf.failErr = lf.holds, err
		return err
	}
	if lf.failHolds > 0 {
		lf.failHolds--
		return lf.failErr
	}
	return nil
}

// flushLocked writes the collected rows.
func (lf *leaseFile) flushLocked() error {
	if len(lf.pending) == 0 {
		return nil
	}
	var err error
	if lf.f == nil {
		err = errors.New("memfile: lease file " + lf.path + " is closed")
	} else {
		err = lf.write(lf.pending)
	}
	if cap(lf.pending) > 1<<20 {
		lf.pending = nil
	} else {
		lf.pending = lf.pending[:0]
	}
	return err
}

// rotate renames the live file to to and starts a new live file. When the
// rename fails the old file is reopened and written on, as Kea does.
func (lf *leaseFile) rotate(to string) error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if err := lf.flushLocked(); err != nil {
		lf.failHolds, lf.failErr = lf.holds, err
	}
	if lf.f != nil {
		lf.f.Close()
		lf.f = nil
	}
	rerr := os.Rename(lf.path, to)
	if err := lf.open(); err != nil {
		return err
	}
	return rerr
}

func (lf *leaseFile) close() error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.f == nil {
		return nil
	}
	ferr := lf.flushLocked()
	err := lf.f.Close()
	lf.f = nil
	if ferr != nil {
		return ferr
	}
	return err
}

// rawWrite writes b to fd (a regular file) with raw write(2) calls. A
// write into the page cache takes microseconds; the runtime's
// entersyscall/exitsyscall around os.File.Write would wake its monitor
// thread (sysmon) after every idle period, which costs more than the
// write. The cost: should the disk stall a write, the goroutine keeps its
// processor meanwhile; the packet path waits for the write in any case.
func rawWrite(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		r, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&b[n])), uintptr(len(b)-n))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return n, e
		}
		if r == 0 {
			return n, io.ErrShortWrite
		}
		n += int(r)
	}
	return n, nil
}
