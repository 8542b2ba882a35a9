package leasecmds

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/nestordhcp/nestor/lease"
)

// The lease maps are Kea's Lease4::toElement and Lease6::toElement. Keys
// are written in Kea's (sorted) order; the control channel prints them in
// Kea's style.

func appendString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s)
	return append(dst, b...)
}

func appendKey(dst []byte, k string) []byte {
	dst = append(dst, '"')
	dst = append(dst, k...)
	return append(dst, '"', ':')
}

func appendBool(dst []byte, b bool) []byte { return strconv.AppendBool(dst, b) }

func appendLease4(dst []byte, l *lease.Lease4) []byte {
	dst = append(dst, '{')
	if l.ClientID != nil {
		dst = appendKey(dst, "client-id")
		dst = appendString(dst, lease.FormatHex(l.ClientID))
		dst = append(dst, ',')
	}
	dst = appendKey(dst, "cltt")
	dst = strconv.AppendInt(dst, l.CLTT, 10)
	dst = append(dst, ',')
	dst = appendKey(dst, "fqdn-fwd")
	dst = appendBool(dst, l.FQDNFwd)
	dst = append(dst, ',')
	dst = appendKey(dst, "fqdn-rev")
	dst = appendBool(dst, l.FQDNRev)
	dst = append(dst, ',')
	dst = appendKey(dst, "hostname")
	dst = appendString(dst, l.Hostname)
	dst = append(dst, ',')
	if l.HWAddr.Bytes != nil {
		dst = appendKey(dst, "hw-address")
		dst = appendString(dst, l.HWAddr.String())
		dst = append(dst, ',')
	}
	dst = appendKey(dst, "ip-address")
	dst = appendString(dst, l.Addr.String())
	dst = append(dst, ',')
	dst = appendKey(dst, "state")
	dst = strconv.AppendUint(dst, uint64(l.State), 10)
	dst = append(dst, ',')
	dst = appendKey(dst, "subnet-id")
	dst = strconv.AppendUint(dst, uint64(l.SubnetID), 10)
	dst = append(dst, ',')
	if len(l.UserContext) > 0 {
		dst = appendKey(dst, "user-context")
		dst = append(dst, l.UserContext...)
		dst = append(dst, ',')
	}
	dst = appendKey(dst, "valid-lft")
	dst = strconv.AppendUint(dst, uint64(l.ValidLifetime), 10)
	return append(dst, '}')
}

func appendLease6(dst []byte, l *lease.Lease6) []byte {
	dst = append(dst, '{')
	dst = appendKey(dst, "cltt")
	dst = strconv.AppendInt(dst, l.CLTT, 10)
	dst = append(dst, ',')
	dst = appendKey(dst, "duid")
	dst = appendString(dst, lease.FormatHex(l.DUID))
	dst = append(dst, ',')
	dst = appendKey(dst, "fqdn-fwd")
	dst = appendBool(dst, l.FQDNFwd)
	dst = append(dst, ',')
	dst = appendKey(dst, "fqdn-rev")
	dst = appendBool(dst, l.FQDNRev)
	dst = append(dst, ',')
	dst = appendKey(dst, "hostname")
	dst = appendString(dst, l.Hostname)
	dst = append(dst, ',')
	if l.HWAddr.Bytes != nil {
		dst = appendKey(dst, "hw-address")
		dst = appendString(dst, l.HWAddr.String())
		dst = append(dst, ',')
	}
	dst = appendKey(dst, "iaid")
	dst = strconv.AppendUint(dst, uint64(l.IAID), 10)
	dst = append(dst, ',')
	dst = appendKey(dst, "ip-address")
	dst = appendString(dst, l.Addr.String())
	dst = append(dst, ',')
	dst = appendKey(dst, "preferred-lft")
	dst = strconv.AppendUint(dst, uint64(l.PreferredLifetime), 10)
	dst = append(dst, ',')
	if l.Type == lease.TypePD {
		dst = appendKey(dst, "prefix-len")
		dst = strconv.AppendUint(dst, uint64(l.PrefixLen), 10)
		dst = append(dst, ',')
	}
	dst = appendKey(dst, "state")
	dst = strconv.AppendUint(dst, uint64(l.State), 10)
	dst = append(dst, ',')
	dst = appendKey(dst, "subnet-id")
	dst = strconv.AppendUint(dst, uint64(l.SubnetID), 10)
	dst = append(dst, ',')
	dst = appendKey(dst, "type")
	dst = appendString(dst, l.Type.String())
	dst = append(dst, ',')
	if len(l.UserContext) > 0 {
		dst = appendKey(dst, "user-context")
		dst = append(dst, l.UserContext...)
		dst = append(dst, ',')
	}
	dst = appendKey(dst, "valid-lft")
	dst = strconv.AppendUint(dst, uint64(l.ValidLifetime), 10)
	return append(dst, '}')
}

// sorted4 and sorted6 put a store's result in address order, the order
// Kea's memfile lists leases in.
func sorted4(ls []*lease.Lease4, err error) ([]*lease.Lease4, error) {
	slices.SortStableFunc(ls, func(a, b *lease.Lease4) int { return a.Addr.Compare(b.Addr) })
	return ls, err
}

func sorted6(ls []*lease.Lease6, err error) ([]*lease.Lease6, error) {
	slices.SortStableFunc(ls, func(a, b *lease.Lease6) int { return a.Addr.Compare(b.Addr) })
	return ls, err
}

// leasesArgs builds {"leases": [...]} and, for pages, "count".
func leasesArgs4(ls []*lease.Lease4, withCount bool) json.RawMessage {
	dst := []byte(`{`)
	if withCount {
		dst = append(dst, `"count":`...)
		dst = strconv.AppendInt(dst, int64(len(ls)), 10)
		dst = append(dst, ',')
	}
	dst = append(dst, `"leases":[`...)
	for i, l := range ls {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendLease4(dst, l)
	}
	return append(dst, ']', '}')
}

func leasesArgs6(ls []*lease.Lease6, withCount bool) json.RawMessage {
	dst := []byte(`{`)
	if withCount {
		dst = append(dst, `"count":`...)
		dst = strconv.AppendInt(dst, int64(len(ls)), 10)
		dst = append(dst, ',')
	}
	dst = append(dst, `"leases":[`...)
	for i, l := range ls {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendLease6(dst, l)
	}
	return append(dst, ']', '}')
}
