package eval

import (
	"strings"
)

// ParseError is an error in an expression, worded as Kea words it. Error
// returns "<string>:line.col: message", the text Kea puts after "error: "
// in its configuration error; the configuration loader adds the rest.
type ParseError struct {
	// Loc is the bison location, e.g. "<string>:1.8" or "<string>:1.8-10".
	Loc string
	Msg string
}

func (e *ParseError) Error() string { return e.Loc + ": " + e.Msg }

// value is one entry of the parser's value stack.
type value struct {
	tok  token // for terminals
	loc  location
	b    boolExpr
	s    strExpr
	i    int64 // codes, levels, field and representation numbers
	text string
}

// parse runs the LALR automaton over src, the compiler's actions building
// the evaluator as rules are reduced. It returns the value of the start
// symbol.
func parse(src string, startTok int, c *compiler) (value, error) {
	tb := getTables()
	lx := newLexer(src, startTok)
	states := []int{0}
	vals := []value{{}}
	var la token
	haveLA := false
	for {
		st := &tb.states[states[len(states)-1]]
		var act int32
		if st.consist {
			act = int32(-(st.defRed + 1))
		} else {
			if !haveLA {
				t, err := lx.next()
				if err != nil {
					return value{}, err
				}
				la, haveLA = t, true
			}
			act = st.action[la.kind]
			if act == 0 {
				if st.defRed < 0 {
					return value{}, syntaxError(la, st)
				}
				act = int32(-(st.defRed + 1))
			}
		}
		if act > 0 {
			states = append(states, int(act-1))
			vals = append(vals, value{tok: la, loc: la.loc, text: la.text})
			haveLA = false
			continue
		}
		rn := int(-act - 1)
		ru := &rules[rn]
		n := len(ru.rhs)
		rhs := vals[len(vals)-n:]
		v := value{}
		if n > 0 {
			v.loc = location{rhs[0].loc.begin, rhs[n-1].loc.end}
		} else {
			v.loc = location{vals[len(vals)-1].loc.end, vals[len(vals)-1].loc.end}
		}
		if ru.action == aAccept {
			return rhs[0], nil
		}
		if err := c.reduce(ru, rhs, &v); err != nil {
			return value{}, err
		}
		states = states[:len(states)-n]
		vals = vals[:len(vals)-n]
		to, ok := tb.states[states[len(states)-1]].goTo[ru.lhs]
		if !ok {
			return value{}, &ParseError{Loc: v.loc.String(), Msg: "internal parser error"}
		}
		states = append(states, to)
		vals = append(vals, v)
	}
}

func syntaxError(la token, st *lrState) error {
	var b strings.Builder
	b.WriteString("syntax error, unexpected ")
	b.WriteString(termNames[la.kind])
	for i, t := range st.expected() {
		if i == 0 {
			b.WriteString(", expecting ")
		} else {
			b.WriteString(" or ")
		}
		b.WriteString(termNames[t])
	}
	return &ParseError{Loc: la.loc.String(), Msg: b.String()}
}
