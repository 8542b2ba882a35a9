// Package flexid is Kea's flexible identifier hook library
// (libdhcp_flex_id.so) for kea-dhcp4, written from the ARM (the library is
// premium in Kea 2.2 and 2.6 and not shipped with the Debian packages, so
// there is no oracle to compare with).
//
// The parameter "identifier-expression" (mandatory) is an expression of
// the classification language evaluated to a string for every query. At
// host4_identifier (called when host-reservation-identifiers lists
// "flex-id") a non-empty value becomes the client's flex-id identifier,
// which reservations name with "flex-id". With "replace-client-id" true,
// the query's client identifier (option 61) is replaced at pkt4_receive by
// a zero octet followed by the value, so that leases follow the flexible
// identifier (with match-client-id true); the reply then carries the
// client's own option 61, if it sent one, whatever echo-client-id says.
// "ignore-iaid" is accepted for DHCPv6 configurations and unused here.
package flexid

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
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
	expr   *eval.Expr
	defs   *option.DefSet
	ctxs   sync.Pool
}

// configProvider is what the library reads from kea-dhcp4: the option
// definitions the expression resolves option names with.
type configProvider interface {
	Config4() *config.Dhcp4
}

// Load compiles the expression and registers the callouts.
func (l *Library) Load(h *hooks.LibraryHandle) error {
	p, err := ParseParams(h.Parameters())
	if err != nil {
		return err
	}
	l.params = p
	if cp, ok := h.Services().(configProvider); ok {
		if cfg := cp.Config4(); cfg != nil {
			l.defs = cfg.Defs
		}
	}
	l.expr, err = eval.Compile(option.V4, eval.String, p.IdentifierExpression, &eval.Options{Defs: l.defs, ClassDefined: func(string) bool { return true }})
	if err != nil {
		return fmt.Errorf("flex-id: unable to parse 'identifier-expression' %q: %w", p.IdentifierExpression, err)
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

// ValidateParameters lets config-test refuse bad parameters.
func (l *Library) ValidateParameters(p hooks.Parameters) error {
	pp, err := ParseParams(p)
	if err != nil {
		return err
	}
	if _, err := eval.Compile(option.V4, eval.String, pp.IdentifierExpression, &eval.Options{ClassDefined: func(string) bool { return true }}); err != nil {
		return fmt.Errorf("flex-id: unable to parse 'identifier-expression' %q: %w", pp.IdentifierExpression, err)
	}
	return nil
}

// MultiThreadingCompatible: evaluation contexts are per call.
func (l *Library) MultiThreadingCompatible() bool { return true }

// Daemons: only the DHCPv4 side is implemented.
func (l *Library) Daemons() []string { return []string{"kea-dhcp4"} }

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
