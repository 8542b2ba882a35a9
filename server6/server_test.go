package server6

import (
	"net/netip"
	"strconv"
	"testing"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/netio"
)

const testConfig = `{"Dhcp6": {
  "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
  "lease-database": {"type": "memfile", "persist": false},
  "server-id": {"type": "LL", "identifier": "020000000001", "persist": false},
  "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}, {"name": "domain-search", "data": "example.org"}],
  "subnet6": [
    {"id": 1, "subnet": "2001:db8:1::/64", "interface": "lo", "rapid-commit": true,
     "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
     "pd-pools": [{"prefix": "2001:db8:8000::", "prefix-len": 48, "delegated-len": 56}],
     "option-data": [{"name": "dns-servers", "data": "2001:db8:1::53"}],
     "reservations": [{"duid": "00:03:00:01:00:00:00:00:00:99", "ip-addresses": ["2001:db8:1::99"], "prefixes": ["2001:db8:9900::/56"]}]},
    {"id": 2, "subnet": "2001:db8:2::/64", "interface-id": "port-7",
     "pools": [{"pool": "2001:db8:2::100-2001:db8:2::1ff"}]},
    {"id": 3, "subnet": "2001:db8:3::/64",
     "pools": [{"pool": "2001:db8:3::100-2001:db8:3::1ff"}]}
  ]}}`

type harness struct {
	t       *testing.T
	s       *Server
	replies []*netio.Packet
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, testConfig)
}

// newHarnessWith is newHarness with another configuration.
func newHarnessWith(t *testing.T, js string) *harness {
	t.Helper()
	cfg, _, err := config.ParseDhcp6("t.json", []byte(js), config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t}
	h.s = New(Options{NoSockets: true, Sender: func(p *netio.Packet) error {
		c := &netio.Packet{Data: append([]byte(nil), p.Payload()[:len(p.Data)]...), Dst: p.Dst, Src: p.Src}
		h.replies = append(h.replies, c)
		return nil
	}})
	if err := h.s.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.s.Close() })
	return h
}

// client describes a query to build.
type client struct {
	duid     []byte
	sid      bool
	rapid    bool
	oro      []dhcp6.OptionCode
	na, pd   []uint32
	addrs    []netip.Addr   // IAADDRs in the first IA_NA
	prefixes []netip.Prefix // IAPREFIXes in the first IA_PD
	relay    *dhcp6.Relay   // wrap in one RELAY-FORW
	extra    []dhcp6.Option // more options, after the IAs
}

func duid(b byte) []byte { return []byte{0, 3, 0, 1, 0, 0, 0, 0, 0, b} }

func (h *harness) query(t dhcp6.MessageType, c client) *dhcp6.Packet {
	h.t.Helper()
	h.replies = nil
	h.s.Handle(h.packet(t, c))
	if len(h.replies) == 0 {
		return nil
	}
	var p dhcp6.Packet
	if err := p.Decode(h.replies[0].Data); err != nil {
		h.t.Fatalf("reply does not decode: %v", err)
	}
	return &p
}

// packet builds the query as received from the socket.
func (h *harness) packet(t dhcp6.MessageType, c client) *netio.Packet {
	h.t.Helper()
	var b dhcp6.Builder
	b.Reset(nil)
	if c.relay != nil {
		b.RelayHeader(dhcp6.MsgRelayForw, 0, c.relay.LinkAddr, c.relay.PeerAddr)
		for _, o := range c.relay.Options {
			b.Add(o.Code, o.Data)
		}
		b.Open(dhcp6.OptRelayMsg)
	}
	b.Header(t, 0xabcdef)
	b.Add(dhcp6.OptClientID, c.duid)
	if c.sid {
		b.Add(dhcp6.OptServerID, h.s.ServerDUID())
	}
	if c.rapid {
		b.AddEmpty(dhcp6.OptRapidCommit)
	}
	if len(c.oro) > 0 {
		var p []byte
		for _, o := range c.oro {
			p = append(p, byte(o>>8), byte(o))
		}
		b.Add(dhcp6.OptORO, p)
	}
	for i, iaid := range c.na {
		b.OpenIA(dhcp6.OptIANA, iaid, 0, 0)
		if i == 0 {
			for _, a := range c.addrs {
				b.OpenIAAddr(a, 0, 0)
				b.Close()
			}
		}
		b.Close()
	}
	for i, iaid := range c.pd {
		b.OpenIA(dhcp6.OptIAPD, iaid, 0, 0)
		if i == 0 {
			for _, p := range c.prefixes {
				b.OpenIAPrefix(0, 0, p)
				b.Close()
			}
		}
		b.Close()
	}
	for _, o := range c.extra {
		b.Add(o.Code, o.Data)
	}
	raw, err := b.Finish()
	if err != nil {
		h.t.Fatal(err)
	}
	src := netip.MustParseAddr("fe80::1")
	dst := netip.MustParseAddr("ff02::1:2")
	if c.relay != nil {
		src, dst = netip.MustParseAddr("2001:db8:2::1"), netip.MustParseAddr("2001:db8:1::1")
	}
	return &netio.Packet{Data: raw, IfName: "lo", IfIndex: 2,
		Src: netip.AddrPortFrom(src, 546), Dst: netip.AddrPortFrom(dst, 547)}
}

// iaResult is what one IA of a reply holds.
type iaResult struct {
	iaid, t1, t2 uint32
	addrs        []string // "addr pref valid" or "prefix pref valid"
	status       dhcp6.StatusCode
	hasStatus    bool
}

func ias(t *testing.T, p *dhcp6.Packet, code dhcp6.OptionCode) []iaResult {
	t.Helper()
	var out []iaResult
	for i := p.Options.Next(code, 0); i >= 0; i = p.Options.Next(code, i+1) {
		ia, err := dhcp6.ParseIA(p.Options[i].Data)
		if err != nil {
			t.Fatal(err)
		}
		r := iaResult{iaid: ia.IAID, t1: ia.T1, t2: ia.T2}
		it := ia.Options.Iter()
		for it.Next() {
			o := it.Option()
			switch o.Code {
			case dhcp6.OptIAAddr:
				a, _ := dhcp6.ParseIAAddr(o.Data)
				r.addrs = append(r.addrs, a.Addr.String()+" "+itoa(a.Preferred)+" "+itoa(a.Valid))
			case dhcp6.OptIAPrefix:
				x, _ := dhcp6.ParseIAPrefix(o.Data)
				r.addrs = append(r.addrs, x.Prefix.String()+" "+itoa(x.Preferred)+" "+itoa(x.Valid))
			case dhcp6.OptStatusCode:
				st, _ := dhcp6.ParseStatus(o.Data)
				r.status, r.hasStatus = st.Code, true
			}
		}
		out = append(out, r)
	}
	return out
}

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

func topStatus(p *dhcp6.Packet) (dhcp6.StatusCode, bool) {
	o, ok := p.Options.Get(dhcp6.OptStatusCode)
	if !ok {
		return 0, false
	}
	st, _ := dhcp6.ParseStatus(o.Data)
	return st.Code, true
}

func (h *harness) lease(t lease.Type, a string) *lease.Lease6 {
	l, _ := h.s.LeaseStore6().Lease6(t, netip.MustParseAddr(a))
	return l
}

func (h *harness) stat(name string) int64 {
	s, ok := h.s.Stats().Get(name)
	if !ok {
		return -1
	}
	return s.Int
}
