// Package flexid is Kea's flexible identifier hook library
// (libdhcp_flex_id.so) for kea-dhcp4 and kea-dhcp6, written from the ARM
// (the library is premium in Kea 2.2 and 2.6 and not shipped with the
// Debian packages, so there is no oracle to compare with).
//
// The parameter "identifier-expression" (mandatory) is an expression of
// the classification language evaluated to a string for every query, on
// the DHCPv4 or the DHCPv6 query depending on the daemon loading the
// library. At host4_identifier / host6_identifier (called when
// host-reservation-identifiers lists "flex-id") a non-empty value becomes
// the client's flex-id identifier, which reservations name with
// "flex-id". With "replace-client-id" true, the query's client identifier
// is replaced at pkt4_receive / pkt6_receive: DHCPv4's option 61 by a
// zero octet followed by the value (leases follow the flexible identifier
// with match-client-id true), DHCPv6's CLIENTID by two zero octets
// followed by the value (leases are then stored under that DUID). The
// reply then carries the client's own identifier: in DHCPv4 its option
// 61, if it sent one, whatever echo-client-id says; in DHCPv6 its
// CLIENTID. With "ignore-iaid" (DHCPv6) the IAID of a query's only IA_NA
// (and of its only IA_PD) is 0 while the query is processed, so leases are
// stored with IAID 0, and the reply's IA gets the client's IAID back; with
// several IA_NAs (IA_PDs) their IAIDs are kept. Kea logs a warning at
// configuration time for it; Nestor does not.
package flexid

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/eval"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/option"
	"github.com/nestordhcp/nestor/pkt"
)

// Name is the library's Kea file name.
const Name = "libdhcp_flex_id.so"

func init() {
	hooks.RegisterLibrary(Name, func() hooks.Library { return &Library{} })
}

// Params are the library's parameters.
type Params struct {
	IdentifierExpression string
	ReplaceClientID      bool
	IgnoreIAID           bool
}

// ParseParams checks the parameters: identifier-expression is a mandatory
// string, replace-client-id and ignore-iaid optional booleans; other
// names are refused.
func ParseParams(p hooks.Parameters) (Params, error) {
	var out Params
	if !p.IsSet() {
		return out, errors.New("flex-id: the 'identifier-expression' parameter is mandatory")
	}
	for _, k := range p.Names() {
		switch k {
		case "identifier-expression", "replace-client-id", "ignore-iaid":
		default:
			return out, fmt.Errorf("flex-id: unknown parameter '%s'", k)
		}
	}
	raw, ok := p.Get("identifier-expression")
	if !ok {
		return out, errors.New("flex-id: the 'identifier-expression' parameter is mandatory")
	}
	if json.Unmarshal(raw, &out.IdentifierExpression) != nil {
		return out, errors.New("flex-id: 'identifier-expression' must be a string")
	}
	for name, dst := range map[string]*bool{"replace-client-id": &out.ReplaceClientID, "ignore-iaid": &out.IgnoreIAID} {
		if raw, ok := p.Get(name); ok && json.Unmarshal(raw, dst) != nil {
			return out, fmt.Errorf("flex-id: '%s' must be a boolean", name)
		}
	}
	return out, nil
}

// Library is one loaded instance of the flex-id library.
type Library struct {
	params Params
	v6     bool // loaded by kea-dhcp6
	expr   *eval.Expr
	defs   *option.DefSet
	ctxs   sync.Pool
	ctxs6  sync.Pool
}

// configProvider is what the library reads from kea-dhcp4: the option
// definitions the expression resolves option names with.
type configProvider interface {
	Config4() *config.Dhcp4
}

// configProvider6 is the kea-dhcp6 counterpart of configProvider.
type configProvider6 interface {
	Config6() *config.Dhcp6
}

// Load compiles the expression for the daemon's family and registers the
// callouts.
func (l *Library) Load(h *hooks.LibraryHandle) error {
	p, err := ParseParams(h.Parameters())
	if err != nil {
		return err
	}
	l.params = p
	u := option.V4
	switch cp := h.Services().(type) {
	case configProvider:
		if cfg := cp.Config4(); cfg != nil {
			l.defs = cfg.Defs
		}
	case configProvider6:
		l.v6, u = true, option.V6
		if cfg := cp.Config6(); cfg != nil {
			l.defs = cfg.Defs
		}
	}
	l.expr, err = eval.Compile(u, eval.String, p.IdentifierExpression, &eval.Options{Defs: l.defs, ClassDefined: func(string) bool { return true }})
	if err != nil {
		return fmt.Errorf("flex-id: unable to parse 'identifier-expression' %q: %w", p.IdentifierExpression, err)
	}
	if l.v6 {
		if err := h.RegisterCallout("host6_identifier", l.host6Identifier); err != nil {
			return err
		}
		if p.ReplaceClientID || p.IgnoreIAID {
			if err := h.RegisterCallout("pkt6_receive", l.pkt6Receive); err != nil {
				return err
			}
			return h.RegisterCallout("pkt6_send", l.pkt6Send)
		}
		return nil
	}
	if err := h.RegisterCallout("host4_identifier", l.host4Identifier); err != nil {
		return err
	}
	if p.ReplaceClientID {
		if err := h.RegisterCallout("pkt4_receive", l.pkt4Receive); err != nil {
			return err
		}
		return h.RegisterCallout("pkt4_send", l.pkt4Send)
	}
	return nil
}

