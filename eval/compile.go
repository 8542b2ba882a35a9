package eval

import (
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nestordhcp/nestor/option"
)

// Options tune compilation.
type Options struct {
	// Defs are the option definitions option[name] is resolved with and
	// option payloads are read with (.text, sub-options): the standard
	// set of the universe plus the configuration's option-def entries.
	// nil means the standard set.
	Defs *option.DefSet
	// ClassDefined reports whether member('name') may name the class:
	// Kea accepts classes defined before the one being parsed and the
	// built-in ones (see BuiltinClass). nil accepts only BuiltinClass
	// names.
	ClassDefined func(name string) bool
}

// BuiltinClass reports whether Kea treats the class name as built in, so
// that member() may name it without a definition: ALL, KNOWN, UNKNOWN,
// BOOTP, DROP, SKIP_DDNS and the prefixes VENDOR_CLASS_, HA_, AFTER_,
// EXTERNAL_ and SPAWN_ (the ARM's list). Kea 2.2 itself refuses DROP,
// SKIP_DDNS and SPAWN_ names that are not defined.
func BuiltinClass(name string) bool {
	switch name {
	case "ALL", "KNOWN", "UNKNOWN", "BOOTP", "DROP", "SKIP_DDNS":
		return true
	}
	for _, p := range []string{"VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_", "SPAWN_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Compile parses and compiles an expression of the universe (option.V4 or
// option.V6): a boolean one ("test") for Bool, a string one
// ("template-test", hook library expressions) for String. Errors are
// *ParseError, worded as Kea's.
func Compile(u option.Universe, kind Kind, src string, opts *Options) (*Expr, error) {
	c := &compiler{u: u}
	if opts != nil {
		c.defs, c.defined = opts.Defs, opts.ClassDefined
	}
	if c.defs == nil {
		c.defs = option.Standard(u)
	}
	if c.defined == nil {
		c.defined = BuiltinClass
	}
	start := tToplevelBool
	if kind == String {
		start = tToplevelString
	} else {
		kind = Bool
	}
	v, err := parse(src, start, c)
	if err != nil {
		return nil, err
	}
	return &Expr{src: src, universe: u, kind: kind, b: v.b, s: v.s, members: c.members}, nil
}

// Compile4 compiles a DHCPv4 boolean expression with the standard option
// definitions and the built-in classes.
func Compile4(src string) (*Expr, error) { return Compile(option.V4, Bool, src, nil) }

// Compile6 compiles a DHCPv6 boolean expression with the standard option
// definitions and the built-in classes.
func Compile6(src string) (*Expr, error) { return Compile(option.V6, Bool, src, nil) }

type compiler struct {
	u       option.Universe
	defs    *option.DefSet
	defined func(string) bool
	members []string
}

func semErr(l location, msg string) error { return &ParseError{Loc: l.String(), Msg: msg} }

func (c *compiler) addMember(name string) {
	for _, m := range c.members {
		if m == name {
			return
		}
	}
	c.members = append(c.members, name)
}

func (c *compiler) space() string {
	if c.u == option.V6 {
		return option.SpaceDHCP6
	}
	return option.SpaceDHCP4
}

// reduce runs the semantic action of rule ru over its right-hand side,
// as parser.yy's actions do (including their errors).
func (c *compiler) reduce(ru *rule, rhs []value, v *value) error {
	switch ru.action {
	case aPass, aParen:
		i := ru.arg
		if ru.action == aParen {
			i = 1
		}
		v.b, v.s, v.i, v.text = rhs[i].b, rhs[i].s, rhs[i].i, rhs[i].text
	case aNot:
		v.b = &notExpr{rhs[1].b}
	case aAnd:
		v.b = &andExpr{rhs[0].b, rhs[2].b}
	case aOr:
		v.b = &orExpr{rhs[0].b, rhs[2].b}
	case aEqual:
		v.b = newEqual(rhs[0].s, rhs[2].s)
	case aOptionExists:
		v.b = &existsExpr{c.optionExpr(uint16(rhs[2].i), reprExists)}
	case aSubOptionExists:
		v.b = &existsExpr{c.subOptionExpr(uint16(rhs[2].i), uint16(rhs[7].i), reprExists)}
	case aRelay4Exists, aRelay4:
		if c.u != option.V4 {
			return semErr(rhs[0].loc, "relay4 can only be used in DHCPv4.")
		}
		repr := reprExists
		if ru.action == aRelay4 {
			repr = int(rhs[5].i)
		}
		x := c.subOptionExpr(uint16(dhcp4RAI), uint16(rhs[2].i), repr)
		if ru.action == aRelay4 {
			v.s = x
		} else {
			v.b = &existsExpr{x}
		}
	case aRelay6OptionExists, aRelay6Option:
		if c.u != option.V6 {
			return semErr(rhs[0].loc, "relay6 can only be used in DHCPv6.")
		}
		repr := reprExists
		if ru.action == aRelay6Option {
			repr = int(rhs[10].i)
		}
		x := c.relay6Option(int(rhs[2].i), uint16(rhs[7].i), repr)
		if ru.action == aRelay6Option {
			v.s = x
		} else {
			v.b = &existsExpr{x}
		}
	case aVendorClassExists:
		v.b = &existsExpr{c.vendorClass(uint32(rhs[2].i), vcExists, 0)}
	case aVendorExists:
		v.b = &existsExpr{c.vendor(uint32(rhs[2].i), vExists, 0, reprExists)}
	case aVendorSubExists:
		v.b = &existsExpr{c.vendor(uint32(rhs[2].i), vSub, uint16(rhs[7].i), reprExists)}
	case aMember:
		name := rhs[2].text
		if !c.defined(name) {
			return semErr(rhs[2].loc, "Not defined client class '"+name+"'")
		}
		c.addMember(name)
		v.b = &memberExpr{class: name}
	case aKnown, aUnknown:
		c.addMember("KNOWN")
		v.b = &memberExpr{class: "KNOWN", negate: ru.action == aUnknown}
	case aString:
		v.s = strLit(rhs[0].text)
	case aHexString:
		v.s = strLit(hexLiteral(rhs[0].text))
	case aIPAddress:
		a, err := netip.ParseAddr(rhs[0].text)
		if err != nil {
			return semErr(rhs[0].loc, "Failed to convert "+rhs[0].text+" to an IP address.")
		}
		v.s = strLit(a.AsSlice())
	case aOption:
		v.s = c.optionExpr(uint16(rhs[2].i), int(rhs[5].i))
	case aSubOption:
		v.s = c.subOptionExpr(uint16(rhs[2].i), uint16(rhs[7].i), int(rhs[10].i))
	case aPkt:
		v.s = &pktExpr{field: int(rhs[2].i)}
	case aPkt4:
		if c.u != option.V4 {
			return semErr(rhs[0].loc, "pkt4 can only be used in DHCPv4.")
		}
		v.s = &pkt4Expr{field: int(rhs[2].i)}
	case aPkt6:
		if c.u != option.V6 {
			return semErr(rhs[0].loc, "pkt6 can only be used in DHCPv6.")
		}
		v.s = &pkt6Expr{field: int(rhs[2].i)}
	case aRelay6Field:
		if c.u != option.V6 {
			return semErr(rhs[0].loc, "relay6 can only be used in DHCPv6.")
		}
		v.s = &relay6FieldExpr{level: int(rhs[2].i), field: int(rhs[5].i)}
	case aSubstring:
		v.s = newSubstring(rhs[2].s, rhs[4].text, rhs[6].text)
	case aSplit:
		v.s = newSplit(rhs[2].s, rhs[4].s, rhs[6].text)
	case aConcat:
		v.s = &concatExpr{rhs[2].s, rhs[4].s}
	case aPlus:
		v.s = &concatExpr{rhs[0].s, rhs[2].s}
	case aIfElse:
		v.s = &ifElseExpr{rhs[2].b, rhs[4].s, rhs[6].s}
	case aToHexString:
		v.s = &hexStringExpr{rhs[2].s, rhs[4].s}
	case aToText:
		v.s = &toTextExpr{x: rhs[2].s, conv: ru.arg}
	case aLcase:
		v.s = &caseExpr{x: rhs[2].s}
	case aUcase:
		v.s = &caseExpr{x: rhs[2].s, upper: true}
	case aVendorEnterprise:
		v.s = c.vendor(0, vEnterprise, 0, reprHex)
	case aVendorClassEnterprise:
		v.s = c.vendorClass(0, vcEnterprise, 0)
	case aVendorSub:
		v.s = c.vendor(uint32(rhs[2].i), vSub, uint16(rhs[7].i), int(rhs[10].i))
	case aVendorClassData:
		v.s = c.vendorClass(uint32(rhs[2].i), vcData, 0)
	case aVendorClassDataIndex:
		idx, err := convertRange(rhs[7].text, 0, 255)
		if err != nil {
			return semErr(rhs[7].loc, err.Error())
		}
		v.s = c.vendorClass(uint32(rhs[2].i), vcData, int(idx))
	case aInteger:
		n, err := convertRange(rhs[0].text, 0, 4294967295)
		if err != nil {
			return semErr(rhs[0].loc, err.Error())
		}
		b := []byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
		v.s = strLit(b)
	case aOptionCode, aSubOptionCode:
		n, err := c.convertOptionCode(rhs[0].text)
		if err != nil {
			return semErr(rhs[0].loc, err.Error())
		}
		v.i = n
	case aOptionName:
		name := rhs[0].text
		d := c.defs.LookupName(c.space(), name)
		if d == nil {
			d = lastResortDef(c.u, name)
		}
		if d == nil {
			return semErr(rhs[0].loc, "option '"+name+"' is not defined")
		}
		v.i = int64(d.Code)
	case aReprText:
		v.i = reprText
	case aReprHex:
		v.i = reprHex
	case aNestLevel:
		n, err := convertRange(rhs[0].text, -128, 127)
		if err != nil {
			return semErr(rhs[0].loc, err.Error())
		}
		if c.u != option.V6 {
			return semErr(rhs[0].loc, "Nest level invalid for DHCPv4 packets")
		}
		if n < -32 || n >= 32 {
			return semErr(rhs[0].loc, "Nest level has invalid value in "+rhs[0].text+". Allowed range: -32..31")
		}
		v.i = n
	case aEnterpriseID:
		n, err := convertRange(rhs[0].text, 0, 4294967295)
		if err != nil {
			return semErr(rhs[0].loc, err.Error())
		}
		v.i = n
	case aEnterpriseAny:
		v.i = 0
	case aField:
		v.i = int64(ru.arg)
	case aIntString:
		v.text = rhs[0].text
	case aAllString:
		v.text = "all"
	}
	return nil
}

type rangeError string

func (e rangeError) Error() string { return string(e) }

// convertRange is Kea's EvalContext::convert* family: the integer as
// int64 and a range check.
func convertRange(text string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		if lo < 0 {
			return 0, rangeError("Invalid integer value in " + text)
		}
		return 0, rangeError("Invalid value in " + text)
	}
	if n < lo || n > hi {
		return 0, rangeError("Invalid value in " + text + ". Allowed range: " +
			strconv.FormatInt(lo, 10) + ".." + strconv.FormatInt(hi, 10))
	}
	return n, nil
}

func (c *compiler) convertOptionCode(text string) (int64, error) {
	n, err := strconv.ParseInt(text, 10, 32)
	if err != nil {
		return 0, rangeError("Option code has invalid value in " + text)
	}
	hi := int64(255)
	if c.u == option.V6 {
		hi = 65535
	}
	if n < 0 || n > hi {
		return 0, rangeError("Option code has invalid value in " + text +
			". Allowed range: 0.." + strconv.FormatInt(hi, 10))
	}
	return n, nil
}

// hexLiteral decodes a 0x... literal; an odd number of digits gets a
// leading zero.
func hexLiteral(text string) []byte {
	digits := text[2:]
	if len(digits)%2 != 0 {
		digits = "0" + digits
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		return nil
	}
	return b
}

// lastResortDef is Kea's last-resort definition: option 43 as
// vendor-encapsulated-options in DHCPv4.
func lastResortDef(u option.Universe, name string) *option.Definition {
	if u == option.V4 && name == "vendor-encapsulated-options" {
		return option.StandardV4().Lookup(option.SpaceDHCP4, 43)
	}
	return nil
}
