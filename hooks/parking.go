package hooks

import (
	"errors"
	"reflect"
	"sync"
)

// Parking errors.
var (
	// ErrParkingLotFull: the hook point's lot holds parked-packet-limit
	// packets. The server drops the query and counts pkt4-queue-full (or
	// pkt6-queue-full) and pkt4-receive-drop (pkt6-receive-drop).
	ErrParkingLotFull = errors.New("parking lot full")
	// ErrAlreadyParked: the object is already parked in this lot.
	ErrAlreadyParked = errors.New("object is already parked")
	// ErrNotParked: reference or dereference of an object not parked.
	ErrNotParked = errors.New("object has not been parked")
	// ErrNotComparable: the parked object cannot be a map key (use a
	// pointer).
	ErrNotComparable = errors.New("parked object must be comparable (a pointer)")
)

// ParkingLot holds the packets parked at one hook point, each with a
// reference count and the callback that resumes its processing. It is safe
// for concurrent use. Objects are identified by ==, so park pointers.
type ParkingLot struct {
	mu     sync.Mutex
	parked map[any]*parkedObject
}

type parkedObject struct {
	refs   int
	unpark func()
}

func newParkingLot() *ParkingLot { return &ParkingLot{parked: map[any]*parkedObject{}} }

func checkKey(obj any) error {
	if obj == nil || !reflect.TypeOf(obj).Comparable() {
		return ErrNotComparable
	}
	return nil
}

// Park parks obj with a reference count of 0; unpark is called when the
// object is unparked. limit > 0 caps the number of parked objects.
func (l *ParkingLot) park(obj any, unpark func(), limit int64) error {
	if err := checkKey(obj); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, dup := l.parked[obj]; dup {
		return ErrAlreadyParked
	}
	if limit > 0 && int64(len(l.parked)) >= limit {
		return ErrParkingLotFull
	}
	l.parked[obj] = &parkedObject{unpark: unpark}
	return nil
}

// Park parks obj with no limit (see Manager.Park for the server's entry
// point, which applies parked-packet-limit).
func (l *ParkingLot) Park(obj any, unpark func()) error { return l.park(obj, unpark, 0) }

// Reference increments obj's reference count and returns it.
func (l *ParkingLot) Reference(obj any) (int, error) {
	return l.adjust(obj, +1)
}

// Dereference decrements obj's reference count without unparking it, and
// returns the new count.
func (l *ParkingLot) Dereference(obj any) (int, error) {
	return l.adjust(obj, -1)
}

func (l *ParkingLot) adjust(obj any, d int) (int, error) {
	if err := checkKey(obj); err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.parked[obj]
	if !ok {
		return 0, ErrNotParked
	}
	p.refs += d
	return p.refs, nil
}

// Unpark decrements obj's reference count (sets it to 0 when force is true);
// when it reaches 0 or less the object leaves the lot and its unpark
// callback runs, on the calling goroutine, outside the lot's lock. It
// returns false when obj is not parked.
func (l *ParkingLot) Unpark(obj any, force bool) bool {
	if checkKey(obj) != nil {
		return false
	}
	var cb func()
	l.mu.Lock()
	p, ok := l.parked[obj]
	if ok {
		if force {
			p.refs = 0
		} else {
			p.refs--
		}
		if p.refs <= 0 {
			cb = p.unpark
			delete(l.parked, obj)
		}
	}
	l.mu.Unlock()
	if cb != nil {
		cb()
	}
	return ok
}

// Drop removes obj without calling its callback; false if it was not parked.
func (l *ParkingLot) Drop(obj any) bool {
	if checkKey(obj) != nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.parked[obj]
	delete(l.parked, obj)
	return ok
}

// Size returns the number of parked objects.
func (l *ParkingLot) Size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.parked)
}

func (l *ParkingLot) clear() {
	l.mu.Lock()
	clear(l.parked)
	l.mu.Unlock()
}

// ParkingLotHandle is a library's view of a parking lot: it can reference,
// dereference, unpark and drop, but not park (Kea's ParkingLotHandle).
//
// A callout that starts asynchronous work calls Reference(query) before
// returning with status Park; when the work is done it calls Unpark(query),
// which resumes the packet once every referencing callout has unparked.
type ParkingLotHandle struct{ lot *ParkingLot }

// Reference increments the parked object's reference count.
func (h ParkingLotHandle) Reference(obj any) (int, error) { return h.lot.Reference(obj) }

// Dereference gives up this callout's reference without unparking.
func (h ParkingLotHandle) Dereference(obj any) (int, error) { return h.lot.Dereference(obj) }

// Unpark signals that this callout is done with the object; it is
// unparked (and its processing resumed) when the count reaches 0.
func (h ParkingLotHandle) Unpark(obj any) bool { return h.lot.Unpark(obj, false) }

// Drop removes the object without resuming it, whatever its count.
func (h ParkingLotHandle) Drop(obj any) bool { return h.lot.Drop(obj) }

// ParkingLot returns the parking lot of hook point p, creating it on demand.
func (m *Manager) ParkingLot(p Point) *ParkingLot {
	m.lotsMu.RLock()
	l := m.lots[p]
	m.lotsMu.RUnlock()
	if l != nil {
		return l
	}
	m.lotsMu.Lock()
	defer m.lotsMu.Unlock()
	if l = m.lots[p]; l == nil {
		l = newParkingLot()
		m.lots[p] = l
	}
	return l
}

// Park is called by the server before calling the callouts of a hook point
// that honours Park (leases4_committed, lease4_offer, leases6_committed,
// subnet4_select, subnet6_select) and has callouts: it parks obj (the query)
// with a reference count of 0 and the callback that resumes its processing.
// ErrParkingLotFull means the lot already holds parked-packet-limit objects:
// the server drops the query and counts pkt4-queue-full / pkt6-queue-full.
//
// After the callouts: if the status is Park, the server stops processing the
// query (the callback resumes it, on the goroutine that unparks — hand it to
// a worker if needed); otherwise it calls Drop(p, obj) and acts on the
// status; if the status is Drop it discards the response.
func (m *Manager) Park(p Point, obj any, unpark func()) error {
	return m.ParkingLot(p).park(obj, unpark, m.parkedLimit.Load())
}

// Unpark unparks obj at p regardless of its reference count (Kea's
// HooksManager::unpark); false if it was not parked.
func (m *Manager) Unpark(p Point, obj any) bool { return m.ParkingLot(p).Unpark(obj, true) }

// Drop removes obj from p's lot without calling its callback.
func (m *Manager) Drop(p Point, obj any) bool { return m.ParkingLot(p).Drop(obj) }

// SetParkedPacketLimit sets parked-packet-limit (per hook point's lot; 0
// means unlimited). The default is DefaultParkedPacketLimit.
func (m *Manager) SetParkedPacketLimit(n int64) {
	if n < 0 {
		n = 0
	}
	m.parkedLimit.Store(n)
}

// ParkedPacketLimit returns parked-packet-limit.
func (m *Manager) ParkedPacketLimit() int64 { return m.parkedLimit.Load() }

// clearParkingLots drops every parked object without calling callbacks and
// starts fresh lots (done on every load, as Kea does).
func (m *Manager) clearParkingLots() {
	m.lotsMu.Lock()
	defer m.lotsMu.Unlock()
	for _, l := range m.lots {
		l.clear()
	}
	m.lots = map[Point]*ParkingLot{}
}
