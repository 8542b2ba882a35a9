package stats

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

func BenchmarkCounterInc(b *testing.B) {
	c := New().Counter("pkt4-received")
	b.ReportAllocs()
	for b.Loop() {
		c.Inc()
	}
}

// BenchmarkCounterIncHeldClock: as the servers update statistics while a
// packet batch is processed (one clock reading per batch, HoldClock).
func BenchmarkCounterIncHeldClock(b *testing.B) {
	r := New()
	c := r.Counter("pkt4-received")
	r.HoldClock()
	defer r.ReleaseClock()
	b.ReportAllocs()
	for b.Loop() {
		c.Inc()
	}
}

// BenchmarkCounterIncParallel: every goroutine on the same statistic (the
// worst case: pkt4-received under multi-threading).
func BenchmarkCounterIncParallel(b *testing.B) {
	c := New().Counter("pkt4-received")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}

// BenchmarkCounterIncParallelDistinct: each goroutine on its own statistic
// (per-subnet counters): no shared lock at all.
func BenchmarkCounterIncParallelDistinct(b *testing.B) {
	r := New()
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		c := r.Counter("subnet[" + strconv.FormatInt(n.Add(1), 10) + "].assigned-addresses")
		for pb.Next() {
			c.Inc()
		}
	})
}

func BenchmarkRegistryAddInt(b *testing.B) {
	r := New()
	r.SetInt("pkt4-received", 0)
	b.ReportAllocs()
	for b.Loop() {
		r.AddInt("pkt4-received", 1)
	}
}

// TestConcurrentUse runs updates, commands-like readers and removals at
// once (for -race) and checks the final count.
func TestConcurrentUse(t *testing.T) {
	r := New()
	c := r.Counter("pkt4-received")
	var wg sync.WaitGroup
	const workers, per = 4, 2000
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				c.Inc()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			_, _ = r.appendAll(nil)
			r.SetMaxSampleCountAll(uint32(i%30 + 1))
		}
	}()
	wg.Wait()
	if v := c.Value(); v != workers*per {
		t.Fatalf("value %d, want %d", v, workers*per)
	}
}
