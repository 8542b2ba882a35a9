package host

import (
	"fmt"
	"net/netip"

	"github.com/nestordhcp/nestor/config"
)

// ConfigStore holds the reservations of a configuration file (Kea's
// CfgHosts), indexed by identifier and by reserved address. It is built once
// per configuration and then only read, so it needs no lock.
type ConfigStore struct {
	byID   map[idKey]*Host
	byAll  map[allKey][]*Host
	byAddr map[addrKey][]*Host
	hosts  []*Host
}

type idKey struct {
	subnet uint32
	t      IdentifierType
	id     string
}

type allKey struct {
	t  IdentifierType
	id string
}

type addrKey struct {
	subnet uint32
	addr   netip.Addr
}

var _ Store4 = (*ConfigStore)(nil)

// FromConfig4 builds the store from the global reservations and those of
// every subnet. It repeats the checks Kea's CfgHosts makes when hosts are
// added (a configuration loaded by package config has passed them already):
// one identifier once per subnet, and one address once per subnet unless
// ip-reservations-unique is false.
func FromConfig4(cfg *config.Dhcp4) (*ConfigStore, error) {
	s := &ConfigStore{
		byID:   make(map[idKey]*Host),
		byAll:  make(map[allKey][]*Host),
		byAddr: make(map[addrKey][]*Host),
	}
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

// FromReservation4 converts one configuration reservation to a Host in the
// given subnet (0: global).
func FromReservation4(r *config.Reservation4, subnetID uint32) (*Host, error) {
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
	h := &Host{
		IdentifierType: t,
		Identifier:     id,
		SubnetID:       subnetID,
		Hostname:       r.Hostname,
		ClientClasses:  r.ClientClasses,
		NextServer:     r.NextServer,
		ServerHostname: r.ServerHostname,
		BootFileName:   r.BootFileName,
		Options:        r.OptionData,
		UserContext:    r.UserContext,
		Config:         r,
	}
	if r.IPAddress.Set {
		h.IPv4 = r.IPAddress.V.Unmap()
	}
	return h, nil
}

func (s *ConfigStore) add(r *config.Reservation4, subnetID uint32, unique bool) error {
	h, err := FromReservation4(r, subnetID)
	if err != nil {
		return err
	}
	k := idKey{subnetID, h.IdentifierType, string(h.Identifier)}
	if _, dup := s.byID[k]; dup {
		return fmt.Errorf("host: there is already a reservation for %s in subnet id %d", h.Label(), subnetID)
	}
	if h.HasIPv4() {
		ak := addrKey{subnetID, h.IPv4}
		if unique && len(s.byAddr[ak]) > 0 {
			return fmt.Errorf("host: there is already a reservation for the address %s in subnet id %d", h.IPv4, subnetID)
		}
		s.byAddr[ak] = append(s.byAddr[ak], h)
	}
	s.byID[k] = h
	ak := allKey{h.IdentifierType, string(h.Identifier)}
	s.byAll[ak] = append(s.byAll[ak], h)
	s.hosts = append(s.hosts, h)
	return nil
}

// Get4 implements Store4.
func (s *ConfigStore) Get4(subnetID uint32, t IdentifierType, id []byte) *Host {
	return s.byID[idKey{subnetID, t, string(id)}]
}

// GetAll4 implements Store4.
func (s *ConfigStore) GetAll4(t IdentifierType, id []byte) []*Host {
	return s.byAll[allKey{t, string(id)}]
}

// GetByAddress4 implements Store4.
func (s *ConfigStore) GetByAddress4(subnetID uint32, addr netip.Addr) []*Host {
	return s.byAddr[addrKey{subnetID, addr.Unmap()}]
}

// All returns every host in configuration order (global first).
func (s *ConfigStore) All() []*Host { return s.hosts }

// Len returns the number of hosts.
func (s *ConfigStore) Len() int { return len(s.hosts) }
