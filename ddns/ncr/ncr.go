// Package ncr is the NameChangeRequest (NCR) a DHCP server sends to
// kea-dhcp-ddns (D2): the model, its JSON wire format as Kea sends it over
// UDP (ncr-protocol "UDP", ncr-format "JSON"), the DHCID of RFC 4701 and a
// sender with Kea's queue semantics.
package ncr

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// ChangeType is Kea's NameChangeType.
type ChangeType int

// The change types, with Kea's numeric values on the wire.
const (
	Add    ChangeType = 0 // CHG_ADD
	Remove ChangeType = 1 // CHG_REMOVE
)

func (c ChangeType) String() string {
	if c == Remove {
		return "CHG_REMOVE"
	}
	return "CHG_ADD"
}

// Request is one NameChangeRequest.
type Request struct {
	Type    ChangeType
	Forward bool
	Reverse bool
	// FQDN is the fully qualified name, lower-case, with a trailing dot.
	FQDN string
	// IPAddress is the lease's address in text form.
	IPAddress string
	// DHCID is the RFC 4701 DHCID RDATA (see DHCID4HW, DHCID4ClientID,
	// DHCID6).
	DHCID []byte
	// LeaseExpiresOn is cltt + valid lifetime, seconds since the epoch.
	LeaseExpiresOn int64
	// LeaseLength is the lease's valid lifetime in seconds.
	LeaseLength uint32
	// UseConflictResolution is ddns-use-conflict-resolution (Kea 2.2).
	UseConflictResolution bool
	// Mode is the conflict-resolution-mode a later Kea sends instead of
	// use-conflict-resolution ("" when the request carried none); see
	// ConflictMode.
	Mode string
}

// The conflict-resolution modes (Kea 2.4+ ddns-conflict-resolution-mode).
const (
	CheckWithDHCID       = "check-with-dhcid"
	NoCheckWithDHCID     = "no-check-with-dhcid"
	CheckExistsWithDHCID = "check-exists-with-dhcid"
	NoCheckWithoutDHCID  = "no-check-without-dhcid"
)

// ConflictMode is the request's conflict-resolution mode: Mode when set,
// else check-with-dhcid or no-check-with-dhcid from use-conflict-resolution.
func (r *Request) ConflictMode() string {
	if r.Mode != "" {
		return r.Mode
	}
	if r.UseConflictResolution {
		return CheckWithDHCID
	}
	return NoCheckWithDHCID
}

// wire is the JSON object Kea 2.2's NameChangeRequest::toJSON writes, in
// its key order.
type wire struct {
	ChangeType            int    `json:"change-type"`
	ForwardChange         bool   `json:"forward-change"`
	ReverseChange         bool   `json:"reverse-change"`
	FQDN                  string `json:"fqdn"`
	IPAddress             string `json:"ip-address"`
	DHCID                 string `json:"dhcid"`
	LeaseExpiresOn        string `json:"lease-expires-on"`
	LeaseLength           uint32 `json:"lease-length"`
	UseConflictResolution bool   `json:"use-conflict-resolution"`
}

// expiresLayout is Kea's lease-expires-on format (UTC).
const expiresLayout = "20060102150405"

// JSON is the request's JSON text, as Kea 2.2 writes it (the DHCID in
// upper-case hex, lease-expires-on as YYYYMMDDHHMMSS in UTC).
func (r *Request) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(wire{
		ChangeType:            int(r.Type),
		ForwardChange:         r.Forward,
		ReverseChange:         r.Reverse,
		FQDN:                  r.FQDN,
		IPAddress:             r.IPAddress,
		DHCID:                 strings.ToUpper(hex.EncodeToString(r.DHCID)),
		LeaseExpiresOn:        time.Unix(r.LeaseExpiresOn, 0).UTC().Format(expiresLayout),
		LeaseLength:           r.LeaseLength,
		UseConflictResolution: r.UseConflictResolution,
	})
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if r.Mode != "" {
		// A later Kea's form: conflict-resolution-mode replaces
		// use-conflict-resolution.
		i := bytes.LastIndex(out, []byte(`,"use-conflict-resolution"`))
		out = append(out[:i:i], `,"conflict-resolution-mode":"`+r.Mode+`"}`...)
	}
	return out
}

// Marshal is the request as one UDP datagram: a 2-byte length in network
// order, then the JSON text.
func (r *Request) Marshal() []byte {
	j := r.JSON()
	out := make([]byte, 2, 2+len(j))
	binary.BigEndian.PutUint16(out, uint16(len(j)))
	return append(out, j...)
}

// String is a one-line summary for logs.
func (r *Request) String() string { return string(r.JSON()) }

// Parse reads a datagram written by Marshal (Kea's fromFormat for JSON),
// with the checks of Kea's NameChangeRequest::fromJSON and validateContent.
func Parse(b []byte) (*Request, error) {
	if len(b) < 2 {
		return nil, errors.New("NCR datagram too short")
	}
	n := int(binary.BigEndian.Uint16(b))
	if n != len(b)-2 {
		return nil, fmt.Errorf("NCR length %d does not match the %d bytes received", n, len(b)-2)
	}
	return ParseJSON(b[2:])
}

