package sqlcommon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nestordhcp/nestor/lease"
)

// MaxDBTime is the largest expiration time the SQL backends store
// (Kea's DatabaseConnection::MAX_DB_TIME, the 2038 limit of TIMESTAMP).
const MaxDBTime = 2147483647

// expireOf returns the expire column of a lease as Kea writes it: for an
// infinite lifetime the cltt itself, so that the value fits.
func expireOf(cltt int64, valid uint32) (int64, error) {
	e := cltt
	if valid != lease.InfiniteLifetime {
		e += int64(valid)
	}
	if e > MaxDBTime || e < 0 {
		return 0, fmt.Errorf("Time value is too large: %d", e)
	}
	return e, nil
}

// clttOf is the inverse of expireOf.
func clttOf(expire int64, valid uint32) int64 {
	if valid == lease.InfiniteLifetime {
		return expire
	}
	return expire - int64(valid)
}

func checkUserContext(uc json.RawMessage) error {
	if len(uc) == 0 {
		return nil
	}
	t := bytes.TrimSpace(uc)
	if len(t) == 0 || t[0] != '{' || !json.Valid(t) {
		return errors.New("user context must be a JSON map")
	}
	return nil
}

func check4(l *lease.Lease4) error {
	switch {
	case !l.Addr.Is4():
		return fmt.Errorf("%v is not an IPv4 address", l.Addr)
	case l.HWAddr.IsZero() && l.State != lease.StateDeclined:
		return errors.New("a lease must have a hardware address unless it is declined")
	case len(l.HWAddr.Bytes) > lease.MaxHWAddrLen:
		return errors.New("hardware address too long")
	case len(l.ClientID) == 1 || len(l.ClientID) > lease.MaxClientIDLen:
		return fmt.Errorf("client-id length %d out of range %d..%d", len(l.ClientID), lease.MinClientIDLen, lease.MaxClientIDLen)
	}
	return checkUserContext(l.UserContext)
}

func check6(l *lease.Lease6) error {
	switch {
	case !l.Addr.Is6() || l.Addr.Is4In6() || l.Addr.Zone() != "":
		return fmt.Errorf("%v is not an IPv6 address", l.Addr)
	case l.Type > lease.TypePD:
		return fmt.Errorf("lease type %d cannot be stored", l.Type)
	case l.PrefixLen > 128:
		return fmt.Errorf("prefix length %d out of range", l.PrefixLen)
	case len(l.DUID) > lease.MaxDUIDLen:
		return errors.New("DUID too long")
	case (len(l.DUID) == 0 || bytes.Equal(l.DUID, lease.EmptyDUID)) && l.State != lease.StateDeclined:
		return errors.New("a lease must have a DUID unless it is declined")
	case len(l.HWAddr.Bytes) > lease.MaxHWAddrLen:
		return errors.New("hardware address too long")
	}
	return checkUserContext(l.UserContext)
}

func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func nullText(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}
