package netio

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testIfaces() []*Iface {
	a := netip.MustParseAddr
	up := IfaceFlags{Up: true, Running: true, Broadcast: true, Multicast: true}
	return []*Iface{
		{Index: 1, Name: "lo", Flags: IfaceFlags{Up: true, Running: true, Loopback: true}, Addrs4: []netip.Addr{a("127.0.0.1")}, Addrs6: []netip.Addr{a("::1")}},
		{Index: 2, Name: "eth0", MAC: MAC{2, 0, 0, 0, 0, 2}, Flags: up,
			Addrs4: []netip.Addr{a("198.51.100.1"), a("198.51.100.9")},
			Addrs6: []netip.Addr{a("2001:db8:1::1"), a("fe80::2")}},
		{Index: 3, Name: "eth1", MAC: MAC{2, 0, 0, 0, 0, 3}, Flags: up, Addrs4: []netip.Addr{a("203.0.113.1")}, Addrs6: []netip.Addr{a("fe80::3")}},
		{Index: 4, Name: "down0", Flags: IfaceFlags{Broadcast: true}, Addrs4: []netip.Addr{a("203.0.113.9")}},
		{Index: 5, Name: "noaddr", Flags: up},
	}
}

func TestSelectErrors(t *testing.T) {
	cases := []struct {
		fam   Family
		specs []string
		err   error
		text  string
	}{
		{V4, []string{"eth9"}, ErrNoSuchIface, "interface 'eth9' doesn't exist in the system"},
		{V4, []string{""}, ErrInvalidIfaceName, "empty interface name used in configuration"},
		{V4, []string{"*", "*"}, ErrDuplicateIface, "the wildcard interface '*' can only be specified once"},
		{V4, []string{"eth0", "eth0"}, ErrDuplicateIface, "interface 'eth0' has already been specified"},
		{V4, []string{"eth0/198.51.100.1", "eth0"}, ErrDuplicateIface, "interface 'eth0' has already been specified"},
		{V4, []string{"eth0", "eth0/198.51.100.1"}, ErrDuplicateIface, "interface 'eth0' has already been selected"},
		{V4, []string{"eth0/198.51.100.1", "eth0/198.51.100.1"}, ErrDuplicateAddress, "must not select address '198.51.100.1' for interface 'eth0' because this address is already selected"},
		{V4, []string{"eth0/198.51.100.2"}, ErrNoSuchAddress, "interface 'eth0' doesn't have address '198.51.100.2' assigned"},
		{V4, []string{"eth0/2001:db8:1::1"}, ErrInvalidIfaceName, "address '2001:db8:1::1' is not a valid IPv4 address"},
		{V4, []string{"*/198.51.100.1"}, ErrInvalidIfaceName, "wildcard interface name '*' must not be used in conjunction with an address"},
		{V4, []string{"eth0/"}, ErrInvalidIfaceName, "empty address specified in the interface configuration"},
		{V4, []string{"/198.51.100.1"}, ErrInvalidIfaceName, "empty interface name specified in the interface configuration"},
		{V4, []string{"eth9/198.51.100.1"}, ErrNoSuchIface, "interface 'eth9' doesn't exist in the system"},
		{V6, []string{"eth0/ff02::1:2"}, ErrInvalidIfaceName, "address 'ff02::1:2' is not a valid IPv6 unicast address"},
		{V6, []string{"eth0/198.51.100.1"}, ErrInvalidIfaceName, "address '198.51.100.1' is not a valid IPv6 unicast address"},
		{V6, []string{"eth0/2001:db8:1::1", "eth0/2001:db8:1::1"}, ErrDuplicateAddress, "must not select address '2001:db8:1::1' for interface 'eth0' because this address is already selected"},
	}
	for _, c := range cases {
		_, err := Select(c.fam, c.specs, testIfaces())
		if !errors.Is(err, c.err) {
			t.Errorf("%v %q: error %v, want %v", c.fam, c.specs, err, c.err)
			continue
		}
		if got := err.Error(); got != c.err.Error()+": "+c.text {
			t.Errorf("%v %q: text %q, want %q", c.fam, c.specs, got, c.text)
		}
	}
	// DHCPv6 allows a whole interface plus a unicast address on it.
	if _, err := Select(V6, []string{"eth0", "eth0/2001:db8:1::1"}, testIfaces()); err != nil {
		t.Errorf("v6 name + unicast: %v", err)
	}
}

func specStrings(specs []SocketSpec) []string {
	var out []string
	for _, s := range specs {
		out = append(out, s.String())
	}
	return out
}

