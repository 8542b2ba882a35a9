package csv

import (
	"bufio"
	"os"

	"github.com/nestordhcp/nestor/lease"
)

// WriteHeader writes the schema's full header line.
func WriteHeader(f *os.File, s *Schema) error {
	_, err := f.WriteString(s.Header(len(s.Columns)) + "\n")
	return err
}

// WriteFile4 writes a complete DHCPv4 lease file (header and one row per
// lease, in the given order) to path, synced to disk before it returns.
func WriteFile4(path string, leases []*lease.Lease4) error {
	return writeFile(path, Schema4, len(leases), func(buf []byte, i int) ([]byte, error) {
		return AppendLease4(buf, leases[i])
	})
}

// WriteFile6 is WriteFile4 for DHCPv6 leases.
func WriteFile6(path string, leases []*lease.Lease6) error {
	return writeFile(path, Schema6, len(leases), func(buf []byte, i int) ([]byte, error) {
		return AppendLease6(buf, leases[i])
	})
}

func writeFile(path string, s *Schema, n int, row func([]byte, int) ([]byte, error)) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	_, err = w.WriteString(s.Header(len(s.Columns)) + "\n")
	var buf []byte
	for i := 0; i < n && err == nil; i++ {
		if buf, err = row(buf[:0], i); err == nil {
			_, err = w.Write(buf)
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
