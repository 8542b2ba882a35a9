package hooks

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestParkingLotReferenceCounting(t *testing.T) {
	type step struct {
		op      string // park, ref, deref, unpark, force, drop
		obj     any
		wantN   int
		wantOK  bool
		wantErr error
		wantCB  int // callbacks so far
	}
	a, b := &fakePkt{1}, &fakePkt{2}
	tests := []struct {
		name  string
		steps []step
	}{
		{"two callouts reference, both must unpark", []step{
			{op: "park", obj: a},
			{op: "ref", obj: a, wantN: 1},
			{op: "ref", obj: a, wantN: 2},
			{op: "unpark", obj: a, wantOK: true, wantCB: 0},
			{op: "unpark", obj: a, wantOK: true, wantCB: 1},
			{op: "unpark", obj: a, wantOK: false, wantCB: 1},
		}},
		{"unpark with no reference unparks at once", []step{
			{op: "park", obj: a},
			{op: "unpark", obj: a, wantOK: true, wantCB: 1},
		}},
		{"dereference gives up a stake without callback", []step{
			{op: "park", obj: a},
			{op: "ref", obj: a, wantN: 1},
			{op: "ref", obj: a, wantN: 2},
			{op: "deref", obj: a, wantN: 1},
			{op: "unpark", obj: a, wantOK: true, wantCB: 1},
		}},
		{"drop removes without callback", []step{
			{op: "park", obj: a},
			{op: "ref", obj: a, wantN: 1},
			{op: "drop", obj: a, wantOK: true},
			{op: "unpark", obj: a, wantOK: false},
			{op: "drop", obj: a, wantOK: false},
		}},
		{"force ignores the count", []step{
			{op: "park", obj: a},
			{op: "ref", obj: a, wantN: 1},
			{op: "ref", obj: a, wantN: 2},
			{op: "force", obj: a, wantOK: true, wantCB: 1},
		}},
		{"errors", []step{
			{op: "ref", obj: a, wantErr: ErrNotParked},
			{op: "deref", obj: b, wantErr: ErrNotParked},
			{op: "park", obj: a},
			{op: "park", obj: a, wantErr: ErrAlreadyParked},
			{op: "park", obj: []byte{1}, wantErr: ErrNotComparable},
			{op: "park", obj: nil, wantErr: ErrNotComparable},
			{op: "ref", obj: b, wantErr: ErrNotParked},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := quietManager(t)
			calls := 0
			lot := ParkingLotHandle{m.ParkingLot(Leases4Committed)}
			for i, s := range tt.steps {
				var n int
				var ok bool
				var err error
				switch s.op {
				case "park":
					err = m.Park(Leases4Committed, s.obj, func() { calls++ })
				case "ref":
					n, err = lot.Reference(s.obj)
				case "deref":
					n, err = lot.Dereference(s.obj)
				case "unpark":
					ok = lot.Unpark(s.obj)
				case "force":
					ok = m.Unpark(Leases4Committed, s.obj)
				case "drop":
					ok = lot.Drop(s.obj)
				}
				if !errors.Is(err, s.wantErr) || (s.wantErr == nil && err != nil) {
					t.Errorf("step %d %s: err = %v, want %v", i, s.op, err, s.wantErr)
				}
				if n != s.wantN || ok != s.wantOK || calls != s.wantCB {
					t.Errorf("step %d %s: n=%d ok=%v callbacks=%d, want %d %v %d", i, s.op, n, ok, calls, s.wantN, s.wantOK, s.wantCB)
				}
			}
		})
	}
}

