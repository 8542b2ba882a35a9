package stats

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxSampleCount is Kea's default limit: 20 samples per statistic.
const DefaultMaxSampleCount = 20

// limits are the sample limits a new statistic starts with.
type limits struct {
	countLimited bool
	maxCount     uint32
	maxAge       time.Duration
}

// Registry holds the statistics of one daemon: Kea's StatsMgr. The zero
// value is not usable; call New.
//
// The registry's lock guards only the set of names. Each statistic has its
// own lock, so updates to different statistics never contend, and the
// Counter handles reach their statistic without touching the registry.
type Registry struct {
	mu    sync.RWMutex
	stats map[string]*observation
	def   limits

	// now is the clock; tests replace it.
	now atomic.Pointer[func() time.Time]
	// The coarse clock (HoldClock): while holds > 0, samples take the
	// reading in coarse.
	holds  atomic.Int32
	coarse atomic.Int64
}

// New returns an empty registry with Kea's default limits (20 samples).
func New() *Registry {
	r := &Registry{
		stats: make(map[string]*observation),
		def:   limits{countLimited: true, maxCount: DefaultMaxSampleCount},
	}
	now := time.Now
	r.now.Store(&now)
	return r
}

// SetClock replaces the clock that timestamps samples (for tests).
func (r *Registry) SetClock(now func() time.Time) {
	r.now.Store(&now)
}

func (r *Registry) nowNano() int64 {
	if r.holds.Load() > 0 {
		return r.coarse.Load()
	}
	return (*r.now.Load())().UnixNano()
}

// HoldClock reads the clock once and, until the matching ReleaseClock,
// timestamps samples with that reading instead of reading the clock for
// every update: a server handling a batch of packets updates dozens of
// statistics within a millisecond, and reading the clock costs more than
// the rest of an update (about 76 ns on a VM). Kea's sample timestamps are
// for people reading statistic-get, to whom the batch's start time is as
// good. Holds may overlap (one per packet worker); the newest reading is
// used, so timestamps never go back.
func (r *Registry) HoldClock() {
	now := (*r.now.Load())().UnixNano()
	for {
		old := r.coarse.Load()
		if now <= old || r.coarse.CompareAndSwap(old, now) {
			break
		}
	}
	r.holds.Add(1)
}

// ReleaseClock ends a HoldClock.
func (r *Registry) ReleaseClock() { r.holds.Add(-1) }

// KindError reports an update of a statistic with a value of another kind
// (Kea's InvalidStatType).
type KindError struct {
	Name      string
	Requested Kind
	Actual    Kind
}

func (e *KindError) Error() string {
	return fmt.Sprintf("stats: invalid statistic type requested for %q: %s, but the actual type is %s",
		e.Name, e.Requested, e.Actual)
}

// update creates the statistic with v if it does not exist (Kea: a new
// observation holding one sample) or, if it does, sets (or adds) v.
func (r *Registry) update(name string, kind Kind, v sample, add bool) error {
	v.ts = r.nowNano()
	for {
		r.mu.RLock()
		o := r.stats[name]
		r.mu.RUnlock()
		if o == nil {
			r.mu.Lock()
			if o = r.stats[name]; o == nil {
				o = newObservation(name, kind, r.def)
				o.mu.Lock()
				o.push(v)
				o.mu.Unlock()
				r.stats[name] = o
				r.mu.Unlock()
				return nil
			}
			r.mu.Unlock()
		}
		o.mu.Lock()
		if o.dead {
			o.mu.Unlock()
			continue
		}
		if o.kind != kind {
			o.mu.Unlock()
			return &KindError{Name: name, Requested: kind, Actual: o.kind}
		}
		if add {
			o.add(v)
		} else {
			o.push(v)
		}
		o.mu.Unlock()
		return nil
	}
}

// SetInt sets an integer statistic, creating it if needed.
func (r *Registry) SetInt(name string, v int64) error {
	return r.update(name, Integer, sample{num: uint64(v)}, false)
}

// AddInt adds to an integer statistic, creating it with v if needed.
func (r *Registry) AddInt(name string, v int64) error {
	return r.update(name, Integer, sample{num: uint64(v)}, true)
}

// SetBig sets a big integer statistic (128 bits), creating it if needed.
func (r *Registry) SetBig(name string, v *big.Int) error {
	hi, lo, ok := bigTo(v)
	if !ok {
		return fmt.Errorf("stats: %s does not fit 128 bits", v)
	}
	return r.update(name, BigInteger, sample{num: lo, hi: hi}, false)
}

// AddBig adds to a big integer statistic, creating it with v if needed.
func (r *Registry) AddBig(name string, v *big.Int) error {
	hi, lo, ok := bigTo(v)
	if !ok {
		return fmt.Errorf("stats: %s does not fit 128 bits", v)
	}
	return r.update(name, BigInteger, sample{num: lo, hi: hi}, true)
}

// SetFloat sets a floating point statistic, creating it if needed.
func (r *Registry) SetFloat(name string, v float64) error {
	return r.update(name, Float, sample{num: math.Float64bits(v)}, false)
}

// AddFloat adds to a floating point statistic, creating it with v if needed.
func (r *Registry) AddFloat(name string, v float64) error {
	return r.update(name, Float, sample{num: math.Float64bits(v)}, true)
}

// SetDuration sets a duration statistic, creating it if needed.
func (r *Registry) SetDuration(name string, v time.Duration) error {
	return r.update(name, Duration, sample{num: uint64(v)}, false)
}

