package gctune

import (
	"runtime/debug"
	"testing"
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
