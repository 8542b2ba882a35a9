package memfile

import "sort"

// lessor is a key ordered by its less method.
type lessor[T any] interface{ less(T) bool }

// chunkMax bounds a chunk: inserts move at most this many keys.
const chunkMax = 256

// sortedSet is an ordered set kept as a list of sorted chunks: O(log n)
// search, O(chunkMax) insert and delete, cache-friendly scans.
type sortedSet[T lessor[T]] struct {
	chunks [][]T
	n      int
}

// chunkFor returns the index of the chunk where x belongs.
func (s *sortedSet[T]) chunkFor(x T) int {
	i := sort.Search(len(s.chunks), func(i int) bool { return x.less(s.chunks[i][0]) })
	if i > 0 {
		i--
	}
	return i
}

// insert adds x; it must not be present.
func (s *sortedSet[T]) insert(x T) {
	s.n++
	if len(s.chunks) == 0 {
		c := make([]T, 1, 8)
		c[0] = x
		s.chunks = append(s.chunks, c)
		return
	}
	ci := s.chunkFor(x)
	c := s.chunks[ci]
	j := sort.Search(len(c), func(j int) bool { return x.less(c[j]) })
	c = append(c, x)
	copy(c[j+1:], c[j:])
	c[j] = x
	if len(c) <= chunkMax {
		s.chunks[ci] = c
		return
	}
	half := len(c) / 2
	right := make([]T, len(c)-half, chunkMax+1)
	copy(right, c[half:])
	clear(c[half:])
	s.chunks[ci] = c[:half]
	s.chunks = append(s.chunks, nil)
	copy(s.chunks[ci+2:], s.chunks[ci+1:])
	s.chunks[ci+1] = right
}

// delete removes x and reports whether it was there.
func (s *sortedSet[T]) delete(x T) bool {
	if len(s.chunks) == 0 {
		return false
	}
	ci := s.chunkFor(x)
	c := s.chunks[ci]
	j := sort.Search(len(c), func(j int) bool { return !c[j].less(x) })
	if j == len(c) || x.less(c[j]) {
		return false
	}
	copy(c[j:], c[j+1:])
	var zero T
	c[len(c)-1] = zero
	c = c[:len(c)-1]
	s.n--
	if len(c) > 0 {
		s.chunks[ci] = c
		return true
	}
	copy(s.chunks[ci:], s.chunks[ci+1:])
	s.chunks[len(s.chunks)-1] = nil
	s.chunks = s.chunks[:len(s.chunks)-1]
	return true
}

// ascendAfter calls fn for every key greater than x (or every key when
// all is true) in order, until fn returns false.
func (s *sortedSet[T]) ascendAfter(x T, all bool, fn func(T) bool) {
	ci, j := 0, 0
	if !all && len(s.chunks) > 0 {
		ci = s.chunkFor(x)
		c := s.chunks[ci]
		j = sort.Search(len(c), func(j int) bool { return x.less(c[j]) })
	}
	for ; ci < len(s.chunks); ci++ {
		c := s.chunks[ci]
		for ; j < len(c); j++ {
			if !fn(c[j]) {
				return
			}
		}
		j = 0
	}
}

// chunkFill is how full a bulk-built chunk is: room for some inserts
// before the first split.
const chunkFill = chunkMax * 7 / 8

// setSorted replaces the set's contents with keys, which must be sorted
// and distinct. The chunks share keys' array, each capped at its own end
// so that an insert into one reallocates that chunk alone.
func (s *sortedSet[T]) setSorted(keys []T) {
	s.n = len(keys)
	s.chunks = make([][]T, 0, (len(keys)+chunkFill-1)/chunkFill)
	for len(keys) > 0 {
		n := min(chunkFill, len(keys))
		s.chunks = append(s.chunks, keys[:n:n])
		keys = keys[n:]
	}
}
