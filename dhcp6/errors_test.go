package dhcp6

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeErrors(t *testing.T) {
	duid := []byte{0, 3, 0, 1, 2, 0, 0x5e, 0, 0, 1}
	solicit := msg(MsgSolicit, 0x123456, opt(OptClientID, duid))
	tooMany := msg(MsgSolicit, 1)
	for i := 0; i <= MaxOptions; i++ {
		tooMany = append(tooMany, opt(OptRapidCommit)...)
	}
	tests := []struct {
		name   string
		in     []byte
		kind   ErrorKind
		code   OptionCode
		offset int
	}{
		{"empty", nil, KindTruncatedMessage, 0, 0},
		{"short header", []byte{1, 2, 3}, KindTruncatedMessage, 0, 0},
		{"short relay header", relayMsg(MsgRelayForw, 0, "::", "::")[:33], KindTruncatedMessage, 0, 0},
		{"stray bytes", append(msg(MsgSolicit, 1), 0, 1, 0), KindTruncatedOption, 0, 4},
		{"option past end", append(msg(MsgSolicit, 1, opt(OptClientID, duid)), 0, 8, 0, 2, 0), KindTruncatedOption, OptElapsedTime, 18},
		{"IA_NA too short", msg(MsgSolicit, 1, opt(OptIANA, make([]byte, 11))), KindContainerOverrun, OptIANA, 4},
		{"IA_NA inner overrun", msg(MsgSolicit, 1, opt(OptIANA, ianaPayload(1, 0, 0), []byte{0, 5, 0, 30, 1})), KindContainerOverrun, OptIANA, 4},
		{"IA_NA inner stray", msg(MsgSolicit, 1, opt(OptIANA, ianaPayload(1, 0, 0), []byte{0, 5})), KindContainerOverrun, OptIANA, 4},
		{"IAADDR too short", msg(MsgRequest, 1, opt(OptIANA, ianaPayload(1, 0, 0, opt(OptIAAddr, make([]byte, 23))))), KindContainerOverrun, OptIANA, 4},
		{"IAADDR inner overrun", msg(MsgRequest, 1, opt(OptIANA, ianaPayload(1, 0, 0,
			opt(OptIAAddr, iaaddrPayload("2001:db8::1", 1, 2), []byte{0, 13, 0, 9})))), KindContainerOverrun, OptIANA, 4},
		{"IAPREFIX too short", msg(MsgRequest, 1, opt(OptIAPD, ianaPayload(1, 0, 0, opt(OptIAPrefix, make([]byte, 24))))), KindContainerOverrun, OptIAPD, 4},
		{"IA_TA too short", msg(MsgSolicit, 1, opt(OptIATA, []byte{1, 2, 3})), KindContainerOverrun, OptIATA, 4},
		{"status in IA too short", msg(MsgReply, 1, opt(OptIANA, ianaPayload(1, 0, 0, opt(OptStatusCode, []byte{0})))), KindBadLength, OptIANA, 4},
		{"vendor opts too short", msg(MsgSolicit, 1, opt(OptVendorOpts, []byte{0, 0, 9})), KindContainerOverrun, OptVendorOpts, 4},
		{"vendor sub-option overrun", msg(MsgSolicit, 1, opt(OptVendorOpts, u32(4491), []byte{0, 1, 0, 9, 0})), KindContainerOverrun, OptVendorOpts, 4},
		{"relay without relay-msg", relayMsg(MsgRelayForw, 0, "2001:db8::1", "fe80::1", opt(OptInterfaceID, []byte("eth0"))), KindRelayMsgMissing, OptRelayMsg, 0},
		{"relay with empty relay-msg", relayMsg(MsgRelayForw, 0, "2001:db8::1", "fe80::1", opt(OptRelayMsg)), KindRelayMsgMissing, OptRelayMsg, 0},
		{"relay-msg too short for a message", relayMsg(MsgRelayForw, 0, "::", "::", opt(OptRelayMsg, []byte{1, 0})), KindTruncatedMessage, 0, 38},
		{"relayed message truncated option", relayMsg(MsgRelayForw, 0, "::", "::", opt(OptRelayMsg, solicit[:len(solicit)-1])), KindTruncatedOption, OptClientID, 42},
		{"inner relay too short", relayMsg(MsgRelayForw, 0, "::", "::", opt(OptRelayMsg, append([]byte{byte(MsgRelayForw)}, make([]byte, 32)...))), KindTruncatedMessage, 0, 38},
		{"zero type is a client message", relayMsg(MsgRelayForw, 0, "::", "::", opt(OptRelayMsg, make([]byte, 6))), KindTruncatedOption, 0, 42},
		{"33 relays", nest(solicit, MaxRelays+1), KindRelayTooDeep, 0, MaxRelays * 38},
		{"too many options", tooMany, KindTooManyOptions, OptRapidCommit, 4 + 4*MaxOptions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p Packet
			err := p.Decode(tc.in)
			if err == nil {
				t.Fatal("Decode succeeded")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if e.Kind != tc.kind || e.Code != tc.code || e.Offset != tc.offset {
				t.Errorf("got kind %q code %v offset %d; want %q %v %d (%v)", e.Kind, e.Code, e.Offset, tc.kind, tc.code, tc.offset, err)
			}
			if KindOf(err) != tc.kind {
				t.Errorf("KindOf = %v", KindOf(err))
			}
			if !errors.Is(err, &Error{Kind: tc.kind}) {
				t.Errorf("errors.Is does not match its own kind")
			}
			if !strings.HasPrefix(err.Error(), "dhcp6: "+tc.kind.String()) {
				t.Errorf("message %q", err.Error())
			}
		})
	}
}

