package stats

import (
	"math"
	"math/big"
	"math/bits"
	"strings"
	"sync"
	"time"
)

// Kind is the type of a statistic, as Kea's Observation::Type.
type Kind uint8

// The statistic kinds.
const (
	Integer    Kind = iota // int64
	BigInteger             // 128-bit signed integer (total-nas, total-pds)
	Float                  // float64
	Duration               // time.Duration, printed "HH:MM:SS.ffffff"
	String                 // text
)

// String returns Kea's name for the kind.
func (k Kind) String() string {
	switch k {
	case Integer:
		return "integer"
	case BigInteger:
		return "big integer"
	case Float:
		return "float"
	case Duration:
		return "duration"
	case String:
		return "string"
	}
	return "unknown"
}

// hardMaxSamples bounds the samples one statistic keeps when it is limited
// by age. Kea keeps every sample younger than the limit; a busy counter with
// a long age limit would grow without end, so Nestor stops there.
const hardMaxSamples = 1 << 20

// sample is one recorded value. num holds an Integer, a Float's bits, a
// Duration's nanoseconds or a BigInteger's low word; hi is a BigInteger's
// high word.
type sample struct {
	ts  int64 // unix nanoseconds
	num uint64
	hi  int64
	str string
}

// observation is one statistic: its kind, current value and the samples
// Kea would show, newest first. All fields are guarded by mu, which is the
// statistic's own lock: updating one statistic never waits for another.
type observation struct {
	mu   sync.Mutex
	name string
	kind Kind
	// dead is set when the statistic was removed from its registry; handles
	// that still point here then re-create it.
	dead bool

	cur   sample   // current value, kept even when the samples are emptied
	ring  []sample // circular buffer; ring[head] is the newest sample
	head  int
	count int

	countLimited bool
	maxCount     uint32
	maxAge       time.Duration
}

func newObservation(name string, kind Kind, lim limits) *observation {
	o := &observation{name: name, kind: kind, countLimited: lim.countLimited,
		maxCount: lim.maxCount, maxAge: lim.maxAge}
	return o
}

// push records v (with its timestamp) as the newest sample and applies the
// limit the way Kea's setValueInternal does: into an empty statistic the
// sample goes without any check; otherwise, with a count limit, the oldest
// sample goes once if there are more than the limit, and with an age limit
// the oldest ones go while the newest and the oldest are further apart
// than the limit. It allocates only when the buffer must grow.
func (o *observation) push(v sample) {
	o.cur = v
	first := o.count == 0
	dropped := false
	if o.count == len(o.ring) {
		if (o.countLimited && uint64(o.count) >= uint64(o.maxCount) && o.count > 0) || len(o.ring) >= hardMaxSamples {
			o.dropOldest()
			dropped = true
		} else {
			o.ensure(o.count + 1)
		}
	}
	if o.count == 0 {
		o.head = 0
	} else {
		o.head = (o.head + 1) % len(o.ring)
	}
	o.ring[o.head] = v
	o.count++
	if first {
		return
	}
	if o.countLimited {
		if !dropped && uint64(o.count) > uint64(o.maxCount) {
			o.dropOldest()
		}
		return
	}
	for o.count > 1 && time.Duration(o.newest().ts-o.oldest().ts) > o.maxAge {
		o.dropOldest()
	}
}

// ensure grows the ring to hold at least n samples, keeping their order.
func (o *observation) ensure(n int) {
	if n <= len(o.ring) {
		return
	}
	c := max(2*len(o.ring), n, 4)
	if o.countLimited && uint64(o.maxCount) >= uint64(n) && uint64(c) > uint64(o.maxCount) {
		c = int(o.maxCount)
	}
	c = max(min(c, hardMaxSamples), n)
	nr := make([]sample, c)
	for i := 0; i < o.count; i++ {
		nr[o.count-1-i] = o.at(i)
	}
	o.ring = nr
	o.head = max(o.count-1, 0)
}

// at returns the i-th sample, 0 being the newest.
func (o *observation) at(i int) sample {
	j := o.head - i
	if j < 0 {
		j += len(o.ring)
	}
	return o.ring[j]
}

func (o *observation) newest() sample { return o.at(0) }
func (o *observation) oldest() sample { return o.at(o.count - 1) }

func (o *observation) dropOldest() {
	j := o.head - (o.count - 1)
	if j < 0 {
		j += len(o.ring)
	}
	o.ring[j] = sample{} // release strings
	o.count--
}

