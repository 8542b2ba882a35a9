package config

import (
	"fmt"
	"strconv"
)

// Kind is the JSON type of a Node.
type Kind uint8

const (
	KindNull Kind = iota
	KindBool
	KindInt
	KindFloat
	KindString
	KindMap
	KindList
)

// tokenName is how Kea's grammar names the token a value of this kind
// starts with, in "syntax error, unexpected ..." messages.
func (k Kind) tokenName() string {
	switch k {
	case KindNull:
		return "null"
	case KindBool:
		return "boolean"
	case KindInt:
		return "integer"
	case KindFloat:
		return "floating point"
	case KindString:
		return "constant string"
	case KindMap:
		return "{"
	case KindList:
		return "["
	}
	return "?"
}

// Pos is a place in a configuration file: line and column count from 1.
// A Pos with Line 0 is "no position" (an element built in memory).
type Pos struct {
	File string
	Line int
	Col  int
}

// IsSet reports whether the position points into a file.
func (p Pos) IsSet() bool { return p.Line > 0 }

// String formats the position as Kea does in semantic errors:
// "file:line:col".
func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Span is the extent of a token, printed the way Kea's bison parser prints a
// location in syntax errors: "file:l.c", "file:l.c1-c2" or "file:l1.c1-l2.c2".
// End is the position of the token's last character.
type Span struct {
	Start, End Pos
}

func (s Span) String() string {
	b, e := s.Start, s.End
	if !e.IsSet() {
		e = b
	}
	out := fmt.Sprintf("%s:%d.%d", b.File, b.Line, b.Col)
	switch {
	case e.Line != b.Line:
		out += fmt.Sprintf("-%d.%d", e.Line, e.Col)
	case e.Col != b.Col:
		out += fmt.Sprintf("-%d", e.Col)
	}
	return out
}

// Node is one element of a parsed configuration document: the tree the
// extended-JSON reader (config/kjson) produces, in the shape this package
// decodes. Maps keep their order; every node and every map key carries its
// position.
type Node struct {
	Kind Kind
	// Span covers the token (scalars) or the opening and closing bracket
	// (maps and lists: Start is '{' or '[', End is '}' or ']').
	Span Span

	Bool  bool
	Int   int64
	Float float64
	// Str is the string value; for numbers it keeps the source text.
	Str string

	Entries []Entry // KindMap, in document order
	Items   []*Node // KindList
}

// Entry is one key of a map.
type Entry struct {
	Key    string
	KeyPos Span // the quoted key token
	Value  *Node
}

// Pos is the start of the node.
func (n *Node) Pos() Pos { return n.Span.Start }

// Get returns the value of key in a map node, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != KindMap {
		return nil
	}
	for i := range n.Entries {
		if n.Entries[i].Key == key {
			return n.Entries[i].Value
		}
	}
	return nil
}

// entry returns the entry of key in a map node, or nil.
func (n *Node) entry(key string) *Entry {
	if n == nil || n.Kind != KindMap {
		return nil
	}
	for i := range n.Entries {
		if n.Entries[i].Key == key {
			return &n.Entries[i]
		}
	}
	return nil
}

// Has reports whether a map node has key.
func (n *Node) Has(key string) bool { return n.entry(key) != nil }

// Clone returns a deep copy of the node.
func (n *Node) Clone() *Node {
	if n == nil {
		return nil
	}
	c := *n
	if n.Entries != nil {
		c.Entries = make([]Entry, len(n.Entries))
		for i, e := range n.Entries {
			c.Entries[i] = Entry{Key: e.Key, KeyPos: e.KeyPos, Value: e.Value.Clone()}
		}
	}
	if n.Items != nil {
		c.Items = make([]*Node, len(n.Items))
		for i, it := range n.Items {
			c.Items[i] = it.Clone()
		}
	}
	return &c
}

// Constructors for nodes built in memory (unparse, defaults).

// NewMap returns an empty map node.
func NewMap() *Node { return &Node{Kind: KindMap} }

// NewList returns a list node holding items.
func NewList(items ...*Node) *Node { return &Node{Kind: KindList, Items: items} }

// NewString returns a string node.
func NewString(s string) *Node { return &Node{Kind: KindString, Str: s} }

// NewInt returns an integer node.
func NewInt(i int64) *Node { return &Node{Kind: KindInt, Int: i, Str: strconv.FormatInt(i, 10)} }

// NewFloat returns a floating-point node.
func NewFloat(f float64) *Node { return &Node{Kind: KindFloat, Float: f} }

// NewBool returns a boolean node.
func NewBool(b bool) *Node { return &Node{Kind: KindBool, Bool: b} }

// Set adds or replaces key in a map node, keeping the order of first
// insertion.
func (n *Node) Set(key string, v *Node) {
	for i := range n.Entries {
		if n.Entries[i].Key == key {
			n.Entries[i].Value = v
			return
		}
	}
	n.Entries = append(n.Entries, Entry{Key: key, Value: v})
}

// Delete removes key from a map node.
func (n *Node) Delete(key string) {
	for i := range n.Entries {
		if n.Entries[i].Key == key {
			n.Entries = append(n.Entries[:i], n.Entries[i+1:]...)
			return
		}
	}
}
