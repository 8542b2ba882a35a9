package dhcp4

import "strconv"

// ErrorKind classifies why a packet could not be decoded or encoded. Each
// kind is itself an error, so errors.Is(err, ErrBadCookie) works on what
// Decode returns, and KindOf(err) gives the kind for counting (a server
// counts every decode failure as pkt4-parse-failed, and may count the kinds
// separately).
type ErrorKind uint8

// Error kinds. The zero value is not an error kind.
const (
	// ErrTruncatedHeader: the packet is shorter than the 236-byte BOOTP
	// header.
	ErrTruncatedHeader ErrorKind = iota + 1
	// ErrNoCookie: the packet ends right after the BOOTP header: an RFC 951
	// BOOTP packet without vendor extensions. Kea drops these ("Received
	// BOOTP packet without vendor information extensions"); the header
	// fields are decoded all the same.
	ErrNoCookie
	// ErrBadCookie: fewer than 4 bytes follow the header, or they are not
	// the DHCP magic cookie (Kea: "Invalid or missing DHCP magic cookie").
	// The header fields are decoded.
	ErrBadCookie
	// ErrTruncatedOption: an option's length runs past the end of its area.
	// The options before it are kept (Kea keeps them too and serves the
	// packet, so a Kea-compatible server may choose to go on).
	ErrTruncatedOption
	// ErrBadOverload: option 52 is not one byte of value 1, 2 or 3 (after
	// RFC 3396 concatenation). The options of the options field are kept,
	// option 52 among them as received; file and sname are left as they
	// are.
	ErrBadOverload
	// ErrTooManyOptions: more option instances than Packet.MaxOptions.
	ErrTooManyOptions
	// ErrTooBig: Encode could not fit the options within Packet.MaxSize.
	ErrTooBig
	// ErrReservedCode: Encode met an option with code 0 (pad) or 255 (end),
	// which cannot carry data, or 52 (overload), which the encoder writes
	// itself when MaxSize calls for it.
	ErrReservedCode
)

var errorKindText = [...]string{
	"",
	"truncated BOOTP header",
	"BOOTP packet without vendor information extensions",
	"invalid or missing DHCP magic cookie",
	"truncated option",
	"bad option overload value",
	"too many options",
	"options do not fit in the maximum size",
	"option code 0, 52 or 255 is reserved to the codec",
}

// Error implements error.
func (k ErrorKind) Error() string {
	if int(k) < len(errorKindText) && k != 0 {
		return "dhcp4: " + errorKindText[k]
	}
	return "dhcp4: error kind " + strconv.Itoa(int(k))
}

// ParseError is returned by Decode with the place of the fault. It unwraps
// to its Kind.
type ParseError struct {
	Kind ErrorKind
	// Offset is the byte offset in the packet where the fault was found
	// (for ErrBadOverload, the start of the options field).
	Offset int
	// Code is the option code involved, when Kind is about an option.
	Code uint8
}

// Error implements error.
func (e *ParseError) Error() string {
	s := e.Kind.Error() + " at offset " + strconv.Itoa(e.Offset)
	if e.Kind == ErrTruncatedOption || e.Kind == ErrBadOverload {
		s += " (option " + strconv.Itoa(int(e.Code)) + ")"
	}
	return s
}

// Unwrap returns the kind, so that errors.Is matches it.
func (e *ParseError) Unwrap() error { return e.Kind }

// KindOf returns the ErrorKind of an error from this package, or 0 for nil
// and for errors of other origins.
func KindOf(err error) ErrorKind {
	switch e := err.(type) {
	case ErrorKind:
		return e
	case *ParseError:
		return e.Kind
	}
	return 0
}

func parseErr(k ErrorKind, off int, code uint8) error {
	return &ParseError{Kind: k, Offset: off, Code: code}
}
