package memfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/nestordhcp/nestor/lease/csv"
)

// leaseFile is the live lease file: an append-only stream of rows.
// Rows are written with one write(2) each and not fsynced, as Kea does:
// a row survives the server's crash once append returns, though not a
// power loss.
type leaseFile struct {
	mu     sync.Mutex
	path   string
	schema *csv.Schema
	f      *os.File
	size   int64
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
	lf.f, lf.size = f, st.Size()
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
	n, err := lf.f.Write(b)
	if err != nil {
		if n > 0 {
			_ = lf.f.Truncate(lf.size)
		}
		return fmt.Errorf("memfile: writing %s: %w", lf.path, err)
	}
	lf.size += int64(n)
	return nil
}

// append writes one row (with its newline).
func (lf *leaseFile) append(row []byte) error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.f == nil {
		return errors.New("memfile: lease file " + lf.path + " is closed")
	}
	return lf.write(row)
}

// rotate renames the live file to to and starts a new live file. When the
// rename fails the old file is reopened and written on, as Kea does.
func (lf *leaseFile) rotate(to string) error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
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
	err := lf.f.Close()
	lf.f = nil
	return err
}
