package netio

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
)

// Iface is a detected network interface, as Kea's IfaceMgr sees it.
type Iface struct {
	Index int
	Name  string
	MAC   MAC // zero when the link has no 6-byte hardware address
	MTU   int
	Flags IfaceFlags
	// Addrs4 and Addrs6 are the interface's addresses in the order the
	// kernel lists them (link-local IPv6 addresses included, without zone).
	Addrs4 []netip.Addr
	Addrs6 []netip.Addr
}

// IfaceFlags are the interface flags Kea looks at.
type IfaceFlags struct {
	Up, Running, Loopback, Broadcast, Multicast, PointToPoint bool
}

func (f IfaceFlags) String() string {
	var s []string
	for _, x := range []struct {
		on   bool
		name string
	}{{f.Loopback, "LOOPBACK"}, {f.Up, "UP"}, {f.Running, "RUNNING"}, {f.Multicast, "MULTICAST"}, {f.Broadcast, "BROADCAST"}, {f.PointToPoint, "POINTOPOINT"}} {
		if x.on {
			s = append(s, x.name)
		}
	}
	return strings.Join(s, " ")
}

// HasAddr reports whether a is one of the interface's addresses.
func (i *Iface) HasAddr(a netip.Addr) bool {
	a = a.WithZone("")
	for _, x := range i.Addrs4 {
		if x == a {
			return true
		}
	}
	for _, x := range i.Addrs6 {
		if x == a {
			return true
		}
	}
	return false
}

// LinkLocal6 returns the interface's IPv6 link-local addresses.
func (i *Iface) LinkLocal6() []netip.Addr {
	var out []netip.Addr
	for _, a := range i.Addrs6 {
		if a.IsLinkLocalUnicast() {
			out = append(out, a)
		}
	}
	return out
}

func (i *Iface) String() string {
	return fmt.Sprintf("%s (index %d, mac %s, flags %s, %v %v)", i.Name, i.Index, i.MAC, i.Flags, i.Addrs4, i.Addrs6)
}

// Detect lists the interfaces of the calling thread's network namespace.
func Detect() ([]*Iface, error) {
	nifs, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("netio: detect interfaces: %w", err)
	}
	out := make([]*Iface, 0, len(nifs))
	for _, n := range nifs {
		ifc := &Iface{
			Index: n.Index,
			Name:  n.Name,
			MTU:   n.MTU,
			Flags: IfaceFlags{
				Up:           n.Flags&net.FlagUp != 0,
				Running:      n.Flags&net.FlagRunning != 0,
				Loopback:     n.Flags&net.FlagLoopback != 0,
				Broadcast:    n.Flags&net.FlagBroadcast != 0,
				Multicast:    n.Flags&net.FlagMulticast != 0,
				PointToPoint: n.Flags&net.FlagPointToPoint != 0,
			},
		}
		if m, ok := MACFrom(n.HardwareAddr); ok {
			ifc.MAC = m
		}
		addrs, err := n.Addrs()
		if err != nil {
			return nil, fmt.Errorf("netio: addresses of %s: %w", n.Name, err)
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip, ok := netip.AddrFromSlice(ipn.IP)
			if !ok {
				continue
			}
			ip = ip.Unmap()
			if ip.Is4() {
				ifc.Addrs4 = append(ifc.Addrs4, ip)
			} else {
				ifc.Addrs6 = append(ifc.Addrs6, ip)
			}
		}
		out = append(out, ifc)
	}
	return out, nil
}

// Detector caches the interface list so that re-detect: false keeps the
// list from the first detection, as Kea does across reconfigurations.
type Detector struct {
	mu     sync.Mutex
	ifaces []*Iface
	// detect is replaced in tests.
	detect func() ([]*Iface, error)
}

// Interfaces returns the interface list, detecting it again when reDetect
// is true or when it has never been detected.
func (d *Detector) Interfaces(reDetect bool) ([]*Iface, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ifaces != nil && !reDetect {
		return d.ifaces, nil
	}
	f := d.detect
	if f == nil {
		f = Detect
	}
	ifs, err := f()
	if err != nil {
		return nil, err
	}
	d.ifaces = ifs
	return ifs, nil
}

func findIface(ifs []*Iface, name string) *Iface {
	for _, i := range ifs {
		if i.Name == name {
			return i
		}
	}
	return nil
}
