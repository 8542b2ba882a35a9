package leasecmds

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/lease"
)

// Lease parsing follows Kea's Lease4Parser and Lease6Parser: the checks run
// in Kea's order so that a command with several faults gets Kea's first
// complaint.

var errNoLeaseInfo = errors.New("lease information missing")

// lowerASCII lowercases as boost::algorithm::to_lower does in the C locale.
func lowerASCII(s string) string {
	b := []byte(s)
	changed := false
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
			changed = true
		}
	}
	if !changed {
		return s
	}
	return string(b)
}

// commonFields are the fields both parsers read after the subnet.
type commonFields struct {
	cltt        int64
	fwd, rev    bool
	hostname    string
	state       lease.State
	userContext json.RawMessage
	forceCreate bool
}

// parseExpire computes cltt from "expire" and the valid lifetime.
func parseExpire(info *ctrl.Element, addr netip.Addr, valid uint32, now int64) (int64, error) {
	ok, err := contains(info, "expire")
	if err != nil || !ok {
		return now, err
	}
	expire, err := getInteger(info, "expire")
	if err != nil {
		return 0, err
	}
	if expire <= 0 {
		return 0, fmt.Errorf("expiration time must be positive for address %s", addr)
	}
	if expire < int64(valid) {
		return 0, fmt.Errorf("expiration time must be greater than valid lifetime for address %s", addr)
	}
	return expire - int64(valid), nil
}

// parseTail reads fqdn-fwd, fqdn-rev, hostname, state, user-context,
// comment and force-create; pd adds Kea's check on declined prefixes.
func parseTail(info *ctrl.Element, f *commonFields, pd bool) error {
	var err error
	if v, _ := info.Get("fqdn-fwd"); v != nil {
		if f.fwd, err = getBoolean(info, "fqdn-fwd"); err != nil {
			return err
		}
	}
	if v, _ := info.Get("fqdn-rev"); v != nil {
		if f.rev, err = getBoolean(info, "fqdn-rev"); err != nil {
			return err
		}
	}
	if v, _ := info.Get("hostname"); v != nil {
		if f.hostname, err = getString(info, "hostname"); err != nil {
			return err
		}
		f.hostname = lowerASCII(f.hostname)
	}
	if f.hostname == "" && (f.fwd || f.rev) {
		return errors.New("No hostname specified and either forward or reverse fqdn was set to true.")
	}
	if v, _ := info.Get("state"); v != nil {
		s, err := getUint8(info, "state")
		if err != nil {
			return err
		}
		f.state = lease.State(s)
	}
	if f.state > lease.StateExpiredReclaimed {
		return fmt.Errorf("Invalid state value: %d, supported values are: 0 (default), 1 (declined) and 2 (expired-reclaimed)", f.state)
	}
	if pd && f.state == lease.StateDeclined {
		return errors.New("Invalid declined state for PD prefix.")
	}
	ctx, _ := info.Get("user-context")
	if ctx != nil && ctx.Kind() != ctrl.Map {
		return fmt.Errorf("Invalid user context '%s' is not a JSON map.", ctx.String())
	}
	if comment, _ := info.Get("comment"); comment != nil {
		merged := ctrl.NewMap()
		if ctx != nil {
			if c, _ := ctx.Get("comment"); c != nil {
				return fmt.Errorf("Duplicated comment entry '%s' in user context '%s'", comment.String(), ctx.String())
			}
			for _, k := range ctx.Keys() {
				v, _ := ctx.Get(k)
				merged.Set(k, v)
			}
		}
		merged.Set("comment", comment)
		ctx = merged
	}
	if ctx != nil {
		f.userContext, _ = ctx.MarshalJSON()
	}
	if v, _ := info.Get("force-create"); v != nil {
		if f.forceCreate, err = getBoolean(info, "force-create"); err != nil {
			return err
		}
	}
	return nil
}

// selectSubnet4 is CfgSubnets4::selectSubnet(address) with no client
// classes: the first subnet containing addr that no class guards.
func selectSubnet4(cfg *config.Dhcp4, addr netip.Addr) *config.Subnet4 {
	if cfg == nil {
		return nil
	}
	for _, s := range cfg.AllSubnets {
		if s.Prefix.Contains(addr) && s.Eff.ClientClass == "" {
			return s
		}
	}
	return nil
}

