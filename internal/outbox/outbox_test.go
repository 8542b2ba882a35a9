package outbox

import (
	"errors"
	"slices"
	"testing"

	"github.com/nestordhcp/nestor/netio"
)

type meta struct{ id int }

type handler struct {
	writeErr error
	sendErr  map[int]error // by payload length
	sent     []int
	failed   []int
	calls    []string
}

func (h *handler) ReleaseWrites() error {
	h.calls = append(h.calls, "write")
	return h.writeErr
}
func (h *handler) SendSet() *netio.Set { return nil }
func (h *handler) Send(p *netio.Packet) error {
	h.calls = append(h.calls, "send")
	return h.sendErr[len(p.Data)]
}
func (h *handler) SendFailed(m *meta, err error) { h.failed = append(h.failed, m.id) }
func (h *handler) Sent(m *meta)                  { h.sent = append(h.sent, m.id) }

func packet(pool *netio.Pool, n int) *netio.Packet {
	p := pool.Get()
	if err := p.SetPayload(n); err != nil {
		panic(err)
	}
	return p
}

// TestEnd: the rows are written before any reply is sent; a reply whose
// send fails is reported, the others counted; a failed write drops them all.
func TestEnd(t *testing.T) {
	pool := netio.NewPool()
	var o Outbox[meta]
	h := &handler{sendErr: map[int]error{20: errors.New("no route")}}
	o.End(h) // an empty batch still releases the writes
	if !slices.Equal(h.calls, []string{"write"}) {
		t.Errorf("empty batch: %v", h.calls)
	}
	h.calls = nil
	for i, n := range []int{10, 20, 30} {
		o.Add(packet(pool, n), meta{i})
	}
	o.End(h)
	if !slices.Equal(h.calls, []string{"write", "send", "send", "send"}) {
		t.Errorf("calls: %v", h.calls)
	}
	if !slices.Equal(h.sent, []int{0, 2}) || !slices.Equal(h.failed, []int{1}) {
		t.Errorf("sent %v failed %v", h.sent, h.failed)
	}
	// the next batch starts empty
	h = &handler{writeErr: errors.New("disk full")}
	o.Add(packet(pool, 10), meta{7})
	o.End(h)
	if !slices.Equal(h.calls, []string{"write"}) || len(h.sent) != 0 || !slices.Equal(h.failed, []int{7}) {
		t.Errorf("failed write: calls %v sent %v failed %v", h.calls, h.sent, h.failed)
	}
}
