package lease

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nestordhcp/nestor/config/kjson"
)

// Extended info sanity checks (sanity-checks.extended-info-checks), as Kea
// 2.6's LeaseMgr::upgradeLease4ExtendedInfo applies them to the leases the
// memfile back end loads.
const (
	ExtendedInfoNone     = "none"
	ExtendedInfoFix      = "fix"
	ExtendedInfoStrict   = "strict"
	ExtendedInfoPedantic = "pedantic"
)

// ExtendedInfoResult is what UpgradeExtendedInfo4 did to a user context.
type ExtendedInfoResult struct {
	// Changed: Context replaces the lease's user context (nil: none).
	Changed bool
	Context []byte
	// Upgraded: the Kea 2.2 string form was turned into the map form
	// (DHCPSRV_LEASE4_EXTENDED_INFO_UPGRADED).
	Upgraded bool
	// Problem is the reason given with
	// DHCPSRV_LEASE4_EXTENDED_INFO_SANITY_FAIL ("in isc a problem was
	// found: ISC entry is not a map"); the faulty entry was removed.
	Problem string
}

// UpgradeExtendedInfo4 checks the "ISC" entry of a DHCPv4 lease's user
// context at the level check ("" is fix, the default):
//
//   - none: nothing is checked or changed;
//   - fix: a user context or ISC entry that is not a map, or a
//     relay-agent-info that is neither a map nor a string, is removed; an
//     empty user context or ISC entry is removed; relay-agent-info in Kea
//     2.2's string form becomes {"sub-options": ...} with the remote-id and
//     relay-id sub-options decoded (the upgrade; a string that does not
//     decode is removed);
//   - strict: also sub-options, remote-id and relay-id must be strings of
//     hexadecimal digits, the ids not empty;
//   - pedantic: also no entry other than these and "comment" in
//     relay-agent-info.
//
// The text of a changed context is Kea's (Element::str(), keys sorted).
func UpgradeExtendedInfo4(userContext []byte, check string) ExtendedInfoResult {
	var res ExtendedInfoResult
	if check == ExtendedInfoNone || len(strings.TrimSpace(string(userContext))) == 0 {
		return res
	}
	level := checkLevel(check)
	root, _, err := kjson.ParseBytes("user-context", userContext, kjson.Options{DisableIncludes: true})
	if err != nil || root.Kind() != kjson.Map {
		return ExtendedInfoResult{Changed: true, Problem: "in user context a problem was found: user context is not a map"}
	}
	done := func() ExtendedInfoResult {
		res.Changed = true
		if root.Len() > 0 {
			root.SortKeys()
			res.Context = []byte(root.String())
		}
		return res
	}
	if root.Len() == 0 {
		return done()
	}
	isc := root.Get("ISC")
	if isc == nil {
		return res
	}
	if isc.Kind() != kjson.Map {
		root.Remove("ISC")
		res.Problem = "in isc a problem was found: ISC entry is not a map"
		return done()
	}
	if isc.Len() == 0 {
		root.Remove("ISC")
		return done()
	}
	rai := isc.Get("relay-agent-info")
	if rai == nil {
		return res
	}
	fail := func(where, why string) ExtendedInfoResult {
		isc.Remove("relay-agent-info")
		if isc.Len() == 0 {
			root.Remove("ISC")
		}
		res.Problem = "in " + where + " a problem was found: " + why
		return done()
	}
	switch rai.Kind() {
	case kjson.String:
		s, _ := rai.Str()
		data, err := decodeFormattedHex(s)
		if err != nil {
			return fail("rai", err.Error())
		}
		if !validSubOptions(data) {
			return fail("rai", "sub-options of the relay agent information are truncated")
		}
		up := kjson.NewMap()
		up.Set("sub-options", rai)
		if v := subOptionData(data, 2); len(v) > 0 {
			up.Set("remote-id", kjson.NewString(upperHex(v)))
		}
		if v := subOptionData(data, 12); len(v) > 0 {
			up.Set("relay-id", kjson.NewString(upperHex(v)))
		}
		up.SortKeys()
		isc.Set("relay-agent-info", up)
		isc.SortKeys()
		res.Upgraded = true
		return done()
	case kjson.Map:
	default:
		return fail("relay-agent-info", "relay-agent-info is not a map or a string")
	}
	if level < 2 {
		return res
	}
	if v := rai.Get("sub-options"); v != nil {
		s, ok := v.Str()
		if !ok {
			return fail("sub-options", "sub-options is not a string")
		}
		if _, err := decodeFormattedHex(s); err != nil {
			return fail("sub-options", err.Error())
		}
	}
	for _, k := range []string{"remote-id", "relay-id"} {
		v := rai.Get(k)
		if v == nil {
			continue
		}
		s, ok := v.Str()
		if !ok {
			return fail(k, k+" is not a string")
		}
		b, err := decodeHex(s)
		if err != nil {
			return fail(k, err.Error())
		}
		if len(b) == 0 {
			return fail(k, k+" is empty")
		}
	}
	if level < 3 {
		return res
	}
	for _, k := range rai.Keys() {
		switch k {
		case "sub-options", "remote-id", "relay-id", "comment":
		default:
			return fail("relay-agent-info", "spurious '"+k+"' entry in relay-agent-info")
		}
	}
	return res
}

