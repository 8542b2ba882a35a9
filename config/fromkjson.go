package config

import (
	"github.com/nestordhcp/nestor/config/kjson"
)

// fromKJSON converts the reader's element tree into the Node tree this
// package decodes; it is the only place that knows kjson's types.
func fromKJSON(e *kjson.Element) *Node {
	if e == nil {
		return nil
	}
	n := &Node{Span: spanOf(e.Pos)}
	switch e.Kind() {
	case kjson.Null:
		n.Kind = KindNull
	case kjson.Bool:
		n.Kind = KindBool
		n.Bool, _ = e.Bool()
	case kjson.Int:
		n.Kind = KindInt
		n.Int, _ = e.Int()
	case kjson.Real:
		n.Kind = KindFloat
		n.Float, _ = e.Real()
	case kjson.String:
		n.Kind = KindString
		n.Str, _ = e.Str()
	case kjson.List:
		n.Kind = KindList
		items := e.Items()
		n.Items = make([]*Node, len(items))
		for i, it := range items {
			n.Items[i] = fromKJSON(it)
		}
	case kjson.Map:
		n.Kind = KindMap
		n.Entries = make([]Entry, 0, e.Len())
		for i := 0; i < e.Len(); i++ {
			en := e.Entry(i)
			n.Entries = append(n.Entries, Entry{Key: en.Key, KeyPos: spanOf(en.KeyPos), Value: fromKJSON(en.Value)})
		}
	}
	return n
}

// spanOf turns kjson's "start .. just past the end" into the start and the
// last character.
func spanOf(p kjson.Pos) Span {
	s := Span{Start: Pos{File: p.File, Line: p.Line, Col: p.Col}}
	if p.EndLine > 0 {
		s.End = Pos{File: p.File, Line: p.EndLine, Col: p.EndCol - 1}
	}
	return s
}

// toKJSON converts a Node tree back to kjson elements (for writing with
// kjson's encoder).
func toKJSON(n *Node) *kjson.Element {
	if n == nil {
		return kjson.NewNull()
	}
	switch n.Kind {
	case KindBool:
		return kjson.NewBool(n.Bool)
	case KindInt:
		return kjson.NewInt(n.Int)
	case KindFloat:
		return kjson.NewReal(n.Float)
	case KindString:
		return kjson.NewString(n.Str)
	case KindList:
		l := kjson.NewList()
		for _, it := range n.Items {
			l.Append(toKJSON(it))
		}
		return l
	case KindMap:
		m := kjson.NewMap()
		for _, e := range n.Entries {
			m.Set(e.Key, toKJSON(e.Value))
		}
		return m
	}
	return kjson.NewNull()
}
