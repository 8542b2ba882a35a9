package dhcp4

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func collect(s SubOptions, padEnd bool) ([]Option, error) {
	out := []Option{}
	it := s.Iter(padEnd)
	for c, d, ok := it.Next(); ok; c, d, ok = it.Next() {
		out = append(out, Option{Code: c, Data: d})
	}
	return out, it.Err()
}

func TestSubOptionIter(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		padEnd bool
		want   []Option
		err    ErrorKind
	}{
		{name: "empty", in: nil, want: []Option{}},
		{name: "plain", in: []byte{1, 2, 'a', 'b', 2, 0, 0, 1, 9}, want: []Option{{1, []byte("ab")}, {2, []byte{}}, {0, []byte{9}}}},
		{name: "pad and end honoured", in: []byte{0, 0, 1, 1, 'x', 255, 3, 1, 'y'}, padEnd: true, want: []Option{{1, []byte("x")}}},
		{name: "255 is a code without padEnd", in: []byte{255, 1, 'z'}, want: []Option{{255, []byte("z")}}},
		{name: "missing length", in: []byte{1, 1, 'a', 2}, want: []Option{{1, []byte("a")}}, err: ErrTruncatedOption},
		{name: "short data", in: []byte{1, 5, 'a'}, want: []Option{}, err: ErrTruncatedOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := collect(SubOptions(tt.in), tt.padEnd)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sub-options (-want +got):\n%s", diff)
			}
			if KindOf(err) != tt.err {
				t.Errorf("Err = %v, want kind %v", err, tt.err)
			}
			if !tt.padEnd && SubOptions(tt.in).Valid() != (tt.err == 0) {
				t.Errorf("Valid = %v", SubOptions(tt.in).Valid())
			}
		})
	}
}

// Option 82 arriving in two instances is concatenated before its
// sub-options are read, so a sub-option split across the instances comes
// out whole.
func TestRelayAgentInfoSplit(t *testing.T) {
	in := raw(53, 1, 3,
		82, 5, RAICircuitID, 6, 'e', 't', 'h',
		12, 1, 'h',
		82, 19, '0', '/', '1',
		RAILinkSelection, 4, 203, 0, 113, 0,
		RAIServerIDOverride, 4, 198, 51, 100, 1,
		RAIRelayPort, 2, 0x10, 0x00,
		255)
	var p Packet
	if err := p.Decode(in); err != nil {
		t.Fatal(err)
	}
	rai, ok := p.RelayAgentInfo()
	if !ok || !rai.Valid() {
		t.Fatalf("RelayAgentInfo = %x, %v", rai, ok)
	}
	cid, _ := rai.CircuitID()
	_, hasRemote := rai.RemoteID()
	_, hasSub := rai.SubscriberID()
	ls, _ := rai.LinkSelection()
	sido, _ := rai.ServerIDOverride()
	port, hasPort := rai.RelayPort()
	type view struct {
		CircuitID          string
		Remote, Subscriber bool
		Link, Override     string
		Port               uint16
		HasPort            bool
	}
	got := view{string(cid), hasRemote, hasSub, ls.String(), sido.String(), port, hasPort}
	want := view{"eth0/1", false, false, "203.0.113.0", "198.51.100.1", 4096, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RAI (-want +got):\n%s", diff)
	}
	// An empty relay-port sub-option is present without a port.
	if port, ok := SubOptions([]byte{RAIRelayPort, 0}).RelayPort(); !ok || port != 0 {
		t.Errorf("empty relay-port: %d %v", port, ok)
	}
}

func TestSubOptionsAppendAll(t *testing.T) {
	s := SubOptions{1, 2, 'a', 'b', 2, 1, 'x', 1, 1, 'c'}
	got, found := s.AppendAll([]byte(">"), 1)
	if !found || string(got) != ">abc" {
		t.Errorf("AppendAll = %q, %v", got, found)
	}
	if _, found := s.AppendAll(nil, 9); found {
		t.Error("found a missing code")
	}
	long := make([]byte, 300)
	enc := AppendSubOption(nil, 9, long)
	if len(enc) != 304 || enc[0] != 9 || enc[1] != 255 || enc[257] != 9 || enc[258] != 45 {
		t.Errorf("AppendSubOption split wrong: %d bytes", len(enc))
	}
	whole, _ := SubOptions(enc).AppendAll(nil, 9)
	if len(whole) != 300 {
		t.Errorf("split sub-option back: %d bytes", len(whole))
	}
	if _, err := collect(SubOptions{1, 3}, false); !errors.Is(err, ErrTruncatedOption) {
		t.Errorf("errors.Is on iterator error: %v", err)
	}
}

func TestVendorEncapsulated(t *testing.T) {
	var p Packet
	if err := p.Decode(raw(43, 7, 0, 1, 2, 'h', 'i', 255, 0, 255)); err != nil {
		t.Fatal(err)
	}
	v, ok := p.VendorEncapsulated()
	if !ok {
		t.Fatal("no option 43")
	}
	got, err := collect(v, true)
	if err != nil || len(got) != 1 || string(got[0].Data) != "hi" {
		t.Errorf("vendor sub-options = %v, %v", got, err)
	}
}
