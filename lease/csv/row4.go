package csv

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/lease"
)

// Column indexes of Schema4.
const (
	c4Address = iota
	c4HWAddr
	c4ClientID
	c4Valid
	c4Expire
	c4Subnet
	c4FQDNFwd
	c4FQDNRev
	c4Hostname
	c4State
	c4UserContext
	c4PoolID
)

// Next4 reads the next DHCPv4 lease; io.EOF at the end, *RowError for a
// row that cannot be used (the caller may go on reading).
func (r *Reader) Next4() (*lease.Lease4, error) {
	f, err := r.Fields()
	if err != nil {
		return nil, err
	}
	l, err := ParseLease4(f)
	if err != nil {
		return nil, &RowError{Row: r.row, Err: err}
	}
	return l, nil
}

// ParseLease4 converts the 12 columns of a Schema4 row into a lease,
// applying the checks Kea applies when it reads a lease file.
func ParseLease4(f [][]byte) (*lease.Lease4, error) { return parseLease4(f, nil) }

// parseLease4 is ParseLease4 taking its small values from a (may be nil);
// the hostname is set when a is flushed.
func parseLease4(f [][]byte, a *arena) (*lease.Lease4, error) {
	if len(f) != len(Schema4.Columns) {
		return nil, fmt.Errorf("row has %d columns, want %d", len(f), len(Schema4.Columns))
	}
	var l lease.Lease4
	var ok bool
	if l.Addr, ok = parseIPv4(f[c4Address]); !ok {
		return nil, fmt.Errorf("invalid IPv4 address '%s'", f[c4Address])
	}
	var err error
	if l.State, err = parseState(f[c4State]); err != nil {
		return nil, err
	}
	if len(f[c4HWAddr]) > 0 {
		if b, ok := parseColonHex(f[c4HWAddr], a); ok && len(b) <= lease.MaxHWAddrLen {
			l.HWAddr = lease.HWAddr{Bytes: b, Type: lease.HTypeEther}
		} else if l.HWAddr, err = lease.ParseHWAddr(string(f[c4HWAddr]), lease.HTypeEther); err != nil {
			return nil, err
		}
	} else if l.State != lease.StateDeclined {
		return nil, errors.New("a blank hardware address is only valid for declined leases")
	}
	if len(f[c4ClientID]) > 0 {
		var ok bool
		if l.ClientID, ok = parseColonHex(f[c4ClientID], a); !ok {
			if l.ClientID, err = lease.ParseHex(string(f[c4ClientID])); err != nil {
				return nil, fmt.Errorf("invalid client-id '%s'", f[c4ClientID])
			}
		}
		if len(l.ClientID) < lease.MinClientIDLen {
			return nil, fmt.Errorf("client-id is too short (%d), at least %d is required", len(l.ClientID), lease.MinClientIDLen)
		}
		if len(l.ClientID) > lease.MaxClientIDLen {
			return nil, fmt.Errorf("client-id is too long (%d), at most %d is allowed", len(l.ClientID), lease.MaxClientIDLen)
		}
	}
	if l.ValidLifetime, err = parseU32(f[c4Valid], "valid_lifetime"); err != nil {
		return nil, err
	}
	if l.CLTT, err = parseCLTT(f[c4Expire], l.ValidLifetime); err != nil {
		return nil, err
	}
	if l.SubnetID, err = parseU32(f[c4Subnet], "subnet_id"); err != nil {
		return nil, err
	}
	if l.FQDNFwd, err = parseBool(f[c4FQDNFwd], "fqdn_fwd"); err != nil {
		return nil, err
	}
	if l.FQDNRev, err = parseBool(f[c4FQDNRev], "fqdn_rev"); err != nil {
		return nil, err
	}
	a.setText(&l.Hostname, f[c4Hostname])
	if l.UserContext, err = readUserContext(f[c4UserContext]); err != nil {
		return nil, err
	}
	if l.PoolID, err = parseU32(f[c4PoolID], "pool_id"); err != nil {
		return nil, err
	}
	return &l, nil
}

// AppendLease4 appends l as a Schema4 row with its newline.
func AppendLease4(dst []byte, l *lease.Lease4) ([]byte, error) {
	if !l.Addr.Is4() {
		return dst, fmt.Errorf("lease address %v is not an IPv4 address", l.Addr)
	}
	dst = l.Addr.AppendTo(dst)
	dst = append(dst, ',')
	dst = lease.AppendHex(dst, l.HWAddr.Bytes)
	dst = append(dst, ',')
	dst = lease.AppendHex(dst, l.ClientID)
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.ValidLifetime))
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.CLTT+int64(l.ValidLifetime)))
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.SubnetID))
	dst = append(dst, ',')
	dst = appendBool(dst, l.FQDNFwd)
	dst = append(dst, ',')
	dst = appendBool(dst, l.FQDNRev)
	dst = append(dst, ',')
	dst = appendEscaped(dst, l.Hostname)
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.State))
	dst = append(dst, ',')
	var err error
	if dst, err = appendUserContext(dst, l.UserContext); err != nil {
		return dst, err
	}
	dst = append(dst, ',')
	dst = appendU(dst, uint64(l.PoolID))
	return append(dst, '\n'), nil
}

func parseState(b []byte) (lease.State, error) {
	v, err := parseU32(b, "state")
	return lease.State(v), err
}

func readUserContext(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, nil
	}
	s := Unescape(string(b))
	uc, err := parseUserContext(s)
	if err == errNotMap {
		return nil, fmt.Errorf("user context '%s' is not a JSON map", s)
	}
	if err != nil {
		return nil, fmt.Errorf("invalid user context '%s': %v", s, err)
	}
	return uc, nil
}

func appendUserContext(dst []byte, uc []byte) ([]byte, error) {
	if len(uc) == 0 {
		return dst, nil
	}
	js, err := appendKeaJSON(nil, uc)
	if err != nil {
		return dst, fmt.Errorf("user context: %v", err)
	}
	return appendEscaped(dst, string(js)), nil
}

// parseIPv4 parses dotted-quad text without allocating; leading zeros are
// refused as inet_pton refuses them.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var a [4]byte
	part, n, digits := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || part > 3 {
				return netip.Addr{}, false
			}
			a[part] = byte(n)
			part++
			n, digits = 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || (digits == 1 && n == 0) {
			return netip.Addr{}, false
		}
		n = n*10 + int(c-'0')
		digits++
		if n > 255 {
			return netip.Addr{}, false
		}
	}
	if part != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(a), true
}

// parseColonHex parses the form Kea writes, two hex digits per octet
// separated by colons ("01:aa:bb"), straight from the row's bytes into
// room from a; false for anything else, which lease.ParseHex then reads
// with all its forms.
func parseColonHex(b []byte, a *arena) ([]byte, bool) {
	if len(b)%3 != 2 {
		return nil, false
	}
	for i, c := range b {
		if i%3 == 2 {
			if c != ':' {
				return nil, false
			}
		} else if _, ok := unhex(c); !ok {
			return nil, false
		}
	}
	out := a.bytes(len(b)/3 + 1)
	for i := range out {
		hi, _ := unhex(b[3*i])
		lo, _ := unhex(b[3*i+1])
		out[i] = hi<<4 | lo
	}
	return out, true
}
