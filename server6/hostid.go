package server6

import (
	"slices"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
)

// hostIdentifiers returns the client's host identifiers in the configured
// order (Kea's initContext): the DUID, the hardware address and, when
// host-reservation-identifiers lists flex-id, what the host6_identifier
// callouts return.
func (w *worker) hostIdentifiers(duid, hw []byte) []host.Identifier {
	flex, hasFlex := w.flexIdentifier()
	var flexID []byte
	if hasFlex && flex.Type == host.IdentFlexID {
		flexID = flex.Value
	}
	ids := host.AppendClientIdentifiers6(w.ids[:0], w.snap.hostIDs, duid, hw, flexID)
	if hasFlex && flex.Type != host.IdentFlexID {
		// A callout may return an identifier of another type: it takes
		// flex-id's place in the order.
		at := 0
		for _, t := range w.snap.hostIDs {
			if t == host.IdentFlexID {
				break
			}
			if at < len(ids) && ids[at].Type == t {
				at++
			}
		}
		ids = slices.Insert(ids, at, flex)
	}
	w.ids = ids
	return ids
}

// flexIdentifier runs the host6_identifier callouts (Kea's initContext for
// IDENT_FLEX) when host-reservation-identifiers lists flex-id. The
// callouts get query6, id_type (flex-id) and an empty id_value; when they
// leave the status at continue and set a non-empty value, the identifier of
// the type they leave in id_type is used. ok is false otherwise.
func (w *worker) flexIdentifier() (id host.Identifier, ok bool) {
	s := w.srv
	if !slices.Contains(w.snap.hostIDs, host.IdentFlexID) || !s.hooks.CalloutsPresent(hooks.Host6Identifier) {
		return id, false
	}
	h := w.q.CalloutHandle(s.hooks)
	state := h.ScopedState()
	defer state.Close()
	hooks.Set(h, "query6", &w.q)
	hooks.Set(h, "id_type", host.IdentFlexID)
	hooks.Set(h, "id_value", []byte{})
	s.hooks.Call(hooks.Host6Identifier, h)
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
