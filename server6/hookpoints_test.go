package server6

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/internal/hookstest"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

type docArg struct {
	name string
	typ  reflect.Type
}

func arg[T any](name string) docArg { return docArg{name, reflect.TypeFor[T]()} }

// dox6 is the argument list of every DHCPv6 hook point the server calls,
// from spec/hooks/dhcp6-hooks-api.dox and Kea's code where
// hooks/points6.go says so, with the Go type Nestor passes for Kea's type.
// lease6_renew and lease6_rebind get ia_na or ia_pd (see TestHookPointPrefixArguments6). Left out
// on purpose: dhcp6_srv_configured's io_context (deprecated in Kea).
var dox6 = map[string][]docArg{
	"dhcp6_srv_configured": {arg[*Server]("network_state"), arg[json.RawMessage]("json_config"), arg[*config.Dhcp6]("server_config")},
	"buffer6_receive":      {arg[*pkt.Pkt6]("query6")},
	"pkt6_receive":         {arg[*pkt.Pkt6]("query6")},
	"subnet6_select":       {arg[*pkt.Pkt6]("query6"), arg[*config.Subnet6]("subnet6"), arg[*Subnet6Collection]("subnet6collection")},
	"lease6_select": {arg[*pkt.Pkt6]("query6"), arg[*config.Subnet6]("subnet6"), arg[bool]("fake_allocation"),
		arg[*lease.Lease6]("lease6")},
	"lease6_renew":      {arg[*pkt.Pkt6]("query6"), arg[*lease.Lease6]("lease6"), arg[*dhcp6.IA]("ia_na")},
	"lease6_rebind":     {arg[*pkt.Pkt6]("query6"), arg[*lease.Lease6]("lease6"), arg[*dhcp6.IA]("ia_na")},
	"lease6_release":    {arg[*pkt.Pkt6]("query6"), arg[*lease.Lease6]("lease6")},
	"lease6_decline":    {arg[*pkt.Pkt6]("query6"), arg[*lease.Lease6]("lease6")},
	"leases6_committed": {arg[*pkt.Pkt6]("query6"), arg[*pkt.Pkt6]("response6"), arg[*Lease6Collection]("leases6"), arg[*Lease6Collection]("deleted_leases6")},
	"pkt6_send":         {arg[*pkt.Pkt6]("query6"), arg[*pkt.Pkt6]("response6"), arg[*config.Subnet6]("subnet6")},
	"buffer6_send":      {arg[*pkt.Pkt6]("response6")},
	"command_processed": {arg[string]("name"), arg[json.RawMessage]("arguments"), arg[json.RawMessage]("response")},
	"context_create":    {},
	"context_destroy":   {},
	"ddns6_update": {arg[*pkt.Pkt6]("query6"), arg[*pkt.Pkt6]("response6"), arg[*config.Subnet6]("subnet6"),
		arg[string]("hostname"), arg[bool]("fwd-update"), arg[bool]("rev-update"), arg[*config.Effective6]("ddns-params")},
	"lease6_expire":    {arg[*lease.Lease6]("lease6"), arg[bool]("remove_lease")},
	"lease6_recover":   {arg[*lease.Lease6]("lease6")},
	"host6_identifier": {arg[*pkt.Pkt6]("query6"), arg[host.IdentifierType]("id_type"), arg[[]byte]("id_value")},
}

// hookHarness is a test server with the conformance library loaded.
type hookHarness struct {
	*harness
	rec *hookstest.Recorder
}

func hookConfig(rec *hookstest.Recorder, pool string) *config.Dhcp6 {
	text := strings.Replace(testConfig, `"lease-database"`, `"hooks-libraries": [`+rec.Entry()+`],
  "host-reservation-identifiers": ["hw-address", "duid", "flex-id"],
  "lease-database"`, 1)
	text = strings.Replace(text, "2001:db8:1::100-2001:db8:1::1ff", pool, 1)
	cfg, _, err := config.ParseDhcp6("t.json", []byte(text), config.LoadOptions{})
	if err != nil {
		panic(err)
	}
	return cfg
}

