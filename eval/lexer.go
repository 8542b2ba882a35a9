package eval

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// position and location mirror bison's: lines and columns from 1, columns
// counted in bytes, a location's end one past its last column.
type position struct{ line, column int }

type location struct{ begin, end position }

func (p *position) columns(n int) {
	p.column += n
	if p.column < 1 {
		p.column = 1
	}
}

func (p *position) lines(n int) {
	p.line += n
	p.column = 1
}

func (l *location) step() { l.begin = l.end }

// String formats the location as bison does, with Kea's "<string>" file.
func (l location) String() string {
	endCol := 0
	if l.end.column > 0 {
		endCol = l.end.column - 1
	}
	s := fmt.Sprintf("<string>:%d.%d", l.begin.line, l.begin.column)
	switch {
	case l.begin.line < l.end.line:
		s += fmt.Sprintf("-%d.%d", l.end.line, endCol)
	case l.begin.column < endCol:
		s += fmt.Sprintf("-%d", endCol)
	}
	return s
}

// token is one lexeme.
type token struct {
	kind int
	text string
	loc  location
}

// lexer is the equivalent of Kea's flex scanner (lexer.ll): longest match
// across all rules, ties to the earlier rule, keywords after the literal
// rules, and every other byte an "Invalid character" error.
type lexer struct {
	src      string
	pos      int
	loc      location
	startTok int // tToplevelBool or tToplevelString, returned first
}

func newLexer(src string, startTok int) *lexer {
	return &lexer{src: src, loc: location{position{1, 1}, position{1, 1}}, startTok: startTok}
}

var keywords = map[string]int{
	"==": tEqual, "option": tOption, "relay4": tRelay4, "relay6": tRelay6,
	"peeraddr": tPeerAddr, "linkaddr": tLinkAddr, "text": tText, "hex": tHex,
	"exists": tExists, "pkt": tPkt, "iface": tIface, "src": tSrc, "dst": tDst,
	"len": tLen, "pkt4": tPkt4, "mac": tChaddr, "hlen": tHlen, "htype": tHtype,
	"ciaddr": tCiaddr, "giaddr": tGiaddr, "yiaddr": tYiaddr, "siaddr": tSiaddr,
	"pkt6": tPkt6, "msgtype": tMsgType, "transid": tTransID, "vendor": tVendor,
	"vendor-class": tVendorClass, "data": tData, "enterprise": tEnterprise,
	"substring": tSubstring, "all": tAll, "concat": tConcat, "ifelse": tIfElse,
	"hexstring": tToHexString, "addrtotext": tAddrToText,
	"int8totext": tInt8ToText, "int16totext": tInt16ToText,
	"int32totext": tInt32ToText, "uint8totext": tUint8ToText,
	"uint16totext": tUint16ToText, "uint32totext": tUint32ToText,
	"not": tNot, "and": tAnd, "or": tOr, "member": tMember, "split": tSplit,
	"known": tKnown, "unknown": tUnknown, "lcase": tLcase, "ucase": tUcase,
	".": tDot, "(": tLParen, ")": tRParen, "[": tLBracket, "]": tRBracket,
	",": tComa, "*": tAny, "+": tPlus,
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }

// Lengths of the longest match of each pattern at s (0: no match).

func matchString(s string) int {
	if s[0] != '\'' {
		return 0
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\'':
			return i + 1
		case '\n':
			return 0
		}
	}
	return 0
}

func matchHexString(s string) int {
	if len(s) < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !isHex(s[2]) {
		return 0
	}
	i := 3
	for i < len(s) && isHex(s[i]) {
		i++
	}
	return i
}

func matchInt(s string) int {
	i := 0
	if s[0] == '-' {
		i++
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j == i {
		return 0
	}
	return j
}

// matchOptionName returns the length of the name with its trailing blanks
// (what flex puts in yytext) and the length counting the trailing "]"
// context (what decides the longest match).
func matchOptionName(s string) (text, total int) {
	if !isLetter(s[0]) {
		return 0, 0
	}
	// The name is [A-Za-z]([-_A-Za-z0-9]*[A-Za-z0-9])?: it may not end in
	// '-' or '_'. Try the longest candidate end first.
	j := 1
	for j < len(s) && (isAlnum(s[j]) || s[j] == '-' || s[j] == '_') {
		j++
	}
	for end := j; end >= 1; end-- {
		if !isAlnum(s[end-1]) {
			continue
		}
		k := end
		for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n') {
			k++
		}
		if k < len(s) && s[k] == ']' {
			return k, k + 1
		}
	}
	return 0, 0
}