func errStrings(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestPlan4(t *testing.T) {
	cases := []struct {
		specs []string
		st    SocketType
		want  []string
		errs  []string
	}{
		{[]string{"*"}, SocketRaw,
			[]string{"raw eth0/198.51.100.1 port 67", "raw eth0/198.51.100.9 port 67", "raw eth1/203.0.113.1 port 67"},
			[]string{"the interface down0 is down", "the interface noaddr has no usable IPv4 addresses configured"}},
		{[]string{"eth1"}, SocketUDP, []string{"udp4 eth1/203.0.113.1 port 67"}, nil},
		{[]string{"eth0/198.51.100.9"}, SocketRaw, []string{"raw eth0/198.51.100.9 port 67"}, nil},
		{[]string{"eth0/198.51.100.9", "*"}, SocketRaw,
			[]string{"raw eth0/198.51.100.1 port 67", "raw eth0/198.51.100.9 port 67", "raw eth1/203.0.113.1 port 67"},
			[]string{"the interface down0 is down", "the interface noaddr has no usable IPv4 addresses configured"}},
		// Loopback: only when named, and only with UDP sockets.
		{[]string{"lo"}, SocketRaw, nil, []string{"must not open socket on the loopback interface lo"}},
		{[]string{"lo"}, SocketUDP, []string{"udp4 lo/127.0.0.1 port 67"}, nil},
		{[]string{"*", "lo"}, SocketUDP,
			[]string{"udp4 lo/127.0.0.1 port 67", "udp4 eth0/198.51.100.1 port 67", "udp4 eth0/198.51.100.9 port 67", "udp4 eth1/203.0.113.1 port 67"},
			[]string{"the interface down0 is down", "the interface noaddr has no usable IPv4 addresses configured"}},
		{[]string{"down0"}, SocketRaw, nil, []string{"the interface down0 is down"}},
		{nil, SocketRaw, nil, nil},
	}
	for _, c := range cases {
		sel, err := Select(V4, c.specs, testIfaces())
		if err != nil {
			t.Fatalf("%q: %v", c.specs, err)
		}
		specs, errs := Plan4(sel, testIfaces(), c.st, 67)
		if d := cmp.Diff(c.want, specStrings(specs)); d != "" {
			t.Errorf("%q %v sockets (-want +got):\n%s", c.specs, c.st, d)
		}
		if d := cmp.Diff(c.errs, errStrings(errs)); d != "" {
			t.Errorf("%q %v errors (-want +got):\n%s", c.specs, c.st, d)
		}
	}
}

func TestPlan6(t *testing.T) {
	cases := []struct {
		specs []string
		want  []string
		errs  []string
	}{
		{[]string{"eth0"}, []string{"udp6 eth0/fe80::2 port 547", "udp6 eth0/ff02::1:2 port 547"}, nil},
		{[]string{"eth0/2001:db8:1::1"}, []string{"udp6 eth0/2001:db8:1::1 port 547", "udp6 eth0/fe80::2 port 547", "udp6 eth0/ff02::1:2 port 547"}, nil},
		{[]string{"*"},
			[]string{"udp6 eth0/fe80::2 port 547", "udp6 eth0/ff02::1:2 port 547", "udp6 eth1/fe80::3 port 547", "udp6 eth1/ff02::1:2 port 547"},
			[]string{"the interface down0 is down"}},
		// Loopback is usable when named; it has no link-local address.
		{[]string{"lo"}, nil, nil},
		{[]string{"lo/::1"}, []string{"udp6 lo/::1 port 547"}, nil},
	}
	for _, c := range cases {
		sel, err := Select(V6, c.specs, testIfaces())
		if err != nil {
			t.Fatalf("%q: %v", c.specs, err)
		}
		specs, errs := Plan6(sel, testIfaces(), 547)
		if d := cmp.Diff(c.want, specStrings(specs)); d != "" {
			t.Errorf("%q sockets (-want +got):\n%s", c.specs, d)
		}
		if d := cmp.Diff(c.errs, errStrings(errs)); d != "" {
			t.Errorf("%q errors (-want +got):\n%s", c.specs, d)
		}
		for _, s := range specs {
			if want := s.Addr.IsLinkLocalUnicast(); s.Join != want {
				t.Errorf("%s: join=%v", s, s.Join)
			}
		}
	}
}

func TestParseSettings(t *testing.T) {
	for in, want := range map[string]SocketType{"": SocketRaw, "raw": SocketRaw, "udp": SocketUDP} {
		if got, err := ParseSocketType(in); err != nil || got != want {
			t.Errorf("ParseSocketType(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSocketType("tcp"); err == nil {
		t.Error("tcp accepted")
	}
	for in, want := range map[string]Outbound{"": SameAsInbound, "same-as-inbound": SameAsInbound, "use-routing": UseRouting} {
		if got, err := ParseOutbound(in); err != nil || got != want {
			t.Errorf("ParseOutbound(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseOutbound("any"); err == nil {
		t.Error("bad outbound accepted")
	}
	d := DefaultIfacesConfig()
	if !d.ReDetect || d.RetryWait.Milliseconds() != 5000 || d.SocketType != SocketRaw || d.MaxRetries != 0 || d.RequireAll {
		t.Errorf("defaults differ from Kea's: %+v", d)
	}
}
