package eval

// Terminal symbols, numbered as bison numbers Kea's tokens: end of file,
// error and the undefined token first, then the tokens in the order
// parser.yy declares them. The numbering decides the order in which a syntax
// error lists the expected tokens. KNOWN, UNKNOWN, LCASE and UCASE (in the
// ARM, absent from Kea 2.2) come last so that they change nothing else.
const (
	tEnd = iota
	tError
	tUndef
	tLParen
	tRParen
	tNot
	tAnd
	tOr
	tEqual
	tOption
	tRelay4
	tRelay6
	tMember
	tPeerAddr
	tLinkAddr
	tLBracket
	tRBracket
	tDot
	tText
	tHex
	tExists
	tPkt
	tIface
	tSrc
	tDst
	tLen
	tPkt4
	tChaddr
	tHlen
	tHtype
	tCiaddr
	tGiaddr
	tYiaddr
	tSiaddr
	tSubstring
	tSplit
	tAll
	tComa
	tConcat
	tPlus
	tIfElse
	tToHexString
	tAddrToText
	tInt8ToText
	tInt16ToText
	tInt32ToText
	tUint8ToText
	tUint16ToText
	tUint32ToText
	tPkt6
	tMsgType
	tTransID
	tVendorClass
	tVendor
	tAny
	tData
	tEnterprise
	tToplevelBool
	tToplevelString
	tString
	tInteger
	tHexString
	tOptionName
	tIPAddress
	tKnown
	tUnknown
	tLcase
	tUcase
	numTerminals
)

// termNames are the token names as bison's verbose errors print them
// (quotes stripped unless the name holds a comma).
var termNames = [numTerminals]string{
	"end of file", "error", "invalid token",
	"(", ")", "not", "and", "or", "==", "option", "relay4", "relay6",
	"member", "peeraddr", "linkaddr", "[", "]", ".", "text", "hex",
	"exists", "pkt", "iface", "src", "dst", "len", "pkt4", "mac", "hlen",
	"htype", "ciaddr", "giaddr", "yiaddr", "siaddr", "substring", "split",
	"all", `","`, "concat", "+", "ifelse", "hexstring", "addrtotext",
	"int8totext", "int16totext", "int32totext", "uint8totext",
	"uint16totext", "uint32totext", "pkt6", "msgtype", "transid",
	"vendor-class", "vendor", "*", "data", "enterprise", "top-level bool",
	"top-level string", "constant string", "integer", "constant hexstring",
	"option name", "ip address", "known", "unknown", "lcase", "ucase",
}

// Nonterminal symbols follow the terminals.
const (
	nAccept = numTerminals + iota
	nStart
	nExpression
	nBoolExpr
	nStringExpr
	nIntegerExpr
	nOptionCode
	nSubOptionCode
	nOptionReprType
	nNestLevel
	nPktMetadata
	nEnterpriseID
	nPkt4Field
	nPkt6Field
	nRelay6Field
	nStartExpr
	nLengthExpr
	nIntExpr
	numSymbols
)

// Semantic actions, one per rule (several rules may share one).
const (
	aNone = iota
	aAccept
	aPass  // $$ = $n (n given by rule.arg)
	aParen // ( x )
	aNot
	aAnd
	aOr
	aEqual
	aOptionExists
	aSubOptionExists
	aRelay4Exists
	aRelay6OptionExists
	aVendorClassExists
	aVendorExists
	aVendorSubExists
	aMember
	aKnown
	aUnknown
	aString
	aHexString
	aIPAddress
	aOption
	aSubOption
	aRelay4
	aRelay6Option
	aPkt
	aPkt4
	aPkt6
	aRelay6Field
	aSubstring
	aSplit
	aConcat
	aPlus
	aIfElse
	aToHexString
	aToText // rule.arg is the conversion
	aLcase
	aUcase
	aVendorEnterprise
	aVendorClassEnterprise
	aVendorSub
	aVendorClassData
	aVendorClassDataIndex
	aInteger
	aOptionCode
	aOptionName
	aSubOptionCode
	aReprText
	aReprHex
	aNestLevel
	aEnterpriseID
	aEnterpriseAny
	aField // $$ = rule.arg
	aIntString
	aAllString
)

// rule is one production. prec is the precedence terminal (the last
// terminal of the right-hand side with a precedence), or -1.
type rule struct {
	lhs    int
	rhs    []int
	action int
	arg    int
}