func selectSubnet6(cfg *config.Dhcp6, addr netip.Addr) *config.Subnet6 {
	if cfg == nil {
		return nil
	}
	for _, s := range cfg.AllSubnets {
		if s.Prefix.Contains(addr) && s.Eff.ClientClass == "" {
			return s
		}
	}
	return nil
}

func subnet4ByID(cfg *config.Dhcp4, id uint32) *config.Subnet4 {
	if cfg == nil {
		return nil
	}
	return cfg.Subnet(id)
}

func subnet6ByID(cfg *config.Dhcp6, id uint32) *config.Subnet6 {
	if cfg == nil {
		return nil
	}
	return cfg.Subnet(id)
}

// parseLease4 is Lease4Parser::parse; it returns the lease and
// "force-create".
func parseLease4(cfg *config.Dhcp4, info *ctrl.Element, now int64) (*lease.Lease4, bool, error) {
	if info == nil {
		return nil, false, errNoLeaseInfo
	}
	addr, err := getAddress(info, "ip-address")
	if err != nil {
		return nil, false, err
	}
	if !addr.Is4() {
		return nil, false, fmt.Errorf("Non-IPv4 address specified: %s", addr)
	}
	hwText, err := getString(info, "hw-address")
	if err != nil {
		return nil, false, err
	}
	hw, err := parseHWAddr(hwText)
	if err != nil {
		return nil, false, err
	}
	var id uint32
	if v, _ := info.Get("subnet-id"); v != nil {
		if id, err = getUint32(info, "subnet-id"); err != nil {
			return nil, false, err
		}
	}
	var s *config.Subnet4
	if id != 0 {
		if s = subnet4ByID(cfg, id); s == nil {
			return nil, false, fmt.Errorf("Invalid subnet-id: No IPv4 subnet with subnet-id=%d currently configured.", id)
		}
		if !s.Prefix.Contains(addr) {
			return nil, false, fmt.Errorf("The address %s does not belong to subnet %s, subnet-id=%d", addr, s.Prefix, id)
		}
	} else {
		if s = selectSubnet4(cfg, addr); s == nil {
			return nil, false, fmt.Errorf("subnet-id not specified and failed to find a subnet for address %s", addr)
		}
		id = s.ID
	}
	var clientID []byte
	if v, _ := info.Get("client-id"); v != nil {
		txt, err := getString(info, "client-id")
		if err != nil {
			return nil, false, err
		}
		if clientID, err = parseClientID(txt); err != nil {
			return nil, false, err
		}
	}
	valid := s.Eff.ValidLifetime
	if v, _ := info.Get("valid-lft"); v != nil {
		if valid, err = getUint32(info, "valid-lft"); err != nil {
			return nil, false, err
		}
	}
	var f commonFields
	if f.cltt, err = parseExpire(info, addr, valid, now); err != nil {
		return nil, false, err
	}
	if err := parseTail(info, &f, false); err != nil {
		return nil, false, err
	}
	return &lease.Lease4{
		Addr:          addr,
		HWAddr:        hw,
		ClientID:      clientID,
		ValidLifetime: valid,
		CLTT:          f.cltt,
		SubnetID:      id,
		FQDNFwd:       f.fwd,
		FQDNRev:       f.rev,
		Hostname:      f.hostname,
		State:         f.state,
		UserContext:   f.userContext,
	}, f.forceCreate, nil
}

