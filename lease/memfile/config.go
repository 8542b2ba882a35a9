package memfile

import (
	"os"
	"path/filepath"
	"time"
)

// DefaultDataDir is where Debian's Kea keeps lease files; KEA_DHCP_DATA_DIR
// overrides it as it does for Kea.
const DefaultDataDir = "/var/lib/kea"

// Config is the memfile part of "lease-database".
type Config struct {
	// Persist writes every change to the lease file ("persist", Kea's
	// default true). When false nothing is read or written.
	Persist bool
	// Name is the lease file path ("name"); empty means DefaultName.
	Name string
	// LFCInterval is "lfc-interval": how often the lease file cleanup
	// runs; 0 disables it.
	LFCInterval time.Duration
	// MaxRowErrors is "max-row-errors": loading fails when more rows than
	// this are bad; 0 means no limit.
	MaxRowErrors int
	// Logf receives Kea-style log messages (DHCPSRV_MEMFILE_*); may be nil.
	Logf func(format string, args ...any)
}

// DefaultName returns Kea's default lease file path for family 4 or 6:
// kea-leases4.csv or kea-leases6.csv in the data directory.
func DefaultName(family int) string {
	dir := os.Getenv("KEA_DHCP_DATA_DIR")
	if dir == "" {
		dir = DefaultDataDir
	}
	if family == 6 {
		return filepath.Join(dir, "kea-leases6.csv")
	}
	return filepath.Join(dir, "kea-leases4.csv")
}

func (c *Config) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}
