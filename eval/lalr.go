package eval

import (
	"sort"
	"sync"
)

// This file builds the LALR(1) tables of the grammar in grammar.go the way
// bison builds Kea's: LR(0) states, lookaheads by propagation, shift/reduce
// conflicts settled by precedence, reduce/reduce by rule order, and in every
// state with a reduction the most frequent one made the default. Building
// takes a few milliseconds and happens once, on first use.

// termSet is a set of terminals (plus the propagation marker).
type termSet [2]uint64

const markLA = 127 // the "#" of the dragon book's propagation algorithm

func (s *termSet) add(t int)      { s[t>>6] |= 1 << (t & 63) }
func (s *termSet) has(t int) bool { return s[t>>6]&(1<<(t&63)) != 0 }
func (s *termSet) union(o termSet) bool {
	n0, n1 := s[0]|o[0], s[1]|o[1]
	ch := n0 != s[0] || n1 != s[1]
	s[0], s[1] = n0, n1
	return ch
}

type item struct{ rule, dot int }

// Actions in the table: shift to state s is s+1, reduce by rule r is -(r+1),
// 0 is no action.
type lrState struct {
	action  [numTerminals]int32
	goTo    map[int]int
	defRed  int  // default reduction rule, or -1
	consist bool // only the default reduction: no lookahead needed
}

type lrTables struct {
	states []lrState
}

var (
	tablesOnce sync.Once
	tables     *lrTables
)

func getTables() *lrTables {
	tablesOnce.Do(func() { tables = buildTables() })
	return tables
}

func isTerm(s int) bool { return s < numTerminals }

