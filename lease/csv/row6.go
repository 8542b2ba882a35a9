package csv

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/lease"
)

// Column indexes of Schema6.
const (
	c6Address = iota
	c6DUID
	c6Valid
	c6Expire
	c6Subnet
	c6Pref
	c6Type
	c6IAID
	c6PrefixLen
	c6FQDNFwd
	c6FQDNRev
	c6Hostname
	c6HWAddr
	c6State
	c6UserContext
	c6HWType
	c6HWSource
	c6PoolID
)

// Next6 reads the next DHCPv6 lease; io.EOF at the end, *RowError for a
// row that cannot be used.
func (r *Reader) Next6() (*lease.Lease6, error) {
	f, err := r.Fields()
	if err != nil {
		return nil, err
	}
	l, err := ParseLease6(f)
	if err != nil {
		return nil, &RowError{Row: r.row, Err: err}
	}
	return l, nil
}

// ParseLease6 converts the 18 columns of a Schema6 row into a lease,
// applying the checks Kea applies when it reads a lease file.
func ParseLease6(f [][]byte) (*lease.Lease6, error) { return parseLease6(f, nil) }

// parseLease6 is ParseLease6 taking its small values from a (may be nil);
// the hostname is set when a is flushed.
func parseLease6(f [][]byte, a *arena) (*lease.Lease6, error) {
	if len(f) != len(Schema6.Columns) {
		return nil, fmt.Errorf("row has %d columns, want %d", len(f), len(Schema6.Columns))
	}
	var l lease.Lease6
	var err error
	if l.Addr, err = netip.ParseAddr(string(f[c6Address])); err != nil || !l.Addr.Is6() || l.Addr.Zone() != "" {
		return nil, fmt.Errorf("invalid IPv6 address '%s'", f[c6Address])
	}
	if l.State, err = parseState(f[c6State]); err != nil {
		return nil, err
	}
	var ok bool
	if l.DUID, ok = parseColonHex(f[c6DUID], a); !ok {
		l.DUID, err = lease.ParseHex(string(f[c6DUID]))
	}
	if err != nil || len(l.DUID) == 0 {
		return nil, fmt.Errorf("invalid DUID '%s'", f[c6DUID])
	}
	if len(l.DUID) > lease.MaxDUIDLen {
		return nil, fmt.Errorf("DUID is too long (%d), at most %d is allowed", len(l.DUID), lease.MaxDUIDLen)
	}
	if bytes.Equal(l.DUID, lease.EmptyDUID) && l.State != lease.StateDeclined {
		return nil, errors.New("the empty DUID is only valid for declined leases")
	}
	if l.ValidLifetime, err = parseU32(f[c6Valid], "valid_lifetime"); err != nil {
		return nil, err
	}
	if l.CLTT, err = parseCLTT(f[c6Expire], l.ValidLifetime); err != nil {
		return nil, err
	}
	if l.SubnetID, err = parseU32(f[c6Subnet], "subnet_id"); err != nil {
		return nil, err
	}
	if l.PreferredLifetime, err = parseU32(f[c6Pref], "pref_lifetime"); err != nil {
		return nil, err
	}
	t, err := parseUint(f[c6Type], 2)
	if err != nil {
		return nil, fmt.Errorf("invalid lease_type '%s'", f[c6Type])
	}
	l.Type = lease.Type(t)
	if l.IAID, err = parseU32(f[c6IAID], "iaid"); err != nil {
		return nil, err
	}
	plen, err := parseUint(f[c6PrefixLen], 128)
	if err != nil {
		return nil, fmt.Errorf("invalid prefix_len '%s'", f[c6PrefixLen])
	}
	l.PrefixLen = uint8(plen)
	if l.FQDNFwd, err = parseBool(f[c6FQDNFwd], "fqdn_fwd"); err != nil {
		return nil, err
	}
	if l.FQDNRev, err = parseBool(f[c6FQDNRev], "fqdn_rev"); err != nil {
		return nil, err
	}
	a.setText(&l.Hostname, f[c6Hostname])
	// Like Kea, an unreadable hardware address is dropped, not fatal.
	if len(f[c6HWAddr]) > 0 {
		if hw, err := lease.ParseHWAddr(string(f[c6HWAddr]), lease.HTypeEther); err == nil && !hw.IsZero() {
			if v, err := parseUint(f[c6HWType], 0xffff); err == nil {
				hw.Type = uint16(v)
			}
			if v, err := parseUint(f[c6HWSource], 1<<32-1); err == nil {
				hw.Source = uint32(v)
			}
			l.HWAddr = hw
		}
	}
	if l.UserContext, err = readUserContext(f[c6UserContext]); err != nil {
		return nil, err
	}
	if l.PoolID, err = parseU32(f[c6PoolID], "pool_id"); err != nil {
		return nil, err
	}
	return &l, nil
}

// AppendLease6 appends l as a Schema6 row with its newline.
func AppendLease6(dst []byte, l *lease.Lease6) ([]byte, error) {
	if !l.Addr.Is6() || l.Addr.Is4In6() {
		return dst, fmt.Errorf("lease address %v is not an IPv6 address", l.Addr)
	}
	if l.Type > lease.TypePD {
		return dst, fmt.Errorf("lease type %d cannot be stored", l.Type)
	}
	dst = l.Addr.AppendTo(dst)
	dst = append(dst, ',')
	if len(l.DUID) == 0 {
		dst = lease.AppendHex(dst, lease.EmptyDUID)
	} else {
		dst = lease.AppendHex(dst, l.DUID)
	}
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.ValidLifetime))
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.CLTT+int64(l.ValidLifetime)))
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.SubnetID))
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.PreferredLifetime))
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.Type))
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.IAID))
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.PrefixLen))
	dst = append(dst, ',')
	dst = appendBool(dst, l.FQDNFwd)
	dst = append(dst, ',')
	dst = appendBool(dst, l.FQDNRev)
	dst = append(dst, ',')
	dst = appendEscaped(dst, l.Hostname)
	dst = append(dst, ',')
	dst = lease.AppendHex(dst, l.HWAddr.Bytes)
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.State))
	dst = append(dst, ',')
	var err error
	if dst, err = appendUserContext(dst, l.UserContext); err != nil {
		return dst, err
	}
	dst = append(dst, ',')
	if !l.HWAddr.IsZero() {
		dst = appendU(dst, uint64(l.HWAddr.Type))
	}
	dst = append(dst, ',')
	if !l.HWAddr.IsZero() {
		dst = appendU(dst, uint64(l.HWAddr.Source))
	}
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.PoolID))
	return append(dst, '\n'), nil
}
