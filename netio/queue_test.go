package netio

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func seqPacket(i int) *Packet {
	p := NewPacket()
	p.IfIndex = i // the test's sequence number
	return p
}

func TestQueueDropsOldest(t *testing.T) {
	var released []int
	q := NewQueue(3, func(p *Packet) { released = append(released, p.IfIndex) })
	for i := 1; i <= 5; i++ {
		ok := q.Push(seqPacket(i))
		if want := i <= 3; ok != want {
			t.Errorf("push %d: ok=%v want %v", i, ok, want)
		}
	}
	if d := cmp.Diff([]int{1, 2}, released); d != "" {
		t.Errorf("dropped (-want +got):\n%s", d)
	}
	if q.Dropped() != 2 || q.Len() != 3 {
		t.Errorf("dropped %d len %d", q.Dropped(), q.Len())
	}
	var got []int
	for i := 0; i < 3; i++ {
		got = append(got, q.Pop().IfIndex)
	}
	if d := cmp.Diff([]int{3, 4, 5}, got); d != "" {
		t.Errorf("popped (-want +got):\n%s", d)
	}
}

func TestQueueUnlimitedGrows(t *testing.T) {
	q := NewQueue(0, nil)
	for i := 0; i < 1000; i++ {
		if !q.Push(seqPacket(i)) {
			t.Fatalf("unlimited queue dropped at %d", i)
		}
	}
	for i := 0; i < 1000; i++ {
		if got := q.Pop().IfIndex; got != i {
			t.Fatalf("pop %d got %d", i, got)
		}
	}
}

func TestQueueStatsFollowKea(t *testing.T) {
	q := NewQueue(0, nil)
	for i := 0; i < 5; i++ {
		q.Push(seqPacket(i))
	}
	var want [3]float64
	for l := 5; l > 0; l-- {
		for i, d := range []float64{math.Exp(-.1), math.Exp(-.01), math.Exp(-.001)} {
			want[i] = want[i]*d + (1-d)*float64(l)
		}
		q.Pop()
	}
	got := q.Stats()
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("stat %d = %v want %v", i, got[i], want[i])
		}
	}
}

func TestQueueCloseWakesAndReleases(t *testing.T) {
	var mu sync.Mutex
	n := 0
	q := NewQueue(10, func(*Packet) { mu.Lock(); n++; mu.Unlock() })
	done := make(chan *Packet)
	go func() { done <- q.Pop() }()
	time.Sleep(10 * time.Millisecond)
	q.Close()
	select {
	case p := <-done:
		if p != nil {
			t.Error("Pop after Close returned a packet")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Pop not woken by Close")
	}
	q.Push(seqPacket(1))
	mu.Lock()
	defer mu.Unlock()
	if n != 1 {
		t.Errorf("push on closed queue released %d packets", n)
	}
}

func TestKeaDispatch(t *testing.T) {
	cases := []struct {
		mt       bool
		tps, pqs uint32
		qc       bool
		capacity uint32
		want     DispatchConfig
	}{
		{true, 4, 7, false, 64, DispatchConfig{Workers: 4, QueueSize: 7}},
		{true, 0, 0, true, 64, DispatchConfig{Workers: 0, QueueSize: 0}},
		{false, 4, 7, true, 500, DispatchConfig{Workers: 1, QueueSize: 500}},
		{false, 4, 7, false, 500, DispatchConfig{Workers: 1, Inline: true}},
	}
	for _, c := range cases {
		got := KeaDispatch(c.mt, c.tps, c.pqs, c.qc, c.capacity)
		if got.Workers != c.want.Workers || got.QueueSize != c.want.QueueSize || got.Inline != c.want.Inline || got.BatchStart != nil || got.BatchEnd != nil || got.MaxBatchDelay != DefaultMaxBatchDelay {
			t.Errorf("KeaDispatch(%v,%d,%d,%v,%d) = %+v want %+v", c.mt, c.tps, c.pqs, c.qc, c.capacity, got, c.want)
		}
	}
}

func TestPoolResetsPackets(t *testing.T) {
	pl := NewPool()
	p := pl.Get()
	p.IfIndex, p.IfName = 3, "x"
	if err := p.SetPayload(10); err != nil {
		t.Fatal(err)
	}
	p.Release()
	q := pl.Get()
	if q.IfIndex != 0 || q.IfName != "" || q.Data != nil || len(q.buf) != BufSize {
		t.Errorf("pooled packet not reset: %+v", q)
	}
	if err := q.SetPayload(MaxPayload + 1); err == nil {
		t.Error("oversized payload accepted")
	}
}
