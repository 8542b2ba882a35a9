package host

import "net/netip"

// Sources4 looks hosts up in several stores in order, as Kea's HostMgr
// does: the configuration file's reservations first, then each hosts
// database in the order of hosts-databases. A single-host lookup returns
// the first found; the others return the hosts of every source.
type Sources4 []Store4

var _ Store4 = Sources4(nil)

// Get4 returns the first source's host of the subnet with the identifier.
func (ss Sources4) Get4(subnetID uint32, t IdentifierType, id []byte) *Host {
	for _, s := range ss {
		if h := s.Get4(subnetID, t, id); h != nil {
			return h
		}
	}
	return nil
}

// GetAll4 returns the hosts with the identifier from every source.
func (ss Sources4) GetAll4(t IdentifierType, id []byte) []*Host {
	var out []*Host
	for _, s := range ss {
		out = append(out, s.GetAll4(t, id)...)
	}
	return out
}

// GetByAddress4 returns the hosts reserving addr from every source.
func (ss Sources4) GetByAddress4(subnetID uint32, addr netip.Addr) []*Host {
	var out []*Host
	for _, s := range ss {
		out = append(out, s.GetByAddress4(subnetID, addr)...)
	}
	return out
}

// Sources6 is Sources4 for DHCPv6.
type Sources6 []Store6

var _ Store6 = Sources6(nil)

// Get6 returns the first source's host of the subnet with the identifier.
func (ss Sources6) Get6(subnetID uint32, t IdentifierType, id []byte) *Host6 {
	for _, s := range ss {
		if h := s.Get6(subnetID, t, id); h != nil {
			return h
		}
	}
	return nil
}

// GetByAddress6 returns the hosts reserving the address or prefix from
// every source.
func (ss Sources6) GetByAddress6(subnetID uint32, p netip.Prefix) []*Host6 {
	var out []*Host6
	for _, s := range ss {
		out = append(out, s.GetByAddress6(subnetID, p)...)
	}
	return out
}
