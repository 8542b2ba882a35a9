package leasecmds

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/lease"
)

// Query kinds of lease*-get and lease*-del, numbered as Kea numbers them
// (its "Unknown query type: 3" shows the number).
const (
	queryAddr = iota
	queryHWAddr
	queryDUID
	queryClientID
)

// queryParams is Kea's LeaseCmdsImpl::Parameters.
type queryParams struct {
	kind       int
	addr       netip.Addr
	subnetID   uint32
	leaseType  lease.Type
	iaid       uint32
	hw         lease.HWAddr
	duid       []byte
	clientID   []byte
	updateDDNS bool
}

// parseQuery is LeaseCmdsImpl::getParameters: by address, or by subnet-id,
// identifier-type and identifier (plus iaid and type in v6).
func parseQuery(v6 bool, args *ctrl.Element) (queryParams, error) {
	p := queryParams{addr: netip.IPv6Unspecified(), leaseType: lease.TypeNA}
	if args == nil || args.Kind() != ctrl.Map {
		return p, errors.New("Parameters missing or are not a map.")
	}
	if v, _ := args.Get("update-ddns"); v != nil {
		if v.Kind() != ctrl.Bool {
			return p, errors.New("'update-ddns' is not a boolean")
		}
		p.updateDDNS, _ = v.BoolValue()
	}
	if v, _ := args.Get("type"); v != nil {
		t, err := v.StringValue()
		if err != nil {
			return p, err
		}
		switch t {
		case "IA_NA", "0":
			p.leaseType = lease.TypeNA
		case "IA_TA", "1":
			p.leaseType = lease.TypeTA
		case "IA_PD", "2":
			p.leaseType = lease.TypePD
		case "V4", "3":
			p.leaseType = lease.TypeV4
		default:
			return p, fmt.Errorf("Invalid lease type specified: %s, only supported values are: IA_NA, IA_TA, IA_PD and V4", t)
		}
	}
	if v, _ := args.Get("ip-address"); v != nil {
		if v.Kind() != ctrl.String {
			return p, errors.New("'ip-address' is not a string.")
		}
		s, _ := v.StringValue()
		a, err := parseAddr(s)
		if err != nil {
			return p, err
		}
		if v6 == a.Is4() {
			fam := "IPv4"
			if v6 {
				fam = "IPv6"
			}
			return p, fmt.Errorf("Invalid %s address specified: %s", fam, s)
		}
		p.addr = a
		p.kind = queryAddr
		return p, nil
	}
	v, _ := args.Get("subnet-id")
	if v == nil {
		return p, errors.New("Mandatory 'subnet-id' parameter missing.")
	}
	if v.Kind() != ctrl.Int {
		return p, errors.New("'subnet-id' parameter is not integer.")
	}
	id, _ := v.IntValue()
	p.subnetID = uint32(id)
	if v, _ := args.Get("iaid"); v != nil {
		iaid, err := v.IntValue()
		if err != nil {
			return p, err
		}
		p.iaid = uint32(iaid)
	}
	typ, _ := args.Get("identifier-type")
	ident, _ := args.Get("identifier")
	if typ == nil || typ.Kind() != ctrl.String {
		return p, errors.New("No 'ip-address' provided and 'identifier-type' is either missing or not a string.")
	}
	if ident == nil || ident.Kind() != ctrl.String {
		return p, errors.New("No 'ip-address' provided and 'identifier' is either missing or not a string.")
	}
	t, _ := typ.StringValue()
	txt, _ := ident.StringValue()
	var err error
	switch t {
	case "address":
		p.kind = queryAddr
	case "hw-address":
		p.kind = queryHWAddr
		p.hw, err = parseHWAddr(txt)
	case "duid":
		p.kind = queryDUID
		p.duid, err = parseDUID(txt)
	case "client-id":
		p.kind = queryClientID
		p.clientID, err = parseClientID(txt)
	default:
		err = fmt.Errorf("Incorrect identifier type: %s, the only supported values are: address, hw-address, duid", t)
	}
	return p, err
}
