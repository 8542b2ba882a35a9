package dhcp6

import (
	"errors"
	"testing"
)

// TestDecodeLenient: with Lenient, a truncated last option of a message,
// of a relay level or inside a container is dropped (Kea's
// unpackOptions6) where the strict decoder fails.
func TestDecodeLenient(t *testing.T) {
	cid := []byte{0, 1, 0, 10, 0, 3, 0, 1, 2, 0, 0, 0, 0, 1}
	msg := func(opts ...byte) []byte { return append(append([]byte{1, 0, 0, 7}, cid...), opts...) }
	ia := []byte{0, 3, 0, 18, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 30, 1, 2}
	relay := func(inner []byte, after ...byte) []byte {
		b := append([]byte{12, 0}, make([]byte, 32)...)
		b = append(b, 0, 9, byte(len(inner)>>8), byte(len(inner)))
		return append(append(b, inner...), after...)
	}
	tests := []struct {
		name   string
		b      []byte
		strict ErrorKind
		opts   int // options of the client message when lenient
	}{
		{"payload past the end", msg(0, 16, 0, 20, 0, 0), KindTruncatedOption, 1},
		{"header cut", msg(0, 8, 0), KindTruncatedOption, 1},
		{"in an IA_NA", msg(ia...), KindContainerOverrun, 2},
		{"relay level", relay(msg(), 0, 18, 0, 9, 'x'), KindTruncatedOption, 1},
		{"client message in a relay", relay(msg(0, 15, 0, 9, 0))[0:], KindTruncatedOption, 1},
	}
	for _, tt := range tests {
		var p Packet
		err := p.Decode(tt.b)
		if !errors.Is(err, &Error{Kind: tt.strict, Offset: -1}) {
			t.Errorf("%s: strict decode: %v, want %v", tt.name, err, tt.strict)
		}
		p.Lenient = true
		if err := p.Decode(tt.b); err != nil {
			t.Errorf("%s: lenient decode: %v", tt.name, err)
			continue
		}
		if len(p.Options) != tt.opts || p.MsgType != MsgSolicit || !p.Options.Has(OptClientID) {
			t.Errorf("%s: lenient: type %v, %d options %v", tt.name, p.MsgType, len(p.Options), p.Options)
		}
	}
	// Lenient does not excuse a container too short for its fixed fields.
	var p Packet
	p.Lenient = true
	if err := p.Decode(msg(0, 3, 0, 4, 0, 0, 0, 9)); KindOf(err) != KindContainerOverrun {
		t.Errorf("short IA_NA: %v", err)
	}
}

// TestCheckVendorClass: a VENDOR_CLASS data item whose length runs past the
// option fails, unless lenient (Kea's lenient-option-parsing: the item is
// the rest of the option); an enterprise number cut short or a lone octet
// where a length is expected fail either way.
func TestCheckVendorClass(t *testing.T) {
	tests := []struct {
		name            string
		b               []byte
		strict, lenient bool // valid?
	}{
		{"enterprise only", []byte{0, 0, 9, 0xbf}, true, true},
		{"one item", []byte{0, 0, 9, 0xbf, 0, 2, 'a', 'b'}, true, true},
		{"empty item", []byte{0, 0, 9, 0xbf, 0, 0}, true, true},
		{"two items", []byte{0, 0, 9, 0xbf, 0, 1, 'a', 0, 1, 'b'}, true, true},
		{"item past the end", []byte{0, 0, 9, 0xbf, 0, 9, 'a', 'b'}, false, true},
		{"second item past the end", []byte{0, 0, 9, 0xbf, 0, 1, 'a', 0, 200, 'b'}, false, true},
		{"length only, past the end", []byte{0, 0, 9, 0xbf, 0, 3}, false, true},
		{"lone octet", []byte{0, 0, 9, 0xbf, 0}, false, false},
		{"lone octet after an item", []byte{0, 0, 9, 0xbf, 0, 1, 'a', 7}, false, false},
		{"enterprise cut", []byte{0, 0, 9}, false, false},
	}
	for _, tt := range tests {
		if got := CheckVendorClass(tt.b, false) == nil; got != tt.strict {
			t.Errorf("%s: strict valid %v, want %v", tt.name, got, tt.strict)
		}
		if got := CheckVendorClass(tt.b, true) == nil; got != tt.lenient {
			t.Errorf("%s: lenient valid %v, want %v", tt.name, got, tt.lenient)
		}
	}
}
