package eval

import (
	"errors"
	"testing"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/option"
)

var fuzzSeeds = []string{
	"substring(option[61].hex,0,3) == 'foo'",
	"not (option[12].exists and member('foo')) or pkt4.mac == 0x010203040506",
	"ifelse(option[12].exists, option[12].text, 'none') + 'x' == 'y'",
	"split(option[host-name].text, '.', 2) == hexstring(pkt4.mac, ':')",
	"vendor-class[4491].data[1] == 'x' and vendor[*].option[2].exists",
	"relay4[1].hex == addrtotext(10.0.0.1)",
	"uint8totext(substring(pkt.src, -1, all)) == '10'",
	"relay6[-1].option[18].hex == 'eth0' or relay6[0].peeraddr == 2001:db8::1",
	"pkt6.msgtype == 1 and vendor.enterprise == 4491",
	"option[1].option[2].text == 'x' and known",
	"lcase(ucase(concat('a', 0x41))) == int16totext(0xffff)",
	"option[\n host-name \n].hex",
	"'",
	"0x",
	"::",
}

// FuzzParse checks that the parser never panics or loops on any input, in
// both universes and both kinds, and that its errors are ParseErrors.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, u := range []option.Universe{option.V4, option.V6} {
			for _, k := range []Kind{Bool, String} {
				e, err := Compile(u, k, src, nil)
				if err != nil {
					var pe *ParseError
					if !errors.As(err, &pe) {
						t.Fatalf("%q: error of type %T", src, err)
					}
					continue
				}
				if e.Source() != src {
					t.Fatal("source not kept")
				}
			}
		}
	})
}

// FuzzEval compiles an expression and evaluates it against packets decoded
// from random bytes: no panic, whatever the packet holds.
func FuzzEval(f *testing.F) {
	p4 := testPacket4()
	raw4, _ := p4.Encode()
	raw6 := testPacket6(f).Raw
	for _, s := range fuzzSeeds {
		f.Add(s, raw4, raw6)
	}
	f.Fuzz(func(t *testing.T, src string, b4, b6 []byte) {
		if e, err := Compile(option.V4, Bool, src, nil); err == nil {
			var p dhcp4.Packet
			if p.Decode(b4) == nil {
				ctx := &Context4{Pkt: &p, Iface: "eth0", Member: func(string) bool { return true }}
				_, _ = e.EvalBool(ctx)
				_, _ = e.EvalString(ctx)
			}
		}
		if e, err := Compile(option.V4, String, src, nil); err == nil {
			var p dhcp4.Packet
			if p.Decode(b4) == nil {
				_, _ = e.EvalString(&Context4{Pkt: &p})
			}
		}
		for _, k := range []Kind{Bool, String} {
			if e, err := Compile(option.V6, k, src, nil); err == nil {
				var p dhcp6.Packet
				if p.Decode(b6) == nil {
					ctx := &Context6{Pkt: &p}
					_, _ = e.EvalBool(ctx)
					_, _ = e.EvalString(ctx)
				}
			}
		}
	})
}