// parseLease6 is Lease6Parser::parse. Where the preferred lifetime is not
// given it is the subnet's valid lifetime: that is what Kea (2.2 to 2.6)
// does, and the ARM only says "the value configured for the subnet".
func parseLease6(cfg *config.Dhcp6, info *ctrl.Element, now int64) (*lease.Lease6, bool, error) {
	if info == nil {
		return nil, false, errNoLeaseInfo
	}
	addr, err := getAddress(info, "ip-address")
	if err != nil {
		return nil, false, err
	}
	if addr.Is4() {
		return nil, false, fmt.Errorf("Non-IPv6 address specified: %s", addr)
	}
	duidText, err := getString(info, "duid")
	if err != nil {
		return nil, false, err
	}
	duid, err := parseDUID(duidText)
	if err != nil {
		return nil, false, err
	}
	typ := lease.TypeNA
	plen := uint8(128)
	if v, _ := info.Get("type"); v != nil {
		txt, err := getString(info, "type")
		if err != nil {
			return nil, false, err
		}
		switch txt {
		case "IA_NA":
		case "IA_TA":
			typ = lease.TypeTA
		case "IA_PD":
			typ = lease.TypePD
			if plen, err = getUint8(info, "prefix-len"); err != nil {
				return nil, false, err
			}
		default:
			return nil, false, fmt.Errorf("Incorrect lease type: %s, the only supported values are: na, ta and pd", txt)
		}
	}
	var id uint32
	if v, _ := info.Get("subnet-id"); v != nil {
		if id, err = getUint32(info, "subnet-id"); err != nil {
			return nil, false, err
		}
	}
	var s *config.Subnet6
	if id != 0 {
		if s = subnet6ByID(cfg, id); s == nil {
			return nil, false, fmt.Errorf("Invalid subnet-id: No IPv6 subnet with subnet-id=%d currently configured.", id)
		}
		if typ == lease.TypeNA && !s.Prefix.Contains(addr) {
			return nil, false, fmt.Errorf("The address %s does not belong to subnet %s, subnet-id=%d", addr, s.Prefix, id)
		}
	} else {
		if typ != lease.TypeNA {
			return nil, false, errors.New("Subnet-id is 0 or not specified. This is allowed for address leases only, not prefix leases.")
		}
		if s = selectSubnet6(cfg, addr); s == nil {
			return nil, false, fmt.Errorf("subnet-id not specified and failed to find a subnet for address %s", addr)
		}
		id = s.ID
	}
	iaid, err := getUint32(info, "iaid")
	if err != nil {
		return nil, false, err
	}
	var hw lease.HWAddr
	if v, _ := info.Get("hw-address"); v != nil {
		txt, err := getString(info, "hw-address")
		if err != nil {
			return nil, false, err
		}
		if hw, err = parseHWAddr(txt); err != nil {
			return nil, false, err
		}
	}
	valid := s.Eff.ValidLifetime
	if v, _ := info.Get("valid-lft"); v != nil {
		if valid, err = getUint32(info, "valid-lft"); err != nil {
			return nil, false, err
		}
	}
	preferred := s.Eff.ValidLifetime
	if v, _ := info.Get("preferred-lft"); v != nil {
		if preferred, err = getUint32(info, "preferred-lft"); err != nil {
			return nil, false, err
		}
	}
	var f commonFields
	if f.cltt, err = parseExpire(info, addr, valid, now); err != nil {
		return nil, false, err
	}
	if err := parseTail(info, &f, typ == lease.TypePD); err != nil {
		return nil, false, err
	}
	return &lease.Lease6{
		Addr:              addr,
		Type:              typ,
		PrefixLen:         plen,
		IAID:              iaid,
		DUID:              duid,
		PreferredLifetime: preferred,
		ValidLifetime:     valid,
		CLTT:              f.cltt,
		SubnetID:          id,
		FQDNFwd:           f.fwd,
		FQDNRev:           f.rev,
		Hostname:          f.hostname,
		HWAddr:            hw,
		State:             f.state,
		UserContext:       f.userContext,
	}, f.forceCreate, nil
}

// checkStorable4 is the memfile check Kea makes when it writes a lease:
// a lease in use needs a hardware address or a client identifier.
func checkStorable4(l *lease.Lease4) error {
	if len(l.HWAddr.Bytes) == 0 && l.ClientID == nil && l.State != lease.StateDeclined {
		return fmt.Errorf("Lease4: %s, state: %s has neither hardware address or client id", l.Addr, l.State)
	}
	return nil
}

// checkStorable6: a lease in use needs a DUID (the one-octet zero DUID is
// Kea's empty DUID).
func checkStorable6(l *lease.Lease6) error {
	if len(l.DUID) == 1 && l.DUID[0] == 0 && l.State != lease.StateDeclined {
		return fmt.Errorf("Lease6: %s, state: %s, has no DUID", l.Addr, l.State)
	}
	return nil
}
