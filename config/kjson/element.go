package kjson

import (
	"iter"
	"math"
	"slices"
)

// Kind is the JSON type of an Element.
type Kind uint8

// The element kinds, named as Kea's Element::types.
const (
	Null Kind = iota
	Bool
	Int
	Real
	String
	List
	Map
)

var kindNames = [...]string{"null", "boolean", "integer", "real", "string", "list", "map"}

// String returns Kea's name for the kind (Element::typeToName).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Element is one node of a configuration tree. The zero value is a null
// element without position. Elements are not safe for concurrent mutation.
type Element struct {
	// Pos is where the element was read: a scalar's token, or a map or
	// list from its opening bracket to just past its closing one.
	Pos  Pos
	kind Kind
	b    bool
	num  uint64 // int64 or float64 bits
	str  string
	list []*Element
	m    *mapBody
}

// Entry is one key of a map with its value.
type Entry struct {
	Key    string
	KeyPos Pos
	Value  *Element
}

// smallMap is the size up to which map lookups scan instead of hashing.
const smallMap = 8

type mapBody struct {
	entries []Entry
	index   map[string]int // built once the map outgrows smallMap
}

// NewNull returns a null element.
func NewNull() *Element { return &Element{kind: Null} }

// NewBool returns a boolean element.
func NewBool(v bool) *Element { return &Element{kind: Bool, b: v} }

// NewInt returns an integer element.
func NewInt(v int64) *Element { return &Element{kind: Int, num: uint64(v)} }

// NewReal returns a real (floating point) element.
func NewReal(v float64) *Element { return &Element{kind: Real, num: math.Float64bits(v)} }

// NewString returns a string element. Strings are byte strings, as in Kea:
// they need not be valid UTF-8.
func NewString(v string) *Element { return &Element{kind: String, str: v} }

// NewList returns a list element holding items.
func NewList(items ...*Element) *Element {
	return &Element{kind: List, list: items}
}

// NewMap returns an empty map element; fill it with Set.
func NewMap() *Element { return &Element{kind: Map, m: &mapBody{}} }

// At returns e with its position set to p, for chaining with constructors.
func (e *Element) At(p Pos) *Element {
	e.Pos = p
	return e
}

// Kind returns the element's type; a nil element is Null.
func (e *Element) Kind() Kind {
	if e == nil {
		return Null
	}
	return e.kind
}

// Bool returns the value of a boolean element.
func (e *Element) Bool() (v, ok bool) {
	if e == nil || e.kind != Bool {
		return false, false
	}
	return e.b, true
}

// Int returns the value of an integer element.
func (e *Element) Int() (int64, bool) {
	if e == nil || e.kind != Int {
		return 0, false
	}
	return int64(e.num), true
}

// Real returns the value of a real element.
func (e *Element) Real() (float64, bool) {
	if e == nil || e.kind != Real {
		return 0, false
	}
	return math.Float64frombits(e.num), true
}

// Str returns the value of a string element.
func (e *Element) Str() (string, bool) {
	if e == nil || e.kind != String {
		return "", false
	}
	return e.str, true
}

// Len returns the number of items of a list or entries of a map, else 0.
func (e *Element) Len() int {
	switch e.Kind() {
	case List:
		return len(e.list)
	case Map:
		return len(e.m.entries)
	}
	return 0
}

// Index returns item i of a list, or nil when out of range or not a list.
func (e *Element) Index(i int) *Element {
	if e.Kind() != List || i < 0 || i >= len(e.list) {
		return nil
	}
	return e.list[i]
}

// Items returns the items of a list (nil for other kinds). The slice is
// the element's own: do not modify it.
func (e *Element) Items() []*Element {
	if e.Kind() != List {
		return nil
	}
	return e.list
}

// Append adds items to the end of a list; it does nothing on other kinds.
func (e *Element) Append(items ...*Element) {
	if e.Kind() == List {
		e.list = append(e.list, items...)
	}
}

// Get returns the value of key in a map, or nil when absent or not a map.
func (e *Element) Get(key string) *Element {
	if i := e.find(key); i >= 0 {
		return e.m.entries[i].Value
	}
	return nil
}

// Lookup returns the entry for key in a map.
func (e *Element) Lookup(key string) (Entry, bool) {
	if i := e.find(key); i >= 0 {
		return e.m.entries[i], true
	}
	return Entry{}, false
}

