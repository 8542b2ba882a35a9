package csv

import "strings"

// arena hands out the small byte slices and strings of the leases parsed
// from one block of a lease file from a few shared allocations instead of
// one allocation each: fewer objects for the allocator and the garbage
// collector. A chunk lives as long as any lease using it does, so a file
// with many superseded rows keeps some of their bytes; chunks are small
// to bound that. A nil arena allocates each value on its own.
type arena struct {
	buf     []byte // the current chunk of byte slices
	text    []byte // strings not yet made, back to back
	pending []pendingText
}

// pendingText is a string that flush will set to text[off:end].
type pendingText struct {
	dst      *string
	off, end int
}

const (
	arenaChunk   = 8 << 10
	arenaPending = 512 // strings per shared string
)

// bytes returns a zeroed slice of n bytes with no room to append.
func (a *arena) bytes(n int) []byte {
	if a == nil || n > arenaChunk/4 {
		return make([]byte, n)
	}
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, arenaChunk)
	}
	i := len(a.buf)
	a.buf = a.buf[:i+n]
	return a.buf[i : i+n : i+n]
}

// setText sets *dst to the unescaped text of b, now or at the next flush,
// which must happen before *dst is read.
func (a *arena) setText(dst *string, b []byte) {
	if a == nil || len(b) == 0 || strings.Contains(string(b), escapeTag) {
		*dst = Unescape(string(b))
		return
	}
	off := len(a.text)
	a.text = append(a.text, b...)
	a.pending = append(a.pending, pendingText{dst, off, len(a.text)})
	if len(a.pending) >= arenaPending {
		a.flush()
	}
}

// flush makes the pending strings, all slices of one new string.
func (a *arena) flush() {
	if a == nil || len(a.pending) == 0 {
		return
	}
	s := string(a.text)
	for _, p := range a.pending {
		*p.dst = s[p.off:p.end]
	}
	a.text = a.text[:0]
	clear(a.pending)
	a.pending = a.pending[:0]
}
