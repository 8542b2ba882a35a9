package netio

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/bpf"
)

func buildTestFrame(t *testing.T, src, dst netip.AddrPort, dstMAC MAC, payload []byte) []byte {
	t.Helper()
	f := make([]byte, FrameOverhead+len(payload))
	copy(f[FrameOverhead:], payload)
	if err := WriteFrameHeader(f[:FrameOverhead], MAC{2, 0, 0, 0, 0, 1}, dstMAC, src, dst, f[FrameOverhead:]); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFrameRoundTripAndChecksums(t *testing.T) {
	for _, n := range []int{0, 1, 300, 547, 1472} {
		payload := make([]byte, n)
		for i := range payload {
			payload[i] = byte(i * 7)
		}
		src := netip.MustParseAddrPort("198.51.100.1:67")
		dst := netip.MustParseAddrPort("198.51.100.77:68")
		f := buildTestFrame(t, src, dst, MAC{2, 0, 0, 0, 0, 9}, payload)
		ip := f[ethHeaderLen : ethHeaderLen+ipHeaderLen]
		if c := Checksum(ip); c != 0 {
			t.Errorf("n=%d: IPv4 header checksum does not verify (%#04x)", n, c)
		}
		// UDP: sum over pseudo header + UDP segment must be 0xffff.
		udp := f[ethHeaderLen+ipHeaderLen:]
		s := sum16(ip[12:20], 0) + protoUDP + uint32(len(udp))
		if c := ^fold(sum16(udp, s)); c != 0 {
			t.Errorf("n=%d: UDP checksum does not verify (%#04x)", n, c)
		}
		if ip[1] != ipTOSLowDelay || ip[8] != ipTTL || binary.BigEndian.Uint16(ip[6:8]) != ipFlagDF {
			t.Errorf("n=%d: header fields differ from Kea's: % x", n, ip)
		}
		var p Packet
		if err := ParseFrame(f, &p); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		got := struct {
			Src, Dst       string
			SrcMAC, DstMAC MAC
			Len            int
		}{p.Src.String(), p.Dst.String(), p.SrcMAC, p.DstMAC, len(p.Data)}
		want := struct {
			Src, Dst       string
			SrcMAC, DstMAC MAC
			Len            int
		}{src.String(), dst.String(), MAC{2, 0, 0, 0, 0, 1}, MAC{2, 0, 0, 0, 0, 9}, n}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("n=%d: parsed frame (-want +got):\n%s", n, d)
		}
	}
}

func TestParseFrameRejects(t *testing.T) {
	good := func() []byte {
		return buildTestFrame(t, netip.MustParseAddrPort("198.51.100.2:68"), netip.MustParseAddrPort("255.255.255.255:67"), BroadcastMAC, make([]byte, 300))
	}
	cases := []struct {
		name string
		mod  func(f []byte) []byte
	}{
		{"short", func(f []byte) []byte { return f[:30] }},
		{"not IPv4 ethertype", func(f []byte) []byte { f[12], f[13] = 0x86, 0xdd; return f }},
		{"TCP", func(f []byte) []byte { f[23] = 6; return f }},
		{"IP version 6", func(f []byte) []byte { f[14] = 0x65; return f }},
		{"IHL too small", func(f []byte) []byte { f[14] = 0x44; return f }},
		{"first fragment (MF)", func(f []byte) []byte { f[20] |= 0x20; return f }},
		{"later fragment", func(f []byte) []byte { f[21] = 1; return f }},
		{"IP length beyond frame", func(f []byte) []byte { binary.BigEndian.PutUint16(f[16:18], 2000); return f }},
		{"UDP length beyond IP", func(f []byte) []byte { binary.BigEndian.PutUint16(f[38:40], 1000); return f }},
		{"UDP length below header", func(f []byte) []byte { binary.BigEndian.PutUint16(f[38:40], 4); return f }},
	}
	for _, c := range cases {
		var p Packet
		if err := ParseFrame(c.mod(good()), &p); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

func TestDHCP4FilterProgram(t *testing.T) {
	own := netip.MustParseAddr("198.51.100.1")
	raw, err := DHCP4Filter(own, 67)
	if err != nil {
		t.Fatal(err)
	}
	prog, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("program does not disassemble")
	}
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatal(err)
	}
	frame := func(dst string, port uint16) []byte {
		return buildTestFrame(t, netip.MustParseAddrPort("198.51.100.2:68"), netip.AddrPortFrom(netip.MustParseAddr(dst), port), BroadcastMAC, make([]byte, 300))
	}
	cases := []struct {
		name   string
		frame  []byte
		accept bool
	}{
		{"broadcast to 67", frame("255.255.255.255", 67), true},
		{"unicast to own address", frame("198.51.100.1", 67), true},
		{"other port", frame("198.51.100.1", 1067), false},
		{"client port", frame("255.255.255.255", 68), false},
		{"other unicast address", frame("198.51.100.3", 67), false},
		{"subnet broadcast", frame("198.51.100.255", 67), false},
		{"not IPv4", func() []byte { f := frame("255.255.255.255", 67); f[12] = 0x86; return f }(), false},
		{"TCP", func() []byte { f := frame("255.255.255.255", 67); f[23] = 6; return f }(), false},
		{"non-first fragment", func() []byte { f := frame("255.255.255.255", 67); f[21] = 8; return f }(), false},
		{"IP options move the port", func() []byte {
			f := frame("255.255.255.255", 67)
			// Insert 4 bytes of options: the UDP header moves by 4.
			g := append(append(append([]byte{}, f[:34]...), 1, 1, 1, 0), f[34:]...)
			g[14] = 0x46
			return g
		}(), true},
	}
	for _, c := range cases {
		n, err := vm.Run(c.frame)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := n > 0; got != c.accept {
			t.Errorf("%s: accepted=%v, want %v", c.name, got, c.accept)
		}
	}
	if _, err := DHCP4Filter(netip.MustParseAddr("2001:db8::1"), 67); err == nil {
		t.Error("IPv6 address accepted for a raw DHCPv4 filter")
	}
}

func TestWriteFrameHeaderRejects(t *testing.T) {
	hdr := make([]byte, FrameOverhead)
	v6 := netip.MustParseAddrPort("[2001:db8::1]:547")
	v4 := netip.MustParseAddrPort("198.51.100.1:67")
	if WriteFrameHeader(hdr, MAC{}, MAC{}, v6, v4, nil) == nil {
		t.Error("IPv6 source accepted")
	}
	if WriteFrameHeader(hdr[:10], MAC{}, MAC{}, v4, v4, nil) == nil {
		t.Error("short header buffer accepted")
	}
}

func FuzzParseFrame(f *testing.F) {
	f.Add(make([]byte, 60))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Packet
		if ParseFrame(b, &p) == nil && len(p.Data) > len(b) {
			t.Fatal("payload longer than frame")
		}
	})
}
