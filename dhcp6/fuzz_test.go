package dhcp6

import (
	"bytes"
	"net/netip"
	"os"
	"testing"
)

func addSeeds(f *testing.F) {
	for _, name := range goldenFiles(f) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(relayedRequest())
	f.Add(nest(msg(MsgSolicit, 1), MaxRelays))
	f.Add([]byte{})
}

// FuzzDecode: Decode never panics, fails only with *Error, and a packet it
// accepts re-encodes to the same bytes and decodes again the same way.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	var p, q Packet
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := p.Decode(b); err != nil {
			if KindOf(err) == 0 {
				t.Fatalf("error without a kind: %v", err)
			}
			return
		}
		out, err := p.AppendTo(nil)
		if err != nil {
			t.Fatalf("AppendTo: %v", err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("re-encode differs:\n in  %x\n out %x", b, out)
		}
		if err := q.Decode(out); err != nil {
			t.Fatalf("second Decode: %v", err)
		}
		if len(q.Relays) != len(p.Relays) || len(q.Options) != len(p.Options) ||
			q.MsgType != p.MsgType || q.TransactionID != p.TransactionID {
			t.Fatal("second Decode differs")
		}
	})
}

// FuzzContainers walks every nested container view. The input is used
// both as a whole packet and as the payload of each container option.
// Nothing may panic, and the containers of a packet Decode accepted must
// parse and walk without a structural error.
func FuzzContainers(f *testing.F) {
	addSeeds(f)
	f.Add(ianaPayload(1, 2, 3, opt(OptIAAddr, iaaddrPayload("2001:db8::1", 4, 5, opt(OptStatusCode, u16(0))))))
	f.Add(iaprefixPayload(1, 2, 56, "2001:db8:8000::", opt(OptPDExclude, []byte{64, 1})))
	var p Packet
	codes := []OptionCode{OptIANA, OptIATA, OptIAPD, OptIAAddr, OptIAPrefix, OptVendorOpts,
		OptStatusCode, OptORO, OptUserClass, OptVendorClass, OptClientID, OptPDExclude,
		OptClientFQDN, OptElapsedTime, OptPreference, OptRapidCommit, OptNameServers}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range codes {
			_, _ = walkOption(Option{Code: c, Data: b}, 0)
		}
		_, _ = View(b).Len()
		_ = DataList(b).Validate()
		if info, err := DUID(b).Parse(); err == nil {
			_ = info
		}
		if x, err := ParsePDExclude(b); err == nil {
			_, _ = x.Excluded(netip.MustParsePrefix("2001:db8:8000::/56"))
			_, _ = x.Excluded(netip.MustParsePrefix("::/0"))
		}
		if p.Decode(b) != nil {
			return
		}
		_, _ = walkPacket(&p)
		for _, opts := range packetOptionLists(&p) {
			for _, o := range opts {
				if k := checkContainer(o.Code, o.Data, 0); k != 0 {
					t.Fatalf("decoded packet holds a bad %v: %v", o.Code, k)
				}
				if _, err := walkContainers(o); err != nil {
					t.Fatalf("walking accepted %v: %v", o.Code, err)
				}
			}
		}
	})
}

func packetOptionLists(p *Packet) []Options {
	l := []Options{p.Options}
	for i := range p.Relays {
		l = append(l, p.Relays[i].Options)
	}
	return l
}

// walkContainers walks only the standard containers Decode checks, so
// that any error is a disagreement between Decode and the views.
func walkContainers(o Option) (int, error) {
	switch o.Code {
	case OptIANA, OptIATA, OptIAPD, OptIAAddr, OptIAPrefix:
		var in View
		switch o.Code {
		case OptIANA, OptIAPD:
			ia, err := ParseIA(o.Data)
			if err != nil {
				return 0, err
			}
			in = ia.Options
		case OptIATA:
			ia, err := ParseIATA(o.Data)
			if err != nil {
				return 0, err
			}
			in = ia.Options
		case OptIAAddr:
			a, err := ParseIAAddr(o.Data)
			if err != nil {
				return 0, err
			}
			in = a.Options
		case OptIAPrefix:
			if len(o.Data) < IAPrefixLen {
				return 0, ErrContainerOverrun
			}
			in = View(o.Data[IAPrefixLen:]) // prefix length may be > 128; Decode does not judge it
		}
		n := 1
		it := in.Iter()
		for it.Next() {
			k, err := walkContainers(it.Option())
			n += k
			if err != nil {
				return n, err
			}
		}
		return n, it.Err()
	case OptVendorOpts:
		v, err := ParseVendorOpts(o.Data)
		if err != nil {
			return 0, err
		}
		return v.Options.Len()
	case OptStatusCode:
		_, err := ParseStatus(o.Data)
		return 1, err
	}
	return 1, nil
}
