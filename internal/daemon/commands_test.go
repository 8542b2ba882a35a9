package daemon

import (
	"testing"
	"time"
)

func TestNetworkState(t *testing.T) {
	var n NetworkState
	steps := []struct {
		do      func()
		enabled bool
	}{
		{func() {}, true},
		{func() { n.Disable("user", 0) }, false},
		{func() { n.Disable("ha-partner", 0) }, false},
		{func() { n.Enable("user") }, false}, // the partner still disables
		{func() { n.Enable("nobody") }, false},
		{func() { n.Enable("ha-partner") }, true},
		{func() { n.Enable("user") }, true},
	}
	for i, s := range steps {
		s.do()
		if n.Enabled() != s.enabled {
			t.Errorf("step %d: enabled %v, want %v", i, n.Enabled(), s.enabled)
		}
	}
	// max-period: the origin is enabled again by itself.
	n.Disable("user", 10*time.Millisecond)
	if n.Enabled() {
		t.Fatal("enabled right after a disable with max-period")
	}
	for deadline := time.Now().Add(10 * time.Second); !n.Enabled(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("max-period never re-enabled the service")
		}
	}
	// A later disable without max-period cancels the earlier timer.
	n.Disable("user", 10*time.Millisecond)
	n.Disable("user", 0)
	time.Sleep(50 * time.Millisecond)
	if n.Enabled() {
		t.Error("a cancelled max-period timer re-enabled the service")
	}
}
