package leasecmds

import (
	"errors"
	"net/netip"

	"github.com/nestordhcp/nestor/lease"
)

// Kea's lease_cmds registers both command families in both daemons; in
// kea-dhcp4 the lease6-* commands see an empty DHCPv6 database (and the
// other way round). These stores stand for the family a daemon lacks.

var errNoDatabase = errors.New("no lease database of this family in this daemon")

type emptyStore4 struct{}

func (emptyStore4) AddLease4(*lease.Lease4) error                   { return errNoDatabase }
func (emptyStore4) UpdateLease4(*lease.Lease4) error                { return lease.ErrNotFound }
func (emptyStore4) DeleteLease4(netip.Addr) error                   { return lease.ErrNotFound }
func (emptyStore4) Lease4(netip.Addr) (*lease.Lease4, error)        { return nil, lease.ErrNotFound }
func (emptyStore4) Leases4ByHWAddr([]byte) ([]*lease.Lease4, error) { return nil, nil }
func (emptyStore4) Lease4ByHWAddrSubnet([]byte, uint32) (*lease.Lease4, error) {
	return nil, lease.ErrNotFound
}
func (emptyStore4) Leases4ByClientID([]byte) ([]*lease.Lease4, error) { return nil, nil }
func (emptyStore4) Lease4ByClientIDSubnet([]byte, uint32) (*lease.Lease4, error) {
	return nil, lease.ErrNotFound
}
func (emptyStore4) Leases4ByHostname(string) ([]*lease.Lease4, error)    { return nil, nil }
func (emptyStore4) Leases4BySubnet(uint32) ([]*lease.Lease4, error)      { return nil, nil }
func (emptyStore4) Leases4Page(netip.Addr, int) ([]*lease.Lease4, error) { return nil, nil }
func (emptyStore4) AllLeases4() ([]*lease.Lease4, error)                 { return nil, nil }
func (emptyStore4) ExpiredLeases4(int64, int) ([]*lease.Lease4, error)   { return nil, nil }
func (emptyStore4) DeleteExpiredReclaimedLeases4(int64) (int, error)     { return 0, nil }
func (emptyStore4) WipeLeases4(uint32) (int, error)                      { return 0, nil }
func (emptyStore4) LeaseStats4(uint32, uint32) ([]lease.StatRow, error)  { return nil, nil }
func (emptyStore4) Watch4(func(lease.Change4)) func()                    { return func() {} }

type emptyStore6 struct{}

func (emptyStore6) AddLease6(*lease.Lease6) error    { return errNoDatabase }
func (emptyStore6) UpdateLease6(*lease.Lease6) error { return lease.ErrNotFound }
func (emptyStore6) DeleteLease6(netip.Addr) error    { return lease.ErrNotFound }
func (emptyStore6) Lease6(lease.Type, netip.Addr) (*lease.Lease6, error) {
	return nil, lease.ErrNotFound
}
func (emptyStore6) Leases6ByDUIDIAID(lease.Type, []byte, uint32) ([]*lease.Lease6, error) {
	return nil, nil
}
func (emptyStore6) Leases6ByDUIDIAIDSubnet(lease.Type, []byte, uint32, uint32) ([]*lease.Lease6, error) {
	return nil, nil
}
func (emptyStore6) Leases6ByDUID([]byte) ([]*lease.Lease6, error)        { return nil, nil }
func (emptyStore6) Leases6ByHostname(string) ([]*lease.Lease6, error)    { return nil, nil }
func (emptyStore6) Leases6BySubnet(uint32) ([]*lease.Lease6, error)      { return nil, nil }
func (emptyStore6) Leases6Page(netip.Addr, int) ([]*lease.Lease6, error) { return nil, nil }
func (emptyStore6) AllLeases6() ([]*lease.Lease6, error)                 { return nil, nil }
func (emptyStore6) ExpiredLeases6(int64, int) ([]*lease.Lease6, error)   { return nil, nil }
func (emptyStore6) DeleteExpiredReclaimedLeases6(int64) (int, error)     { return 0, nil }
func (emptyStore6) WipeLeases6(uint32) (int, error)                      { return 0, nil }
func (emptyStore6) LeaseStats6(uint32, uint32) ([]lease.StatRow, error)  { return nil, nil }
func (emptyStore6) Watch6(func(lease.Change6)) func()                    { return func() {} }

var (
	_ lease.Store4 = emptyStore4{}
	_ lease.Store6 = emptyStore6{}
)
