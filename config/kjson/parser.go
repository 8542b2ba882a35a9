package kjson

import (
	"errors"
	"strconv"
	"strings"
)

// Limits applied when Options leaves them zero.
const (
	DefaultMaxBytes    = 64 << 20
	DefaultMaxDepth    = 1000
	DefaultMaxElements = 8 << 20
)

// Sentinel causes, for errors.Is on an *Error.
var (
	ErrTooLarge    = errors.New("kjson: input too large")
	ErrTooDeep     = errors.New("kjson: nesting too deep")
	ErrIncludeLoop = errors.New("kjson: include loop")

	ErrIncludesDisabled = errors.New("kjson: includes disabled")
)

// Options tune a parse. The zero value reads like Kea's daemons do, within
// the default limits.
type Options struct {
	// MaxBytes bounds the total size of the main file and every included
	// file. Zero means DefaultMaxBytes.
	MaxBytes int64
	// MaxDepth bounds the nesting of maps and lists. Zero means
	// DefaultMaxDepth. Kea has no such limit.
	MaxDepth int
	// MaxElements bounds the number of elements in the tree. Zero means
	// DefaultMaxElements.
	MaxElements int
	// BaseDir, when set, is the directory relative include paths are
	// resolved from; Kea (and the zero value) uses the working directory.
	BaseDir string
	// DisableIncludes makes every <?include?> directive fail with "Can't
	// open include file NAME" (cause ErrIncludesDisabled), for text that
	// does not come from the administrator's files.
	DisableIncludes bool
	// AnyTopLevel accepts any value as the document. By default it must be
	// a map, as for every Kea daemon ("syntax error, unexpected [,
	// expecting {").
	AnyTopLevel bool
	// FreeForm reports whether the map at path (Kea's simplified notation,
	// e.g. "Dhcp4/subnet4[0]/user-context") is free-form JSON rather than
	// one of Kea's keyword maps. Kea words two errors differently for them:
	// a missing comma (`expecting }` there, `expecting "," or }` in keyword
	// maps) and a duplicate key ("in JSON map"). Nil means a map is
	// free-form when it is, or sits under, a "user-context" or "parameters"
	// value.
	FreeForm func(path string) bool
	// Duplicate is called for a key repeated in a map. Returning nil keeps
	// the later value in the earlier key's place; returning an error stops
	// the parse with it. Nil means DefaultDuplicate.
	Duplicate func(d *Duplicate) error
}

// Duplicate describes a key found twice in one map.
type Duplicate struct {
	Path     string   // the map, in simplified notation ("" for the top)
	Key      string   // the repeated key
	KeyPos   Pos      // where it is repeated
	Prev     Entry    // the first occurrence
	Value    *Element // the new value
	FreeForm bool     // whether the map is free-form (see Options.FreeForm)
}

// Error returns Kea's error for the duplicate, naming the map as mapName
// ("Dhcp4", "subnet4"; "JSON" for free-form maps):
// "file:1:37: duplicate a entries in JSON map (previous at file:1:34)".
// As in Kea, the previous position is the first value's, except for a map
// or list value in a keyword map, which Kea places at its key.
func (d *Duplicate) Error(mapName string) *Error {
	prev := d.Prev.Value.Pos
	if k := d.Prev.Value.Kind(); !d.FreeForm && (k == Map || k == List) {
		prev = d.Prev.KeyPos
	}
	return &Error{Pos: d.KeyPos, Style: ElementPos,
		Msg: "duplicate " + d.Key + " entries in " + mapName +
			" map (previous at " + prev.ElementString() + ")"}
}

// DefaultDuplicate rejects every duplicate, naming the map as Kea's Dhcp4
// parser does: "JSON" when free-form, else the key holding the map
// ("Dhcp4", "subnet4", "interfaces-config"), "toplevel" at the top.
func DefaultDuplicate(d *Duplicate) error {
	name := "JSON"
	if !d.FreeForm {
		name = "toplevel"
		if d.Path != "" {
			last := d.Path[strings.LastIndexByte(d.Path, '/')+1:]
			if i := strings.IndexByte(last, '['); i >= 0 {
				last = last[:i]
			}
			name = last
		}
	}
	return d.Error(name)
}

// ParseFile reads a configuration file and the files it includes. On error
// the returned warnings are those found before it.
func ParseFile(path string, opts Options) (*Element, []Warning, error) {
	in := newIncluder(opts)
	src, id, err := in.readFile(path)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, nil, in.tooLarge(path, Pos{})
		}
		return nil, nil, &Error{Style: NoPos, Msg: "Unable to open file " + path, Err: err}
	}
	return parse(path, src, id, in, opts)
}

// ParseBytes reads a configuration held in memory; name is used in
// positions (Kea uses "<string>"). Includes are read from disk.
func ParseBytes(name string, data []byte, opts Options) (*Element, []Warning, error) {
	in := newIncluder(opts)
	if int64(len(data)) > in.budget {
		return nil, nil, in.tooLarge(name, Pos{})
	}
	in.budget -= int64(len(data))
	return parse(name, string(data), nil, in, opts)
}

