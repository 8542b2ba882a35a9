package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// Faults lets the lost-connection tests break a test database.
type Faults struct {
	// Open opens a DHCPv4 store on the test database with these
	// recovery settings (and retry-on-startup).
	Open func(t *testing.T, ev sqlcommon.Events, tries int, wait time.Duration, onFail sqlcommon.OnFail, retryOnStartup bool) lease.Store4
	// Kill terminates every server connection to the test database.
	Kill func(t *testing.T)
	// Block makes the server refuse (true) or accept (false) new
	// connections to the test database.
	Block func(t *testing.T, on bool)
}

type events struct {
	mu                      sync.Mutex
	lost, recovered, failed int
	onFail                  sqlcommon.OnFail
}

func (e *events) hooks() sqlcommon.Events {
	return sqlcommon.Events{
		Lost:      func(of sqlcommon.OnFail) { e.mu.Lock(); e.lost++; e.onFail = of; e.mu.Unlock() },
		Recovered: func() { e.mu.Lock(); e.recovered++; e.mu.Unlock() },
		Failed:    func(of sqlcommon.OnFail) { e.mu.Lock(); e.failed++; e.onFail = of; e.mu.Unlock() },
	}
}

func (e *events) get() (int, int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lost, e.recovered, e.failed
}

// RunLostConnection checks Kea's lost-connection behaviour: killed
// connections are replaced without losing an acknowledged write; an
// unreachable server starts the recovery (Lost), calls fail with
// ErrUnavailable, and the store comes back (Recovered) or gives up
// (Failed) after max-reconnect-tries.
func RunLostConnection(t *testing.T, f Faults) {
	t.Run("KilledDuringWrites", func(t *testing.T) {
		var ev events
		s := f.Open(t, ev.hooks(), 10, 100*time.Millisecond, sqlcommon.StopRetryExit, false)
		var acked []*lease.Lease4
		var wg sync.WaitGroup
		var mu sync.Mutex
		failures := 0
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w * 100; i < w*100+100; i++ {
					l := Lease4(i)
					err := s.AddLease4(l)
					if err == nil {
						l.Hostname = "renewed"
						err = s.UpdateLease4(l)
					}
					mu.Lock()
					if err == nil {
						acked = append(acked, l)
					} else {
						failures++
					}
					mu.Unlock()
				}
			}()
		}
		for range 3 {
			time.Sleep(150 * time.Millisecond)
			f.Kill(t)
		}
		wg.Wait()
		for _, l := range acked {
			got, err := s.Lease4(l.Addr)
			if err != nil || got.Hostname != "renewed" {
				t.Errorf("acknowledged write of %v lost: %+v, %v", l.Addr, got, err)
			}
		}
		lost, _, _ := ev.get()
		t.Logf("%d writes acknowledged, %d failed, %d recoveries", len(acked), failures, lost)
		if failures > 0 || lost > 0 {
			t.Errorf("killed connections were not replaced transparently: %d failed calls, %d recoveries", failures, lost)
		}
	})
	t.Run("Recovered", func(t *testing.T) {
		var ev events
		s := f.Open(t, ev.hooks(), 50, 100*time.Millisecond, sqlcommon.ServeRetryContinue, false)
		if err := s.AddLease4(Lease4(501)); err != nil {
			t.Fatal(err)
		}
		f.Block(t, true)
		defer f.Block(t, false)
		f.Kill(t)
		_, err := s.Lease4(Lease4(501).Addr)
		if !errors.Is(err, sqlcommon.ErrUnavailable) {
			t.Fatalf("call with the server unreachable: %v, want ErrUnavailable", err)
		}
		if err := s.AddLease4(Lease4(502)); !errors.Is(err, sqlcommon.ErrUnavailable) {
			t.Errorf("call while recovering: %v, want ErrUnavailable", err)
		}
		if lost, _, _ := ev.get(); lost != 1 || ev.onFail != sqlcommon.ServeRetryContinue {
			t.Errorf("Lost called %d times with %q", lost, ev.onFail)
		}
		f.Block(t, false)
		for i := 0; i < 100; i++ {
			if _, rec, _ := ev.get(); rec > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if _, rec, failed := ev.get(); rec != 1 || failed != 0 {
			t.Fatalf("after unblocking: recovered %d, failed %d", rec, failed)
		}
		if l, err := s.Lease4(Lease4(501).Addr); err != nil || l.Addr != Lease4(501).Addr {
			t.Errorf("after recovery: %v, %v", l, err)
		}
	})
	t.Run("GaveUp", func(t *testing.T) {
		var ev events
		s := f.Open(t, ev.hooks(), 2, 50*time.Millisecond, sqlcommon.StopRetryExit, false)
		f.Block(t, true)
		defer f.Block(t, false)
		f.Kill(t)
		s.AllLeases4()
		for i := 0; i < 100; i++ {
			if _, _, failed := ev.get(); failed > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if lost, rec, failed := ev.get(); lost != 1 || rec != 0 || failed != 1 || ev.onFail != sqlcommon.StopRetryExit {
			t.Errorf("lost %d, recovered %d, failed %d (%s); want 1, 0, 1 (stop-retry-exit)", lost, rec, failed, ev.onFail)
		}
		// After giving up each call tries the server again.
		f.Block(t, false)
		if _, err := s.AllLeases4(); err != nil {
			t.Errorf("call after the server came back: %v", err)
		}
		if _, rec, _ := ev.get(); rec != 1 {
			t.Errorf("Recovered not reported after a call succeeded again")
		}
	})
}

// RunRetryOnStartup: with retry-on-startup a store opens while the server
// refuses connections, fails calls until it can connect, then serves.
func RunRetryOnStartup(t *testing.T, f Faults) {
	var ev events
	f.Block(t, true)
	defer f.Block(t, false)
	s := f.Open(t, ev.hooks(), 100, 50*time.Millisecond, sqlcommon.ServeRetryContinue, true)
	if _, err := s.AllLeases4(); !errors.Is(err, sqlcommon.ErrUnavailable) {
		t.Errorf("call before the first connection: %v, want ErrUnavailable", err)
	}
	f.Block(t, false)
	for i := 0; i < 100; i++ {
		if _, rec, _ := ev.get(); rec > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := s.AddLease4(Lease4(600)); err != nil {
		t.Errorf("after the server accepted connections: %v", err)
	}
}
