package dhcp4

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// raw builds a packet: a BOOTREQUEST header (xid 0x01020304, Ethernet
// chaddr 02:00:00:00:00:01), the cookie, then the given option bytes.
func raw(opts ...byte) []byte {
	b := make([]byte, HeaderLen, OptionsOffset+len(opts))
	b[0], b[1], b[2] = 1, 1, 6
	copy(b[4:8], []byte{1, 2, 3, 4})
	copy(b[28:34], []byte{2, 0, 0, 0, 0, 1})
	b = append(b, MagicCookie[:]...)
	return append(b, opts...)
}

// optsOf returns the decoded options with payloads as strings of bytes.
func optsOf(p *Packet) []Option {
	out := []Option{}
	for _, o := range p.Options() {
		out = append(out, Option{Code: o.Code, Data: append([]byte{}, o.Data...)})
	}
	return out
}

func TestDecodeErrors(t *testing.T) {
	header := raw()[:HeaderLen]
	tests := []struct {
		name   string
		in     []byte
		max    int
		kind   ErrorKind
		offset int
		// options that must survive the error
		opts []Option
	}{
		{name: "empty", in: nil, kind: ErrTruncatedHeader},
		{name: "short header", in: header[:235], kind: ErrTruncatedHeader, offset: 235},
		{name: "BOOTP without vendor extensions", in: header, kind: ErrNoCookie, offset: 236},
		{name: "truncated cookie", in: append(append([]byte{}, header...), 99, 130, 83), kind: ErrBadCookie, offset: 236},
		{name: "wrong cookie", in: append(append([]byte{}, header...), 99, 130, 83, 98, 255), kind: ErrBadCookie, offset: 236},
		{name: "option without length", in: raw(53, 1, 1, 12), kind: ErrTruncatedOption, offset: 243,
			opts: []Option{{53, []byte{1}}}},
		{name: "option data past the end", in: raw(53, 1, 1, 12, 5, 'a', 'b'), kind: ErrTruncatedOption, offset: 243,
			opts: []Option{{53, []byte{1}}}},
		{name: "overload two bytes", in: raw(52, 2, 1, 1, 255), kind: ErrBadOverload, opts: []Option{{52, []byte{1, 1}}}},
		{name: "overload zero", in: raw(52, 1, 0, 255), kind: ErrBadOverload, opts: []Option{{52, []byte{0}}}},
		{name: "overload four", in: raw(52, 1, 4, 255), kind: ErrBadOverload, opts: []Option{{52, []byte{4}}}},
		{name: "overload twice", in: raw(52, 1, 1, 52, 1, 1, 255), kind: ErrBadOverload, opts: []Option{{52, []byte{1, 1}}}},
		{name: "overload inside file", in: func() []byte {
			b := raw(52, 1, 1, 255)
			copy(b[108:], []byte{52, 1, 2, 255})
			return b
		}(), kind: ErrBadOverload, offset: 108, opts: []Option{{52, []byte{2}}}},
		{name: "too many options", in: raw(1, 0, 2, 0, 3, 0, 255), max: 2, kind: ErrTooManyOptions, offset: 244,
			opts: []Option{{1, []byte{}}, {2, []byte{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Packet{MaxOptions: tt.max}
			err := p.Decode(tt.in)
			if !errors.Is(err, tt.kind) || KindOf(err) != tt.kind {
				t.Fatalf("Decode error = %v, want kind %v", err, tt.kind)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if tt.offset != 0 && pe.Offset != tt.offset {
				t.Errorf("offset = %d, want %d", pe.Offset, tt.offset)
			}
			if pe.Error() == "" {
				t.Error("empty error text")
			}
			if tt.opts == nil {
				tt.opts = []Option{}
			}
			if diff := cmp.Diff(tt.opts, optsOf(&p)); diff != "" {
				t.Errorf("options kept (-want +got):\n%s", diff)
			}
			if len(tt.in) >= HeaderLen && p.Xid != 0x01020304 {
				t.Errorf("header not decoded: xid %x", p.Xid)
			}
		})
	}
}

func TestDecodeLayout(t *testing.T) {
	long := make([]byte, 300)
	for i := range long {
		long[i] = byte(i)
	}
	split := append([]byte{43, 255}, long[:255]...)
	split = append(split, 43, 45)
	split = append(split, long[255:]...)
	split = append(split, 255)

	file := make([]byte, fileLen)
	copy(file, []byte{12, 3, 'f', 'o', 'o', 255})
	sname := make([]byte, snameLen)
	copy(sname, []byte{15, 4, 'a', '.', 'b', 'c', 12, 1, '!', 255})

	tests := []struct {
		name     string
		in       []byte
		want     []Option
		minSize  int
		overload uint8
		sname    []byte // expected ServerName
		file     []byte // expected BootFileName
	}{
		{name: "pads between options and no END", in: raw(0, 0, 53, 1, 1, 0, 61, 2, 1, 2),
			want: []Option{{53, []byte{1}}, {61, []byte{1, 2}}}},
		{name: "trailing pad after END sets MinSize", in: append(raw(53, 1, 3, 255), make([]byte, 50)...),
			want: []Option{{53, []byte{3}}}, minSize: OptionsOffset + 4 + 50},
		{name: "garbage after END is ignored", in: raw(53, 1, 3, 255, 7, 7, 7),
			want: []Option{{53, []byte{3}}}, minSize: OptionsOffset + 7},
		{name: "RFC 3396 interleaved instances", in: raw(82, 2, 1, 0, 53, 1, 1, 81, 1, 'x', 82, 3, 2, 1, 9, 81, 1, 'y', 82, 0, 255),
			want: []Option{{82, []byte{1, 0, 2, 1, 9}}, {53, []byte{1}}, {81, []byte("xy")}}},
		{name: "long option split in two", in: raw(split...), want: []Option{{43, long}}},
		{name: "empty option", in: raw(80, 0, 255), want: []Option{{80, []byte{}}}},
		{name: "overload file", in: func() []byte {
			b := raw(53, 1, 1, 52, 1, 1, 12, 2, 'h', 'i', 255)
			copy(b[108:236], file)
			copy(b[44:108], "server")
			return b
		}(), want: []Option{{53, []byte{1}}, {12, []byte("hifoo")}}, overload: 1, sname: []byte("server"), file: []byte{}},
		{name: "overload both, file before sname", in: func() []byte {
			b := raw(52, 1, 3, 53, 1, 1, 255)
			copy(b[108:236], file)
			copy(b[44:108], sname)
			return b
		}(), want: []Option{{53, []byte{1}}, {12, []byte("foo!")}, {15, []byte("a.bc")}}, overload: 3, sname: []byte{}, file: []byte{}},
		{name: "overload sname only leaves file", in: func() []byte {
			b := raw(52, 1, 2, 255)
			copy(b[108:236], "pxelinux.0")
			copy(b[44:108], sname)
			return b
		}(), want: []Option{{15, []byte("a.bc")}, {12, []byte("!")}}, overload: 2, sname: []byte{}, file: []byte("pxelinux.0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Packet
			if err := p.Decode(tt.in); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, optsOf(&p)); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			if p.MinSize != tt.minSize {
				t.Errorf("MinSize = %d, want %d", p.MinSize, tt.minSize)
			}
			if p.Overload() != tt.overload {
				t.Errorf("Overload = %d, want %d", p.Overload(), tt.overload)
			}
			if p.Has(OptionOverload) {
				t.Error("option 52 kept among options")
			}
			if tt.sname != nil && string(p.ServerName()) != string(tt.sname) {
				t.Errorf("sname = %q, want %q", p.ServerName(), tt.sname)
			}
			if tt.file != nil && string(p.BootFileName()) != string(tt.file) {
				t.Errorf("file = %q, want %q", p.BootFileName(), tt.file)
			}
		})
	}
}

// A payload handed out by Decode cannot be grown into the bytes after it.
func TestDecodePayloadCapacity(t *testing.T) {
	in := raw(12, 2, 'a', 'b', 15, 1, 'z', 255)
	var p Packet
	if err := p.Decode(in); err != nil {
		t.Fatal(err)
	}
	d, _ := p.Get(12)
	_ = append(d, 'X')
	if in[OptionsOffset+4] != 15 {
		t.Fatal("append on a payload overwrote the input")
	}
}

// Reusing a Packet leaves nothing of the previous packet behind.
func TestDecodeReuse(t *testing.T) {
	var p Packet
	if err := p.Decode(raw(82, 1, 1, 82, 1, 2, 53, 1, 1, 12, 1, 'a', 52, 1, 1, 255)); err != nil {
		t.Fatal(err)
	}
	p.MaxSize = 600
	if err := p.Decode(raw(53, 1, 3, 255)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Option{{53, []byte{3}}}, optsOf(&p)); diff != "" {
		t.Errorf("options after reuse (-want +got):\n%s", diff)
	}
	for _, c := range []uint8{12, 52, 82} {
		if p.Has(c) {
			t.Errorf("option %d survived the next Decode", c)
		}
	}
	if p.Overload() != 0 || p.MaxSize != 0 || p.MinSize != 0 {
		t.Errorf("overload/MaxSize/MinSize = %d/%d/%d, want zeros", p.Overload(), p.MaxSize, p.MinSize)
	}
}

func TestAccessors(t *testing.T) {
	in := raw(
		53, 1, 3,
		55, 4, 1, 3, 6, 121,
		61, 7, 1, 2, 0, 0, 0, 0, 1,
		54, 4, 198, 51, 100, 1,
		50, 4, 198, 51, 100, 7,
		51, 4, 0, 0, 14, 16,
		58, 4, 0, 0, 7, 8,
		59, 4, 0, 0, 12, 78,
		12, 4, 'h', 'o', 's', 't',
		81, 6, 1, 0, 0, 1, 'a', 0,
		60, 3, 'v', 'c', 'i',
		57, 2, 5, 220,
		255)
	in[10] = 0x80 // broadcast
	var p Packet
	if err := p.Decode(in); err != nil {
		t.Fatal(err)
	}
	type view struct {
		Type                   MessageType
		PRL, CID, Host, FQDN   string
		VCI                    string
		SID, ReqIP             string
		Lease, T1, T2          uint32
		MaxSize                uint16
		Broadcast, Requests121 bool
		Requests2              bool
		HW                     []byte
	}
	sid, _ := p.ServerID()
	rip, _ := p.RequestedIP()
	lt, _ := p.LeaseTime()
	t1, _ := p.RenewalTime()
	t2, _ := p.RebindingTime()
	mms, _ := p.MaxMessageSize()
	got := view{
		Type: p.MessageType(), PRL: string(p.ParameterRequestList()), CID: string(p.ClientID()),
		Host: string(p.Hostname()), FQDN: string(p.ClientFQDN()), VCI: string(p.VendorClass()),
		SID: sid.String(), ReqIP: rip.String(), Lease: lt, T1: t1, T2: t2, MaxSize: mms,
		Broadcast: p.Broadcast(), Requests121: p.Requests(121), Requests2: p.Requests(2), HW: p.HWAddr(),
	}
	want := view{
		Type: DHCPREQUEST, PRL: "\x01\x03\x06\x79", CID: "\x01\x02\x00\x00\x00\x00\x01",
		Host: "host", FQDN: "\x01\x00\x00\x01a\x00", VCI: "vci",
		SID: "198.51.100.1", ReqIP: "198.51.100.7", Lease: 3600, T1: 1800, T2: 3150, MaxSize: 1500,
		Broadcast: true, Requests121: true, Requests2: false, HW: []byte{2, 0, 0, 0, 0, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accessors (-want +got):\n%s", diff)
	}
	// Wrong sizes read as absent.
	if err := p.Decode(raw(53, 2, 1, 1, 54, 3, 1, 2, 3, 51, 2, 0, 1, 57, 1, 5, 255)); err != nil {
		t.Fatal(err)
	}
	_, sidOK := p.ServerID()
	_, ltOK := p.LeaseTime()
	_, mmsOK := p.MaxMessageSize()
	if p.MessageType() != DHCP_NOTYPE || sidOK || ltOK || mmsOK {
		t.Errorf("malformed sizes accepted: type %v sid %v lease %v mms %v", p.MessageType(), sidOK, ltOK, mmsOK)
	}
}