// Unload releases nothing: the library keeps no packet.
func (l *Library) Unload() error { return nil }

// ValidateParameters lets config-test refuse bad parameters. The daemon
// is not known here: an expression valid for either family passes (Load
// refuses one of the other family).
func (l *Library) ValidateParameters(p hooks.Parameters) error {
	pp, err := ParseParams(p)
	if err != nil {
		return err
	}
	opts := &eval.Options{ClassDefined: func(string) bool { return true }}
	if _, err := eval.Compile(option.V4, eval.String, pp.IdentifierExpression, opts); err != nil {
		if _, err6 := eval.Compile(option.V6, eval.String, pp.IdentifierExpression, opts); err6 != nil {
			return fmt.Errorf("flex-id: unable to parse 'identifier-expression' %q: %w", pp.IdentifierExpression, err)
		}
	}
	return nil
}

// MultiThreadingCompatible: evaluation contexts are per call.
func (l *Library) MultiThreadingCompatible() bool { return true }

// Daemons: kea-dhcp4 and kea-dhcp6.
func (l *Library) Daemons() []string { return []string{"kea-dhcp4", "kea-dhcp6"} }

// Value evaluates the identifier expression for a query; nil when it
// yields nothing (or fails).
func (l *Library) Value(q *pkt.Pkt4) []byte {
	c, _ := l.ctxs.Get().(*eval.Context4)
	if c == nil {
		c = &eval.Context4{}
	}
	defer l.ctxs.Put(c)
	c.Pkt = &q.Packet
	c.Iface = q.IfName
	c.Src, c.Dst = q.Src.Addr(), q.Dst.Addr()
	c.Len = q.Len
	c.Member = q.Classes.Has
	c.Defs = l.defs
	c.DeferredUnpacked = true
	v, err := l.expr.EvalString(c)
	c.Pkt, c.Member = nil, nil
	if err != nil || len(v) == 0 {
		return nil
	}
	return append([]byte(nil), v...)
}

func (l *Library) host4Identifier(h *hooks.CalloutHandle) error {
	q, err := hooks.Get[*pkt.Pkt4](h, "query4")
	if err != nil || q == nil {
		return err
	}
	if t, err := hooks.Get[host.IdentifierType](h, "id_type"); err == nil && t != host.IdentFlexID {
		return nil
	}
	v := l.Value(q)
	if v == nil {
		return nil
	}
	hooks.Set(h, "id_type", host.IdentFlexID)
	hooks.Set(h, "id_value", v)
	return nil
}

// contextOriginal names the per-query context entry holding the client
// identifier the query came with (nil: none) once it was replaced.
const contextOriginal = "flex-id-original-client-id"

func (l *Library) pkt4Receive(h *hooks.CalloutHandle) error {
	q, err := hooks.Get[*pkt.Pkt4](h, "query4")
	if err != nil || q == nil {
		return err
	}
	v := l.Value(q)
	if v == nil {
		return nil
	}
	var orig []byte
	if cid, ok := q.Get(dhcp4.OptionClientIdentifier); ok {
		orig = append([]byte{}, cid...)
	}
	hooks.SetContext(h, contextOriginal, orig)
	q.Set(dhcp4.OptionClientIdentifier, append([]byte{0}, v...))
	return nil
}

func (l *Library) pkt4Send(h *hooks.CalloutHandle) error {
	orig, ok, err := hooks.GetOptionalContext[[]byte](h, contextOriginal)
	if err != nil || !ok {
		return err
	}
	r, err := hooks.Get[*pkt.Pkt4](h, "response4")
	if err != nil || r == nil {
		return err
	}
	r.Del(dhcp4.OptionClientIdentifier)
	if orig != nil {
		r.Set(dhcp4.OptionClientIdentifier, orig)
	}
	return nil
}

