package dhcp4o6

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"testing"
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestWrapWire checks the bytes Kea 2.2's Dhcp4o6IpcBase::send writes: the
// ISC vendor option (17, enterprise 2495) with sub-options 60000, 60001,
// 60002 in code order, the options of the message in code order.
func TestWrapWire(t *testing.T) {
	msg := mustHex("14800000" + "00570003aabbcc")
	got, err := Wrap(msg, Info{Iface: "eth0", Addr: netip.MustParseAddr("2001:db8:1::2"), Port: 546})
	if err != nil {
		t.Fatal(err)
	}
	want := mustHex("14800000" +
		"0011" + "0026" + "000009bf" +
		"ea600004" + "65746830" +
		"ea610010" + "20010db8000100000000000000000002" +
		"ea620002" + "0222" +
		"00570003aabbcc")
	if !bytes.Equal(got, want) {
		t.Fatalf("wrap:\n got %x\nwant %x", got, want)
	}
	back, info, err := Unwrap(got, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, msg) || info.Iface != "eth0" || info.Port != 546 || info.Addr != netip.MustParseAddr("2001:db8:1::2") {
		t.Fatalf("unwrap: %x %+v", back, info)
	}
}

// TestWrapRelayed: the sub-options go in the innermost message; the relay
// levels are kept, relay-msg last.
func TestWrapRelayed(t *testing.T) {
	inner := mustHex("14000001")
	relay := append(mustHex("0c00"+"20010db8000000000000000000000001"+"fe800000000000000000000000000002"+"00120002"+"7037"+"00090004"), inner...)
	w, err := Wrap(relay, Info{Iface: "eth0", Addr: netip.MustParseAddr("fe80::2"), Port: 547})
	if err != nil {
		t.Fatal(err)
	}
	if typ, relayed, err := MessageType(w); err != nil || typ != 20 || !relayed {
		t.Fatalf("type %d relayed %v err %v", typ, relayed, err)
	}
	back, info, err := Unwrap(w, nil)
	if err != nil || !bytes.Equal(back, relay) || info.Port != 547 {
		t.Fatalf("unwrap: %x %+v %v", back, info, err)
	}
}

// TestUnwrapBad: Kea's reasons for refusing a datagram.
func TestUnwrapBad(t *testing.T) {
	good, _ := Wrap(mustHex("15000001"), Info{Iface: "eth0", Addr: netip.MustParseAddr("2001:db8::1"), Port: 546})
	for _, c := range []struct {
		name, in, reason string
		exists           func(string) bool
	}{
		{"no vendor option", "15000001", "no ISC vendor option", nil},
		{"other enterprise", "15000001" + "001100040000000a", "no ISC vendor option", nil},
		{"no interface", "15000001" + "00110004000009bf", "no interface suboption", nil},
		{"unknown interface", hex.EncodeToString(good), "can't get interface eth0", func(string) bool { return false }},
		{"no address", "15000001" + "0011000c000009bf" + "ea60000465746830", "no source address suboption", nil},
		{"no port", "15000001" + "00110020000009bf" + "ea60000465746830" + "ea610010" + "20010db8000000000000000000000001", "no source port suboption", nil},
	} {
		_, _, err := Unwrap(mustHex(c.in), c.exists)
		var bp *BadPacketError
		if !errors.As(err, &bp) || bp.Reason != c.reason {
			t.Errorf("%s: %v, want %q", c.name, err, c.reason)
		}
	}
	if _, _, err := Unwrap(mustHex("1500"), nil); err == nil {
		t.Error("truncated message accepted")
	}
}
