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
	// ExtendedInfoChecks is sanity-checks.extended-info-checks (none,
	// fix, strict, pedantic; "" is fix): the DHCPv4 leases read from the
	// files have their extended info checked and Kea 2.2's form upgraded
	// in memory (the files are left as they are), see
	// lease.UpgradeExtendedInfo4.
	ExtendedInfoChecks string
	// Debugf receives Kea's debug messages (DHCPSRV_*_UPGRADED); may be
	// nil.
	Debugf func(format string, args ...any)
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

func (c *Config) logDebugf(format string, args ...any) {
	if c.Debugf != nil {
		c.Debugf(format, args...)
	}
}
