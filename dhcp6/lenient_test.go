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
