package dhcp4

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func offer() *Packet {
	var p Packet
	p.Op = BootReply
	p.SetHWAddr(HTypeEthernet, []byte{2, 0, 0x5e, 0x10, 0, 2})
	p.Xid = 0xdeadbeef
	p.YIAddr = IPv4{198, 51, 100, 100}
	p.SetMessageType(DHCPOFFER)
	p.SetIPv4(OptionServerIdentifier, IPv4{198, 51, 100, 1})
	p.SetUint32(OptionLeaseTime, 3600)
	p.Set(OptionRouters, []byte{198, 51, 100, 1})
	p.Set(OptionDomainName, []byte("example.org"))
	return &p
}

func TestEncodeLayout(t *testing.T) {
	p := offer()
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := raw(53, 1, 2, 54, 4, 198, 51, 100, 1, 51, 4, 0, 0, 14, 16, 3, 4, 198, 51, 100, 1,
		15, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g', 255)
	want[0] = 2
	copy(want[4:8], []byte{0xde, 0xad, 0xbe, 0xef})
	copy(want[16:20], []byte{198, 51, 100, 100})
	copy(want[28:34], []byte{2, 0, 0x5e, 0x10, 0, 2})
	if !bytes.Equal(b, want) {
		t.Fatalf("Encode:\n got %x\nwant %x", b, want)
	}
	if p.Len() != len(want) {
		t.Errorf("Len = %d, want %d", p.Len(), len(want))
	}

	// MinSize pads after END; AppendTo keeps what dst held.
	p.MinSize = BOOTPMinLen
	out, err := p.AppendTo([]byte("prefix"))
	if err != nil {
		t.Fatal(err)
	}
	if string(out[:6]) != "prefix" || len(out) != 6+BOOTPMinLen || !bytes.Equal(out[6:6+len(want)], want) ||
		!bytes.Equal(out[6+len(want):], make([]byte, BOOTPMinLen-len(want))) {
		t.Errorf("padded AppendTo: %x", out)
	}

	// Kea's order: 53 first, then by code, 82 last.
	p.Set(OptionRelayAgentInformation, []byte{1, 1, 'c'})
	p.Set(OptionSubnetMask, []byte{255, 255, 255, 0})
	p.SortKea()
	var codes []uint8
	for _, o := range p.Options() {
		codes = append(codes, o.Code)
	}
	if diff := cmp.Diff([]uint8{53, 1, 3, 15, 51, 54, 82}, codes); diff != "" {
		t.Errorf("SortKea order (-want +got):\n%s", diff)
	}
	if d, _ := p.Get(OptionDomainName); string(d) != "example.org" {
		t.Errorf("Get after SortKea = %q", d)
	}
}

func TestEncodeLongOption(t *testing.T) {
	long := bytes.Repeat([]byte{0xab}, 600)
	var p Packet
	p.Set(OptionVIVSO, long)
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	opts := b[OptionsOffset:]
	if opts[0] != 125 || opts[1] != 255 || opts[257] != 125 || opts[258] != 255 || opts[514] != 125 || opts[515] != 90 ||
		opts[len(opts)-1] != 255 || len(opts) != 600+6+1 {
		t.Fatalf("split layout wrong: len %d", len(opts))
	}
	var q Packet
	if err := q.Decode(b); err != nil {
		t.Fatal(err)
	}
	if d, _ := q.Get(OptionVIVSO); !bytes.Equal(d, long) {
		t.Errorf("long option did not come back whole: %d bytes", len(d))
	}
}

func TestEncodeOverload(t *testing.T) {
	mk := func() *Packet {
		p := offer()
		for c := uint8(200); c < 210; c++ {
			p.Set(c, bytes.Repeat([]byte{c}, 40))
		}
		return p
	}
	tests := []struct {
		name     string
		maxSize  int
		file     string // pre-set file field
		overload uint8
		err      ErrorKind
	}{
		{name: "fits without overload", maxSize: 1500},
		{name: "into file", maxSize: 576, overload: OverloadFile},
		{name: "into file and sname", maxSize: 530, overload: OverloadBoth},
		{name: "one short of room", maxSize: 500, err: ErrTooBig},
		{name: "file in use, sname suffices", maxSize: 660, file: "boot.efi", overload: OverloadSName},
		{name: "file in use, sname too small", maxSize: 576, file: "boot.efi", err: ErrTooBig},
		{name: "too small", maxSize: 300, err: ErrTooBig},
		{name: "smaller than the header", maxSize: 200, err: ErrTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mk()
			copy(p.File[:], tt.file)
			p.MaxSize = tt.maxSize
			p.MinSize = 400
			out, err := p.AppendTo([]byte{9, 9, 9})
			if tt.err != 0 {
				if !errors.Is(err, tt.err) || len(out) != 3 {
					t.Fatalf("AppendTo = %d bytes, %v; want %v and dst unchanged", len(out), err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b := out[3:]
			if len(b) > tt.maxSize {
				t.Errorf("packet of %d bytes over MaxSize %d", len(b), tt.maxSize)
			}
			var q Packet
			if err := q.Decode(b); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if q.Overload() != tt.overload {
				t.Errorf("overload = %d, want %d", q.Overload(), tt.overload)
			}
			if diff := cmp.Diff(optsOf(p), optsOf(&q)); diff != "" {
				t.Errorf("options after overload round trip (-want +got):\n%s", diff)
			}
			if string(q.BootFileName()) != tt.file {
				t.Errorf("file = %q, want %q", q.BootFileName(), tt.file)
			}
			if tt.overload != 0 && b[OptionsOffset] != OptionOverload {
				t.Errorf("option 52 not first: %x", b[OptionsOffset:OptionsOffset+3])
			}
			// Re-encoding the decoded packet without a limit needs no overload.
			again, err := q.Encode()
			if err != nil {
				t.Fatal(err)
			}
			var r Packet
			if err := r.Decode(again); err != nil || r.Overload() != 0 {
				t.Fatalf("re-encode: %v, overload %d", err, r.Overload())
			}
			if diff := cmp.Diff(optsOf(p), optsOf(&r)); diff != "" {
				t.Errorf("options after re-encode (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeReservedCode(t *testing.T) {
	for _, c := range []uint8{OptionPad, OptionEnd, OptionOverload} {
		p := offer()
		p.Set(c, []byte{1})
		if out, err := p.AppendTo(nil); !errors.Is(err, ErrReservedCode) || len(out) != 0 {
			t.Errorf("code %d: AppendTo = %d bytes, %v", c, len(out), err)
		}
		p.MaxSize = 300
		if _, err := p.AppendTo(nil); !errors.Is(err, ErrReservedCode) {
			t.Errorf("code %d with overload: %v", c, err)
		}
	}
}

func TestSetAddDel(t *testing.T) {
	var p Packet
	buf := []byte("abc")
	p.Set(12, buf)
	buf[0] = 'X' // Set copied
	p.Set(15, []byte("d"))
	p.Add(12, []byte("de"))
	p.Add(60, []byte("v"))
	p.Set(15, []byte("e"))
	p.SetUint16(57, 1500)
	p.SetUint8(53, 1)
	if !p.Del(60) || p.Del(60) || p.Del(99) {
		t.Error("Del results wrong")
	}
	want := []Option{{12, []byte("abcde")}, {15, []byte("e")}, {57, []byte{5, 220}}, {53, []byte{1}}}
	if diff := cmp.Diff(want, optsOf(&p)); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if v, ok := p.GetUint16(57); !ok || v != 1500 {
		t.Errorf("GetUint16 = %d, %v", v, ok)
	}
	if p.NumOptions() != 4 || p.MessageType() != DHCPDISCOVER {
		t.Errorf("NumOptions %d, type %v", p.NumOptions(), p.MessageType())
	}
	p.SetHWAddr(HTypeInfiniband, bytes.Repeat([]byte{7}, 20))
	if p.HLen != 16 || len(p.HWAddr()) != 16 {
		t.Errorf("long hardware address: hlen %d", p.HLen)
	}
	p.SetBroadcast(true)
	p.SetBroadcast(true)
	if p.Flags != FlagBroadcast {
		t.Errorf("flags %x", p.Flags)
	}
	p.SetBroadcast(false)
	if p.Broadcast() {
		t.Error("broadcast still set")
	}
	p.Reset()
	if p.NumOptions() != 0 || p.Has(12) || p.HLen != 0 {
		t.Error("Reset left state behind")
	}
}

func TestMessageTypeNames(t *testing.T) {
	tests := []struct {
		t    MessageType
		name string
		op   uint8
	}{
		{DHCPDISCOVER, "DHCPDISCOVER", BootRequest},
		{DHCPOFFER, "DHCPOFFER", BootReply},
		{DHCPINFORM, "DHCPINFORM", BootRequest},
		{DHCPLEASEQUERY, "DHCPLEASEQUERY", BootRequest},
		{DHCPBULKLEASEQUERY, "DHCPBULKLEASEQUERY", BootRequest},
		{DHCPLEASEQUERYDONE, "DHCPLEASEQUERYDONE", BootReply},
		{DHCPTLS, "DHCPTLS", 0},
		{MessageType(200), "UNKNOWN", 0},
	}
	for _, tt := range tests {
		op, _ := tt.t.BootpOp()
		if tt.t.String() != tt.name || op != tt.op {
			t.Errorf("%d: %s op %d, want %s op %d", tt.t, tt.t, op, tt.name, tt.op)
		}
	}
}

func TestRelayConsistent(t *testing.T) {
	var p Packet
	if !p.RelayConsistent() || p.IsRelayed() {
		t.Error("zero packet")
	}
	p.GIAddr = IPv4{198, 51, 100, 2}
	if p.RelayConsistent() || !p.IsRelayed() {
		t.Error("giaddr without hops")
	}
	p.Hops = 1
	if !p.RelayConsistent() {
		t.Error("giaddr with hops")
	}
}