// setMaxSampleCount is Kea's setMaxSampleCount: the count limit becomes
// active (the age limit inactive) and the oldest samples beyond it go. A
// limit of zero empties the statistic, as in Kea.
func (o *observation) setMaxSampleCount(n uint32) {
	o.countLimited = true
	o.maxCount = n
	for uint64(o.count) > uint64(n) {
		o.dropOldest()
	}
}

// setMaxSampleAge is Kea's setMaxSampleAge: the age limit becomes active
// and the oldest samples go while the span of the samples exceeds it.
func (o *observation) setMaxSampleAge(d time.Duration) {
	o.countLimited = false
	o.maxAge = d
	for o.count > 1 && time.Duration(o.newest().ts-o.oldest().ts) > d {
		o.dropOldest()
	}
}

// reset is Kea's observation::reset: the samples are cleared and a single
// neutral value is recorded.
func (o *observation) reset(now int64) {
	for o.count > 0 {
		o.dropOldest()
	}
	o.push(sample{ts: now})
}

// add adds d (same kind) to the current value and records the result.
func (o *observation) add(d sample) {
	v := o.cur
	v.ts = d.ts
	switch o.kind {
	case Integer, Duration:
		v.num = uint64(int64(v.num) + int64(d.num))
	case BigInteger:
		lo, carry := bits.Add64(v.num, d.num, 0)
		hi, _ := bits.Add64(uint64(v.hi), uint64(d.hi), carry)
		v.num, v.hi = lo, int64(hi)
	case Float:
		v.num = math.Float64bits(math.Float64frombits(v.num) + math.Float64frombits(d.num))
	case String:
		v.str += d.str
	}
	o.push(v)
}

// Sample is a statistic's value at a time, for readers of the registry.
type Sample struct {
	Kind     Kind
	Int      int64         // Integer
	Big      *big.Int      // BigInteger
	Float    float64       // Float
	Duration time.Duration // Duration
	String   string        // String
	Time     time.Time
}

func (o *observation) export(s sample) Sample {
	out := Sample{Kind: o.kind, Time: time.Unix(0, s.ts)}
	switch o.kind {
	case Integer:
		out.Int = int64(s.num)
	case BigInteger:
		out.Big = bigFrom(s.hi, s.num)
	case Float:
		out.Float = math.Float64frombits(s.num)
	case Duration:
		out.Duration = time.Duration(int64(s.num))
	case String:
		out.String = s.str
	}
	return out
}

// bigFrom builds the big.Int of a two's complement 128-bit value.
func bigFrom(hi int64, lo uint64) *big.Int {
	b := new(big.Int).SetInt64(hi)
	b.Lsh(b, 64)
	return b.Add(b, new(big.Int).SetUint64(lo))
}

var (
	two128   = new(big.Int).Lsh(big.NewInt(1), 128)
	mask64   = new(big.Int).SetUint64(math.MaxUint64)
	maxInt28 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1))
	minInt28 = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 127))
)

// bigTo splits b into a two's complement 128-bit value; it reports false
// when b does not fit.
func bigTo(b *big.Int) (hi int64, lo uint64, ok bool) {
	if b.Cmp(maxInt28) > 0 || b.Cmp(minInt28) < 0 {
		return 0, 0, false
	}
	v := new(big.Int).Set(b)
	if v.Sign() < 0 {
		v.Add(v, two128)
	}
	lo = new(big.Int).And(v, mask64).Uint64()
	hi = int64(new(big.Int).Rsh(v, 64).Uint64())
	return hi, lo, true
}

// formatDuration prints d as Kea's durationToText with microseconds:
// "HH:MM:SS.ffffff" (hours may exceed 24).
func formatDuration(d time.Duration) string {
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	us := int64(d / time.Microsecond)
	h := us / 3_600_000_000
	m := us / 60_000_000 % 60
	s := us / 1_000_000 % 60
	f := us % 1_000_000
	b.WriteString(pad(h, 2))
	b.WriteByte(':')
	b.WriteString(pad(m, 2))
	b.WriteByte(':')
	b.WriteString(pad(s, 2))
	b.WriteByte('.')
	b.WriteString(pad(f, 6))
	return b.String()
}

func pad(v int64, n int) string {
	s := itoa(v)
	for len(s) < n {
		s = "0" + s
	}
	return s
}
