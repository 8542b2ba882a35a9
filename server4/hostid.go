package server4

import (
	"slices"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/klog/keamsg"
)

// flexIdentifier runs the host4_identifier callouts (Kea's setHostIdentifiers
// for IDENT_FLEX) when host-reservation-identifiers lists flex-id. The
// callouts get query4, id_type (flex-id) and an empty id_value; when they
// leave the status at continue and set a non-empty value, the identifier of
// the type they leave in id_type is used. ok is false otherwise.
func (w *worker) flexIdentifier() (id host.Identifier, ok bool) {
	s := w.srv
	if !slices.Contains(w.snap.hostIDs, host.IdentFlexID) || !s.hooks.CalloutsPresent(hooks.Host4Identifier) {
		return id, false
	}
	h := w.q.CalloutHandle(s.hooks)
	state := h.ScopedState()
	defer state.Close()
	hooks.Set(h, "query4", &w.q)
	hooks.Set(h, "id_type", host.IdentFlexID)
	hooks.Set(h, "id_value", []byte{})
	s.hooks.Call(hooks.Host4Identifier, h)
	if h.Status() != hooks.Continue {
		return id, false
	}
	t, err := hooks.Get[host.IdentifierType](h, "id_type")
	if err != nil {
		return id, false
	}
	v, err := hooks.Get[[]byte](h, "id_value")
	if err != nil || len(v) == 0 {
		return id, false
	}
	return host.Identifier{Type: t, Value: v}, true
}

// insertIdentifier puts id where flex-id is in the configured order, after
// the identifiers of the types configured before it.
func (w *worker) insertIdentifier(ids []host.Identifier, id host.Identifier) []host.Identifier {
	at := 0
	for _, t := range w.snap.hostIDs {
		if t == host.IdentFlexID {
			break
		}
		if at < len(ids) && ids[at].Type == t {
			at++
		}
	}
	return slices.Insert(ids, at, id)
}

// earlyGlobalLookup is Kea's earlyGHRLookup (early-global-reservations-
// lookup): before subnet selection, the client's global reservation is
// looked up with its host identifiers; when it reserves classes, the
// classes evaluated so far are removed (Kea's
// removeDependentEvaluatedClasses), the reserved ones added and the
// first-pass classes evaluated again (so a test using member() of a
// reserved class now sees it, and one that no longer holds is gone), then KNOWN and the classes
// depending on it, so that subnet selection and pool guards see them. A
// query in DROP by then is dropped (false). The reservation is kept for
// the rest of the processing.
func (w *worker) earlyGlobalLookup() bool {
	a := &w.actx
	a.EarlyGlobalLookup = true
	a.Hosts = w.hosts
	w.hostIdentifiers()
	g := w.srv.engine.FindGlobalReservation(a)
	if g == nil {
		return true
	}
	if len(g.ClientClasses) > 0 {
		w.removeEvaluatedClasses()
		for _, c := range g.ClientClasses {
			w.q.Classes.Add(c)
		}
		w.evaluate(w.snap.phase1)
	}
	w.q.Classes.Add("KNOWN")
	w.evaluate(w.snap.phase2)
	if w.has("DROP") {
		w.srv.log.Debug(dbgDrop, keamsg.DHCP4_PACKET_DROP_0010, w.label())
		w.srv.pstats.receiveDrop.Inc()
		return false
	}
	w.hosts[0] = g
	return true
}

// removeEvaluatedClasses is Kea's removeDependentEvaluatedClasses: the
// query leaves every class of the configuration that has a test
// expression. Classes without one (set by hooks, VENDOR_CLASS_, spawned
// template classes, ALL) stay, as there is no way to add them back.
func (w *worker) removeEvaluatedClasses() {
	kept := w.q.Classes[:0]
	for _, n := range w.q.Classes {
		if c := w.snap.byName[n]; c != nil && c.expr != nil {
			continue
		}
		kept = append(kept, n)
	}
	w.q.Classes = kept
}
