package csv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

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
// with only a header. Rows are parsed by several goroutines, a block of
// the file each; apply and onErr are called from one goroutine at a
// time, in file order.
func Load4(path string, maxErrors int, apply func(*lease.Lease4), onErr func(*RowError)) (LoadResult, error) {
	return load(path, Schema4, maxErrors, onErr, parseLease4, apply)
}

// Load6 is Load4 for DHCPv6 lease files.
func Load6(path string, maxErrors int, apply func(*lease.Lease6), onErr func(*RowError)) (LoadResult, error) {
	return load(path, Schema6, maxErrors, onErr, parseLease6, apply)
}

// blockSize is how much of a file one parsing job gets (more when a
// single line is longer).
const blockSize = 1 << 20

// block is a run of whole lines of the file and, once parsed, its rows.
type block[L any] struct {
	data []byte
	// last is set for the file's last block; its final line may lack the
	// newline.
	last bool
	torn bool  // the last line has no newline
	err  error // reading failed after data
	rows []parsed[L]
	done chan struct{}
}

type parsed[L any] struct {
	l   *L
	err error
}

func load[L any](path string, s *Schema, maxErrors int, onErr func(*RowError), parse func([][]byte, *arena) (*L, error), apply func(*L)) (LoadResult, error) {
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

	workers := max(1, runtime.GOMAXPROCS(0))
	queue := make(chan *block[L], 2*workers) // blocks in file order
	jobs := make(chan *block[L])
	quit := make(chan struct{})
	var wg sync.WaitGroup
	// Parsed blocks' buffers go back to the reader: nothing parsed points
	// into them.
	free := make(chan []byte, 2*workers+2)
	freeRows := make(chan []parsed[L], 2*workers+2)
	wg.Go(func() { readBlocks(r.br, queue, jobs, free, quit) })
	for range workers {
		wg.Go(func() {
			var fields [][]byte
			for b := range jobs {
				select {
				case b.rows = <-freeRows:
				default:
				}
				fields = parseBlock(r, b, parse, fields)
				buf := b.data
				b.data = nil
				select {
				case free <- buf:
				default:
				}
				close(b.done)
			}
		})
	}
	defer func() {
		close(quit)
		for range queue { // let the reader see quit
		}
		wg.Wait()
	}()
	for b := range queue {
		<-b.done
		for i, p := range b.rows {
			res.Rows++
			res.Unterminated = b.torn && i == len(b.rows)-1
			if p.err == nil {
				apply(p.l)
				continue
			}
			res.Errors++
			if onErr != nil {
				onErr(&RowError{Row: res.Rows, Err: p.err})
			}
			if maxErrors > 0 && res.Errors > maxErrors {
				return res, fmt.Errorf("%w %d to read a lease from the lease file %s", ErrTooManyRowErrors, maxErrors, path)
			}
		}
		if b.err != nil {
			return res, fmt.Errorf("lease file %s: %w", path, b.err)
		}
		clear(b.rows)
		select {
		case freeRows <- b.rows[:0]:
		default:
		}
	}
	return res, nil
}

// readBlocks cuts the rest of the file into blocks of whole lines, each
// queued in order and handed to a parser, until the end of the file, a
// read error or quit. It reuses the buffers parsers return on free. It
// closes queue and jobs when it returns.
func readBlocks[L any](br io.Reader, queue, jobs chan<- *block[L], free <-chan []byte, quit <-chan struct{}) {
	defer close(queue)
	defer close(jobs)
	var carry []byte
	for {
		var buf []byte
		select {
		case buf = <-free:
		default:
		}
		if cap(buf) < max(blockSize, 2*len(carry)) {
			buf = make([]byte, max(blockSize, 2*len(carry)))
		}
		buf = buf[:cap(buf)]
		n := copy(buf, carry)
		m, err := io.ReadFull(br, buf[n:])
		buf = buf[:n+m]
		b := &block[L]{done: make(chan struct{})}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			b.data, b.last = buf, true
		case err != nil:
			b.err = err
			b.data, b.last = buf[:bytes.LastIndexByte(buf, '\n')+1], true
		default:
			cut := bytes.LastIndexByte(buf, '\n') + 1
			if cut == 0 { // a line longer than the buffer: read on
				carry = buf
				continue
			}
			b.data, carry = buf[:cut], append(carry[:0], buf[cut:]...)
		}
		select {
		case queue <- b:
		case <-quit:
			return
		}
		select {
		case jobs <- b:
		case <-quit:
			close(b.done)
			return
		}
		if b.last {
			return
		}
	}
}

// parseBlock parses every line of b into b.rows (empty, maybe with room);
// fields is scratch room, returned for reuse.
func parseBlock[L any](r *Reader, b *block[L], parse func([][]byte, *arena) (*L, error), fields [][]byte) [][]byte {
	data := b.data
	b.torn = b.last && len(data) > 0 && data[len(data)-1] != '\n'
	if b.rows == nil {
		b.rows = make([]parsed[L], 0, len(data)/64+1)
	}
	var a arena
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		f, err := r.split(line, fields[:0])
		fields = f[:0]
		var p parsed[L]
		if err == nil {
			p.l, p.err = parse(f, &a)
		} else {
			p.err = err
		}
		b.rows = append(b.rows, p)
	}
	a.flush()
	return fields
}
