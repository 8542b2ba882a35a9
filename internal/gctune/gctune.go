// Package gctune keeps the Go garbage collector's memory headroom in
// proportion for a server whose heap is mostly long-lived leases.
//
// With the default GOGC=100 the heap may grow to twice what is live
// before a collection: with a million leases in memory that is hundreds
// of megabytes of garbage held between collections. Kea frees memory as
// it goes; to stay within its memory per lease, the servers
//
//   - switch the collector off while a lease file is loaded (nearly every
//     allocation there is a lease that stays), with a soft memory limit
//     as a safety net should the file hold mostly superseded rows
//     (BeginLoad), and
//   - after every collection, set the GC percent so that the headroom is
//     a quarter of the live heap but at least 16 MiB, and never more than
//     GOGC=100 gives (Start).
//
// A smaller headroom means more collections: each scans the live heap,
// so a large lease store pays some CPU per packet for its memory (see
// docs/performance.md). Setting GOGC or GOMEMLIMIT in the environment
// turns all of this off: the operator's choice wins.
package gctune

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

const (
	minHeadroom = 16 << 20 // bytes of garbage allowed between collections, at least
	minPercent  = 25       // headroom at least a quarter of the live heap
	maxPercent  = 100      // Go's default
)

var (
	started   atomic.Bool
	loading   atomic.Int32
	loadMu    sync.Mutex
	savedPct  int
	savedLim  int64
	lastPct   atomic.Int32
	liveBytes = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
)

// Disabled reports whether the environment sets GOGC or GOMEMLIMIT.
func Disabled() bool {
	return os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""
}

// BeginLoad switches the collector off while about fileBytes of lease
// files are loaded, with a soft memory limit of what such files can hold
// live (with room to spare); end restores the previous settings. Loads
// may nest or overlap: the settings are restored when the last ends.
func BeginLoad(fileBytes int64) (end func()) {
	if Disabled() {
		return func() {}
	}
	loadMu.Lock()
	if loading.Add(1) == 1 {
		// A lease row is 60 bytes or more and its lease costs under 500
		// bytes in memory: eight times the files is more than the leases
		// need; past it the collector runs again.
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		limit := int64(ms.Sys) + 64<<20 + 8*max(fileBytes, 0)
		savedLim = debug.SetMemoryLimit(limit)
		savedPct = debug.SetGCPercent(-1)
	}
	loadMu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			loadMu.Lock()
			defer loadMu.Unlock()
			if loading.Add(-1) == 0 {
				debug.SetGCPercent(savedPct)
				debug.SetMemoryLimit(savedLim)
			}
		})
	}
}

// Start makes every collection set the next one's GC percent from the
// live heap (see the package comment). It does nothing when the
// environment sets GOGC or GOMEMLIMIT, and only once per process.
func Start() {
	if Disabled() || !started.CompareAndSwap(false, true) {
		return
	}
	lastPct.Store(maxPercent)
	arm()
}

// arm sets a finalizer on a fresh object: it runs after the next
// collection, retunes and arms again.
func arm() {
	s := new([64]byte) // not a tiny allocation: those may never be finalized
	runtime.SetFinalizer(s, func(*[64]byte) {
		tune()
		arm()
	})
}

// Percent returns the GC percent for a live heap of live bytes.
func Percent(live uint64) int {
	if live == 0 {
		return maxPercent
	}
	p := int(math.Ceil(float64(minHeadroom) * 100 / float64(live)))
	return min(maxPercent, max(minPercent, p))
}

func tune() {
	if loading.Load() > 0 {
		return // BeginLoad's settings hold until the load ends
	}
	metrics.Read(liveBytes)
	if liveBytes[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	p := Percent(liveBytes[0].Value.Uint64())
	if int32(p) != lastPct.Load() {
		loadMu.Lock()
		if loading.Load() == 0 {
			debug.SetGCPercent(p)
			lastPct.Store(int32(p))
		}
		loadMu.Unlock()
	}
}
