package csv

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/nestordhcp/nestor/lease"
)

// LoadResult tells what reading one lease file found.
type LoadResult struct {
	Rows         int         // data rows read
	Errors       int         // rows discarded
	State        SchemaState // how the header compared with the schema
	Unterminated bool        // the last row had no newline (torn write)
}

// ErrTooManyRowErrors is returned (wrapped) when a file has more bad rows
// than max-row-errors allows.
var ErrTooManyRowErrors = errors.New("exceeded maximum number of failures")

// Load4 reads a DHCPv4 lease file and calls apply for every good row in
// file order. Bad rows are passed to onErr (may be nil) and skipped; when
// maxErrors > 0 and the count of bad rows exceeds it, loading stops with
// an error wrapping ErrTooManyRowErrors. An empty file counts as a file
// with only a header.
func Load4(path string, maxErrors int, apply func(*lease.Lease4), onErr func(*RowError)) (LoadResult, error) {
	return load(path, Schema4, maxErrors, onErr, func(r *Reader) error {
		l, err := r.Next4()
		if err == nil {
			apply(l)
		}
		return err
	})
}

// Load6 is Load4 for DHCPv6 lease files.
func Load6(path string, maxErrors int, apply func(*lease.Lease6), onErr func(*RowError)) (LoadResult, error) {
	return load(path, Schema6, maxErrors, onErr, func(r *Reader) error {
		l, err := r.Next6()
		if err == nil {
			apply(l)
		}
		return err
	})
}

func load(path string, s *Schema, maxErrors int, onErr func(*RowError), next func(*Reader) error) (LoadResult, error) {
	var res LoadResult
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	r, err := NewReader(f, s)
	if err == ErrNoHeader {
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("lease file %s: %w", path, err)
	}
	res.State = r.State()
	for {
		err := next(r)
		if err == io.EOF {
			break
		}
		res.Rows = r.Row()
		res.Unterminated = r.Unterminated
		var re *RowError
		if errors.As(err, &re) {
			res.Errors++
			if onErr != nil {
				onErr(re)
			}
			if maxErrors > 0 && res.Errors > maxErrors {
				return res, fmt.Errorf("%w %d to read a lease from the lease file %s", ErrTooManyRowErrors, maxErrors, path)
			}
			continue
		}
		if err != nil {
			return res, fmt.Errorf("lease file %s: %w", path, err)
		}
	}
	return res, nil
}
