package memfile

import (
	"fmt"
	"net/netip"
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
	// fix, strict, pedantic; "" is fix): the leases read from the files
	// have their extended info checked and Kea 2.2's form upgraded in
	// memory (the files are left as they are), see
	// lease.UpgradeExtendedInfo4 and UpgradeExtendedInfo6.
	ExtendedInfoChecks string
	// LeaseChecks is sanity-checks.lease-checks (none, warn, fix,
	// fix-del, del; "" is none here, the servers pass Kea's default
	// warn): each lease read from the files (DHCPv6: IA_NA only) must
	// belong to a subnet that contains its address; SubnetCheck answers
	// that. See checkLeaseSubnet.
	LeaseChecks string
	// SubnetCheck reports whether the subnet subnetID exists and holds
	// addr, and the id of the first configured subnet holding addr (0:
	// none).
	SubnetCheck func(addr netip.Addr, subnetID uint32) (inRange bool, best uint32)
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

// checkLeaseSubnet is Kea's SanityChecker::checkLeaseInternal: it returns
// the lease's subnet id, corrected when the level allows, and false when
// the lease is to be dropped.
func (c *Config) checkLeaseSubnet(addr netip.Addr, subnetID uint32) (uint32, bool) {
	if c.LeaseChecks == "" || c.LeaseChecks == "none" || c.SubnetCheck == nil {
		return subnetID, true
	}
	ok, id := c.SubnetCheck(addr, subnetID)
	if ok || id == subnetID {
		return subnetID, true
	}
	msg := "the lease IP address did not belong to a configured subnet"
	if id != 0 {
		msg = fmt.Sprintf("the lease should have subnet-id %d", id)
	}
	switch c.LeaseChecks {
	case "warn":
		c.logf("DHCPSRV_LEASE_SANITY_FAIL The lease %s with subnet-id %d failed subnet-id checks (%s).", addr, subnetID, msg)
	case "fix", "fix-del":
		if id != 0 {
			c.logf("DHCPSRV_LEASE_SANITY_FIXED The lease %s with subnet-id %d failed subnet-id checks, but was corrected to subnet-id %d.", addr, subnetID, id)
			return id, true
		}
		if c.LeaseChecks == "fix" {
			c.logf("DHCPSRV_LEASE_SANITY_FAIL The lease %s with subnet-id %d failed subnet-id checks (%s).", addr, subnetID, msg)
			break
		}
		c.logf("DHCPSRV_LEASE_SANITY_FAIL_DISCARD The lease %s with subnet-id %d failed subnet-id checks (%s) and was dropped.", addr, subnetID, msg)
		return subnetID, false
	case "del":
		c.logf("DHCPSRV_LEASE_SANITY_FAIL_DISCARD The lease %s with subnet-id %d failed subnet-id checks (%s) and was dropped.", addr, subnetID, msg)
		return subnetID, false
	}
	return subnetID, true
}