func matchAddr4(s string) int {
	i := 0
	for part := 0; part < 4; part++ {
		if part > 0 {
			if i >= len(s) || s[i] != '.' {
				return 0
			}
			i++
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i {
			return 0
		}
		i = j
	}
	return i
}

func matchAddr6(s string) int {
	i := 0
	for i < len(s) && isHex(s[i]) {
		i++
	}
	if i >= len(s) || s[i] != ':' {
		return 0
	}
	i++
	for i < len(s) && isHex(s[i]) {
		i++
	}
	if i >= len(s) || s[i] != ':' {
		return 0
	}
	i++
	for i < len(s) && (isHex(s[i]) || s[i] == ':' || s[i] == '.') {
		i++
	}
	return i
}

func matchKeyword(s string) (int, int) {
	best, kind := 0, 0
	for kw, k := range keywords {
		if len(kw) > best && strings.HasPrefix(s, kw) {
			best, kind = len(kw), k
		}
	}
	return best, kind
}

// next returns the next token, or an error with Kea's wording and
// location.
func (lx *lexer) next() (token, error) {
	lx.loc.step()
	if lx.startTok >= 0 {
		t := token{kind: lx.startTok, loc: lx.loc}
		lx.startTok = -1
		return t, nil
	}
	for {
		if lx.pos >= len(lx.src) {
			return token{kind: tEnd, loc: lx.loc}, nil
		}
		s := lx.src[lx.pos:]
		c := s[0]
		if c == ' ' || c == '\t' {
			n := 1
			for n < len(s) && (s[n] == ' ' || s[n] == '\t') {
				n++
			}
			lx.pos += n
			lx.loc.end.columns(n)
			lx.loc.step()
			continue
		}
		if c == '\n' {
			n := 1
			for n < len(s) && s[n] == '\n' {
				n++
			}
			lx.pos += n
			lx.loc.end.columns(n)
			lx.loc.end.lines(n)
			lx.loc.step()
			continue
		}
		break
	}
	s := lx.src[lx.pos:]
	// Candidates in flex rule order; a later rule wins only when longer.
	const (
		rString = iota + 1
		rHex
		rInt
		rName
		rAddr
		rKeyword
	)
	bestLen, bestRule, kw := 0, 0, 0
	try := func(n, r int) {
		if n > bestLen {
			bestLen, bestRule = n, r
		}
	}
	try(matchString(s), rString)
	try(matchHexString(s), rHex)
	try(matchInt(s), rInt)
	nameText, nameTotal := matchOptionName(s)
	try(nameTotal, rName)
	a4, a6 := matchAddr4(s), matchAddr6(s)
	try(max(a4, a6), rAddr)
	if n, k := matchKeyword(s); n > bestLen {
		bestLen, bestRule, kw = n, rKeyword, k
	}
	if bestRule == 0 {
		// Flex's "." rule: one byte.
		lx.pos++
		lx.loc.end.columns(1)
		return token{}, &ParseError{Loc: lx.loc.String(), Msg: "Invalid character: " + s[:1]}
	}
	if bestRule == rName {
		bestLen = nameText
	}
	text := s[:bestLen]
	lx.pos += bestLen
	lx.loc.end.columns(bestLen)
	switch bestRule {
	case rString:
		return token{kind: tString, text: text[1 : len(text)-1], loc: lx.loc}, nil
	case rHex:
		return token{kind: tHexString, text: text, loc: lx.loc}, nil
	case rInt:
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			return token{}, &ParseError{Loc: lx.loc.String(), Msg: "Failed to convert " + text + " to an integer."}
		}
		return token{kind: tInteger, text: text, loc: lx.loc}, nil
	case rName:
		// Trailing blanks are dropped; a trailing newline moves the
		// location as Kea's scanner does.
		for len(text) > 1 {
			last := text[len(text)-1]
			if last != ' ' && last != '\t' && last != '\n' {
				break
			}
			if last == '\n' {
				lx.loc.end.lines(1)
				lx.loc.step()
			}
			text = text[:len(text)-1]
		}
		return token{kind: tOptionName, text: text, loc: lx.loc}, nil
	case rAddr:
		if _, err := netip.ParseAddr(text); err != nil {
			return token{}, &ParseError{Loc: lx.loc.String(), Msg: "Failed to convert " + text + " to an IP address."}
		}
		return token{kind: tIPAddress, text: text, loc: lx.loc}, nil
	}
	return token{kind: kw, text: text, loc: lx.loc}, nil
}
