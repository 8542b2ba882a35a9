package server4

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/internal/hookstest"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
	"github.com/nestordhcp/nestor/pkt"
)

// docArg is one argument of a hook point as spec/hooks/dhcp4-hooks-api.dox
// (and Kea's code, where hooks/points4.go says so) lists it, with the Go
// type Nestor passes for Kea's type.
type docArg struct {
	name string
	typ  reflect.Type
}

func arg[T any](name string) docArg { return docArg{name, reflect.TypeFor[T]()} }

// dox4 is the argument list of every DHCPv4 hook point the server calls.
// Left out on purpose: dhcp4_srv_configured's io_context (deprecated in
// Kea; Nestor has no IOService, see docs/compat.md).
var dox4 = map[string][]docArg{
	"dhcp4_srv_configured": {arg[*Server]("network_state"), arg[json.RawMessage]("json_config"), arg[*config.Dhcp4]("server_config")},
	"buffer4_receive":      {arg[*pkt.Pkt4]("query4")},
	"pkt4_receive":         {arg[*pkt.Pkt4]("query4")},
	"subnet4_select":       {arg[*pkt.Pkt4]("query4"), arg[*config.Subnet4]("subnet4"), arg[*Subnet4Collection]("subnet4collection")},
	"lease4_select": {arg[*pkt.Pkt4]("query4"), arg[*config.Subnet4]("subnet4"), arg[bool]("fake_allocation"),
		arg[uint32]("offer_lft"), arg[*lease.Lease4]("lease4")},
	"lease4_renew": {arg[*pkt.Pkt4]("query4"), arg[*config.Subnet4]("subnet4"), arg[[]byte]("clientid"),
		arg[*lease.HWAddr]("hwaddr"), arg[*lease.Lease4]("lease4")},
	"lease4_release":    {arg[*pkt.Pkt4]("query4"), arg[*lease.Lease4]("lease4")},
	"lease4_decline":    {arg[*pkt.Pkt4]("query4"), arg[*lease.Lease4]("lease4")},
	"leases4_committed": {arg[*pkt.Pkt4]("query4"), arg[*pkt.Pkt4]("response4"), arg[*Lease4Collection]("leases4"), arg[*Lease4Collection]("deleted_leases4")},
	"lease4_offer": {arg[*pkt.Pkt4]("query4"), arg[*pkt.Pkt4]("response4"), arg[*Lease4Collection]("leases4"),
		arg[uint32]("offer_lifetime"), arg[*lease.Lease4]("old_lease"), arg[*host.Host]("host")},
	"lease4_server_decline": {arg[*pkt.Pkt4]("query4"), arg[*lease.Lease4]("lease4")},
	"pkt4_send":             {arg[*pkt.Pkt4]("query4"), arg[*pkt.Pkt4]("response4"), arg[*config.Subnet4]("subnet4")},
	"buffer4_send":          {arg[*pkt.Pkt4]("response4")},
	"lease4_expire":         {arg[*lease.Lease4]("lease4"), arg[bool]("remove_lease")},
	"lease4_recover":        {arg[*lease.Lease4]("lease4")},
	"host4_identifier":      {arg[*pkt.Pkt4]("query4"), arg[host.IdentifierType]("id_type"), arg[[]byte]("id_value")},
	"ddns4_update": {arg[*pkt.Pkt4]("query4"), arg[*pkt.Pkt4]("response4"), arg[*config.Subnet4]("subnet4"),
		arg[string]("hostname"), arg[bool]("fwd-update"), arg[bool]("rev-update"), arg[*config.Effective4]("ddns-params")},
	"command_processed": {arg[string]("name"), arg[json.RawMessage]("arguments"), arg[json.RawMessage]("response")},
	"context_create":    {},
	"context_destroy":   {},
}

// hookServer is a test server with the conformance library loaded.
type hookServer struct {
	*testServer
	rec *hookstest.Recorder
}

func newHookServer(t *testing.T, extra string) *hookServer {
	t.Helper()
	rec := hookstest.New()
	t.Cleanup(rec.Close)
	cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, `"valid-lifetime": 4000,`+extra+`
  "hooks-libraries": [`+rec.Entry()+`],`, 1)
	return &hookServer{newTestServer(t, cfg), rec}
}

func (hs *hookServer) discover(t *testing.T, mac byte) *dhcp4.Packet {
	t.Helper()
	off, _ := hs.exchange(t, query(dhcp4.DHCPDISCOVER, mac), relay)
	return off
}