func checkLevel(check string) int {
	switch check {
	case ExtendedInfoNone:
		return 0
	case ExtendedInfoStrict:
		return 2
	case ExtendedInfoPedantic:
		return 3
	}
	return 1
}

// decodeFormattedHex is Kea's str::decodeFormattedHexString: "0x" and
// hexadecimal digits (an odd count gets a leading zero), or digit pairs
// separated by colons or spaces.
func decodeFormattedHex(s string) ([]byte, error) {
	bad := fmt.Errorf("'%s' is not a valid string of hexadecimal digits", s)
	if strings.HasPrefix(s, "0x") {
		h := s[2:]
		if h == "" {
			return nil, bad
		}
		if len(h)%2 != 0 {
			h = "0" + h
		}
		b, err := decodeHex(h)
		if err != nil {
			return nil, bad
		}
		return b, nil
	}
	sep := ""
	switch {
	case strings.Contains(s, ":"):
		sep = ":"
	case strings.Contains(s, " "):
		sep = " "
	}
	if sep == "" {
		if len(s)%2 != 0 {
			return nil, bad
		}
		b, err := decodeHex(s)
		if err != nil {
			return nil, bad
		}
		return b, nil
	}
	var out []byte
	for _, p := range strings.Split(s, sep) {
		if len(p) == 1 {
			p = "0" + p
		}
		b, err := decodeHex(p)
		if err != nil || len(b) != 1 {
			return nil, bad
		}
		out = append(out, b...)
	}
	return out, nil
}

var errBase16 = errors.New("attempt to decode a value not in base16 char set")

// decodeHex is Kea's encode::decodeHex: hexadecimal digits, no separator.
func decodeHex(s string) ([]byte, error) {
	if len(s)%2 != 0 {
		return nil, errors.New("Incomplete input for base16: " + s)
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		hi, ok1 := unhex(s[2*i])
		lo, ok2 := unhex(s[2*i+1])
		if !ok1 || !ok2 {
			return nil, errBase16
		}
		out[i] = hi<<4 | lo
	}
	return out, nil
}

func upperHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// validSubOptions: b is a list of whole sub-options (code, length, data).
func validSubOptions(b []byte) bool {
	for len(b) > 0 {
		if len(b) < 2 || len(b) < 2+int(b[1]) {
			return false
		}
		b = b[2+int(b[1]):]
	}
	return true
}

func subOptionData(b []byte, code byte) []byte {
	for len(b) >= 2 && len(b) >= 2+int(b[1]) {
		if b[0] == code {
			return b[2 : 2+int(b[1])]
		}
		b = b[2+int(b[1]):]
	}
	return nil
}
