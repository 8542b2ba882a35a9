package lease

import (
	"errors"
	"fmt"
	"net/netip"
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

// UpgradeExtendedInfo6 is Kea 2.6's LeaseMgr::upgradeLease6ExtendedInfo
// for a DHCPv6 lease's user context at the level check ("" is fix):
//
//   - fix: the user context, ISC entry and relay list must be well formed
//     (as for DHCPv4); Kea before 2.3 named the list "relays": it is
//     renamed "relay-info" (dropped when both exist) and the remote-id
//     (option 37) and relay-id (option 53) found in each relay's
//     "options" are added in hexadecimal (the upgrade); each relay's
//     "options" must be a string of hexadecimal digits holding whole
//     DHCPv6 options;
//   - strict: also every relay has a "link" IPv6 address, and remote-id
//     and relay-id (when not just upgraded) are non-empty hexadecimal;
//   - pedantic: also a "peer" IPv6 address and an integer "hop", and no
//     entry but hop, link, peer, options, remote-id, relay-id and comment.
func UpgradeExtendedInfo6(userContext []byte, check string) ExtendedInfoResult {
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
	verifying, relayNo := "", -1
	fail := func(why string) ExtendedInfoResult {
		isc.Remove("relay-info")
		if isc.Len() == 0 {
			root.Remove("ISC")
		}
		where := verifying
		if relayNo >= 0 {
			where += fmt.Sprintf(" [relay#%d]", relayNo)
		}
		res.Problem = "in " + where + " a problem was found: " + why
		res.Upgraded = false
		return done()
	}
	changed := false
	upgraded := false
	relays := isc.Get("relays")
	if relays != nil && isc.Get("relay-info") != nil {
		isc.Remove("relays")
		relays, changed = nil, true
	}
	if relays != nil {
		changed, upgraded = true, true
		verifying = "relays"
		isc.Remove("relays")
		isc.Set("relay-info", relays)
		isc.SortKeys()
		if relays.Kind() != kjson.List {
			return fail("relays is not a list")
		}
		if relays.Len() == 0 {
			return fail("relays is empty")
		}
		verifying = "relay"
		for i, r := range relays.Items() {
			relayNo = i
			if r == nil || r.Kind() != kjson.Map {
				return fail(fmt.Sprintf("relay#%d is not a map", i))
			}
			o := r.Get("options")
			if o == nil {
				continue
			}
			verifying = "options"
			s, ok := o.Str()
			if !ok {
				return fail("options is not a string")
			}
			data, err := decodeFormattedHex(s)
			if err != nil {
				return fail(err.Error())
			}
			opts, ok := options6(data)
			if !ok {
				return fail("options are truncated")
			}
			if v := opts[37]; len(v) > 0 {
				r.Set("remote-id", kjson.NewString(upperHex(v)))
			}
			if v := opts[53]; len(v) > 0 {
				r.Set("relay-id", kjson.NewString(upperHex(v)))
			}
			r.SortKeys()
			verifying = "relay"
		}
		res.Upgraded = true
	}
	verifying, relayNo = "relay-info", -1
	if upgraded {
		verifying = "relays"
	}
	info := isc.Get("relay-info")
	if info == nil {
		if changed {
			return done()
		}
		return res
	}
	if !upgraded && info.Kind() != kjson.List {
		return fail("relay-info is not a list")
	}
	if !upgraded && info.Len() == 0 {
		return fail("relay-info is empty")
	}
	verifying = "relay"
	for i, r := range info.Items() {
		relayNo = i
		if !upgraded && (r == nil || r.Kind() != kjson.Map) {
			return fail(fmt.Sprintf("relay#%d is not a map", i))
		}
		if o := r.Get("options"); !upgraded && o != nil {
			verifying = "options"
			s, ok := o.Str()
			if !ok {
				return fail("options is not a string")
			}
			data, err := decodeFormattedHex(s)
			if err != nil {
				return fail(err.Error())
			}
			if _, ok := options6(data); !ok {
				return fail("options are truncated")
			}
		}
		if level < 2 {
			verifying = "relay"
			continue
		}
		verifying = "link"
		if err := checkAddr6(r, "link"); err != "" {
			return fail(err)
		}
		for _, k := range []string{"remote-id", "relay-id"} {
			v := r.Get(k)
			if upgraded || v == nil {
				continue
			}
			verifying = k
			s, ok := v.Str()
			if !ok {
				return fail(k + " is not a string")
			}
			b, err := decodeHex(s)
			if err != nil {
				return fail(err.Error())
			}
			if len(b) == 0 {
				return fail(k + " is empty")
			}
		}
		if level < 3 {
			verifying = "relay"
			continue
		}
		verifying = "peer"
		if err := checkAddr6(r, "peer"); err != "" {
			return fail(err)
		}
		verifying = "hop"
		if h := r.Get("hop"); h == nil {
			return fail("no hop")
		} else if h.Kind() != kjson.Int {
			return fail("hop is not an integer")
		}
		verifying = "relay-info"
		if upgraded {
			verifying = "relays"
		}
		for _, k := range r.Keys() {
			switch k {
			case "hop", "link", "peer", "options", "remote-id", "relay-id", "comment":
			default:
				return fail("spurious '" + k + "' entry")
			}
		}
		verifying = "relay"
	}
	if changed {
		return done()
	}
	return res
}

// checkAddr6 checks that relay entry k is a string holding an IPv6
// address; it returns Kea's reason when not.
func checkAddr6(r *kjson.Element, k string) string {
	v := r.Get(k)
	if v == nil {
		return "no " + k
	}
	s, ok := v.Str()
	if !ok {
		return k + " is not a string"
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "Failed to convert string to address '" + s + "': Invalid argument"
	}
	if !a.Is6() || a.Is4In6() {
		return k + " is not an IPv6 address"
	}
	return ""
}

// options6 splits DHCPv6 options (code, length, data) by code, the first
// instance of each; false when the last one is truncated.
func options6(b []byte) (map[uint16][]byte, bool) {
	m := map[uint16][]byte{}
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, false
		}
		code, n := uint16(b[0])<<8|uint16(b[1]), int(b[2])<<8|int(b[3])
		if len(b) < 4+n {
			return nil, false
		}
		if _, ok := m[code]; !ok {
			m[code] = b[4 : 4+n]
		}
		b = b[4+n:]
	}
	return m, true
}
