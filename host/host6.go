package host

import (
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/config"
)

// DefaultIdentifiers6 is Kea's default host-reservation-identifiers for
// DHCPv6.
var DefaultIdentifiers6 = []IdentifierType{IdentHWAddr, IdentDUID}

// ParseIdentifiers6 is ParseIdentifiers with the DHCPv6 default.
func ParseIdentifiers6(names []string) ([]IdentifierType, error) {
	if len(names) == 0 {
		return DefaultIdentifiers6, nil
	}
	return ParseIdentifiers(names)
}

// ClientIdentifiers6 returns the identifiers a DHCPv6 client presents, in the
// order of the host-reservation-identifiers list: duid is the CLIENTID
// option's DUID, hw the hardware address found from the mac-sources, flexID
// the flex_id hook's value. Empty ones are left out.
func ClientIdentifiers6(order []IdentifierType, duid, hw, flexID []byte) []Identifier {
	if order == nil {
		order = DefaultIdentifiers6
	}
	return AppendClientIdentifiers6(make([]Identifier, 0, len(order)), order, duid, hw, flexID)
}

// AppendClientIdentifiers6 is ClientIdentifiers6 appending to out (a
// packet worker reuses its slice).
func AppendClientIdentifiers6(out []Identifier, order []IdentifierType, duid, hw, flexID []byte) []Identifier {
	if order == nil {
		order = DefaultIdentifiers6
	}
	for _, t := range order {
		var v []byte
		switch t {
		case IdentHWAddr:
			v = hw
		case IdentDUID:
			v = duid
		case IdentFlexID:
			v = flexID
		}
		if len(v) > 0 {
			out = append(out, Identifier{Type: t, Value: v})
		}
	}
	return out
}

// Host6 is one DHCPv6 reservation (Kea's Host with IPv6 resources).
type Host6 struct {
	IdentifierType IdentifierType
	Identifier     []byte
	// SubnetID is the subnet of the reservation; 0 for a global one.
	SubnetID      uint32
	Addresses     []netip.Addr
	Prefixes      []netip.Prefix
	Hostname      string
	ClientClasses []string
	// Options are the reservation's option-data entries.
	Options     []*config.OptionData
	UserContext *config.Node
	Config      *config.Reservation6
}

// Matches reports whether the host is the one for one of the identifiers.
func (h *Host6) Matches(ids []Identifier) bool {
	for _, id := range ids {
		if id.Type == h.IdentifierType && string(id.Value) == string(h.Identifier) {
			return true
		}
	}
	return false
}

// Store6 finds DHCPv6 reservations. Hosts returned are shared and must not
// be modified. Implementations are safe for concurrent use.
type Store6 interface {
	// Get6 returns the host of a subnet (0: global) with this identifier,
	// or nil.
	Get6(subnetID uint32, t IdentifierType, id []byte) *Host6
	// GetByAddress6 returns the hosts of a subnet reserving the address
	// (prefix length 128) or the prefix.
	GetByAddress6(subnetID uint32, p netip.Prefix) []*Host6
}

// ConfigStore6 holds the DHCPv6 reservations of a configuration file. It is
// built once per configuration and then only read.
type ConfigStore6 struct {
	byID   map[idKey]*Host6
	byAddr map[addr6Key][]*Host6
	hosts  []*Host6
}

type addr6Key struct {
	subnet uint32
	p      netip.Prefix
}

var _ Store6 = (*ConfigStore6)(nil)

// FromConfig6 builds the store from the global reservations and those of
// every subnet, with the checks Kea's CfgHosts makes when hosts are added.
func FromConfig6(cfg *config.Dhcp6) (*ConfigStore6, error) {
	s := &ConfigStore6{byID: map[idKey]*Host6{}, byAddr: map[addr6Key][]*Host6{}}
	if cfg == nil {
		return s, nil
	}
	unique := cfg.IPReservationsUnique.Or(true)
	for _, r := range cfg.Reservations {
		if err := s.add(r, 0, unique); err != nil {
			return nil, err
		}
	}
	for _, sn := range cfg.AllSubnets {
		for _, r := range sn.Reservations {
			if err := s.add(r, sn.ID, unique); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// FromReservation6 converts one configuration reservation to a Host6 in the
// given subnet (0: global).
func FromReservation6(r *config.Reservation6, subnetID uint32) (*Host6, error) {
	t, err := ParseIdentifierType(r.IdentifierType)
	if err != nil {
		return nil, err
	}
	id := r.IdentifierBytes
	if len(id) == 0 {
		if id, err = ParseIdentifier(r.Identifier); err != nil {
			return nil, err
		}
	}
	return &Host6{
		IdentifierType: t, Identifier: id, SubnetID: subnetID,
		Addresses: r.IPAddresses, Prefixes: r.Prefixes,
		Hostname: r.Hostname, ClientClasses: r.ClientClasses,
		Options: r.OptionData, UserContext: r.UserContext, Config: r,
	}, nil
}

func (s *ConfigStore6) add(r *config.Reservation6, subnetID uint32, unique bool) error {
	h, err := FromReservation6(r, subnetID)
	if err != nil {
		return err
	}
	k := idKey{subnetID, h.IdentifierType, string(h.Identifier)}
	if _, dup := s.byID[k]; dup {
		return fmt.Errorf("host: there is already a reservation for %s=%s in subnet id %d", h.IdentifierType, FormatIdentifier(h.Identifier), subnetID)
	}
	keys := make([]addr6Key, 0, len(h.Addresses)+len(h.Prefixes))
	for _, a := range h.Addresses {
		keys = append(keys, addr6Key{subnetID, netip.PrefixFrom(a, 128)})
	}
	for _, p := range h.Prefixes {
		keys = append(keys, addr6Key{subnetID, p.Masked()})
	}
	for _, ak := range keys {
		if unique && len(s.byAddr[ak]) > 0 {
			return fmt.Errorf("host: there is already a reservation for %s in subnet id %d", ak.p, subnetID)
		}
	}
	for _, ak := range keys {
		s.byAddr[ak] = append(s.byAddr[ak], h)
	}
	s.byID[k] = h
	s.hosts = append(s.hosts, h)
	return nil
}

// Get6 implements Store6.
func (s *ConfigStore6) Get6(subnetID uint32, t IdentifierType, id []byte) *Host6 {
	return s.byID[idKey{subnetID, t, string(id)}]
}

// GetByAddress6 implements Store6.
func (s *ConfigStore6) GetByAddress6(subnetID uint32, p netip.Prefix) []*Host6 {
	return s.byAddr[addr6Key{subnetID, p.Masked()}]
}

// All returns every host in configuration order (global first).
func (s *ConfigStore6) All() []*Host6 { return s.hosts }
