package hooks

import (
	"testing"
)

func benchManager(b *testing.B, callouts int) *Manager {
	b.Helper()
	m := NewManager(Options{Logger: discardLogger()})
	b.Cleanup(m.UnloadLibraries)
	lh := m.PreCalloutsLibraryHandle()
	for range callouts {
		if err := lh.RegisterCallout("pkt4_receive", func(h *CalloutHandle) error {
			q, err := Get[*fakePkt](h, "query4")
			if err != nil {
				return err
			}
			if q.xid == 0 {
				h.SetStatus(Drop)
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	// Something on another hook point, so the collection is not empty.
	if err := lh.RegisterCallout("pkt4_send", tag("x")); err != nil {
		b.Fatal(err)
	}
	return m
}

var sinkBool bool
var sinkStep NextStep

func BenchmarkCalloutsPresent(b *testing.B) {
	for _, n := range []int{0, 1} {
		b.Run(map[int]string{0: "absent", 1: "present"}[n], func(b *testing.B) {
			m := benchManager(b, n)
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = m.CalloutsPresent(Pkt4Receive)
			}
		})
	}
}

// hookSite is what a server writes at a hook point: a packet that carries a
// CalloutHandleAssociate, the arguments built only when callouts exist.
type benchPkt struct {
	CalloutHandleAssociate
	q fakePkt
}

func hookSite(m *Manager, p *benchPkt) NextStep {
	if !m.CalloutsPresent(Pkt4Receive) {
		return Continue
	}
	h := p.CalloutHandle(m)
	s := h.ScopedState()
	Set(h, "query4", &p.q)
	m.Call(Pkt4Receive, h)
	st := h.Status()
	s.Close()
	return st
}

// BenchmarkHookSite measures one hook point per packet, the packet's handle
// acquired on first use and released at the end of the packet.
func BenchmarkHookSite(b *testing.B) {
	for _, n := range []int{0, 1, 3} {
		b.Run(map[int]string{0: "no-callouts", 1: "one-callout", 3: "three-callouts"}[n], func(b *testing.B) {
			m := benchManager(b, n)
			pkt := &benchPkt{q: fakePkt{xid: 1}}
			b.ReportAllocs()
			for b.Loop() {
				sinkStep = hookSite(m, pkt)
				pkt.ResetCalloutHandle()
			}
		})
	}
}

// BenchmarkHookSiteHandleReused is the cost of a further hook point of the
// same packet (the handle already exists).
func BenchmarkHookSiteHandleReused(b *testing.B) {
	m := benchManager(b, 1)
	pkt := &benchPkt{q: fakePkt{xid: 1}}
	defer pkt.ResetCalloutHandle()
	b.ReportAllocs()
	for b.Loop() {
		sinkStep = hookSite(m, pkt)
	}
}

func BenchmarkHookSiteParallel(b *testing.B) {
	m := benchManager(b, 1)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		pkt := &benchPkt{q: fakePkt{xid: 1}}
		for pb.Next() {
			sinkStep = hookSite(m, pkt)
			pkt.ResetCalloutHandle()
		}
	})
}

func BenchmarkAcquireRelease(b *testing.B) {
	m := benchManager(b, 0)
	b.ReportAllocs()
	for b.Loop() {
		m.AcquireHandle().Release()
	}
}
