package dhcp6

import (
	"errors"
	"strconv"
)

// ErrorKind classifies why a message or an option could not be decoded or
// encoded, so that a server can count failures (pkt6-parse-failed) by cause
// without looking at error text.
type ErrorKind uint8

// Error kinds.
const (
	// KindTruncatedMessage: shorter than the fixed header (4 octets for a
	// client/server message, 34 for a relay message).
	KindTruncatedMessage ErrorKind = iota + 1
	// KindTruncatedOption: an option header or payload runs past the end of
	// the message, or bytes are left over that cannot form an option.
	KindTruncatedOption
	// KindContainerOverrun: a container option (IA_NA, IAADDR, VENDOR_OPTS,
	// ...) is shorter than its fixed fields, or its inner options run past
	// its end.
	KindContainerOverrun
	// KindBadLength: a fixed-size option has the wrong length
	// (ELAPSED_TIME not 2 octets, ORO of odd length, ...).
	KindBadLength
	// KindRelayTooDeep: more than MaxRelays levels of relay encapsulation.
	KindRelayTooDeep
	// KindRelayMsgMissing: a relay message has no RELAY_MSG option, or an
	// empty one.
	KindRelayMsgMissing
	// KindTooManyOptions: more options than MaxOptions in one message or
	// MaxViewOptions in one container.
	KindTooManyOptions
	// KindBadDUID: a DUID is empty, longer than MaxDUIDLen, or too short
	// for its type.
	KindBadDUID
	// KindEncode: the Builder was misused or a length overflowed 65535.
	KindEncode
)

var kindNames = [...]string{
	KindTruncatedMessage: "truncated message",
	KindTruncatedOption:  "truncated option",
	KindContainerOverrun: "container overrun",
	KindBadLength:        "bad option length",
	KindRelayTooDeep:     "relay nesting too deep",
	KindRelayMsgMissing:  "relay-msg option missing",
	KindTooManyOptions:   "too many options",
	KindBadDUID:          "bad DUID",
	KindEncode:           "encode error",
}

func (k ErrorKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "error kind " + strconv.Itoa(int(k))
}

// Error is the error type of this package. Kind says why; Code is the
// option concerned (0 if none) and Offset the byte offset into the buffer
// given to Decode (-1 when unknown, as for views decoded on their own).
//
// errors.Is(err, ErrTruncatedOption) and friends match on Kind alone.
type Error struct {
	Kind   ErrorKind
	Code   OptionCode
	Offset int
}

func (e *Error) Error() string {
	s := "dhcp6: " + e.Kind.String()
	if e.Code != 0 {
		s += " (option " + e.Code.String() + ")"
	}
	if e.Offset >= 0 {
		s += " at offset " + strconv.Itoa(e.Offset)
	}
	return s
}

// Is reports whether target is an *Error of the same Kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

// Sentinel errors, one per kind, for errors.Is. Views return these values
// themselves so that failing on hostile input costs no allocation.
var (
	ErrTruncatedMessage = &Error{Kind: KindTruncatedMessage, Offset: -1}
	ErrTruncatedOption  = &Error{Kind: KindTruncatedOption, Offset: -1}
	ErrContainerOverrun = &Error{Kind: KindContainerOverrun, Offset: -1}
	ErrBadLength        = &Error{Kind: KindBadLength, Offset: -1}
	ErrRelayTooDeep     = &Error{Kind: KindRelayTooDeep, Offset: -1}
	ErrRelayMsgMissing  = &Error{Kind: KindRelayMsgMissing, Offset: -1}
	ErrTooManyOptions   = &Error{Kind: KindTooManyOptions, Offset: -1}
	ErrBadDUID          = &Error{Kind: KindBadDUID, Offset: -1}
	ErrEncode           = &Error{Kind: KindEncode, Offset: -1}
)

// KindOf returns the Kind of an error from this package, or 0 for nil or a
// foreign error. Wrapped errors are unwrapped.
func KindOf(err error) ErrorKind {
	if e, ok := err.(*Error); ok {
		return e.Kind
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