func newIncluder(opts Options) *includer {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	return &includer{baseDir: opts.BaseDir, budget: limit, limit: limit, disabled: opts.DisableIncludes}
}

func parse(name, src string, id fileID, in *includer, opts Options) (*Element, []Warning, error) {
	p := &parser{opts: opts}
	p.maxDepth = opts.MaxDepth
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	p.maxElems = opts.MaxElements
	if p.maxElems <= 0 {
		p.maxElems = DefaultMaxElements
	}
	p.lx = lexer{buffer: buffer{src: src, file: name, id: id}, inc: in,
		bl: 1, bc: 1, el: 1, ec: 1}
	e, err := p.document()
	if err != nil {
		return nil, p.warnings, err
	}
	return e, p.warnings, nil
}

type pathElem struct {
	key string
	idx int // list index, or -1 for a map key
}

type parser struct {
	lx       lexer
	opts     Options
	warnings []Warning
	path     []pathElem
	depth    int
	maxDepth int
	elems    int
	maxElems int
	slab     []Element
	bodies   []mapBody
	entries  []Entry    // scratch stack of the open maps' entries
	items    []*Element // scratch stack of the open lists' items
}

func (p *parser) document() (*Element, *Error) {
	t, err := p.lx.next()
	if err != nil {
		return nil, err
	}
	if !p.opts.AnyTopLevel && t.kind != tLBrace {
		return nil, unexpected(t, "{")
	}
	e, err := p.value(t)
	if err != nil {
		return nil, err
	}
	if t, err = p.lx.next(); err != nil {
		return nil, err
	}
	if t.kind != tEOF {
		return nil, unexpected(t, "end of file")
	}
	return e, nil
}

// unexpected is bison's message for token t where expecting (if not
// empty) was wanted.
func unexpected(t token, expecting string) *Error {
	msg := "syntax error, unexpected " + tokNames[t.kind]
	if expecting != "" {
		msg += ", expecting " + expecting
	}
	return &Error{Pos: t.pos, Msg: msg}
}

func (p *parser) alloc(t token, k Kind) (*Element, *Error) {
	p.elems++
	if p.elems > p.maxElems {
		return nil, &Error{Pos: t.pos, Err: ErrTooLarge,
			Msg: "too many elements (limit " + strconv.Itoa(p.maxElems) + ")"}
	}
	if len(p.slab) == 0 {
		p.slab = make([]Element, 128)
	}
	e := &p.slab[0]
	p.slab = p.slab[1:]
	e.kind = k
	e.Pos = t.pos
	return e, nil
}

func isValueStart(k tokKind) bool {
	switch k {
	case tString, tInt, tReal, tBool, tNull, tLBrace, tLBracket:
		return true
	}
	return false
}

// value parses the value starting with token t.
func (p *parser) value(t token) (*Element, *Error) {
	var k Kind
	switch t.kind {
	case tNull:
		k = Null
	case tBool:
		k = Bool
	case tInt:
		k = Int
	case tReal:
		k = Real
	case tString:
		k = String
	case tLBrace:
		return p.mapValue(t)
	case tLBracket:
		return p.listValue(t)
	default:
		return nil, unexpected(t, "")
	}
	e, err := p.alloc(t, k)
	if err != nil {
		return nil, err
	}
	e.b, e.num, e.str = t.b, t.num, t.str
	return e, nil
}

func (p *parser) enter(t token) *Error {
	p.depth++
	if p.depth > p.maxDepth {
		return &Error{Pos: t.pos, Err: ErrTooDeep,
			Msg: "maps and lists nested more than " + strconv.Itoa(p.maxDepth) + " levels deep"}
	}
	return nil
}

func (p *parser) extraComma(t token) {
	p.warnings = append(p.warnings, Warning{Pos: t.pos, Msg: ExtraneousComma})
}

func closePos(open, close Pos) Pos {
	open.EndLine, open.EndCol = close.EndLine, close.EndCol
	return open
}

