package dhcp6

import (
	"encoding/binary"
	"encoding/hex"
	"time"
)

// DUID limits as Kea enforces them (duid.h: MIN_DUID_LEN, MAX_DUID_LEN),
// counting the 2-octet type.
const (
	MinDUIDLen = 1
	MaxDUIDLen = 128
)

// DUIDType is the 2-octet type field of a DUID (RFC 8415 11, RFC 6355).
type DUIDType uint16

// DUID types.
const (
	DUIDLLT  DUIDType = 1
	DUIDEN   DUIDType = 2
	DUIDLL   DUIDType = 3
	DUIDUUID DUIDType = 4
)

func (t DUIDType) String() string {
	switch t {
	case DUIDLLT:
		return "DUID-LLT"
	case DUIDEN:
		return "DUID-EN"
	case DUIDLL:
		return "DUID-LL"
	case DUIDUUID:
		return "DUID-UUID"
	}
	return "DUID-unknown"
}

// DUIDEpoch is the DUID-LLT time origin, 2000-01-01 00:00 UTC.
var DUIDEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// DUID is a DHCP unique identifier as carried in CLIENTID and SERVERID,
// type included. It references the decoded buffer.
type DUID []byte

// Validate checks the length against Kea's limits and, for the known
// types, against the type's fixed fields.
func (d DUID) Validate() error {
	if len(d) < MinDUIDLen || len(d) > MaxDUIDLen {
		return ErrBadDUID
	}
	_, err := d.Parse()
	return err
}

// Type returns the DUID type, or 0 when shorter than 2 octets.
func (d DUID) Type() DUIDType {
	if len(d) < 2 {
		return 0
	}
	return DUIDType(binary.BigEndian.Uint16(d))
}

// String formats the DUID as Kea does: colon-separated hex octets.
func (d DUID) String() string {
	if len(d) == 0 {
		return ""
	}
	b := make([]byte, 0, 3*len(d))
	for i, c := range d {
		if i > 0 {
			b = append(b, ':')
		}
		b = hex.AppendEncode(b, []byte{c})
	}
	return string(b)
}

// DUIDInfo holds the fields of a parsed DUID. Which fields are set depends
// on Type: HWType and LinkAddr for LLT and LL, Time for LLT (seconds since
// DUIDEpoch), Enterprise and Identifier for EN, UUID for UUID. Unknown types
// leave all but Type empty and Identifier holding the bytes after the type.
type DUIDInfo struct {
	Type       DUIDType
	HWType     uint16
	Time       uint32
	LinkAddr   []byte
	Enterprise uint32
	Identifier []byte
	UUID       [16]byte
}

// Parse decodes the DUID's fields. DUID-LLT needs 8 octets, DUID-EN 6,
// DUID-LL 4 and DUID-UUID exactly 18; shorter ones fail with KindBadDUID.
func (d DUID) Parse() (DUIDInfo, error) {
	if len(d) < 2 {
		return DUIDInfo{}, ErrBadDUID
	}
	info := DUIDInfo{Type: d.Type()}
	switch info.Type {
	case DUIDLLT:
		if len(d) < 8 {
			return DUIDInfo{}, ErrBadDUID
		}
		info.HWType = binary.BigEndian.Uint16(d[2:])
		info.Time = binary.BigEndian.Uint32(d[4:])
		info.LinkAddr = d[8:]
	case DUIDEN:
		if len(d) < 6 {
			return DUIDInfo{}, ErrBadDUID
		}
		info.Enterprise = binary.BigEndian.Uint32(d[2:])
		info.Identifier = d[6:]
	case DUIDLL:
		if len(d) < 4 {
			return DUIDInfo{}, ErrBadDUID
		}
		info.HWType = binary.BigEndian.Uint16(d[2:])
		info.LinkAddr = d[4:]
	case DUIDUUID:
		if len(d) != 18 {
			return DUIDInfo{}, ErrBadDUID
		}
		info.UUID = [16]byte(d[2:18])
	default:
		info.Identifier = d[2:]
	}
	return info, nil
}

// AppendDUIDLLT appends a DUID-LLT for the hardware type, time and
// link-layer address to dst.
func AppendDUIDLLT(dst []byte, hwType uint16, t time.Time, linkAddr []byte) []byte {
	secs := uint32(t.Sub(DUIDEpoch) / time.Second)
	dst = binary.BigEndian.AppendUint16(dst, uint16(DUIDLLT))
	dst = binary.BigEndian.AppendUint16(dst, hwType)
	dst = binary.BigEndian.AppendUint32(dst, secs)
	return append(dst, linkAddr...)
}

// AppendDUIDLL appends a DUID-LL to dst.
func AppendDUIDLL(dst []byte, hwType uint16, linkAddr []byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(DUIDLL))
	dst = binary.BigEndian.AppendUint16(dst, hwType)
	return append(dst, linkAddr...)
}

// AppendDUIDEN appends a DUID-EN to dst.
func AppendDUIDEN(dst []byte, enterprise uint32, id []byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(DUIDEN))
	dst = binary.BigEndian.AppendUint32(dst, enterprise)
	return append(dst, id...)
}

// AppendDUIDUUID appends a DUID-UUID to dst.
func AppendDUIDUUID(dst []byte, uuid [16]byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(DUIDUUID))
	return append(dst, uuid[:]...)
}
