package csv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNoHeader is returned by NewReader for an empty input.
var ErrNoHeader = errors.New("lease file has no header")

// RowError is a row that could not be read; loading skips it and counts it
// against max-row-errors, as Kea does.
type RowError struct {
	Row int // data row number, the first row after the header is 1
	Err error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("discarding row %d, error: %v", e.Row, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// Reader reads a lease file row by row. Rows of older or newer files are
// brought to the schema's width the way Kea's VersionedCSVFile does it.
type Reader struct {
	br     *bufio.Reader
	schema *Schema
	header []string
	valid  int
	state  SchemaState
	row    int
	fields [][]byte
	long   []byte
	// defaults holds each column's default value, for short rows.
	defaults [][]byte
	// Unterminated is set when the last row read had no newline: the file
	// ended in the middle of a write, or was edited by hand.
	Unterminated bool
}

// NewReader reads and checks the header of a lease file.
func NewReader(r io.Reader, s *Schema) (*Reader, error) {
	rd := &Reader{br: bufio.NewReaderSize(r, 64<<10), schema: s}
	line, err := rd.readLine()
	if err == io.EOF {
		return nil, ErrNoHeader
	}
	if err != nil {
		return nil, err
	}
	rd.header = strings.Split(string(line), ",")
	rd.valid, rd.state, err = s.checkHeader(rd.header)
	if err != nil {
		return nil, err
	}
	rd.fields = make([][]byte, 0, max(len(rd.header), len(s.Columns))+1)
	for _, c := range s.Columns {
		rd.defaults = append(rd.defaults, []byte(c.Default))
	}
	return rd, nil
}

// State tells how the file's columns compare with the schema. A file that
// is not Current needs the lease file cleanup to rewrite it.
func (r *Reader) State() SchemaState { return r.state }

// HeaderColumns returns the number of columns in the file's header.
func (r *Reader) HeaderColumns() int { return len(r.header) }

// Row returns the number of the last data row read.
func (r *Reader) Row() int { return r.row }

// readLine returns the next line without its newline; the slice is valid
// until the next call. A last line without newline is returned too.
func (r *Reader) readLine() ([]byte, error) {
	r.Unterminated = false
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	switch {
	case err == io.EOF:
		if len(line) == 0 {
			return nil, io.EOF
		}
		r.Unterminated = true
		return line, nil
	case err != nil:
		return nil, err
	}
	return line[:len(line)-1], nil
}

// Fields returns the next row split into the schema's columns; io.EOF at
// the end. The slices are valid until the next call.
func (r *Reader) Fields() ([][]byte, error) {
	line, err := r.readLine()
	if err != nil {
		return nil, err
	}
	r.row++
	f, err := r.split(line, r.fields[:0])
	r.fields = f[:0]
	if err != nil {
		return nil, &RowError{Row: r.row, Err: err}
	}
	return f, nil
}

// split cuts line into the schema's columns in f's room, bringing rows
// of older or newer files to the schema's width; an error for a row with
// a column count the file's header does not allow.
func (r *Reader) split(line []byte, f [][]byte) ([][]byte, error) {
	for {
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			f = append(f, line)
			break
		}
		f = append(f, line[:i])
		line = line[i+1:]
	}
	cols := len(r.schema.Columns)
	var reason string
	switch r.state {
	case Current:
		if len(f) != cols {
			reason = "must match current schema"
		}
	case NeedsUpgrade:
		if len(f) < r.valid {
			reason = "too few columns to upgrade"
		} else if len(f) > cols {
			reason = "too many columns to upgrade"
		}
	case NeedsDowngrade:
		if len(f) < cols {
			reason = "too few columns to downgrade"
		}
	}
	if reason != "" {
		return f, fmt.Errorf("invalid number of columns: %d, %s", len(f), reason)
	}
	for i := len(f); i < cols; i++ {
		f = append(f, r.defaults[i])
	}
	return f[:cols], nil
}