// Pkt, pkt4, pkt6 and relay6 fields.
const (
	fIface = iota
	fSrc
	fDst
	fLen
	fChaddr
	fHlen
	fHtype
	fCiaddr
	fGiaddr
	fYiaddr
	fSiaddr
	fMsgType
	fTransID
	fPeerAddr
	fLinkAddr
)

// Integer-to-text conversions.
const (
	cAddr = iota
	cInt8
	cInt16
	cInt32
	cUint8
	cUint16
	cUint32
)

func r(lhs, action, arg int, rhs ...int) rule {
	return rule{lhs: lhs, rhs: rhs, action: action, arg: arg}
}

// rules is parser.yy's grammar in its order (the order breaks ties
// between reductions, as in bison).
var rules = []rule{
	r(nAccept, aAccept, 0, nStart, tEnd),
	r(nStart, aPass, 1, tToplevelBool, nExpression),
	r(nStart, aPass, 1, tToplevelString, nStringExpr),
	r(nExpression, aPass, 0, nBoolExpr),

	r(nBoolExpr, aParen, 0, tLParen, nBoolExpr, tRParen),
	r(nBoolExpr, aNot, 0, tNot, nBoolExpr),
	r(nBoolExpr, aAnd, 0, nBoolExpr, tAnd, nBoolExpr),
	r(nBoolExpr, aOr, 0, nBoolExpr, tOr, nBoolExpr),
	r(nBoolExpr, aEqual, 0, nStringExpr, tEqual, nStringExpr),
	r(nBoolExpr, aOptionExists, 0, tOption, tLBracket, nOptionCode, tRBracket, tDot, tExists),
	r(nBoolExpr, aSubOptionExists, 0, tOption, tLBracket, nOptionCode, tRBracket, tDot, tOption, tLBracket, nSubOptionCode, tRBracket, tDot, tExists),
	r(nBoolExpr, aRelay4Exists, 0, tRelay4, tLBracket, nSubOptionCode, tRBracket, tDot, tExists),
	r(nBoolExpr, aRelay6OptionExists, 0, tRelay6, tLBracket, nNestLevel, tRBracket, tDot, tOption, tLBracket, nSubOptionCode, tRBracket, tDot, tExists),
	r(nBoolExpr, aVendorClassExists, 0, tVendorClass, tLBracket, nEnterpriseID, tRBracket, tDot, tExists),
	r(nBoolExpr, aVendorExists, 0, tVendor, tLBracket, nEnterpriseID, tRBracket, tDot, tExists),
	r(nBoolExpr, aVendorSubExists, 0, tVendor, tLBracket, nEnterpriseID, tRBracket, tDot, tOption, tLBracket, nSubOptionCode, tRBracket, tDot, tExists),
	r(nBoolExpr, aMember, 0, tMember, tLParen, tString, tRParen),
	r(nBoolExpr, aKnown, 0, tKnown),
	r(nBoolExpr, aUnknown, 0, tUnknown),

	r(nStringExpr, aString, 0, tString),
	r(nStringExpr, aHexString, 0, tHexString),
	r(nStringExpr, aIPAddress, 0, tIPAddress),
	r(nStringExpr, aOption, 0, tOption, tLBracket, nOptionCode, tRBracket, tDot, nOptionReprType),
	r(nStringExpr, aSubOption, 0, tOption, tLBracket, nOptionCode, tRBracket, tDot, tOption, tLBracket, nSubOptionCode, tRBracket, tDot, nOptionReprType),
	r(nStringExpr, aRelay4, 0, tRelay4, tLBracket, nSubOptionCode, tRBracket, tDot, nOptionReprType),
	r(nStringExpr, aRelay6Option, 0, tRelay6, tLBracket, nNestLevel, tRBracket, tDot, tOption, tLBracket, nSubOptionCode, tRBracket, tDot, nOptionReprType),
	r(nStringExpr, aPkt, 0, tPkt, tDot, nPktMetadata),
	r(nStringExpr, aPkt4, 0, tPkt4, tDot, nPkt4Field),
	r(nStringExpr, aPkt6, 0, tPkt6, tDot, nPkt6Field),
	r(nStringExpr, aRelay6Field, 0, tRelay6, tLBracket, nNestLevel, tRBracket, tDot, nRelay6Field),
	r(nStringExpr, aSubstring, 0, tSubstring, tLParen, nStringExpr, tComa, nStartExpr, tComa, nLengthExpr, tRParen),
	r(nStringExpr, aSplit, 0, tSplit, tLParen, nStringExpr, tComa, nStringExpr, tComa, nIntExpr, tRParen),
	r(nStringExpr, aConcat, 0, tConcat, tLParen, nStringExpr, tComa, nStringExpr, tRParen),
	r(nStringExpr, aPlus, 0, nStringExpr, tPlus, nStringExpr),
	r(nStringExpr, aIfElse, 0, tIfElse, tLParen, nBoolExpr, tComa, nStringExpr, tComa, nStringExpr, tRParen),
	r(nStringExpr, aToHexString, 0, tToHexString, tLParen, nStringExpr, tComa, nStringExpr, tRParen),
	r(nStringExpr, aToText, cAddr, tAddrToText, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aToText, cInt8, tInt8ToText, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aToText, cInt16, tInt16ToText, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aToText, cInt32, tInt32ToText, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aToText, cUint8, tUint8ToText, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aToText, cUint16, tUint16ToText, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aToText, cUint32, tUint32ToText, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aLcase, 0, tLcase, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aUcase, 0, tUcase, tLParen, nStringExpr, tRParen),
	r(nStringExpr, aVendorEnterprise, 0, tVendor, tDot, tEnterprise),
	r(nStringExpr, aVendorClassEnterprise, 0, tVendorClass, tDot, tEnterprise),
	r(nStringExpr, aVendorSub, 0, tVendor, tLBracket, nEnterpriseID, tRBracket, tDot, tOption, tLBracket, nSubOptionCode, tRBracket, tDot, nOptionReprType),
	r(nStringExpr, aVendorClassData, 0, tVendorClass, tLBracket, nEnterpriseID, tRBracket, tDot, tData),
	r(nStringExpr, aVendorClassDataIndex, 0, tVendorClass, tLBracket, nEnterpriseID, tRBracket, tDot, tData, tLBracket, tInteger, tRBracket),
	r(nStringExpr, aPass, 0, nIntegerExpr),
	r(nStringExpr, aParen, 0, tLParen, nStringExpr, tRParen),

	r(nIntegerExpr, aInteger, 0, tInteger),
	r(nOptionCode, aOptionCode, 0, tInteger),
	r(nOptionCode, aOptionName, 0, tOptionName),
	r(nSubOptionCode, aSubOptionCode, 0, tInteger),
	r(nOptionReprType, aReprText, 0, tText),
	r(nOptionReprType, aReprHex, 0, tHex),
	r(nNestLevel, aNestLevel, 0, tInteger),
	r(nPktMetadata, aField, fIface, tIface),
	r(nPktMetadata, aField, fSrc, tSrc),
	r(nPktMetadata, aField, fDst, tDst),
	r(nPktMetadata, aField, fLen, tLen),
	r(nEnterpriseID, aEnterpriseID, 0, tInteger),
	r(nEnterpriseID, aEnterpriseAny, 0, tAny),
	r(nPkt4Field, aField, fChaddr, tChaddr),
	r(nPkt4Field, aField, fHlen, tHlen),
	r(nPkt4Field, aField, fHtype, tHtype),
	r(nPkt4Field, aField, fCiaddr, tCiaddr),
	r(nPkt4Field, aField, fGiaddr, tGiaddr),
	r(nPkt4Field, aField, fYiaddr, tYiaddr),
	r(nPkt4Field, aField, fSiaddr, tSiaddr),
	r(nPkt4Field, aField, fMsgType, tMsgType),
	r(nPkt4Field, aField, fTransID, tTransID),
	r(nPkt6Field, aField, fMsgType, tMsgType),
	r(nPkt6Field, aField, fTransID, tTransID),
	r(nRelay6Field, aField, fPeerAddr, tPeerAddr),
	r(nRelay6Field, aField, fLinkAddr, tLinkAddr),
	r(nStartExpr, aIntString, 0, tInteger),
	r(nLengthExpr, aIntString, 0, tInteger),
	r(nLengthExpr, aAllString, 0, tAll),
	r(nIntExpr, aIntString, 0, tInteger),
}

// Operator precedence and associativity (parser.yy: %left PLUS, %left OR,
// %left AND, %precedence NOT; later declarations bind tighter).
const (
	assocLeft = iota + 1
	assocPrec
)

var termPrec = map[int]struct{ level, assoc int }{
	tPlus: {1, assocLeft},
	tOr:   {2, assocLeft},
	tAnd:  {3, assocLeft},
	tNot:  {4, assocPrec},
}