func (p *parser) mapValue(open token) (*Element, *Error) {
	if err := p.enter(open); err != nil {
		return nil, err
	}
	m, err := p.alloc(open, Map)
	if err != nil {
		return nil, err
	}
	t, err := p.lx.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tRBrace {
		return p.closeMap(m, len(p.entries), nil, t), nil
	}
	if t.kind != tString {
		return nil, unexpected(t, "}")
	}
	// Entries collect on the shared scratch stack above base and are
	// copied out once the map is closed, so each map costs one slice.
	base := len(p.entries)
	var index map[string]int // for duplicate checks in big maps
	for {
		key := t // a string token
		if t, err = p.lx.next(); err != nil {
			return nil, err
		}
		if t.kind != tColon {
			return nil, unexpected(t, ":")
		}
		if t, err = p.lx.next(); err != nil {
			return nil, err
		}
		p.path = append(p.path, pathElem{key: key.str, idx: -1})
		v, err := p.value(t)
		p.path = p.path[:len(p.path)-1]
		if err != nil {
			return nil, err
		}
		en := Entry{Key: key.str, KeyPos: key.pos, Value: v}
		cur := p.entries[base:]
		i := -1
		if index != nil {
			if j, ok := index[key.str]; ok {
				i = j
			}
		} else {
			for j := range cur {
				if cur[j].Key == key.str {
					i = j
					break
				}
			}
		}
		if i >= 0 {
			if err := p.duplicate(en, cur[i]); err != nil {
				return nil, err
			}
			cur[i] = en
		} else {
			p.entries = append(p.entries, en)
			n := len(p.entries) - base
			switch {
			case index != nil:
				index[key.str] = n - 1
			case n > smallMap:
				index = make(map[string]int, 2*n)
				for j, x := range p.entries[base:] {
					index[x.Key] = j
				}
			}
		}
		// After a value: "}" ends the map, "," followed by a key goes on,
		// any other "," is extraneous.
		if t, err = p.lx.next(); err != nil {
			return nil, err
		}
	after:
		switch t.kind {
		case tRBrace:
			return p.closeMap(m, base, index, t), nil
		case tComma:
			comma := t
			if t, err = p.lx.next(); err != nil {
				return nil, err
			}
			if t.kind != tString {
				p.extraComma(comma)
				goto after
			}
		default:
			if p.freeForm() {
				return nil, unexpected(t, "}")
			}
			return nil, unexpected(t, `"," or }`)
		}
	}
}

func (p *parser) closeMap(m *Element, base int, index map[string]int, t token) *Element {
	if len(p.bodies) == 0 {
		p.bodies = make([]mapBody, 64)
	}
	body := &p.bodies[0]
	p.bodies = p.bodies[1:]
	if n := len(p.entries) - base; n > 0 {
		body.entries = make([]Entry, n)
		copy(body.entries, p.entries[base:])
		clear(p.entries[base:])
		p.entries = p.entries[:base]
	}
	body.index = index
	m.m = body
	m.Pos = closePos(m.Pos, t.pos)
	p.depth--
	return m
}

func (p *parser) listValue(open token) (*Element, *Error) {
	if err := p.enter(open); err != nil {
		return nil, err
	}
	l, err := p.alloc(open, List)
	if err != nil {
		return nil, err
	}
	t, err := p.lx.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tRBracket {
		return p.closeList(l, len(p.items), t), nil
	}
	if !isValueStart(t.kind) {
		return nil, unexpected(t, "]")
	}
	base := len(p.items)
	for {
		p.path = append(p.path, pathElem{idx: len(p.items) - base})
		v, err := p.value(t)
		p.path = p.path[:len(p.path)-1]
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, v)
		if t, err = p.lx.next(); err != nil {
			return nil, err
		}
	after:
		switch t.kind {
		case tRBracket:
			return p.closeList(l, base, t), nil
		case tComma:
			comma := t
			if t, err = p.lx.next(); err != nil {
				return nil, err
			}
			if !isValueStart(t.kind) {
				p.extraComma(comma)
				goto after
			}
		default:
			return nil, unexpected(t, "]")
		}
	}
}

func (p *parser) closeList(l *Element, base int, t token) *Element {
	if n := len(p.items) - base; n > 0 {
		l.list = make([]*Element, n)
		copy(l.list, p.items[base:])
		clear(p.items[base:])
		p.items = p.items[:base]
	}
	l.Pos = closePos(l.Pos, t.pos)
	p.depth--
	return l
}

// pathString renders the current path in Kea's simplified notation.
func (p *parser) pathString() string {
	var b strings.Builder
	for i, pe := range p.path {
		if pe.idx >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(pe.idx))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(pe.key)
	}
	return b.String()
}

// freeForm reports whether the map being parsed is free-form JSON.
func (p *parser) freeForm() bool {
	if p.opts.FreeForm != nil {
		return p.opts.FreeForm(p.pathString())
	}
	for _, pe := range p.path {
		if pe.idx < 0 && (pe.key == "user-context" || pe.key == "parameters") {
			return true
		}
	}
	return false
}

func (p *parser) duplicate(en, prev Entry) *Error {
	d := &Duplicate{Path: p.pathString(), Key: en.Key, KeyPos: en.KeyPos,
		Prev: prev, Value: en.Value, FreeForm: p.freeForm()}
	handle := p.opts.Duplicate
	if handle == nil {
		handle = DefaultDuplicate
	}
	err := handle(d)
	if err == nil {
		return nil
	}
	var ke *Error
	if errors.As(err, &ke) {
		return ke
	}
	return &Error{Pos: en.KeyPos, Style: ElementPos, Msg: err.Error(), Err: err}
}