// Value6 evaluates the identifier expression for a DHCPv6 query; nil when
// it yields nothing (or fails).
func (l *Library) Value6(q *pkt.Pkt6) []byte {
	c, _ := l.ctxs6.Get().(*eval.Context6)
	if c == nil {
		c = &eval.Context6{}
	}
	defer l.ctxs6.Put(c)
	c.Pkt = &q.Packet
	c.Iface = q.IfName
	c.Src, c.Dst = q.Src.Addr(), q.Dst.Addr()
	c.Len = q.Len
	c.Member = q.Classes.Has
	c.Defs = l.defs
	v, err := l.expr.EvalString(c)
	c.Pkt, c.Member = nil, nil
	if err != nil || len(v) == 0 {
		return nil
	}
	return append([]byte(nil), v...)
}

func (l *Library) host6Identifier(h *hooks.CalloutHandle) error {
	q, err := hooks.Get[*pkt.Pkt6](h, "query6")
	if err != nil || q == nil {
		return err
	}
	if t, err := hooks.Get[host.IdentifierType](h, "id_type"); err == nil && t != host.IdentFlexID {
		return nil
	}
	v := l.Value6(q)
	if v == nil {
		return nil
	}
	hooks.Set(h, "id_type", host.IdentFlexID)
	hooks.Set(h, "id_value", v)
	return nil
}

// contextOriginalDUID names the per-query context entry holding the
// CLIENTID payload the query came with once it was replaced;
// contextOriginalIAIDs the IAIDs ignore-iaid set to 0.
const (
	contextOriginalDUID  = "flex-id-original-duid"
	contextOriginalIAIDs = "flex-id-original-iaids"
)

// ignoredIAID is an IA whose IAID ignore-iaid set to 0.
type ignoredIAID struct {
	code dhcp6.OptionCode
	iaid uint32
}

// pkt6Receive applies ignore-iaid (the IAID of the only IA_NA, and of the
// only IA_PD, becomes 0; the expression sees that) and replace-client-id
// (the query's DUID becomes two zero octets followed by the flexible
// identifier; a query without CLIENTID is left alone).
func (l *Library) pkt6Receive(h *hooks.CalloutHandle) error {
	q, err := hooks.Get[*pkt.Pkt6](h, "query6")
	if err != nil || q == nil {
		return err
	}
	if l.params.IgnoreIAID {
		var saved []ignoredIAID
		for _, code := range []dhcp6.OptionCode{dhcp6.OptIANA, dhcp6.OptIAPD} {
			if q.Options.Count(code) != 1 {
				continue
			}
			i := q.Options.Next(code, 0)
			d := q.Options[i].Data
			if len(d) < 4 {
				continue
			}
			saved = append(saved, ignoredIAID{code, binary.BigEndian.Uint32(d)})
			nd := append([]byte(nil), d...)
			nd[0], nd[1], nd[2], nd[3] = 0, 0, 0, 0
			q.Options[i].Data = nd
		}
		if saved != nil {
			hooks.SetContext(h, contextOriginalIAIDs, saved)
		}
	}
	if !l.params.ReplaceClientID {
		return nil
	}
	i := q.Options.Next(dhcp6.OptClientID, 0)
	if i < 0 {
		return nil
	}
	v := l.Value6(q)
	if v == nil {
		return nil
	}
	hooks.SetContext(h, contextOriginalDUID, append([]byte(nil), q.Options[i].Data...))
	q.Options[i].Data = append([]byte{0, 0}, v...)
	return nil
}

// pkt6Send puts the client's own DUID back in the reply's CLIENTID and the
// IAIDs ignore-iaid cleared back in the reply's IAs.
func (l *Library) pkt6Send(h *hooks.CalloutHandle) error {
	r, err := hooks.Get[*pkt.Pkt6](h, "response6")
	if err != nil || r == nil {
		return err
	}
	orig, ok, err := hooks.GetOptionalContext[[]byte](h, contextOriginalDUID)
	if err != nil {
		return err
	}
	if ok {
		if i := r.Options.Next(dhcp6.OptClientID, 0); i >= 0 {
			r.Options[i].Data = orig
		}
	}
	saved, ok, err := hooks.GetOptionalContext[[]ignoredIAID](h, contextOriginalIAIDs)
	if err != nil || !ok {
		return err
	}
	for _, sv := range saved {
		for i := r.Options.Next(sv.code, 0); i >= 0; i = r.Options.Next(sv.code, i+1) {
			if d := r.Options[i].Data; len(d) >= 4 && binary.BigEndian.Uint32(d) == 0 {
				nd := append([]byte(nil), d...)
				binary.BigEndian.PutUint32(nd, sv.iaid)
				r.Options[i].Data = nd
			}
		}
	}
	return nil
}