// ParseJSON reads the JSON text of a request.
func ParseJSON(text []byte) (*Request, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(text, &m); err != nil {
		return nil, fmt.Errorf("Malformed NameChangeRequest JSON: %v", err)
	}
	for _, k := range []string{"change-type", "forward-change", "reverse-change", "fqdn", "ip-address", "dhcid", "lease-expires-on", "lease-length"} {
		if _, ok := m[k]; !ok {
			return nil, fmt.Errorf("NameChangeRequest value for element: %s is missing", k)
		}
	}
	var w struct {
		wire
		Mode *string `json:"conflict-resolution-mode"`
		Use  *bool   `json:"use-conflict-resolution"`
	}
	if err := json.Unmarshal(text, &w); err != nil {
		return nil, fmt.Errorf("Invalid NameChangeRequest element: %v", err)
	}
	if w.ChangeType != int(Add) && w.ChangeType != int(Remove) {
		return nil, fmt.Errorf("Invalid NameChangeRequest change type: %d", w.ChangeType)
	}
	if !w.ForwardChange && !w.ReverseChange {
		return nil, errors.New("Invalid Request, forward and reverse flags are both false")
	}
	if w.FQDN == "" {
		return nil, errors.New("Invalid FQDN value: ")
	}
	if _, err := netip.ParseAddr(w.IPAddress); err != nil {
		return nil, fmt.Errorf("Invalid ip address string for ip_address: %s", w.IPAddress)
	}
	id, err := hex.DecodeString(w.DHCID)
	if err != nil || len(id) == 0 {
		return nil, fmt.Errorf("Invalid DHCID value: %s", w.DHCID)
	}
	t, err := time.ParseInLocation(expiresLayout, w.LeaseExpiresOn, time.UTC)
	if err != nil {
		return nil, fmt.Errorf("Invalid date-time string: '%s'", w.LeaseExpiresOn)
	}
	fqdn := strings.ToLower(w.FQDN)
	if !strings.HasSuffix(fqdn, ".") {
		fqdn += "."
	}
	r := &Request{Type: ChangeType(w.ChangeType), Forward: w.ForwardChange, Reverse: w.ReverseChange,
		FQDN: fqdn, IPAddress: w.IPAddress, DHCID: id, LeaseExpiresOn: t.Unix(),
		LeaseLength: w.LeaseLength, UseConflictResolution: true}
	if w.Use != nil {
		r.UseConflictResolution = *w.Use
	}
	if w.Mode != nil {
		switch *w.Mode {
		case CheckWithDHCID, NoCheckWithDHCID, CheckExistsWithDHCID, NoCheckWithoutDHCID:
			r.Mode = *w.Mode
		default:
			return nil, fmt.Errorf("Invalid NameChangeRequest conflict-resolution-mode: %s", *w.Mode)
		}
	}
	return r, nil
}

// RFC 4701 identifier types.
const (
	idHWAddr   = 0x0000
	idClientID = 0x0001
	idDUID     = 0x0002
	digestSHA  = 1 // SHA-256
)

// NameWire is a name in DNS wire format, lower-cased and fully qualified,
// as Kea's writeFqdn(name, downcase) writes it for the DHCID digest.
func NameWire(name string) []byte {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	var b []byte
	if name != "" {
		for _, l := range strings.Split(name, ".") {
			b = append(b, byte(len(l)))
			b = append(b, l...)
		}
	}
	return append(b, 0)
}

func dhcid(idType uint16, id []byte, fqdn string) []byte {
	h := sha256.New()
	h.Write(id)
	h.Write(NameWire(fqdn))
	out := []byte{byte(idType >> 8), byte(idType), digestSHA}
	return h.Sum(out)
}

// DHCID4HW is the DHCID of a DHCPv4 client without a client identifier:
// identifier type 0, the hardware type octet then the hardware address.
func DHCID4HW(htype byte, hw []byte, fqdn string) []byte {
	return dhcid(idHWAddr, append([]byte{htype}, hw...), fqdn)
}

// DHCID4ClientID is the DHCID of a DHCPv4 client from the client
// identifier option's content (identifier type 1). A client identifier of
// type 255 (RFC 4361: IAID then DUID) gives the DHCID of the embedded DUID
// (identifier type 2), as in Kea; it is an error when no DUID follows the
// IAID.
func DHCID4ClientID(cid []byte, fqdn string) ([]byte, error) {
	if len(cid) > 0 && cid[0] == 0xff {
		if len(cid) <= 5 {
			return nil, fmt.Errorf("unable to compute DHCID from client identifier, embedded DUID length of: %d, is too short", len(cid))
		}
		return dhcid(idDUID, cid[5:], fqdn), nil
	}
	return dhcid(idClientID, cid, fqdn), nil
}

// DHCID6 is the DHCID of a DHCPv6 client from its DUID (identifier type 2).
func DHCID6(duid []byte, fqdn string) []byte { return dhcid(idDUID, duid, fqdn) }

// TTL is the lease-length of an NCR for a lease of valid seconds (Kea's
// calculateDdnsTtl): with ddns-ttl-percent (Kea 2.6; percent > 0) that
// share of the lease, at least 1; otherwise a third of the lease, at
// least 600 seconds (RFC 4702 section 5), Kea 2.2's only rule.
func TTL(valid uint32, percent float64) uint32 {
	if percent > 0 {
		return max(uint32(float64(valid)*percent), 1)
	}
	if valid < 1800 {
		return 600
	}
	return valid / 3
}