func TestParkedPacketLimit(t *testing.T) {
	tests := []struct {
		limit  int64
		parked int // how many of 300 park
	}{
		{DefaultParkedPacketLimit, 256},
		{2, 2},
		{0, 300},
		{-1, 300},
	}
	for _, tt := range tests {
		m := quietManager(t)
		if tt.limit != DefaultParkedPacketLimit {
			m.SetParkedPacketLimit(tt.limit)
		}
		n := 0
		for i := range 300 {
			err := m.Park(Lease4Offer, &fakePkt{uint32(i)}, func() {})
			switch {
			case err == nil:
				n++
			case !errors.Is(err, ErrParkingLotFull):
				t.Fatalf("limit %d: %v", tt.limit, err)
			}
		}
		if n != tt.parked || m.ParkingLot(Lease4Offer).Size() != tt.parked {
			t.Errorf("limit %d: parked %d, want %d", tt.limit, n, tt.parked)
		}
		// The limit is per hook point's lot.
		if err := m.Park(Leases4Committed, &fakePkt{1}, func() {}); err != nil {
			t.Errorf("limit %d: other lot: %v", tt.limit, err)
		}
	}
}

func TestParkingFromCalloutsAndClearOnLoad(t *testing.T) {
	m := quietManager(t)
	var mu sync.Mutex
	var pending []func()
	setScripts(t, map[string]script{
		"libtest_a.so": {load: func(h *LibraryHandle) error {
			return h.RegisterCallout("leases4_committed", func(h *CalloutHandle) error {
				q := MustGet[*fakePkt](h, "query4")
				lot, ok := h.ParkingLot()
				if !ok {
					t.Error("no parking lot in a callout")
				}
				if _, err := lot.Reference(q); err != nil {
					return err
				}
				h.SetStatus(Park)
				mu.Lock()
				pending = append(pending, func() { lot.Unpark(q) })
				mu.Unlock()
				return nil
			})
		}},
	})
	mustLoad(t, m, libs("libtest_a.so"))
	var resumed atomic.Int32
	serve := func(q *fakePkt) NextStep {
		var assoc CalloutHandleAssociate
		h := assoc.CalloutHandle(m)
		if err := m.Park(Leases4Committed, q, func() { resumed.Add(1); assoc.ResetCalloutHandle() }); err != nil {
			t.Fatal(err)
		}
		state := h.ScopedState()
		Set(h, "query4", q)
		m.Call(Leases4Committed, h)
		if h.Status() != Park {
			m.Drop(Leases4Committed, q)
			state.Close()
			assoc.ResetCalloutHandle()
		}
		return h.Status()
	}
	if st := serve(&fakePkt{1}); st != Park {
		t.Fatalf("status %v", st)
	}
	if resumed.Load() != 0 {
		t.Fatal("resumed before unpark")
	}
	pending[0]()
	if resumed.Load() != 1 || m.ParkingLot(Leases4Committed).Size() != 0 {
		t.Fatalf("resumed %d", resumed.Load())
	}
	// Parked when the libraries are reloaded: dropped, never resumed.
	serve(&fakePkt{2})
	mustLoad(t, m, libs("libtest_a.so"))
	if m.ParkingLot(Leases4Committed).Size() != 0 {
		t.Error("lot not cleared on load")
	}
	pending[1]()
	if resumed.Load() != 1 {
		t.Error("a packet parked before the reload was resumed")
	}
	if _, ok := m.AcquireHandle().ParkingLot(); ok {
		t.Error("parking lot outside callouts")
	}
}

func TestParkingConcurrent(t *testing.T) {
	m := quietManager(t)
	m.SetParkedPacketLimit(0)
	var resumed atomic.Int64
	var wg sync.WaitGroup
	const workers, per = 8, 200
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lot := ParkingLotHandle{m.ParkingLot(Subnet4Select)}
			for i := range per {
				q := &fakePkt{uint32(w*per + i)}
				if err := m.Park(Subnet4Select, q, func() { resumed.Add(1) }); err != nil {
					t.Error(err)
					return
				}
				lot.Reference(q)
				lot.Reference(q)
				wg.Add(1)
				go func() { defer wg.Done(); lot.Unpark(q) }()
				lot.Unpark(q)
			}
		}()
	}
	wg.Wait()
	if m.ParkingLot(Subnet4Select).Size() != 0 {
		t.Error("objects left parked")
	}
	if got := resumed.Load(); got != workers*per {
		t.Errorf("resumed %d, want %d", got, workers*per)
	}
}
