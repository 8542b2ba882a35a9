package gctune

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100}, {1 << 20, 100}, {16 << 20, 100}, {32 << 20, 50}, {40 << 20, 40},
		{64 << 20, 25}, {400 << 20, 25},
	} {
		if got := Percent(c.live); got != c.want {
			t.Errorf("Percent(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
	}
}

// TestBeginLoad: the collector is off during a load and back after the
// last of two overlapping loads ends.
func TestBeginLoad(t *testing.T) {
	if Disabled() {
		t.Skip("GOGC or GOMEMLIMIT set in the environment")
	}
	before := debug.SetGCPercent(77)
	defer debug.SetGCPercent(before)
	end1 := BeginLoad(1 << 20)
	end2 := BeginLoad(1 << 20)
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GC percent during a load: %d", p)
	}
	end1()
	end1() // a second call does nothing
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GC percent while one load is still running: %d", p)
	}
	end2()
	if p := debug.SetGCPercent(77); p != 77 {
		t.Errorf("GC percent after the loads: %d, want 77", p)
	}
}

// TestStart: after collections with a large live heap the GC percent
// follows Percent. (Start is once per process: this is the only test
// that calls it.)
func TestStart(t *testing.T) {
	if Disabled() {
		t.Skip("GOGC or GOMEMLIMIT set in the environment")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	live := make([]byte, 96<<20)
	for i := range live {
		live[i] = byte(i)
	}
	Start()
	gogc := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	for range 200 { // bounded: the finalizer runs soon after a collection
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		metrics.Read(gogc)
		if gogc[0].Value.Uint64() == minPercent {
			break
		}
	}
	runtime.KeepAlive(live)
	if got := gogc[0].Value.Uint64(); got != minPercent {
		t.Errorf("GC percent with ~96 MiB live: %d, want %d", got, minPercent)
	}
}