func TestRelayDepthLimit(t *testing.T) {
	inner := msg(MsgSolicit, 0xabcdef, opt(OptClientID, []byte{0, 3, 0, 1, 1, 2, 3, 4, 5, 6}))
	var p Packet
	if err := p.Decode(nest(inner, MaxRelays)); err != nil {
		t.Fatalf("%d relays: %v", MaxRelays, err)
	}
	if len(p.Relays) != MaxRelays || p.TransactionID != 0xabcdef {
		t.Errorf("got %d relays, xid %#x", len(p.Relays), p.TransactionID)
	}
	if p.Relays[0].HopCount != MaxRelays-1 || p.Relays[MaxRelays-1].HopCount != 0 {
		t.Errorf("hop counts outermost %d innermost %d", p.Relays[0].HopCount, p.Relays[MaxRelays-1].HopCount)
	}
	err := p.Decode(nest(inner, MaxRelays+1))
	if !errors.Is(err, ErrRelayTooDeep) {
		t.Errorf("%d relays: %v", MaxRelays+1, err)
	}
	// A failed Decode leaves nothing of the old packet behind.
	if len(p.Relays) != 0 || len(p.Options) != 0 || p.MsgType != 0 {
		t.Errorf("packet not reset after error: %d relays %d options", len(p.Relays), len(p.Options))
	}
}

func TestErrorKindsDistinct(t *testing.T) {
	seen := map[string]ErrorKind{}
	for k := KindTruncatedMessage; k <= KindEncode; k++ {
		s := k.String()
		if prev, ok := seen[s]; ok {
			t.Errorf("kinds %d and %d share the name %q", prev, k, s)
		}
		seen[s] = k
		if errors.Is(&Error{Kind: k}, &Error{Kind: k + 1}) {
			t.Errorf("kind %v matches kind %v", k, k+1)
		}
	}
	if KindOf(errors.New("x")) != 0 || KindOf(nil) != 0 {
		t.Error("KindOf of a foreign error is not 0")
	}
}

func TestContainerNestingLimit(t *testing.T) {
	ia := opt(OptStatusCode, u16(0))
	for i := 0; i <= maxContainerDepth; i++ {
		ia = opt(OptIANA, ianaPayload(uint32(i), 0, 0, ia))
	}
	var p Packet
	if err := p.Decode(msg(MsgReply, 1, ia)); err != nil {
		t.Fatalf("nesting at the limit: %v", err)
	}
	ia = opt(OptIANA, ianaPayload(99, 0, 0, ia))
	if err := p.Decode(msg(MsgReply, 1, ia)); KindOf(err) != KindContainerOverrun {
		t.Fatalf("nesting past the limit: %v", err)
	}
}
