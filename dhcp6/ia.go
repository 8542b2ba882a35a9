package dhcp6

import (
	"encoding/binary"
	"net/netip"
)

// Fixed-field sizes of the container options.
const (
	IANALen     = 12 // IAID, T1, T2
	IATALen     = 4  // IAID
	IAPDLen     = 12 // IAID, T1, T2
	IAAddrLen   = 24 // address, preferred, valid
	IAPrefixLen = 25 // preferred, valid, prefix-length, prefix
)

// IA is an IA_NA or IA_PD option (they share a layout; IA_TA has no T1/T2
// and decodes with ParseIATA into the same type with T1 and T2 zero).
// Options holds the IAADDR/IAPREFIX and STATUS_CODE options inside.
type IA struct {
	IAID    uint32
	T1, T2  uint32
	Options View
}

// ParseIA decodes an IA_NA or IA_PD payload. Inner options are not walked;
// use Options.Iter.
func ParseIA(b []byte) (IA, error) {
	if len(b) < IANALen {
		return IA{}, ErrContainerOverrun
	}
	return IA{
		IAID:    binary.BigEndian.Uint32(b),
		T1:      binary.BigEndian.Uint32(b[4:]),
		T2:      binary.BigEndian.Uint32(b[8:]),
		Options: View(b[IANALen:]),
	}, nil
}

// ParseIATA decodes an IA_TA payload.
func ParseIATA(b []byte) (IA, error) {
	if len(b) < IATALen {
		return IA{}, ErrContainerOverrun
	}
	return IA{IAID: binary.BigEndian.Uint32(b), Options: View(b[IATALen:])}, nil
}

// Status returns the IA's STATUS_CODE, with ok false when it has none.
func (ia IA) Status() (Status, bool, error) { return viewStatus(ia.Options) }

// IAAddr is an IAADDR option (inside IA_NA or IA_TA).
type IAAddr struct {
	Addr      netip.Addr
	Preferred uint32
	Valid     uint32
	Options   View
}

// ParseIAAddr decodes an IAADDR payload.
func ParseIAAddr(b []byte) (IAAddr, error) {
	if len(b) < IAAddrLen {
		return IAAddr{}, ErrContainerOverrun
	}
	return IAAddr{
		Addr:      netip.AddrFrom16([16]byte(b[:16])),
		Preferred: binary.BigEndian.Uint32(b[16:]),
		Valid:     binary.BigEndian.Uint32(b[20:]),
		Options:   View(b[IAAddrLen:]),
	}, nil
}

// Status returns the address's STATUS_CODE, if any.
func (a IAAddr) Status() (Status, bool, error) { return viewStatus(a.Options) }

// IAPrefix is an IAPREFIX option (inside IA_PD).
type IAPrefix struct {
	Preferred uint32
	Valid     uint32
	// Prefix holds the prefix-length and address fields as sent; bits past
	// the length are kept as they were, not masked.
	Prefix  netip.Prefix
	Options View
}

// ParseIAPrefix decodes an IAPREFIX payload. A prefix-length over 128
// fails with KindBadLength.
func ParseIAPrefix(b []byte) (IAPrefix, error) {
	if len(b) < IAPrefixLen {
		return IAPrefix{}, ErrContainerOverrun
	}
	if b[8] > 128 {
		return IAPrefix{}, ErrBadLength
	}
	return IAPrefix{
		Preferred: binary.BigEndian.Uint32(b),
		Valid:     binary.BigEndian.Uint32(b[4:]),
		Prefix:    netip.PrefixFrom(netip.AddrFrom16([16]byte(b[9:25])), int(b[8])),
		Options:   View(b[IAPrefixLen:]),
	}, nil
}

// Status returns the prefix's STATUS_CODE, if any.
func (p IAPrefix) Status() (Status, bool, error) { return viewStatus(p.Options) }

// Status is a STATUS_CODE option: a code and a UTF-8 message (not checked;
// clients send what they send).
type Status struct {
	Code    StatusCode
	Message []byte
}

// ParseStatus decodes a STATUS_CODE payload.
func ParseStatus(b []byte) (Status, error) {
	if len(b) < 2 {
		return Status{}, ErrBadLength
	}
	return Status{Code: StatusCode(binary.BigEndian.Uint16(b)), Message: b[2:]}, nil
}

func viewStatus(v View) (Status, bool, error) {
	o, ok, err := v.Get(OptStatusCode)
	if err != nil || !ok {
		return Status{}, false, err
	}
	s, err := ParseStatus(o.Data)
	return s, err == nil, err
}

// VendorOpts is a VENDOR_OPTS option (17): an enterprise number and
// sub-options with 2-octet code and length.
type VendorOpts struct {
	Enterprise uint32
	Options    View
}

// ParseVendorOpts decodes a VENDOR_OPTS payload.
func ParseVendorOpts(b []byte) (VendorOpts, error) {
	if len(b) < 4 {
		return VendorOpts{}, ErrContainerOverrun
	}
	return VendorOpts{Enterprise: binary.BigEndian.Uint32(b), Options: View(b[4:])}, nil
}

// maxContainerDepth bounds the recursion of checkContainer: a standard
// container nested deeper than this fails with KindContainerOverrun. The
// standard nesting is IA_* -> IAADDR/IAPREFIX -> STATUS_CODE.
const maxContainerDepth = 8

// checkContainer checks that a standard container's payload holds its fixed
// fields and well-formed inner options, recursing into the containers
// inside. It returns 0 when fine. Non-container codes always pass.
func checkContainer(code OptionCode, b []byte, depth int) ErrorKind {
	return checkContainerMode(code, b, depth, false)
}

// checkContainerMode is checkContainer; lenient accepts inner options
// that end with a truncated one (Kea's unpackOptions6 drops it), which
// iterating the container's view then stops at.
func checkContainerMode(code OptionCode, b []byte, depth int, lenient bool) ErrorKind {
	var fixed int
	switch code {
	case OptIANA, OptIAPD:
		fixed = IANALen
	case OptIATA:
		fixed = IATALen
	case OptIAAddr:
		fixed = IAAddrLen
	case OptIAPrefix:
		fixed = IAPrefixLen
	case OptVendorOpts:
		fixed = 4
	case OptStatusCode:
		if len(b) < 2 {
			return KindBadLength
		}
		return 0
	default:
		return 0
	}
	if len(b) < fixed {
		return KindContainerOverrun
	}
	if depth > maxContainerDepth {
		return KindContainerOverrun
	}
	it := View(b[fixed:]).Iter()
	for it.Next() {
		if code == OptVendorOpts {
			continue // sub-options live in the vendor's own space
		}
		o := it.Option()
		if k := checkContainerMode(o.Code, o.Data, depth+1, lenient); k != 0 {
			return k
		}
	}
	if err := it.Err(); err != nil {
		// An inner option running past the container's end (or 1-3
		// stray bytes) is what a view reports as a container overrun.
		if k := KindOf(err); !lenient || k != KindContainerOverrun {
			return k
		}
	}
	return 0
}