func buildTables() *lrTables {
	byLHS := make([][]int, numSymbols)
	for i, r := range rules {
		byLHS[r.lhs] = append(byLHS[r.lhs], i)
	}
	// FIRST sets and nullability (no rule here is empty, but keep it
	// general).
	first := make([]termSet, numSymbols)
	nullable := make([]bool, numSymbols)
	for t := 0; t < numTerminals; t++ {
		first[t].add(t)
	}
	for changed := true; changed; {
		changed = false
		for _, r := range rules {
			all := true
			for _, s := range r.rhs {
				if first[r.lhs].union(first[s]) {
					changed = true
				}
				if !nullable[s] {
					all = false
					break
				}
			}
			if all && !nullable[r.lhs] {
				nullable[r.lhs] = true
				changed = true
			}
		}
	}
	firstOf := func(seq []int, la termSet) termSet {
		var out termSet
		for _, s := range seq {
			out.union(first[s])
			if !nullable[s] {
				return out
			}
		}
		out.union(la)
		return out
	}

	// LR(1) closure of a set of items with lookahead sets.
	closure := func(kernel map[item]termSet) (map[item]termSet, []item) {
		set := make(map[item]termSet, len(kernel)*4)
		var order []item
		var work []item
		for it, la := range kernel {
			set[it] = la
			work = append(work, it)
		}
		sort.Slice(work, func(i, j int) bool {
			if work[i].rule != work[j].rule {
				return work[i].rule < work[j].rule
			}
			return work[i].dot < work[j].dot
		})
		order = append(order, work...)
		for len(work) > 0 {
			it := work[len(work)-1]
			work = work[:len(work)-1]
			r := rules[it.rule]
			if it.dot >= len(r.rhs) || isTerm(r.rhs[it.dot]) {
				continue
			}
			la := firstOf(r.rhs[it.dot+1:], set[it])
			for _, ri := range byLHS[r.rhs[it.dot]] {
				ni := item{ri, 0}
				old, ok := set[ni]
				if !ok {
					set[ni] = la
					order = append(order, ni)
					work = append(work, ni)
				} else if old.union(la) {
					set[ni] = old
					work = append(work, ni)
				}
			}
		}
		return set, order
	}

	// LR(0) states, identified by their sorted kernels.
	type state struct {
		kernel []item
		goTo   map[int]int
	}
	key := func(k []item) string {
		b := make([]byte, 0, len(k)*4)
		for _, it := range k {
			b = append(b, byte(it.rule), byte(it.rule>>8), byte(it.dot), 0)
		}
		return string(b)
	}
	var states []*state
	index := map[string]int{}
	add := func(k []item) int {
		sort.Slice(k, func(i, j int) bool {
			if k[i].rule != k[j].rule {
				return k[i].rule < k[j].rule
			}
			return k[i].dot < k[j].dot
		})
		ks := key(k)
		if i, ok := index[ks]; ok {
			return i
		}
		index[ks] = len(states)
		states = append(states, &state{kernel: k, goTo: map[int]int{}})
		return len(states) - 1
	}
	add([]item{{0, 0}})
	for i := 0; i < len(states); i++ {
		st := states[i]
		k := map[item]termSet{}
		for _, it := range st.kernel {
			k[it] = termSet{}
		}
		_, order := closure(k)
		next := map[int][]item{}
		var syms []int
		for _, it := range order {
			r := rules[it.rule]
			if it.dot < len(r.rhs) {
				s := r.rhs[it.dot]
				if _, ok := next[s]; !ok {
					syms = append(syms, s)
				}
				next[s] = append(next[s], item{it.rule, it.dot + 1})
			}
		}
		for _, s := range syms {
			st.goTo[s] = add(next[s])
		}
	}

	// Lookaheads: spontaneous generation and propagation.
	type ref struct {
		state int
		it    item
	}
	la := map[ref]termSet{}
	prop := map[ref][]ref{}
	var start termSet
	start.add(tEnd)
	la[ref{0, item{0, 0}}] = start
	for si, st := range states {
		for _, kit := range st.kernel {
			var mark termSet
			mark.add(markLA)
			set, _ := closure(map[item]termSet{kit: mark})
			for it, l := range set {
				r := rules[it.rule]
				if it.dot >= len(r.rhs) {
					continue
				}
				to := ref{st.goTo[r.rhs[it.dot]], item{it.rule, it.dot + 1}}
				spont := l
				if spont.has(markLA) {
					prop[ref{si, kit}] = append(prop[ref{si, kit}], to)
					spont[markLA>>6] &^= 1 << (markLA & 63)
				}
				cur := la[to]
				cur.union(spont)
				la[to] = cur
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for from, tos := range prop {
			l := la[from]
			for _, to := range tos {
				cur := la[to]
				if cur.union(l) {
					la[to] = cur
					changed = true
				}
			}
		}
	}

	// Action tables.
	t := &lrTables{states: make([]lrState, len(states))}
	for si, st := range states {
		out := &t.states[si]
		out.goTo = map[int]int{}
		for s, to := range st.goTo {
			if isTerm(s) {
				out.action[s] = int32(to + 1)
			} else {
				out.goTo[s] = to
			}
		}
		k := map[item]termSet{}
		for _, it := range st.kernel {
			k[it] = la[ref{si, it}]
		}
		full, _ := closure(k)
		reds := map[int]termSet{}
		for it, l := range full {
			if it.dot == len(rules[it.rule].rhs) {
				cur := reds[it.rule]
				cur.union(l)
				reds[it.rule] = cur
			}
		}
		var rnums []int
		for rn := range reds {
			rnums = append(rnums, rn)
		}
		sort.Ints(rnums)
		for _, rn := range rnums {
			l := reds[rn]
			for tok := 0; tok < numTerminals; tok++ {
				if !l.has(tok) {
					continue
				}
				cur := out.action[tok]
				switch {
				case cur == 0:
					out.action[tok] = int32(-(rn + 1))
				case cur > 0:
					out.action[tok] = resolveSR(rn, tok, cur)
				default:
					// reduce/reduce: the earlier rule wins, as in bison.
				}
			}
		}
		// Default reduction: the reduction with the most lookaheads.
		out.defRed = -1
		best := 0
		counts := map[int]int{}
		for _, a := range out.action {
			if a < 0 {
				counts[int(-a-1)]++
			}
		}
		for _, rn := range rnums {
			if counts[rn] > best {
				best, out.defRed = counts[rn], rn
			}
		}
		if out.defRed >= 0 {
			explicit := false
			for tok, a := range out.action {
				if a == int32(-(out.defRed + 1)) {
					out.action[tok] = 0
				} else if a != 0 {
					explicit = true
				}
			}
			out.consist = !explicit
		}
	}
	return t
}

// resolveSR settles a shift/reduce conflict on tok between rule rn and the
// shift action sh, by precedence as bison does; without precedence the
// shift wins.
func resolveSR(rn, tok int, sh int32) int32 {
	tp, ok := termPrec[tok]
	if !ok {
		return sh
	}
	rp, ok := rulePrec(rn)
	if !ok {
		return sh
	}
	switch {
	case tp.level > rp.level:
		return sh
	case tp.level < rp.level:
		return int32(-(rn + 1))
	case tp.assoc == assocLeft:
		return int32(-(rn + 1))
	}
	return sh
}

func rulePrec(rn int) (struct{ level, assoc int }, bool) {
	rhs := rules[rn].rhs
	for i := len(rhs) - 1; i >= 0; i-- {
		if p, ok := termPrec[rhs[i]]; ok {
			return p, true
		}
	}
	return struct{ level, assoc int }{}, false
}

// expected lists the tokens with an explicit action in a state, in symbol
// order, as bison's verbose error message does; nil when there are more
// than four.
func (st *lrState) expected() []int {
	var out []int
	for tok, a := range st.action {
		if a == 0 || tok == tError {
			continue
		}
		if len(out) == 4 {
			return nil
		}
		out = append(out, tok)
	}
	return out
}
