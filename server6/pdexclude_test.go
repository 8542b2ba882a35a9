package server6

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/nestordhcp/nestor/dhcp6"
)

// TestPDExcludePayload: the PD_EXCLUDE payload of a pd-pool, and the
// excluded prefix a client derives from it for each delegated prefix.
func TestPDExcludePayload(t *testing.T) {
	tests := []struct {
		excluded  string
		dlen      int
		want      []byte
		delegated string // a prefix of the pool
		derived   string // the excluded prefix the client computes
	}{
		{"2001:db8:8000:ab::/64", 56, []byte{64, 0xab}, "2001:db8:8000:100::/56", "2001:db8:8000:1ab::/64"},
		{"2001:db8:8000:ab::/72", 56, []byte{72, 0xab, 0x00}, "2001:db8:8000:200::/56", "2001:db8:8000:2ab::/72"},
		{"2001:db8:8000:f0::/60", 56, []byte{60, 0xf0}, "2001:db8:8000:300::/56", "2001:db8:8000:3f0::/60"},
		{"2001:db8:8000:0:8000::/65", 64, []byte{65, 0x80}, "2001:db8:8000:5::/64", "2001:db8:8000:5:8000::/65"},
		{"2001:db8:8000::/57", 56, []byte{57, 0}, "2001:db8:8000:400::/56", "2001:db8:8000:400::/57"},
	}
	for _, tt := range tests {
		got := pdExclude(netip.MustParsePrefix(tt.excluded), tt.dlen)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("pdExclude(%s, %d) = %x, want %x", tt.excluded, tt.dlen, got, tt.want)
			continue
		}
		x, err := dhcp6.ParsePDExclude(got)
		if err != nil {
			t.Fatal(err)
		}
		d, err := x.Excluded(netip.MustParsePrefix(tt.delegated))
		if err != nil || d.String() != tt.derived {
			t.Errorf("%s in %s: %v %v, want %s", tt.excluded, tt.delegated, d, err, tt.derived)
		}
	}
	if got := pdExclude(netip.MustParsePrefix("2001:db8::/56"), 56); got != nil {
		t.Errorf("excluded as long as delegated: %x", got)
	}
}