// Has reports whether a map holds key.
func (e *Element) Has(key string) bool { return e.find(key) >= 0 }

// Entry returns the i-th entry of a map in document order.
func (e *Element) Entry(i int) Entry {
	if e.Kind() != Map || i < 0 || i >= len(e.m.entries) {
		return Entry{}
	}
	return e.m.entries[i]
}

// Keys returns a map's keys in order.
func (e *Element) Keys() []string {
	if e.Kind() != Map {
		return nil
	}
	keys := make([]string, len(e.m.entries))
	for i, en := range e.m.entries {
		keys[i] = en.Key
	}
	return keys
}

// All iterates over a map's entries in order.
func (e *Element) All() iter.Seq2[string, *Element] {
	return func(yield func(string, *Element) bool) {
		if e.Kind() != Map {
			return
		}
		for _, en := range e.m.entries {
			if !yield(en.Key, en.Value) {
				return
			}
		}
	}
}

// Set stores v under key in a map: an existing key keeps its place, a new
// one goes last. It does nothing on other kinds.
func (e *Element) Set(key string, v *Element) {
	e.SetEntry(Entry{Key: key, Value: v})
}

// SetEntry is Set with the key's position.
func (e *Element) SetEntry(en Entry) {
	if e.Kind() != Map {
		return
	}
	if i := e.find(en.Key); i >= 0 {
		e.m.entries[i] = en
		return
	}
	e.m.add(en)
}

// Remove deletes key from a map, keeping the order of the others.
func (e *Element) Remove(key string) {
	i := e.find(key)
	if i < 0 {
		return
	}
	e.m.entries = slices.Delete(e.m.entries, i, i+1)
	if e.m.index != nil {
		delete(e.m.index, key)
		for j := i; j < len(e.m.entries); j++ {
			e.m.index[e.m.entries[j].Key] = j
		}
	}
}

func (e *Element) find(key string) int {
	if e.Kind() != Map {
		return -1
	}
	return e.m.find(key)
}

func (m *mapBody) find(key string) int {
	if m.index != nil {
		if i, ok := m.index[key]; ok {
			return i
		}
		return -1
	}
	for i := range m.entries {
		if m.entries[i].Key == key {
			return i
		}
	}
	return -1
}

func (m *mapBody) add(en Entry) {
	m.entries = append(m.entries, en)
	n := len(m.entries)
	switch {
	case m.index != nil:
		m.index[en.Key] = n - 1
	case n > smallMap:
		m.index = make(map[string]int, n*2)
		for i, x := range m.entries {
			m.index[x.Key] = i
		}
	}
}

// SortKeys sorts the keys of every map in the tree bytewise, the order in
// which Kea (whose maps are std::map) prints config-get and config-write.
func (e *Element) SortKeys() {
	switch e.Kind() {
	case List:
		for _, it := range e.list {
			it.SortKeys()
		}
	case Map:
		slices.SortStableFunc(e.m.entries, func(a, b Entry) int {
			switch {
			case a.Key < b.Key:
				return -1
			case a.Key > b.Key:
				return 1
			}
			return 0
		})
		if e.m.index != nil {
			for i, en := range e.m.entries {
				e.m.index[en.Key] = i
			}
		}
		for _, en := range e.m.entries {
			en.Value.SortKeys()
		}
	}
}

// Equal reports whether two trees hold the same data, ignoring positions
// and the order of map keys (as Kea's Element::equals does). Lists are
// ordered; an Int never equals a Real.
func Equal(a, b *Element) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case Null:
		return true
	case Bool:
		return a.b == b.b
	case Int:
		return a.num == b.num
	case Real:
		return math.Float64frombits(a.num) == math.Float64frombits(b.num)
	case String:
		return a.str == b.str
	case List:
		if len(a.list) != len(b.list) {
			return false
		}
		for i := range a.list {
			if !Equal(a.list[i], b.list[i]) {
				return false
			}
		}
		return true
	case Map:
		if len(a.m.entries) != len(b.m.entries) {
			return false
		}
		for _, en := range a.m.entries {
			j := b.m.find(en.Key)
			if j < 0 || !Equal(en.Value, b.m.entries[j].Value) {
				return false
			}
		}
		return true
	}
	return false
}

// Equal is the method form of the package function Equal.
func (e *Element) Equal(o *Element) bool { return Equal(e, o) }