// AddDuration adds to a duration statistic, creating it with v if needed.
func (r *Registry) AddDuration(name string, v time.Duration) error {
	return r.update(name, Duration, sample{num: uint64(v)}, true)
}

// SetString sets a string statistic, creating it if needed.
func (r *Registry) SetString(name, v string) error {
	return r.update(name, String, sample{str: v}, false)
}

// AddString appends to a string statistic, creating it with v if needed.
func (r *Registry) AddString(name, v string) error {
	return r.update(name, String, sample{str: v}, true)
}

func (r *Registry) get(name string) *observation {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.stats[name]
}

// Get returns the current value of a statistic. It is the value of the
// newest sample, or the last value set if a zero count limit emptied the
// samples.
func (r *Registry) Get(name string) (Sample, bool) {
	o := r.get(name)
	if o == nil {
		return Sample{}, false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.export(o.cur), true
}

// Samples returns the samples of a statistic, newest first.
func (r *Registry) Samples(name string) ([]Sample, bool) {
	o := r.get(name)
	if o == nil {
		return nil, false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Sample, o.count)
	for i := range out {
		out[i] = o.export(o.at(i))
	}
	return out, true
}

// Kind returns a statistic's kind.
func (r *Registry) Kind(name string) (Kind, bool) {
	o := r.get(name)
	if o == nil {
		return 0, false
	}
	return o.kind, true
}

// Names returns the names of all statistics in Kea's order (bytewise).
func (r *Registry) Names() []string {
	r.mu.RLock()
	names := make([]string, 0, len(r.stats))
	for n := range r.stats {
		names = append(names, n)
	}
	r.mu.RUnlock()
	slices.Sort(names)
	return names
}

// Len returns the number of statistics.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.stats)
}

// sorted returns the statistics ordered by name.
func (r *Registry) sorted() []*observation {
	r.mu.RLock()
	obs := make([]*observation, 0, len(r.stats))
	for _, o := range r.stats {
		obs = append(obs, o)
	}
	r.mu.RUnlock()
	slices.SortFunc(obs, func(a, b *observation) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	return obs
}

// Reset sets a statistic to its neutral value (0, 0.0, 00:00:00, "") with a
// single sample; false if there is no such statistic.
func (r *Registry) Reset(name string) bool {
	o := r.get(name)
	if o == nil {
		return false
	}
	now := r.nowNano()
	o.mu.Lock()
	o.reset(now)
	o.mu.Unlock()
	return true
}

// ResetAll resets every statistic.
func (r *Registry) ResetAll() {
	now := r.nowNano()
	for _, o := range r.sorted() {
		o.mu.Lock()
		o.reset(now)
		o.mu.Unlock()
	}
}

// Remove deletes a statistic; false if there is no such statistic. Counter
// handles to it re-create it at their next update, as Kea's servers do.
func (r *Registry) Remove(name string) bool {
	r.mu.Lock()
	o := r.stats[name]
	delete(r.stats, name)
	r.mu.Unlock()
	if o == nil {
		return false
	}
	o.mu.Lock()
	o.dead = true
	o.mu.Unlock()
	return true
}

// RemoveAll deletes every statistic.
func (r *Registry) RemoveAll() {
	r.mu.Lock()
	old := r.stats
	r.stats = make(map[string]*observation)
	r.mu.Unlock()
	for _, o := range old {
		o.mu.Lock()
		o.dead = true
		o.mu.Unlock()
	}
}

// SetMaxSampleAge limits a statistic's samples by age (disabling its count
// limit); false if there is no such statistic.
func (r *Registry) SetMaxSampleAge(name string, d time.Duration) bool {
	o := r.get(name)
	if o == nil {
		return false
	}
	o.mu.Lock()
	o.setMaxSampleAge(d)
	o.mu.Unlock()
	return true
}

// SetMaxSampleCount limits a statistic's samples by count (disabling its age
// limit); false if there is no such statistic. Zero empties it, as in Kea.
func (r *Registry) SetMaxSampleCount(name string, n uint32) bool {
	o := r.get(name)
	if o == nil {
		return false
	}
	o.mu.Lock()
	o.setMaxSampleCount(n)
	o.mu.Unlock()
	return true
}

// SetMaxSampleAgeAll is statistic-sample-age-set-all: the age limit becomes
// the default for new statistics and applies to every existing one.
func (r *Registry) SetMaxSampleAgeAll(d time.Duration) {
	r.mu.Lock()
	r.def = limits{countLimited: false, maxCount: r.def.maxCount, maxAge: d}
	r.mu.Unlock()
	for _, o := range r.sorted() {
		o.mu.Lock()
		o.setMaxSampleAge(d)
		o.mu.Unlock()
	}
}

// SetMaxSampleCountAll is statistic-sample-count-set-all: the count limit
// becomes the default for new statistics and applies to every existing one.
func (r *Registry) SetMaxSampleCountAll(n uint32) {
	r.mu.Lock()
	r.def = limits{countLimited: true, maxCount: n, maxAge: r.def.maxAge}
	r.mu.Unlock()
	for _, o := range r.sorted() {
		o.mu.Lock()
		o.setMaxSampleCount(n)
		o.mu.Unlock()
	}
}

// SetDefaultLimits applies the statistic-default-sample-count and
// statistic-default-sample-age configuration parameters to statistics
// created from now on: a non-zero count limits by count, zero limits by
// age, as Kea's setMaxSampleCountDefault does.
func (r *Registry) SetDefaultLimits(count uint32, age time.Duration) {
	r.mu.Lock()
	r.def = limits{countLimited: count != 0, maxCount: count, maxAge: age}
	r.mu.Unlock()
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