func (hs *hookServer) request(t *testing.T, mac byte, addr netip.Addr) *dhcp4.Packet {
	t.Helper()
	ack, _ := hs.exchange(t, query(dhcp4.DHCPREQUEST, mac,
		dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: addr.AsSlice()},
		dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), relay)
	return ack
}

// dora gets a lease for mac and returns its address.
func (hs *hookServer) dora(t *testing.T, mac byte) netip.Addr {
	t.Helper()
	off := hs.discover(t, mac)
	if off == nil {
		t.Fatal("no OFFER")
	}
	ack := hs.request(t, mac, off.YIAddr.Addr())
	if ack == nil || ack.MessageType() != dhcp4.DHCPACK {
		t.Fatalf("no ACK: %v", ack)
	}
	return ack.YIAddr.Addr()
}

func (hs *hookServer) command(t *testing.T, cmd string) map[string]any {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal(hs.Commands().ProcessText([]byte(cmd)), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// addExpired stores a lease that expired an hour ago, in state st.
func (hs *hookServer) addExpired(t *testing.T, addr string, st lease.State) {
	t.Helper()
	l := &lease.Lease4{Addr: netip.MustParseAddr(addr), ValidLifetime: 600, CLTT: time.Now().Unix() - 3600,
		SubnetID: 1, State: st, HWAddr: lease.HWAddr{Bytes: []byte{2, 0, 0, 0, 0, 0x77}, Type: 1}}
	if err := hs.LeaseStore4().AddLease4(l); err != nil {
		t.Fatal(err)
	}
}

func (hs *hookServer) reclaim(t *testing.T) {
	t.Helper()
	if got := hs.command(t, `{"command": "leases-reclaim", "arguments": {"remove": true}}`); got["result"] != 0.0 {
		t.Fatalf("leases-reclaim: %v", got)
	}
}

// TestHookPointArguments4 drives every DHCPv4 exchange the server handles
// with the conformance library loaded, and checks that each hook point is
// called with exactly the arguments of Kea's hooks API, with the Go types
// hooks/points4.go documents.
func TestHookPointArguments4(t *testing.T) {
	// offer-lifetime: the offered lease is stored, so lease4_server_decline
	// has a lease to decline. flex-id in the identifiers: host4_identifier.
	hs := newHookServer(t, `"offer-lifetime": 60, "host-reservation-identifiers": ["hw-address", "flex-id"],`)
	rec := hs.rec
	// lease4_offer with the address in use: lease4_server_decline.
	rec.On("lease4_offer", func(h *hooks.CalloutHandle) error {
		hooks.Set(h, "offer_address_in_use", true)
		return nil
	})
	if off := hs.discover(t, 3); off != nil {
		t.Errorf("OFFER sent although lease4_offer found the address in use")
	}
	rec.On("lease4_offer", nil)
	// Packets are reused: what depends on the query is read in the callout.
	var fakes []string
	rec.On("lease4_select", func(h *hooks.CalloutHandle) error {
		q := hooks.MustGet[*pkt.Pkt4](h, "query4")
		fakes = append(fakes, fmt.Sprint(q.MessageType(), " ", hooks.MustGet[bool](h, "fake_allocation")))
		return nil
	})
	addr := hs.dora(t, 1)
	hs.request(t, 1, addr) // renew
	hs.exchange(t, withCIAddr(query(dhcp4.DHCPRELEASE, 1, dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), addr), relay)
	addr2 := hs.dora(t, 2)
	hs.exchange(t, query(dhcp4.DHCPDECLINE, 2, dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: addr2.AsSlice()}), relay)
	hs.addExpired(t, "198.51.100.108", lease.StateDefault)
	hs.addExpired(t, "198.51.100.109", lease.StateDeclined)
	hs.reclaim(t)
	// A client naming itself (option 81): ddns4_update.
	fq := dhcp4.Option{Code: dhcp4.OptionFQDN, Data: append([]byte{1, 0, 0}, "named.example.org."...)}
	if off, _ := hs.exchange(t, query(dhcp4.DHCPDISCOVER, 4, fq), relay); off == nil {
		t.Error("no OFFER to a DISCOVER with option 81")
	}
	hs.command(t, `{"command": "status-get"}`)

	// context_create is called once per handle: the srv_configured call,
	// each packet, each reclamation and each command.
	called := rec.Points()
	var want []string
	for p := range dox4 {
		want = append(want, p)
	}
	slices.Sort(want)
	got := slices.Clone(called)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("hook points called:\n got %v\nwant %v", got, want)
	}
	for point, args := range dox4 {
		calls := rec.Calls(point)
		if len(calls) == 0 {
			continue
		}
		var wantNames []string
		for _, a := range args {
			wantNames = append(wantNames, a.name)
		}
		slices.Sort(wantNames)
		for _, c := range calls {
			if point == "context_destroy" {
				break // sees what the handle's last user left
			}
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
	// Values the .dox defines.
	if len(fakes) < 2 {
		t.Errorf("lease4_select called %d times", len(fakes))
	}
	for _, f := range fakes {
		if f != "DHCPDISCOVER true" && f != "DHCPREQUEST false" {
			t.Errorf("lease4_select for %s", f)
		}
	}
	for _, c := range rec.Calls("lease4_expire") {
		if a, _ := c.Arg("remove_lease"); a.Value != true {
			t.Errorf("lease4_expire remove_lease = %v after leases-reclaim remove=true", a.Value)
		}
	}
	for _, c := range rec.Calls("host4_identifier") {
		if a, _ := c.Arg("id_type"); a.Value != host.IdentFlexID {
			t.Errorf("host4_identifier id_type %v, want flex-id", a.Value)
		}
		if a, _ := c.Arg("id_value"); len(a.Value.([]byte)) != 0 {
			t.Errorf("host4_identifier id_value %x, want empty", a.Value)
		}
	}
	if c := rec.Calls("ddns4_update"); len(c) != 1 {
		t.Errorf("ddns4_update called %d times, want once (the DISCOVER with option 81)", len(c))
	} else if a, _ := c[0].Arg("hostname"); a.Value != "named.example.org." {
		t.Errorf("ddns4_update hostname %v", a.Value)
	}
	if c := rec.Calls("command_processed"); len(c) == 0 || c[len(c)-1].Args[0].Value != "status-get" {
		t.Errorf("command_processed calls %v", c)
	}
}

func withCIAddr(p *dhcp4.Packet, a netip.Addr) *dhcp4.Packet {
	p.CIAddr = dhcp4.IPv4(a.As4())
	return p
}

func (hs *hookServer) counter(name string) int64 { return hs.stats.Counter(name).Value() }

func (hs *hookServer) lease(t *testing.T, a netip.Addr) *lease.Lease4 {
	t.Helper()
	l, err := hs.LeaseStore4().Lease4(a)
	if err != nil {
		return nil
	}
	return l
}

// TestHookPointStatuses4 sets each status each DHCPv4 hook point supports
// and checks the server does what spec/hooks/dhcp4-hooks-api.dox (and
// spec/inventory/hooks.md §2.1) says it does.
func TestHookPointStatuses4(t *testing.T) {
	pool := netip.MustParseAddr("198.51.100.100")
	tests := []struct {
		name  string
		extra string
		run   func(t *testing.T, hs *hookServer)
	}{
		{"buffer4_receive drop: dropped, not counted by the server", "", func(t *testing.T, hs *hookServer) {
			// Kea leaves the drop statistics to the library (HA's load
			// balancing drops without counting).
			hs.rec.SetStatus("buffer4_receive", hooks.Drop)
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent")
			}
			if n := hs.counter("pkt4-receive-drop"); n != 0 {
				t.Errorf("pkt4-receive-drop = %d", n)
			}
			if len(hs.rec.Calls("pkt4_receive")) != 0 {
				t.Error("pkt4_receive called for a dropped query")
			}
		}},
		{"buffer4_receive skip without parsing: dropped", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("buffer4_receive", hooks.Skip)
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent for an unparsed query")
			}
			if len(hs.rec.Calls("pkt4_receive")) != 0 {
				t.Error("pkt4_receive called for an unparsed query")
			}
		}},
		{"buffer4_receive skip after the callout parsed", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("buffer4_receive", func(h *hooks.CalloutHandle) error {
				q := hooks.MustGet[*pkt.Pkt4](h, "query4")
				h.SetStatus(hooks.Skip)
				return q.Decode(q.Raw)
			})
			if off := hs.discover(t, 1); off == nil || off.MessageType() != dhcp4.DHCPOFFER {
				t.Errorf("reply %v, want an OFFER", off)
			}
		}},
		{"buffer4_receive sets query4 nil: dropped", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("buffer4_receive", func(h *hooks.CalloutHandle) error {
				hooks.Set[*pkt.Pkt4](h, "query4", nil)
				return nil
			})
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent")
			}
		}},
		{"buffer4_receive edits the raw data", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("buffer4_receive", func(h *hooks.CalloutHandle) error {
				q := hooks.MustGet[*pkt.Pkt4](h, "query4")
				q.Raw[28+5] = 0x42 // chaddr[5]
				return nil
			})
			off := hs.discover(t, 1)
			if off == nil || off.CHAddr[5] != 0x42 {
				t.Errorf("OFFER %v: want it for the edited chaddr", off)
			}
		}},
		{"pkt4_receive skip: dropped", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("pkt4_receive", hooks.Skip)
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent")
			}
			if len(hs.rec.Calls("subnet4_select")) != 0 {
				t.Error("processing went on after pkt4_receive skip")
			}
		}},
		{"pkt4_receive drop: dropped, not counted by the server", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("pkt4_receive", hooks.Drop)
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent")
			}
			if n := hs.counter("pkt4-receive-drop"); n != 0 {
				t.Errorf("pkt4-receive-drop = %d; the library counts", n)
			}
		}},
		{"pkt4_receive edits the query", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("pkt4_receive", func(h *hooks.CalloutHandle) error {
				q := hooks.MustGet[*pkt.Pkt4](h, "query4")
				q.Set(dhcp4.OptionRequestedAddress, ip("198.51.100.105"))
				return nil
			})
			if off := hs.discover(t, 1); off == nil || off.YIAddr.Addr() != netip.MustParseAddr("198.51.100.105") {
				t.Errorf("OFFER %v: want the address the callout requested", off)
			}
		}},
		{"subnet4_select skip: no subnet, no lease", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("subnet4_select", hooks.Skip)
			if off := hs.discover(t, 1); off != nil {
				t.Errorf("OFFER %v without a subnet", off)
			}
			if len(hs.rec.Calls("lease4_select")) != 0 {
				t.Error("lease4_select called without a subnet")
			}
		}},
		{"subnet4_select drop: dropped", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("subnet4_select", hooks.Drop)
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent")
			}
		}},
		{"subnet4_select sets nil: no subnet", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("subnet4_select", func(h *hooks.CalloutHandle) error {
				hooks.Set[*config.Subnet4](h, "subnet4", nil)
				return nil
			})
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent without a subnet")
			}
		}},
		{"lease4_select skip: no lease", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("lease4_select", hooks.Skip)
			if off := hs.discover(t, 1); off != nil && off.YIAddr.Addr().IsValid() && !off.YIAddr.IsZero() {
				t.Errorf("OFFER of %v after lease4_select skip", off.YIAddr)
			}
			ack := hs.request(t, 1, pool)
			if ack != nil && ack.MessageType() == dhcp4.DHCPACK {
				t.Errorf("ACK after lease4_select skip")
			}
			if l := hs.lease(t, pool); l != nil {
				t.Errorf("lease stored after lease4_select skip: %+v", l)
			}
		}},
		{"lease4_select changes are stored", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("lease4_select", func(h *hooks.CalloutHandle) error {
				hooks.MustGet[*lease.Lease4](h, "lease4").Hostname = "from-hook.example.org"
				return nil
			})
			a := hs.dora(t, 1)
			if l := hs.lease(t, a); l == nil || l.Hostname != "from-hook.example.org" {
				t.Errorf("stored lease %+v", l)
			}
		}},
		{"lease4_renew skip: lease not updated", "", func(t *testing.T, hs *hookServer) {
			a := hs.dora(t, 1)
			l := hs.lease(t, a)
			l.CLTT -= 100
			if err := hs.LeaseStore4().UpdateLease4(l); err != nil {
				t.Fatal(err)
			}
			hs.rec.SetStatus("lease4_renew", hooks.Skip)
			hs.request(t, 1, a)
			if got := hs.lease(t, a); got == nil || got.CLTT != l.CLTT {
				t.Errorf("lease after a skipped renew: %+v, want cltt %d", got, l.CLTT)
			}
			hs.rec.SetStatus("lease4_renew", hooks.Continue)
			hs.request(t, 1, a)
			if got := hs.lease(t, a); got == nil || got.CLTT == l.CLTT {
				t.Errorf("lease after a renew: %+v, want a new cltt", got)
			}
		}},
		{"lease4_release skip: lease kept", "", func(t *testing.T, hs *hookServer) {
			a := hs.dora(t, 1)
			hs.rec.SetStatus("lease4_release", hooks.Skip)
			hs.exchange(t, withCIAddr(query(dhcp4.DHCPRELEASE, 1, dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), a), relay)
			if l := hs.lease(t, a); l == nil || l.State != lease.StateDefault || l.ValidLifetime == 0 {
				t.Errorf("lease after a skipped release: %+v", l)
			}
			hs.rec.SetStatus("lease4_release", hooks.Drop)
			hs.exchange(t, withCIAddr(query(dhcp4.DHCPRELEASE, 1, dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), a), relay)
			if l := hs.lease(t, a); l == nil || l.State != lease.StateDefault || l.ValidLifetime == 0 {
				t.Errorf("lease after a dropped release: %+v", l)
			}
			hs.rec.SetStatus("lease4_release", hooks.Continue)
			hs.exchange(t, withCIAddr(query(dhcp4.DHCPRELEASE, 1, dhcp4.Option{Code: dhcp4.OptionServerIdentifier, Data: ip("198.51.100.1")}), a), relay)
			// Released: removed, or kept with a zero lifetime for
			// lease affinity.
			if l := hs.lease(t, a); l != nil && l.ValidLifetime != 0 {
				t.Errorf("lease after a release: %+v", l)
			}
		}},
		{"lease4_decline skip and drop: not declined", "", func(t *testing.T, hs *hookServer) {
			a := hs.dora(t, 1)
			for _, st := range []hooks.NextStep{hooks.Skip, hooks.Drop} {
				hs.rec.SetStatus("lease4_decline", st)
				hs.exchange(t, query(dhcp4.DHCPDECLINE, 1, dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: a.AsSlice()}), relay)
				if l := hs.lease(t, a); l == nil || l.State != lease.StateDefault {
					t.Errorf("lease after a DHCPDECLINE with lease4_decline %v: %+v", st, l)
				}
			}
			hs.rec.SetStatus("lease4_decline", hooks.Continue)
			hs.exchange(t, query(dhcp4.DHCPDECLINE, 1, dhcp4.Option{Code: dhcp4.OptionRequestedAddress, Data: a.AsSlice()}), relay)
			if l := hs.lease(t, a); l == nil || l.State != lease.StateDeclined {
				t.Errorf("lease after a DHCPDECLINE: %+v", l)
			}
		}},
		{"leases4_committed drop: no ACK, lease stored", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("leases4_committed", hooks.Drop)
			off := hs.discover(t, 1)
			if off == nil {
				t.Fatal("no OFFER")
			}
			if ack := hs.request(t, 1, off.YIAddr.Addr()); ack != nil {
				t.Errorf("reply %v after leases4_committed drop", ack.MessageType())
			}
			if l := hs.lease(t, off.YIAddr.Addr()); l == nil {
				t.Error("no lease stored")
			}
		}},
		{"leases4_committed park: ACK held until unparked", "", func(t *testing.T, hs *hookServer) {
			testPark4(t, hs, "leases4_committed", func() *dhcp4.Packet {
				off := hs.discover(t, 1)
				if off == nil {
					t.Fatal("no OFFER")
				}
				return hs.request(t, 1, off.YIAddr.Addr())
			}, dhcp4.DHCPACK)
		}},
		{"lease4_offer drop: no OFFER", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("lease4_offer", hooks.Drop)
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent")
			}
		}},
		{"lease4_offer park: OFFER held until unparked", "", func(t *testing.T, hs *hookServer) {
			testPark4(t, hs, "lease4_offer", func() *dhcp4.Packet { return hs.discover(t, 1) }, dhcp4.DHCPOFFER)
		}},
		{"lease4_offer address in use: declined, lease4_server_decline", `"offer-lifetime": 60,`, func(t *testing.T, hs *hookServer) {
			hs.rec.On("lease4_offer", func(h *hooks.CalloutHandle) error {
				hooks.Set(h, "offer_address_in_use", true)
				return nil
			})
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent")
			}
			calls := hs.rec.Calls("lease4_server_decline")
			if len(calls) != 1 {
				t.Fatalf("lease4_server_decline called %d times", len(calls))
			}
			a, _ := calls[0].Arg("lease4")
			if l := hs.lease(t, a.Value.(*lease.Lease4).Addr); l == nil || l.State != lease.StateDeclined {
				t.Errorf("lease after offer_address_in_use: %+v", l)
			}
			if n := hs.counter("declined-addresses"); n != 1 {
				t.Errorf("declined-addresses = %d", n)
			}
		}},
		{"pkt4_send changes are sent", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("pkt4_send", func(h *hooks.CalloutHandle) error {
				r := hooks.MustGet[*pkt.Pkt4](h, "response4")
				r.Set(dhcp4.OptionDomainName, []byte("hooked.example.org"))
				return nil
			})
			off := hs.discover(t, 1)
			if v, _ := off.Get(dhcp4.OptionDomainName); string(v) != "hooked.example.org" {
				t.Errorf("domain-name %q: the callout's change was not sent", v)
			}
		}},
		{"pkt4_send skip: the callout's packing is sent", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("pkt4_send", func(h *hooks.CalloutHandle) error {
				r := hooks.MustGet[*pkt.Pkt4](h, "response4")
				r.Raw = []byte("packed by the callout")
				h.SetStatus(hooks.Skip)
				return nil
			})
			b, _ := query(dhcp4.DHCPDISCOVER, 1).Encode()
			np := netio.NewPacket()
			np.SetPayload(copy(np.Payload(), b))
			np.Src, np.Dst = relay, netip.MustParseAddrPort("198.51.100.1:67")
			np.IfName, np.IfIndex = "eth0", 2
			hs.mu.Lock()
			hs.replies = nil
			hs.mu.Unlock()
			hs.Handle(np)
			hs.mu.Lock()
			defer hs.mu.Unlock()
			if len(hs.replies) != 1 || string(hs.replies[0].Data) != "packed by the callout" {
				t.Errorf("sent %d replies, want the callout's bytes", len(hs.replies))
			}
		}},
		{"pkt4_send drop: nothing sent", "", func(t *testing.T, hs *hookServer) {
			hs.rec.SetStatus("pkt4_send", hooks.Drop)
			if off := hs.discover(t, 1); off != nil {
				t.Error("OFFER sent")
			}
			if len(hs.rec.Calls("buffer4_send")) != 0 {
				t.Error("buffer4_send called after pkt4_send drop")
			}
		}},
		{"buffer4_send skip and drop: nothing sent", "", func(t *testing.T, hs *hookServer) {
			for _, st := range []hooks.NextStep{hooks.Skip, hooks.Drop} {
				hs.rec.SetStatus("buffer4_send", st)
				if off := hs.discover(t, 1); off != nil {
					t.Errorf("OFFER sent with buffer4_send %v", st)
				}
			}
		}},
		{"buffer4_send edits the wire form", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("buffer4_send", func(h *hooks.CalloutHandle) error {
				r := hooks.MustGet[*pkt.Pkt4](h, "response4")
				r.Raw[4] ^= 0xff // xid
				return nil
			})
			if off := hs.discover(t, 1); off == nil || off.Xid != 0x1234^0xff000000 {
				t.Errorf("OFFER %v: want the xid the callout wrote", off)
			}
		}},
		{"lease4_expire skip: lease left to the callout", "", func(t *testing.T, hs *hookServer) {
			hs.addExpired(t, "198.51.100.108", lease.StateDefault)
			hs.rec.SetStatus("lease4_expire", hooks.Skip)
			hs.reclaim(t)
			if l := hs.lease(t, netip.MustParseAddr("198.51.100.108")); l == nil || l.State != lease.StateDefault {
				t.Errorf("lease after a skipped reclamation: %+v", l)
			}
			hs.rec.SetStatus("lease4_expire", hooks.Continue)
			hs.reclaim(t)
			if l := hs.lease(t, netip.MustParseAddr("198.51.100.108")); l != nil {
				t.Errorf("lease after reclamation: %+v", l)
			}
		}},
		{"lease4_recover skip: not recovered", "", func(t *testing.T, hs *hookServer) {
			// Kea's reclaimDeclined returns false on skip: the lease is
			// not removed and the declined-address statistics are not
			// moved; reclaimExpiredLease still marks it
			// expired-reclaimed (the .dox's "stays declined" is not what
			// Kea's code does).
			a := netip.MustParseAddr("198.51.100.109")
			hs.addExpired(t, a.String(), lease.StateDeclined)
			hs.rec.SetStatus("lease4_recover", hooks.Skip)
			hs.reclaim(t)
			if l := hs.lease(t, a); l == nil {
				t.Error("declined lease removed although lease4_recover skipped the recovery")
			}
			if n := hs.counter("reclaimed-declined-addresses"); n != 0 {
				t.Errorf("reclaimed-declined-addresses = %d", n)
			}
			if len(hs.rec.Calls("lease4_recover")) != 1 {
				t.Errorf("lease4_recover called %d times", len(hs.rec.Calls("lease4_recover")))
			}
			hs.addExpired(t, "198.51.100.108", lease.StateDeclined)
			hs.rec.SetStatus("lease4_recover", hooks.Continue)
			hs.reclaim(t)
			if l := hs.lease(t, netip.MustParseAddr("198.51.100.108")); l != nil {
				t.Errorf("recovered lease kept: %+v", l)
			}
			if n := hs.counter("reclaimed-declined-addresses"); n != 1 {
				t.Errorf("reclaimed-declined-addresses = %d after a recovery", n)
			}
		}},
		{"command_processed replaces the response", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("command_processed", func(h *hooks.CalloutHandle) error {
				if hooks.MustGet[string](h, "name") == "version-get" {
					hooks.Set(h, "response", hooks.CreateAnswer(0, "hooked", nil))
				}
				return nil
			})
			if got := hs.command(t, `{"command": "version-get"}`); got["text"] != "hooked" {
				t.Errorf("version-get = %v", got)
			}
		}},
		{"dhcp4_srv_configured drop: config-set rejected, old config serves", "", func(t *testing.T, hs *hookServer) {
			hs.rec.On("dhcp4_srv_configured", func(h *hooks.CalloutHandle) error {
				hooks.Set(h, "error", "refused by the test library")
				h.SetStatus(hooks.Drop)
				return nil
			})
			cfg := strings.Replace(testConfig, `"valid-lifetime": 4000,`, `"valid-lifetime": 4000,
  "hooks-libraries": [`+hs.rec.Entry()+`],`, 1)
			cfg = strings.ReplaceAll(cfg, "LEASES", hs.dir+"/leases4.csv")
			cfg = strings.Replace(cfg, "198.51.100.100 - 198.51.100.109", "198.51.100.200 - 198.51.100.209", 1)
			got := hs.command(t, `{"command": "config-set", "arguments": `+cfg+`}`)
			if got["result"] != 1.0 || got["text"] != "refused by the test library" {
				t.Errorf("config-set = %v", got)
			}
			hs.rec.On("dhcp4_srv_configured", nil)
			if a := hs.dora(t, 1); a.As4()[3] >= 200 {
				t.Errorf("lease %v from the rejected configuration", a)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHookServer(t, tt.extra)
			tt.run(t, hs)
		})
	}
}

