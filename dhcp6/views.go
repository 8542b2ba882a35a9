package dhcp6

import (
	"encoding/binary"
	"net/netip"
)

// ORO is the payload of an option request option: a list of 2-octet codes.
type ORO []byte

// ParseORO checks an ORO payload (even length) and returns it as a view.
func ParseORO(b []byte) (ORO, error) {
	if len(b)%2 != 0 {
		return nil, ErrBadLength
	}
	return ORO(b), nil
}

// Len returns the number of codes.
func (o ORO) Len() int { return len(o) / 2 }

// At returns the i-th code; i must be in [0, Len()).
func (o ORO) At(i int) OptionCode { return OptionCode(binary.BigEndian.Uint16(o[2*i:])) }

// Has reports whether the code is requested.
func (o ORO) Has(code OptionCode) bool {
	for i := 0; i+1 < len(o); i += 2 {
		if OptionCode(binary.BigEndian.Uint16(o[i:])) == code {
			return true
		}
	}
	return false
}

// ParseElapsedTime decodes ELAPSED_TIME (hundredths of a second).
func ParseElapsedTime(b []byte) (uint16, error) {
	if len(b) != 2 {
		return 0, ErrBadLength
	}
	return binary.BigEndian.Uint16(b), nil
}

// ParsePreference decodes PREFERENCE.
func ParsePreference(b []byte) (uint8, error) {
	if len(b) != 1 {
		return 0, ErrBadLength
	}
	return b[0], nil
}

// ParseEmpty checks that a flag option (RAPID_COMMIT, RECONF_ACCEPT) has
// no payload.
func ParseEmpty(b []byte) error {
	if len(b) != 0 {
		return ErrBadLength
	}
	return nil
}

// ParseAddresses checks a payload that is a list of IPv6 addresses
// (dns-servers, sntp-servers, UNICAST, ...) and returns their count; read
// them with AddressAt.
func ParseAddresses(b []byte) (int, error) {
	if len(b)%16 != 0 {
		return 0, ErrBadLength
	}
	return len(b) / 16, nil
}

// AddressAt returns the i-th address of an address-list payload checked
// by ParseAddresses.
func AddressAt(b []byte, i int) netip.Addr {
	return netip.AddrFrom16([16]byte(b[16*i : 16*i+16]))
}

// DataList is a list of opaque data items, each with a 2-octet length, as
// in USER_CLASS and VENDOR_CLASS.
type DataList []byte

// ParseUserClass checks a USER_CLASS payload and returns its items.
func ParseUserClass(b []byte) (DataList, error) {
	d := DataList(b)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// Validate checks that the items exactly fill the list.
func (d DataList) Validate() error {
	var it DataIter
	it.b = d
	for it.Next() {
	}
	return it.Err()
}

// Iter returns an iterator over the items.
func (d DataList) Iter() DataIter { return DataIter{b: d} }

// DataIter walks a DataList; use it like Iter.
type DataIter struct {
	b   []byte
	off int
	n   int
	cur []byte
	err error
}

// Next advances to the next item.
func (it *DataIter) Next() bool {
	if it.err != nil || it.off >= len(it.b) {
		return false
	}
	rest := it.b[it.off:]
	if len(rest) < 2 {
		it.err = ErrContainerOverrun
		return false
	}
	l := int(binary.BigEndian.Uint16(rest))
	if 2+l > len(rest) {
		it.err = ErrContainerOverrun
		return false
	}
	if it.n == MaxViewOptions {
		it.err = ErrTooManyOptions
		return false
	}
	it.n++
	it.cur = rest[2 : 2+l : 2+l]
	it.off += 2 + l
	return true
}

// Item returns the item Next stopped at.
func (it *DataIter) Item() []byte { return it.cur }

// Err returns the error that ended the walk, or nil.
func (it *DataIter) Err() error { return it.err }

// VendorClass is a VENDOR_CLASS payload: enterprise number and data items.
type VendorClass struct {
	Enterprise uint32
	Data       DataList
}

// ParseVendorClass decodes a VENDOR_CLASS payload.
func ParseVendorClass(b []byte) (VendorClass, error) {
	if len(b) < 4 {
		return VendorClass{}, ErrContainerOverrun
	}
	v := VendorClass{Enterprise: binary.BigEndian.Uint32(b), Data: DataList(b[4:])}
	if err := v.Data.Validate(); err != nil {
		return VendorClass{}, err
	}
	return v, nil
}

// CheckVendorClass checks a VENDOR_CLASS payload as Kea's
// OptionVendorClass unpacks one: at least the enterprise number, then data
// items each with a 2-octet length. With lenient (Kea's
// compatibility.lenient-option-parsing) an item whose length runs past the
// end of the option holds the rest of the option instead (Kea's
// OpaqueDataTuple::unpack); a single octet left where a length is expected
// fails either way.
func CheckVendorClass(b []byte, lenient bool) error {
	if len(b) < 4 {
		return ErrContainerOverrun
	}
	rest := b[4:]
	for len(rest) > 0 {
		if len(rest) < 2 {
			return ErrContainerOverrun
		}
		l := 2 + int(binary.BigEndian.Uint16(rest))
		if l > len(rest) {
			if !lenient {
				return ErrContainerOverrun
			}
			l = len(rest)
		}
		rest = rest[l:]
	}
	return nil
}

// PDExclude is a PD_EXCLUDE payload (RFC 6603): the excluded prefix's
// length and the bits of its subnet ID that follow the delegated prefix.
type PDExclude struct {
	PrefixLen uint8
	SubnetID  []byte
}

// ParsePDExclude decodes a PD_EXCLUDE payload (at least 2 octets).
func ParsePDExclude(b []byte) (PDExclude, error) {
	if len(b) < 2 || b[0] > 128 {
		return PDExclude{}, ErrBadLength
	}
	return PDExclude{PrefixLen: b[0], SubnetID: b[1:]}, nil
}

// Excluded returns the excluded prefix given the delegated prefix the
// option came with. It fails when the lengths do not fit RFC 6603 (the
// excluded prefix must be longer than the delegated one and the subnet ID
// must hold exactly the bits in between).
func (x PDExclude) Excluded(delegated netip.Prefix) (netip.Prefix, error) {
	dl := delegated.Bits()
	xl := int(x.PrefixLen)
	if dl < 0 || !delegated.Addr().Is6() || xl <= dl || len(x.SubnetID) != (xl-dl-1)/8+1 {
		return netip.Prefix{}, ErrBadLength
	}
	a := delegated.Masked().Addr().As16()
	for i := 0; i < xl-dl; i++ {
		bit := (x.SubnetID[i/8] >> (7 - uint(i%8))) & 1
		pos := dl + i
		a[pos/8] |= bit << (7 - uint(pos%8))
	}
	return netip.PrefixFrom(netip.AddrFrom16(a), xl), nil
}

// ClientFQDN is a CLIENT_FQDN payload (RFC 4704): flags and the domain
// name in DNS wire format, kept raw.
type ClientFQDN struct {
	Flags uint8
	Name  []byte
}

// FQDN flag bits.
const (
	FQDNFlagS uint8 = 0x01 // server should perform AAAA updates
	FQDNFlagO uint8 = 0x02 // server overrode the client's S
	FQDNFlagN uint8 = 0x04 // server should perform no updates
)

// ParseClientFQDN decodes a CLIENT_FQDN payload (at least the flags).
func ParseClientFQDN(b []byte) (ClientFQDN, error) {
	if len(b) < 1 {
		return ClientFQDN{}, ErrBadLength
	}
	return ClientFQDN{Flags: b[0], Name: b[1:]}, nil
}
