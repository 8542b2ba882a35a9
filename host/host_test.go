package host

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/config"
)

func TestParseIdentifier(t *testing.T) {
	tests := []struct {
		in      string
		want    []byte
		wantErr bool
	}{
		{"01:0a:bb", []byte{1, 10, 0xbb}, false},
		{"010abb", []byte{1, 10, 0xbb}, false},
		{"'charter950'", []byte("charter950"), false},
		{"''", nil, true},
		{"", nil, true},
		{"zz", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseIdentifier(tt.in)
		if (err != nil) != tt.wantErr || !cmp.Equal(got, tt.want) {
			t.Errorf("ParseIdentifier(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestClientIdentifiers4(t *testing.T) {
	hw := []byte{1, 2, 3, 4, 5, 6}
	cid := []byte{255, 0, 0, 0, 1, 0, 3, 0, 1, 9}
	got := ClientIdentifiers4([]IdentifierType{IdentClientID, IdentDUID, IdentHWAddr, IdentCircuitID, IdentFlexID}, hw, cid, nil, []byte("f"))
	want := []Identifier{
		{IdentClientID, cid},
		{IdentDUID, []byte{0, 3, 0, 1, 9}},
		{IdentHWAddr, hw},
		{IdentFlexID, []byte("f")},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := ParseIdentifiers([]string{"hw-address", "bogus"}); err == nil {
		t.Error("bogus identifier type accepted")
	}
}

func TestFromConfig4(t *testing.T) {
	load := func(unique bool) (*config.Dhcp4, error) {
		u := "true"
		if !unique {
			u = "false"
		}
		js := `{"Dhcp4": {"ip-reservations-unique": ` + u + `,
		  "reservations": [{"hw-address": "aa:aa:aa:aa:aa:01", "hostname": "g", "client-classes": ["x"]}],
		  "subnet4": [{"id": 7, "subnet": "198.51.100.0/24", "reservations": [
		    {"hw-address": "aa:aa:aa:aa:aa:01", "ip-address": "198.51.100.5", "next-server": "198.51.100.1"},
		    {"circuit-id": "'c1'", "ip-address": "198.51.100.6"}]}]}}`
		cfg, _, err := config.ParseDhcp4("t.json", []byte(js), config.LoadOptions{NoHookCheck: true})
		return cfg, err
	}
	cfg, err := load(true)
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromConfig4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hw := []byte{0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 1}
	g := s.Get4(0, IdentHWAddr, hw)
	h := s.Get4(7, IdentHWAddr, hw)
	if g == nil || g.Hostname != "g" || g.HasIPv4() || !cmp.Equal(g.ClientClasses, []string{"x"}) {
		t.Errorf("global host %+v", g)
	}
	if h == nil || h.IPv4 != netip.MustParseAddr("198.51.100.5") || h.NextServer.V != "198.51.100.1" || h.SubnetID != 7 {
		t.Errorf("subnet host %+v", h)
	}
	if n := len(s.GetAll4(IdentHWAddr, hw)); n != 2 {
		t.Errorf("GetAll4 found %d", n)
	}
	if c := s.Get4(7, IdentCircuitID, []byte("c1")); c == nil || c.IPv4.String() != "198.51.100.6" {
		t.Errorf("circuit-id host %+v", c)
	}
	if got := s.GetByAddress4(7, netip.MustParseAddr("198.51.100.6")); len(got) != 1 || got[0].IdentifierType != IdentCircuitID {
		t.Errorf("GetByAddress4 %v", got)
	}
	if got := s.GetByAddress4(1, netip.MustParseAddr("198.51.100.6")); len(got) != 0 {
		t.Errorf("GetByAddress4 in another subnet %v", got)
	}
	// Two hosts on one address: an error unless ip-reservations-unique is false.
	cfg.AllSubnets[0].Reservations = append(cfg.AllSubnets[0].Reservations,
		&config.Reservation4{IdentifierType: "hw-address", IdentifierBytes: []byte{1}, IPAddress: config.Some(netip.MustParseAddr("198.51.100.6"))})
	if _, err := FromConfig4(cfg); err == nil {
		t.Error("duplicate address accepted with ip-reservations-unique")
	}
	cfg.IPReservationsUnique = config.Some(false)
	s, err = FromConfig4(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.GetByAddress4(7, netip.MustParseAddr("198.51.100.6")); len(got) != 2 {
		t.Errorf("non-unique GetByAddress4 %d hosts", len(got))
	}
}
