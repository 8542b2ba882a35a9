package host

import (
	"net/netip"
	"testing"
)

type fakeStore4 map[string]*Host

func (f fakeStore4) Get4(subnetID uint32, t IdentifierType, id []byte) *Host {
	if h := f[string(id)]; h != nil && h.SubnetID == subnetID && h.IdentifierType == t {
		return h
	}
	return nil
}

func (f fakeStore4) GetAll4(t IdentifierType, id []byte) []*Host {
	if h := f[string(id)]; h != nil && h.IdentifierType == t {
		return []*Host{h}
	}
	return nil
}

func (f fakeStore4) GetByAddress4(subnetID uint32, addr netip.Addr) []*Host {
	var out []*Host
	for _, h := range f {
		if h.SubnetID == subnetID && h.IPv4 == addr {
			out = append(out, h)
		}
	}
	return out
}

// TestSources4Order: the configuration's reservation wins over a hosts
// database's for the same client (Kea's HostMgr asks the configuration
// first); a client only the database knows is found there.
func TestSources4Order(t *testing.T) {
	cfgHost := &Host{IdentifierType: IdentHWAddr, Identifier: []byte{1}, SubnetID: 1, IPv4: netip.MustParseAddr("198.51.100.5")}
	dbHost := &Host{IdentifierType: IdentHWAddr, Identifier: []byte{1}, SubnetID: 1, IPv4: netip.MustParseAddr("198.51.100.6")}
	dbOnly := &Host{IdentifierType: IdentHWAddr, Identifier: []byte{2}, SubnetID: 1, IPv4: netip.MustParseAddr("198.51.100.7")}
	ss := Sources4{fakeStore4{"\x01": cfgHost}, fakeStore4{"\x01": dbHost, "\x02": dbOnly}}
	tests := []struct {
		id   byte
		want *Host
	}{{1, cfgHost}, {2, dbOnly}, {3, nil}}
	for _, tc := range tests {
		if got := ss.Get4(1, IdentHWAddr, []byte{tc.id}); got != tc.want {
			t.Errorf("Get4(%d) = %+v, want %+v", tc.id, got, tc.want)
		}
	}
	if got := ss.GetAll4(IdentHWAddr, []byte{1}); len(got) != 2 || got[0] != cfgHost || got[1] != dbHost {
		t.Errorf("GetAll4 = %v, want the configuration's host then the database's", got)
	}
	if got := ss.GetByAddress4(1, netip.MustParseAddr("198.51.100.7")); len(got) != 1 || got[0] != dbOnly {
		t.Errorf("GetByAddress4 = %v", got)
	}
}