func newHookHarness(t *testing.T) *hookHarness {
	t.Helper()
	rec := hookstest.New()
	t.Cleanup(rec.Close)
	h := &harness{t: t}
	h.s = New(Options{NoSockets: true, Sender: func(p *netio.Packet) error {
		c := &netio.Packet{Data: append([]byte(nil), p.Payload()[:len(p.Data)]...), Dst: p.Dst, Src: p.Src}
		h.replies = append(h.replies, c)
		return nil
	}})
	if err := h.s.Configure(hookConfig(rec, "2001:db8:1::100-2001:db8:1::1ff")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.s.Close() })
	return &hookHarness{h, rec}
}

func (hh *hookHarness) command(t *testing.T, cmd string) map[string]any {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(hh.s.Commands().ProcessText([]byte(cmd)), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// bind gets an address for the client (SOLICIT, REQUEST) and returns it.
func (hh *hookHarness) bind(t *testing.T, id byte) netip.Addr {
	t.Helper()
	adv := hh.query(dhcp6.MsgSolicit, client{duid: duid(id), na: []uint32{1}})
	if adv == nil {
		t.Fatal("no ADVERTISE")
	}
	r := ias(t, adv, dhcp6.OptIANA)
	if len(r) != 1 || len(r[0].addrs) != 1 {
		t.Fatalf("ADVERTISE IA_NA %+v", r)
	}
	a := netip.MustParseAddr(strings.Fields(r[0].addrs[0])[0])
	rep := hh.query(dhcp6.MsgRequest, client{duid: duid(id), sid: true, na: []uint32{1}, addrs: []netip.Addr{a}})
	if rep == nil || len(ias(t, rep, dhcp6.OptIANA)[0].addrs) != 1 {
		t.Fatalf("no address in the REPLY to REQUEST: %v", rep)
	}
	return a
}

// TestHookPointArguments6 drives every DHCPv6 exchange the server handles
// with the conformance library loaded and checks that each hook point is
// called with exactly the arguments of Kea's hooks API, with the Go types
// hooks/points6.go documents.
func TestHookPointArguments6(t *testing.T) {
	hh := newHookHarness(t)
	rec := hh.rec
	var fakes []string
	rec.On("lease6_select", func(h *hooks.CalloutHandle) error {
		q := hooks.MustGet[*pkt.Pkt6](h, "query6")
		fakes = append(fakes, fmt.Sprint(q.MsgType, " ", hooks.MustGet[bool](h, "fake_allocation")))
		return nil
	})
	a := hh.bind(t, 1)
	hh.query(dhcp6.MsgRenew, client{duid: duid(1), sid: true, na: []uint32{1}, addrs: []netip.Addr{a}})
	hh.query(dhcp6.MsgRebind, client{duid: duid(1), na: []uint32{1}, addrs: []netip.Addr{a}})
	hh.query(dhcp6.MsgRelease, client{duid: duid(1), sid: true, na: []uint32{1}, addrs: []netip.Addr{a}})
	b := hh.bind(t, 2)
	hh.query(dhcp6.MsgDecline, client{duid: duid(2), sid: true, na: []uint32{1}, addrs: []netip.Addr{b}})
	// A client naming itself (option 39): ddns6_update.
	if adv := hh.query(dhcp6.MsgSolicit, client{duid: duid(3), na: []uint32{1}, extra: []dhcp6.Option{fqdn6(1, "named.example.org.")}}); adv == nil {
		t.Error("no ADVERTISE to a SOLICIT with option 39")
	}
	// The declined lease and an expired one: lease6_recover, lease6_expire.
	c := hh.bind(t, 4)
	for _, a := range []netip.Addr{b, c} {
		l := hh.lease(lease.TypeNA, a.String())
		if l == nil {
			t.Fatalf("no lease for %v", a)
		}
		l.CLTT -= 100000
		if err := hh.s.LeaseStore6().UpdateLease6(l); err != nil {
			t.Fatal(err)
		}
	}
	if got := hh.command(t, `{"command": "leases-reclaim", "arguments": {"remove": true}}`); got["result"] != 0.0 {
		t.Fatalf("leases-reclaim: %v", got)
	}
	hh.command(t, `{"command": "status-get"}`)

	var want []string
	for p := range dox6 {
		want = append(want, p)
	}
	slices.Sort(want)
	got := rec.Points()
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("hook points called:\n got %v\nwant %v", got, want)
	}
	for point, args := range dox6 {
		if point == "context_destroy" {
			continue // sees what the handle's last user left
		}
		var wantNames []string
		for _, a := range args {
			wantNames = append(wantNames, a.name)
		}
		slices.Sort(wantNames)
		for _, c := range rec.Calls(point) {
			if names := c.Names(); !slices.Equal(names, wantNames) {
				t.Errorf("%s arguments %v, want %v", point, names, wantNames)
				break
			}
			for _, a := range args {
				if ga, _ := c.Arg(a.name); ga.Type != a.typ {
					t.Errorf("%s argument %s is %v, want %v", point, a.name, ga.Type, a.typ)
				}
			}
		}
	}
	for _, c := range rec.Calls("host6_identifier") {
		if a, _ := c.Arg("id_type"); a.Value != host.IdentFlexID {
			t.Errorf("host6_identifier id_type %v, want flex-id", a.Value)
		}
		if a, _ := c.Arg("id_value"); len(a.Value.([]byte)) != 0 {
			t.Errorf("host6_identifier id_value %x, want empty", a.Value)
		}
	}
	if c := rec.Calls("ddns6_update"); len(c) != 1 {
		t.Errorf("ddns6_update called %d times, want once (the SOLICIT with option 39)", len(c))
	} else if a, _ := c[0].Arg("hostname"); a.Value != "named.example.org." {
		t.Errorf("ddns6_update hostname %v", a.Value)
	}
	if c := rec.Calls("lease6_recover"); len(c) != 1 {
		t.Errorf("lease6_recover called %d times, want once (the declined lease)", len(c))
	} else if a, _ := c[0].Arg("lease6"); a.Value.(*lease.Lease6).Addr != b {
		t.Errorf("lease6_recover for %v, want %v", a.Value.(*lease.Lease6).Addr, b)
	}
	expired := 0
	for _, cl := range rec.Calls("lease6_expire") {
		if a, _ := cl.Arg("remove_lease"); a.Value != true {
			t.Errorf("lease6_expire remove_lease = %v after leases-reclaim remove=true", a.Value)
		}
		if a, _ := cl.Arg("lease6"); a.Value.(*lease.Lease6).Addr == c {
			expired++
		}
	}
	if expired != 1 {
		t.Errorf("lease6_expire called %d times for the expired lease %v", expired, c)
	}
	if !slices.Contains(fakes, "SOLICIT true") || !slices.Contains(fakes, "REQUEST false") {
		t.Errorf("lease6_select calls %v: want fake_allocation true for SOLICIT, false for REQUEST", fakes)
	}
	for _, f := range fakes {
		if f != "SOLICIT true" && f != "REQUEST false" {
			t.Errorf("lease6_select for %s", f)
		}
	}
}

// TestHookPointPrefixArguments6 checks lease6_renew's ia_pd variant.
func TestHookPointPrefixArguments6(t *testing.T) {
	hh := newHookHarness(t)
	adv := hh.query(dhcp6.MsgSolicit, client{duid: duid(1), pd: []uint32{1}, rapid: true})
	if adv == nil {
		t.Fatal("no REPLY")
	}
	r := ias(t, adv, dhcp6.OptIAPD)
	if len(r) != 1 || len(r[0].addrs) != 1 {
		t.Fatalf("IA_PD %+v", r)
	}
	p := netip.MustParsePrefix(strings.Fields(r[0].addrs[0])[0])
	hh.query(dhcp6.MsgRenew, client{duid: duid(1), sid: true, pd: []uint32{1}, prefixes: []netip.Prefix{p}})
	calls := hh.rec.Calls("lease6_renew")
	if len(calls) != 1 {
		t.Fatalf("lease6_renew called %d times", len(calls))
	}
	if names := calls[0].Names(); !slices.Equal(names, []string{"ia_pd", "lease6", "query6"}) {
		t.Errorf("lease6_renew for a prefix: arguments %v", names)
	}
	if c := hh.rec.Calls("lease6_select"); len(c) != 1 {
		t.Errorf("lease6_select called %d times for SOLICIT with rapid commit", len(c))
	} else if a, _ := c[0].Arg("fake_allocation"); a.Value != false {
		t.Errorf("lease6_select fake_allocation %v with rapid commit", a.Value)
	}
	if len(hh.rec.Calls("leases6_committed")) != 2 {
		t.Errorf("leases6_committed called %d times, want 2 (rapid-commit SOLICIT, RENEW)", len(hh.rec.Calls("leases6_committed")))
	}
}

// TestHookPointStatuses6 sets each status each DHCPv6 hook point supports
// and checks the server does what spec/hooks/dhcp6-hooks-api.dox (and
// spec/inventory/hooks.md §2.2) says it does.
func TestHookPointStatuses6(t *testing.T) {
	sol := client{duid: duid(1), na: []uint32{1}}
	tests := []struct {
		name string
		run  func(t *testing.T, hh *hookHarness)
	}{
		{"buffer6_receive drop: dropped and counted", func(t *testing.T, hh *hookHarness) {
			hh.rec.SetStatus("buffer6_receive", hooks.Drop)
			if r := hh.query(dhcp6.MsgSolicit, sol); r != nil {
				t.Error("ADVERTISE sent")
			}
			if n := hh.stat("pkt6-receive-drop"); n != 1 {
				t.Errorf("pkt6-receive-drop = %d", n)
			}
		}},
		{"buffer6_receive skip without parsing: dropped", func(t *testing.T, hh *hookHarness) {
			hh.rec.SetStatus("buffer6_receive", hooks.Skip)
			if r := hh.query(dhcp6.MsgSolicit, sol); r != nil {
				t.Error("ADVERTISE sent for an unparsed query")
			}
		}},
		{"buffer6_receive skip after the callout parsed", func(t *testing.T, hh *hookHarness) {
			hh.rec.On("buffer6_receive", func(h *hooks.CalloutHandle) error {
				q := hooks.MustGet[*pkt.Pkt6](h, "query6")
				h.SetStatus(hooks.Skip)
				return q.Decode(q.Raw)
			})
			if r := hh.query(dhcp6.MsgSolicit, sol); r == nil || r.MsgType != dhcp6.MsgAdvertise {
				t.Errorf("reply %v, want an ADVERTISE", r)
			}
		}},
		{"pkt6_receive skip and drop: dropped and counted", func(t *testing.T, hh *hookHarness) {
			for i, st := range []hooks.NextStep{hooks.Skip, hooks.Drop} {
				hh.rec.SetStatus("pkt6_receive", st)
				if r := hh.query(dhcp6.MsgSolicit, sol); r != nil {
					t.Errorf("reply with pkt6_receive %v", st)
				}
				if n := hh.stat("pkt6-receive-drop"); n != int64(i+1) {
					t.Errorf("pkt6-receive-drop = %d after pkt6_receive %v", n, st)
				}
			}
			if len(hh.rec.Calls("subnet6_select")) != 0 {
				t.Error("processing went on after pkt6_receive")
			}
		}},
		{"subnet6_select skip: no subnet, no address", func(t *testing.T, hh *hookHarness) {
			hh.rec.SetStatus("subnet6_select", hooks.Skip)
			r := hh.query(dhcp6.MsgSolicit, sol)
			if r != nil {
				if got := ias(t, r, dhcp6.OptIANA); len(got) > 0 && len(got[0].addrs) > 0 {
					t.Errorf("address %v without a subnet", got[0].addrs)
				}
			}
			if len(hh.rec.Calls("lease6_select")) != 0 {
				t.Error("lease6_select called without a subnet")
			}
		}},
		{"subnet6_select drop: dropped", func(t *testing.T, hh *hookHarness) {
			hh.rec.SetStatus("subnet6_select", hooks.Drop)
			if r := hh.query(dhcp6.MsgSolicit, sol); r != nil {
				t.Error("reply sent")
			}
		}},
		{"subnet6_select picks another subnet", func(t *testing.T, hh *hookHarness) {
			hh.rec.On("subnet6_select", func(h *hooks.CalloutHandle) error {
				all := hooks.MustGet[*Subnet6Collection](h, "subnet6collection")
				for _, sn := range *all {
					if sn.ID == 3 {
						hooks.Set(h, "subnet6", sn)
					}
				}
				return nil
			})
			r := hh.query(dhcp6.MsgSolicit, sol)
			if got := ias(t, r, dhcp6.OptIANA); len(got) != 1 || len(got[0].addrs) != 1 || !strings.HasPrefix(got[0].addrs[0], "2001:db8:3::") {
				t.Errorf("IA_NA %+v, want an address of subnet 3", got)
			}
		}},
		{"lease6_select skip: no lease", func(t *testing.T, hh *hookHarness) {
			hh.rec.SetStatus("lease6_select", hooks.Skip)
			r := hh.query(dhcp6.MsgSolicit, client{duid: duid(1), na: []uint32{1}, rapid: true})
			if got := ias(t, r, dhcp6.OptIANA); len(got) != 1 || len(got[0].addrs) != 0 {
				t.Errorf("IA_NA %+v after lease6_select skip", got)
			}
			if n := hh.stat("subnet[1].assigned-nas"); n != 0 {
				t.Errorf("assigned-nas = %d", n)
			}
		}},
		{"lease6_renew and lease6_rebind skip: not extended", func(t *testing.T, hh *hookHarness) {
			a := hh.bind(t, 1)
			l := hh.lease(lease.TypeNA, a.String())
			l.CLTT -= 100
			if err := hh.s.LeaseStore6().UpdateLease6(l); err != nil {
				t.Fatal(err)
			}
			hh.rec.SetStatus("lease6_renew", hooks.Skip)
			hh.query(dhcp6.MsgRenew, client{duid: duid(1), sid: true, na: []uint32{1}, addrs: []netip.Addr{a}})
			hh.rec.SetStatus("lease6_rebind", hooks.Skip)
			hh.query(dhcp6.MsgRebind, client{duid: duid(1), na: []uint32{1}, addrs: []netip.Addr{a}})
			if got := hh.lease(lease.TypeNA, a.String()); got == nil || got.CLTT != l.CLTT {
				t.Errorf("lease after skipped renew and rebind: %+v, want cltt %d", got, l.CLTT)
			}
			hh.rec.SetStatus("lease6_rebind", hooks.Continue)
			hh.query(dhcp6.MsgRebind, client{duid: duid(1), na: []uint32{1}, addrs: []netip.Addr{a}})
			if got := hh.lease(lease.TypeNA, a.String()); got == nil || got.CLTT == l.CLTT {
				t.Errorf("lease after a rebind: %+v, want a new cltt", got)
			}
		}},
		{"lease6_release skip and drop: lease kept, reply sent", func(t *testing.T, hh *hookHarness) {
			a := hh.bind(t, 1)
			for _, st := range []hooks.NextStep{hooks.Skip, hooks.Drop} {
				hh.rec.SetStatus("lease6_release", st)
				if r := hh.query(dhcp6.MsgRelease, client{duid: duid(1), sid: true, na: []uint32{1}, addrs: []netip.Addr{a}}); r == nil {
					t.Errorf("no REPLY to RELEASE with lease6_release %v", st)
				}
				if l := hh.lease(lease.TypeNA, a.String()); l == nil || l.ValidLifetime == 0 {
					t.Errorf("lease after RELEASE with lease6_release %v: %+v", st, l)
				}
			}
			hh.rec.SetStatus("lease6_release", hooks.Continue)
			hh.query(dhcp6.MsgRelease, client{duid: duid(1), sid: true, na: []uint32{1}, addrs: []netip.Addr{a}})
			if l := hh.lease(lease.TypeNA, a.String()); l != nil && l.ValidLifetime != 0 {
				t.Errorf("lease after RELEASE: %+v", l)
			}
		}},
		{"lease6_decline skip: not declined, reply sent; drop: no reply", func(t *testing.T, hh *hookHarness) {
			a := hh.bind(t, 1)
			dec := client{duid: duid(1), sid: true, na: []uint32{1}, addrs: []netip.Addr{a}}
			hh.rec.SetStatus("lease6_decline", hooks.Skip)
			if r := hh.query(dhcp6.MsgDecline, dec); r == nil {
				t.Error("no REPLY to DECLINE with lease6_decline skip")
			}
			hh.rec.SetStatus("lease6_decline", hooks.Drop)
			if r := hh.query(dhcp6.MsgDecline, dec); r != nil {
				t.Error("REPLY to DECLINE with lease6_decline drop")
			}
			if l := hh.lease(lease.TypeNA, a.String()); l == nil || l.State == lease.StateDeclined {
				t.Errorf("lease after skipped declines: %+v", l)
			}
			hh.rec.SetStatus("lease6_decline", hooks.Continue)
			hh.query(dhcp6.MsgDecline, dec)
			if l := hh.lease(lease.TypeNA, a.String()); l == nil || l.State != lease.StateDeclined {
				t.Errorf("lease after DECLINE: %+v", l)
			}
		}},
		{"leases6_committed drop: no reply, lease stored", func(t *testing.T, hh *hookHarness) {
			hh.rec.SetStatus("leases6_committed", hooks.Drop)
			if r := hh.query(dhcp6.MsgSolicit, client{duid: duid(1), na: []uint32{1}, rapid: true}); r != nil {
				t.Error("REPLY sent")
			}
			if n := hh.stat("subnet[1].assigned-nas"); n != 1 {
				t.Errorf("assigned-nas = %d", n)
			}
		}},
		{"leases6_committed park: reply held until unparked", func(t *testing.T, hh *hookHarness) {
			var lot hooks.ParkingLotHandle
			var parked *pkt.Pkt6
			var leases int
			hh.rec.On("leases6_committed", func(h *hooks.CalloutHandle) error {
				var ok bool
				if lot, ok = h.ParkingLot(); !ok {
					return fmt.Errorf("no parking lot")
				}
				parked = hooks.MustGet[*pkt.Pkt6](h, "query6")
				leases = len(*hooks.MustGet[*Lease6Collection](h, "leases6"))
				if _, err := lot.Reference(parked); err != nil {
					return err
				}
				h.SetStatus(hooks.Park)
				return nil
			})
			if r := hh.query(dhcp6.MsgSolicit, client{duid: duid(1), na: []uint32{1}, rapid: true}); r != nil {
				t.Fatal("REPLY sent while parked")
			}
			if parked == nil || leases != 1 {
				t.Fatalf("callout saw %d leases", leases)
			}
			hh.rec.On("leases6_committed", nil)
			hh.replies = nil
			if !lot.Unpark(parked) {
				t.Fatal("Unpark: the query was not parked")
			}
			if len(hh.replies) != 1 {
				t.Fatalf("%d replies after unparking", len(hh.replies))
			}
			var p dhcp6.Packet
			if err := p.Decode(hh.replies[0].Data); err != nil || p.MsgType != dhcp6.MsgReply || len(ias(t, &p, dhcp6.OptIANA)[0].addrs) != 1 {
				t.Errorf("reply after unparking: %v %v", p.MsgType, err)
			}
		}},
		{"leases6_committed park: parked-packet-limit", func(t *testing.T, hh *hookHarness) {
			cfg := hookConfig(hh.rec, "2001:db8:1::100-2001:db8:1::1ff")
			cfg.ParkedPacketLimit = config.Some[uint32](1)
			if err := hh.s.Configure(cfg); err != nil {
				t.Fatal(err)
			}
			var lot hooks.ParkingLotHandle
			var parked []*pkt.Pkt6
			hh.rec.On("leases6_committed", func(h *hooks.CalloutHandle) error {
				lot, _ = h.ParkingLot()
				q := hooks.MustGet[*pkt.Pkt6](h, "query6")
				if _, err := lot.Reference(q); err != nil {
					return err
				}
				parked = append(parked, q)
				h.SetStatus(hooks.Park)
				return nil
			})
			hh.query(dhcp6.MsgSolicit, client{duid: duid(1), na: []uint32{1}, rapid: true})
			hh.query(dhcp6.MsgSolicit, client{duid: duid(2), na: []uint32{1}, rapid: true})
			if len(parked) != 1 {
				t.Errorf("%d queries parked with parked-packet-limit 1", len(parked))
			}
			if n := hh.stat("pkt6-queue-full"); n != 1 {
				t.Errorf("pkt6-queue-full = %d", n)
			}
			if len(parked) > 0 && !lot.Unpark(parked[0]) {
				t.Error("Unpark failed")
			}
			if len(hh.replies) != 1 {
				t.Errorf("%d replies after unparking", len(hh.replies))
			}
		}},
		{"pkt6_send changes are sent", func(t *testing.T, hh *hookHarness) {
			hh.rec.On("pkt6_send", func(h *hooks.CalloutHandle) error {
				r := hooks.MustGet[*pkt.Pkt6](h, "response6")
				r.Options = append(r.Options, dhcp6.Option{Code: dhcp6.OptPreference, Data: []byte{255}})
				return nil
			})
			r := hh.query(dhcp6.MsgSolicit, sol)
			if o, ok := r.Options.Get(dhcp6.OptPreference); !ok || len(o.Data) != 1 || o.Data[0] != 255 {
				t.Errorf("preference option %v %v: the callout's change was not sent", o, ok)
			}
			if got := ias(t, r, dhcp6.OptIANA); len(got) != 1 || len(got[0].addrs) != 1 {
				t.Errorf("IA_NA %+v lost in the repacked reply", got)
			}
		}},
		{"pkt6_send changes a relayed reply", func(t *testing.T, hh *hookHarness) {
			hh.rec.On("pkt6_send", func(h *hooks.CalloutHandle) error {
				r := hooks.MustGet[*pkt.Pkt6](h, "response6")
				r.Options = append(r.Options, dhcp6.Option{Code: dhcp6.OptPreference, Data: []byte{7}})
				return nil
			})
			relay := &dhcp6.Relay{LinkAddr: netip.MustParseAddr("2001:db8:2::1"), PeerAddr: netip.MustParseAddr("fe80::2"),
				Options: dhcp6.Options{{Code: dhcp6.OptInterfaceID, Data: []byte("port-7")}}}
			hh.replies = nil
			hh.query(dhcp6.MsgSolicit, client{duid: duid(1), na: []uint32{1}, relay: relay})
			if len(hh.replies) != 1 {
				t.Fatal("no reply")
			}
			var p dhcp6.Packet
			if err := p.Decode(hh.replies[0].Data); err != nil || len(p.Relays) != 1 {
				t.Fatalf("reply %v relays, %v", len(p.Relays), err)
			}
			if o, ok := p.Options.Get(dhcp6.OptPreference); !ok || o.Data[0] != 7 {
				t.Errorf("inner message lacks the callout's option")
			}
			if _, ok := p.Relays[0].Options.Get(dhcp6.OptInterfaceID); !ok {
				t.Errorf("RELAY-REPL lost its interface-id")
			}
		}},
		{"pkt6_send skip: the callout's packing is sent", func(t *testing.T, hh *hookHarness) {
			hh.rec.On("pkt6_send", func(h *hooks.CalloutHandle) error {
				r := hooks.MustGet[*pkt.Pkt6](h, "response6")
				r.Raw = []byte{byte(dhcp6.MsgReply), 1, 2, 3} // a REPLY with no options
				h.SetStatus(hooks.Skip)
				return nil
			})
			if r := hh.query(dhcp6.MsgSolicit, sol); r == nil || r.MsgType != dhcp6.MsgReply || r.TransactionID != 0x010203 || len(r.Options) != 0 {
				t.Errorf("reply %+v, want the callout's bytes", r)
			}
		}},
		{"pkt6_send drop: nothing sent", func(t *testing.T, hh *hookHarness) {
			hh.rec.SetStatus("pkt6_send", hooks.Drop)
			if r := hh.query(dhcp6.MsgSolicit, sol); r != nil {
				t.Error("reply sent")
			}
			if len(hh.rec.Calls("buffer6_send")) != 0 {
				t.Error("buffer6_send called after pkt6_send drop")
			}
		}},
		{"buffer6_send skip and drop: nothing sent", func(t *testing.T, hh *hookHarness) {
			for _, st := range []hooks.NextStep{hooks.Skip, hooks.Drop} {
				hh.rec.SetStatus("buffer6_send", st)
				if r := hh.query(dhcp6.MsgSolicit, sol); r != nil {
					t.Errorf("reply sent with buffer6_send %v", st)
				}
			}
		}},
		{"buffer6_send edits the wire form", func(t *testing.T, hh *hookHarness) {
			hh.rec.On("buffer6_send", func(h *hooks.CalloutHandle) error {
				r := hooks.MustGet[*pkt.Pkt6](h, "response6")
				r.Raw[1] ^= 0xff // transaction id
				return nil
			})
			if r := hh.query(dhcp6.MsgSolicit, sol); r == nil || r.TransactionID != 0xabcdef^0xff0000 {
				t.Errorf("reply %v: want the transaction id the callout wrote", r)
			}
		}},
		{"command_processed replaces the response", func(t *testing.T, hh *hookHarness) {
			hh.rec.On("command_processed", func(h *hooks.CalloutHandle) error {
				hooks.Set(h, "response", hooks.CreateAnswer(0, "hooked", nil))
				return nil
			})
			if got := hh.command(t, `{"command": "version-get"}`); got["text"] != "hooked" {
				t.Errorf("version-get = %v", got)
			}
		}},
		{"dhcp6_srv_configured drop: configuration rejected, old one serves", func(t *testing.T, hh *hookHarness) {
			hh.rec.On("dhcp6_srv_configured", func(h *hooks.CalloutHandle) error {
				hooks.Set(h, "error", "refused by the test library")
				h.SetStatus(hooks.Drop)
				return nil
			})
			err := hh.s.Configure(hookConfig(hh.rec, "2001:db8:1::f000-2001:db8:1::f0ff"))
			if err == nil || err.Error() != "refused by the test library" {
				t.Errorf("Configure = %v", err)
			}
			hh.rec.On("dhcp6_srv_configured", nil)
			if a := hh.bind(t, 1); a.As16()[14] >= 0xf0 {
				t.Errorf("address %v from the rejected configuration", a)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newHookHarness(t))
		})
	}
}

// TestHookRenewIAChanges6 checks that what lease6_renew and lease6_rebind
// callouts change in their ia_na / ia_pd reaches the reply's IA, as in
// Kea where the argument is the response's IA being built: its IAID and
// the options added (T1 and T2 are set by the server afterwards).
func TestHookRenewIAChanges6(t *testing.T) {
	for _, tt := range []struct {
		point string
		msg   dhcp6.MessageType
		pd    bool
	}{
		{"lease6_renew", dhcp6.MsgRenew, false},
		{"lease6_rebind", dhcp6.MsgRebind, false},
		{"lease6_renew", dhcp6.MsgRenew, true},
		{"lease6_rebind", dhcp6.MsgRebind, true},
	} {
		name := fmt.Sprint(tt.point, " pd=", tt.pd)
		t.Run(name, func(t *testing.T) {
			hh := newHookHarness(t)
			argName, code := "ia_na", dhcp6.OptIANA
			c := client{duid: duid(1), rapid: true}
			if tt.pd {
				argName, code = "ia_pd", dhcp6.OptIAPD
				c.pd = []uint32{1}
			} else {
				c.na = []uint32{1}
			}
			rep := hh.query(dhcp6.MsgSolicit, c)
			if rep == nil {
				t.Fatal("no REPLY to a rapid-commit SOLICIT")
			}
			got := ias(t, rep, code)
			if len(got) != 1 || len(got[0].addrs) != 1 {
				t.Fatalf("IA %+v", got)
			}
			held := strings.Fields(got[0].addrs[0])[0]
			if tt.pd {
				c.prefixes = []netip.Prefix{netip.MustParsePrefix(held)}
			} else {
				c.addrs = []netip.Addr{netip.MustParseAddr(held)}
			}
			c.rapid = false
			c.sid = tt.msg == dhcp6.MsgRenew
			var seen []*dhcp6.IA
			hh.rec.On(tt.point, func(h *hooks.CalloutHandle) error {
				ia := hooks.MustGet[*dhcp6.IA](h, argName)
				seen = append(seen, ia)
				ia.IAID = 99
				ia.T1 = 7777
				ia.Options = ia.Options.Append(dhcp6.OptStatusCode, append([]byte{0, 200}, "hooked"...))
				return nil
			})
			rep = hh.query(tt.msg, c)
			if rep == nil {
				t.Fatalf("no REPLY to %v", tt.msg)
			}
			if len(seen) != 1 {
				t.Fatalf("%s called %d times", tt.point, len(seen))
			}
			got = ias(t, rep, code)
			if len(got) != 1 {
				t.Fatalf("reply IAs %+v", got)
			}
			r := got[0]
			if r.iaid != 99 {
				t.Errorf("reply IAID %d, want the callout's 99", r.iaid)
			}
			if !r.hasStatus || r.status != 200 {
				t.Errorf("reply IA status %v (present %v), want the callout's 200", r.status, r.hasStatus)
			}
			if r.t1 == 7777 {
				t.Errorf("reply T1 is the callout's: the server sets it after the callouts")
			}
			if len(r.addrs) != 1 || strings.Fields(r.addrs[0])[0] != held {
				t.Errorf("reply IA leases %v, want %s", r.addrs, held)
			}
		})
	}
}
