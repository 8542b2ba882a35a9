package lease

import (
	"bytes"
	"net/netip"
	"testing"
)

// TestClone4: a clone is deep (changing it leaves the original alone),
// keeps nil and empty apart, and its identifiers, which may share one
// allocation, do not overwrite each other when appended to.
func TestClone4(t *testing.T) {
	for _, c := range []struct {
		name    string
		hw, cid []byte
	}{
		{"short", []byte{1, 2, 3, 4, 5, 6}, []byte{1, 9, 9, 9}},
		{"nil client-id", []byte{1, 2, 3, 4, 5, 6}, nil},
		{"empty client-id", []byte{1, 2, 3, 4, 5, 6}, []byte{}},
		{"long", bytes.Repeat([]byte{7}, 16), bytes.Repeat([]byte{8}, 40)},
	} {
		l := &Lease4{Addr: netip.MustParseAddr("198.51.100.7"), HWAddr: HWAddr{Bytes: c.hw, Type: 1}, ClientID: c.cid, UserContext: []byte(`{"a":1}`)}
		k := l.Clone()
		if !bytes.Equal(k.HWAddr.Bytes, c.hw) || !bytes.Equal(k.ClientID, c.cid) || (k.ClientID == nil) != (c.cid == nil) {
			t.Errorf("%s: clone %x/%x, want %x/%x", c.name, k.HWAddr.Bytes, k.ClientID, c.hw, c.cid)
		}
		k.HWAddr.Bytes[0] = 0xff
		k.UserContext[0] = '['
		k.HWAddr.Bytes = append(k.HWAddr.Bytes, 0xee, 0xee)
		if l.HWAddr.Bytes[0] == 0xff || l.UserContext[0] == '[' {
			t.Errorf("%s: changing the clone changed the original", c.name)
		}
		if !bytes.Equal(k.ClientID, c.cid) {
			t.Errorf("%s: appending to the hardware address changed the client-id: %x", c.name, k.ClientID)
		}
	}
}

func TestClone6(t *testing.T) {
	l := &Lease6{HWAddr: HWAddr{Bytes: []byte{1, 2, 3, 4, 5, 6}}, DUID: []byte{0, 1, 0, 1, 2, 3}}
	k := l.Clone()
	k.HWAddr.Bytes = append(k.HWAddr.Bytes, 9)
	k.DUID[0] = 0xff
	if !bytes.Equal(k.DUID, []byte{0xff, 1, 0, 1, 2, 3}) || l.DUID[0] != 0 {
		t.Errorf("clone %x, original %x", k.DUID, l.DUID)
	}
}