// testPark4 checks that a callout returning Park at point holds the reply
// until it unparks the query, and that the reply is then sent.
func testPark4(t *testing.T, hs *hookServer, point string, send func() *dhcp4.Packet, want dhcp4.MessageType) {
	t.Helper()
	var lot hooks.ParkingLotHandle
	var parked *pkt.Pkt4
	hs.rec.On(point, func(h *hooks.CalloutHandle) error {
		var ok bool
		lot, ok = h.ParkingLot()
		if !ok {
			return fmt.Errorf("no parking lot at %s", point)
		}
		parked = hooks.MustGet[*pkt.Pkt4](h, "query4")
		if _, err := lot.Reference(parked); err != nil {
			return err
		}
		h.SetStatus(hooks.Park)
		return nil
	})
	if r := send(); r != nil {
		t.Fatalf("reply %v sent while parked", r.MessageType())
	}
	if parked == nil {
		t.Fatal("the callout did not run")
	}
	hs.rec.On(point, nil)
	hs.mu.Lock()
	hs.replies = nil
	hs.mu.Unlock()
	if !lot.Unpark(parked) {
		t.Fatal("Unpark: the query was not parked")
	}
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if len(hs.replies) != 1 {
		t.Fatalf("%d replies after unparking", len(hs.replies))
	}
	var r dhcp4.Packet
	if err := r.Decode(hs.replies[0].Data); err != nil || r.MessageType() != want {
		t.Errorf("reply after unparking: %v %v, want %v", r.MessageType(), err, want)
	}
}
