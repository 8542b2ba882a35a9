package runscript

import (
	"net/netip"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/pkt"
	"github.com/nestordhcp/nestor/server4"
)

// The variable lists of spec/arm/hooks-run-script.rst, per hook point.
var (
	armQ4 = []string{"QUERY4_TYPE", "QUERY4_TXID", "QUERY4_LOCAL_ADDR", "QUERY4_LOCAL_PORT", "QUERY4_REMOTE_ADDR",
		"QUERY4_REMOTE_PORT", "QUERY4_IFACE_INDEX", "QUERY4_IFACE_NAME", "QUERY4_HOPS", "QUERY4_SECS", "QUERY4_FLAGS",
		"QUERY4_CIADDR", "QUERY4_SIADDR", "QUERY4_YIADDR", "QUERY4_GIADDR", "QUERY4_RELAYED", "QUERY4_HWADDR",
		"QUERY4_HWADDR_TYPE", "QUERY4_LOCAL_HWADDR", "QUERY4_LOCAL_HWADDR_TYPE", "QUERY4_REMOTE_HWADDR",
		"QUERY4_REMOTE_HWADDR_TYPE", "QUERY4_OPTION_82", "QUERY4_OPTION_82_SUB_OPTION_1", "QUERY4_OPTION_82_SUB_OPTION_2"}
	armS4 = []string{"SUBNET4_ID", "SUBNET4_NAME", "SUBNET4_PREFIX", "SUBNET4_PREFIX_LEN"}
	armL4 = []string{"ADDRESS", "CLTT", "HOSTNAME", "HWADDR", "HWADDR_TYPE", "STATE", "SUBNET_ID", "VALID_LIFETIME", "CLIENT_ID"}
	armQ6 = []string{"QUERY6_TYPE", "QUERY6_TXID", "QUERY6_LOCAL_ADDR", "QUERY6_LOCAL_PORT", "QUERY6_REMOTE_ADDR",
		"QUERY6_REMOTE_PORT", "QUERY6_IFACE_INDEX", "QUERY6_IFACE_NAME", "QUERY6_REMOTE_HWADDR",
		"QUERY6_REMOTE_HWADDR_TYPE", "QUERY6_PROTO", "QUERY6_CLIENT_ID"}
	armL6 = []string{"ADDRESS", "CLTT", "HOSTNAME", "HWADDR", "HWADDR_TYPE", "STATE", "SUBNET_ID", "VALID_LIFETIME",
		"DUID", "IAID", "PREFERRED_LIFETIME", "PREFIX_LEN", "TYPE"}
	armIA = []string{"PKT6_IA_IAID", "PKT6_IA_IA_TYPE", "PKT6_IA_IA_T1", "PKT6_IA_IA_T2"}
)

func pre(p string, l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = p + "_" + s
	}
	return out
}

func cat(ls ...[]string) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l...)
	}
	sort.Strings(out)
	return out
}

// Fixtures: a relayed DHCPREQUEST with option 82, its subnet and lease.
func fixtureQuery4() *pkt.Pkt4 {
	q := &pkt.Pkt4{}
	q.Op, q.Hops, q.Xid, q.Secs, q.Flags = dhcp4.BootRequest, 1, 0x01020304, 3, 0x8000
	q.SetHWAddr(1, []byte{0x00, 0x0c, 0x01, 0x02, 0x03, 0xaa})
	q.GIAddr = dhcp4.IPv4{203, 0, 113, 1}
	q.CIAddr = dhcp4.IPv4{198, 51, 100, 20}
	q.SetMessageType(dhcp4.DHCPREQUEST)
	q.Set(dhcp4.OptionRelayAgentInformation, []byte{1, 2, 0xab, 0xcd, 2, 1, 0x7f})
	q.IfName, q.IfIndex = "veth-s", 7
	q.Src = netip.MustParseAddrPort("203.0.113.1:67")
	q.Dst = netip.MustParseAddrPort("198.51.100.1:67")
	q.SrcMAC = [6]byte{0x02, 0, 0, 0, 0, 0x01}
	q.DstMAC = [6]byte{0x02, 0, 0, 0, 0, 0x02}
	return q
}

var wantQ4 = map[string]string{
	"QUERY4_TYPE": "DHCPREQUEST", "QUERY4_TXID": "16909060", "QUERY4_LOCAL_ADDR": "198.51.100.1",
	"QUERY4_LOCAL_PORT": "67", "QUERY4_REMOTE_ADDR": "203.0.113.1", "QUERY4_REMOTE_PORT": "67",
	"QUERY4_IFACE_INDEX": "7", "QUERY4_IFACE_NAME": "veth-s", "QUERY4_HOPS": "1", "QUERY4_SECS": "3",
	"QUERY4_FLAGS": "32768", "QUERY4_CIADDR": "198.51.100.20", "QUERY4_SIADDR": "0.0.0.0",
	"QUERY4_YIADDR": "0.0.0.0", "QUERY4_GIADDR": "203.0.113.1", "QUERY4_RELAYED": "true",
	"QUERY4_HWADDR": "00:0c:01:02:03:aa", "QUERY4_HWADDR_TYPE": "1",
	"QUERY4_LOCAL_HWADDR": "02:00:00:00:00:02", "QUERY4_LOCAL_HWADDR_TYPE": "1",
	"QUERY4_REMOTE_HWADDR": "02:00:00:00:00:01", "QUERY4_REMOTE_HWADDR_TYPE": "1",
	"QUERY4_OPTION_82": "0x0102ABCD02017F", "QUERY4_OPTION_82_SUB_OPTION_1": "0xABCD",
	"QUERY4_OPTION_82_SUB_OPTION_2": "0x7F",
}

func fixtureSubnet4() *config.Subnet4 {
	return &config.Subnet4{ID: 5, Prefix: netip.MustParsePrefix("198.51.100.0/24"), Text: "198.51.100.0/24"}
}

var wantS4 = map[string]string{"SUBNET4_ID": "5", "SUBNET4_NAME": "198.51.100.0/24", "SUBNET4_PREFIX": "198.51.100.0", "SUBNET4_PREFIX_LEN": "24"}

func fixtureLease4(addr string) *lease.Lease4 {
	return &lease.Lease4{
		Addr: netip.MustParseAddr(addr), HWAddr: lease.HWAddr{Bytes: []byte{0x00, 0x0c, 0x01, 0x02, 0x03, 0xaa}, Type: 1},
		ClientID: []byte{1, 0x00, 0x0c, 0x01, 0x02, 0x03, 0xaa}, ValidLifetime: 4000, CLTT: 1700000000, SubnetID: 5,
		Hostname: "host.example.org.", State: lease.StateDefault,
	}
}

func wantL4(p, addr string) map[string]string {
	return map[string]string{
		p + "_ADDRESS": addr, p + "_CLTT": "1700000000", p + "_HOSTNAME": "host.example.org.",
		p + "_HWADDR": "00:0c:01:02:03:aa", p + "_HWADDR_TYPE": "1", p + "_STATE": "default",
		p + "_SUBNET_ID": "5", p + "_VALID_LIFETIME": "4000", p + "_CLIENT_ID": "01:00:0c:01:02:03:aa",
	}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func fixtureQuery6() *pkt.Pkt6 {
	q := &pkt.Pkt6{}
	q.MsgType, q.TransactionID = dhcp6.MsgRenew, 0xabcdef
	q.Options = dhcp6.Options{{Code: dhcp6.OptClientID, Data: []byte{0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x05}}}
	q.IfName, q.IfIndex = "veth-s", 9
	q.Src = netip.MustParseAddrPort("[fe80::1]:546")
	q.Dst = netip.MustParseAddrPort("[ff02::1:2]:547")
	return q
}

var wantQ6 = map[string]string{
	"QUERY6_TYPE": "RENEW", "QUERY6_TXID": "11259375", "QUERY6_LOCAL_ADDR": "ff02::1:2", "QUERY6_LOCAL_PORT": "547",
	"QUERY6_REMOTE_ADDR": "fe80::1", "QUERY6_REMOTE_PORT": "546", "QUERY6_IFACE_INDEX": "9", "QUERY6_IFACE_NAME": "veth-s",
	"QUERY6_REMOTE_HWADDR": "", "QUERY6_REMOTE_HWADDR_TYPE": "", "QUERY6_PROTO": "UDP",
	"QUERY6_CLIENT_ID": "00:03:00:01:02:00:00:00:00:05",
}

func fixtureLease6(typ lease.Type) *lease.Lease6 {
	l := &lease.Lease6{
		Addr: netip.MustParseAddr("2001:db8:1::100"), Type: typ, PrefixLen: 128, IAID: 42,
		DUID: []byte{0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x05}, PreferredLifetime: 3000, ValidLifetime: 4000,
		CLTT: 1700000000, SubnetID: 6, State: lease.StateDeclined,
	}
	if typ == lease.TypePD {
		l.Addr, l.PrefixLen = netip.MustParseAddr("2001:db8:8000::"), 56
	}
	return l
}

func wantL6(p string, typ lease.Type) map[string]string {
	m := map[string]string{
		p + "_ADDRESS": "2001:db8:1::100", p + "_CLTT": "1700000000", p + "_HOSTNAME": "", p + "_HWADDR": "",
		p + "_HWADDR_TYPE": "", p + "_STATE": "declined", p + "_SUBNET_ID": "6", p + "_VALID_LIFETIME": "4000",
		p + "_DUID": "00:03:00:01:02:00:00:00:00:05", p + "_IAID": "42", p + "_PREFERRED_LIFETIME": "3000",
		p + "_PREFIX_LEN": "128", p + "_TYPE": "IA_NA",
	}
	if typ == lease.TypePD {
		m[p+"_ADDRESS"], m[p+"_PREFIX_LEN"], m[p+"_TYPE"] = "2001:db8:8000::", "56", "IA_PD"
	}
	return m
}

// TestISCEnvironments drives every hook point of libdhcp_run_script.so
// through a real hooks.Manager with the argument types the servers pass,
// and checks that the script sees exactly the ARM's variables with Kea's
// value formats, and the hook name as its only argument.
func TestISCEnvironments(t *testing.T) {
	dir := t.TempDir()
	script := dumpScript(t, dir)
	mgr := newManager("kea-dhcp4")
	loadLib(t, mgr, ISCName, `{"name": "`+script+`", "sync": true}`)

	committed := server4.Lease4Collection{fixtureLease4("198.51.100.20")}
	deleted := server4.Lease4Collection{fixtureLease4("198.51.100.21"), fixtureLease4("198.51.100.22")}
	hw := lease.HWAddr{Bytes: []byte{0x00, 0x0c, 0x01, 0x02, 0x03, 0xaa}, Type: 1}
	leases6 := []*lease.Lease6{fixtureLease6(lease.TypeNA)}
	deleted6 := []*lease.Lease6{}

	tests := []struct {
		hook  string
		set   func(h *hooks.CalloutHandle)
		names []string // the ARM's list
		want  map[string]string
	}{{
		hook: "lease4_renew",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query4", fixtureQuery4())
			hooks.Set(h, "subnet4", fixtureSubnet4())
			hooks.Set(h, "clientid", []byte{1, 0x00, 0x0c, 0x01, 0x02, 0x03, 0xaa})
			hooks.Set(h, "hwaddr", &hw)
			hooks.Set(h, "lease4", fixtureLease4("198.51.100.20"))
		},
		names: cat(armQ4, armS4, []string{"PKT4_CLIENT_ID", "PKT4_HWADDR", "PKT4_HWADDR_TYPE"}, pre("LEASE4", armL4)),
		want: merge(wantQ4, wantS4, wantL4("LEASE4", "198.51.100.20"), map[string]string{
			"PKT4_CLIENT_ID": "01:00:0c:01:02:03:aa", "PKT4_HWADDR": "00:0c:01:02:03:aa", "PKT4_HWADDR_TYPE": "1"}),
	}, {
		hook: "lease4_expire",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "lease4", fixtureLease4("198.51.100.20"))
			hooks.Set(h, "remove_lease", true)
		},
		names: cat(pre("LEASE4", armL4), []string{"REMOVE_LEASE"}),
		want:  merge(wantL4("LEASE4", "198.51.100.20"), map[string]string{"REMOVE_LEASE": "true"}),
	}, {
		hook:  "lease4_recover",
		set:   func(h *hooks.CalloutHandle) { hooks.Set(h, "lease4", fixtureLease4("198.51.100.20")) },
		names: cat(pre("LEASE4", armL4)),
		want:  wantL4("LEASE4", "198.51.100.20"),
	}, {
		hook: "leases4_committed",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query4", fixtureQuery4())
			hooks.Set(h, "response4", &pkt.Pkt4{})
			hooks.Set(h, "leases4", &committed)
			hooks.Set(h, "deleted_leases4", &deleted)
		},
		names: cat(armQ4, []string{"LEASES4_SIZE", "DELETED_LEASES4_SIZE"}, pre("LEASES4_AT0", armL4),
			pre("DELETED_LEASES4_AT0", armL4), pre("DELETED_LEASES4_AT1", armL4)),
		want: merge(wantQ4, map[string]string{"LEASES4_SIZE": "1", "DELETED_LEASES4_SIZE": "2"},
			wantL4("LEASES4_AT0", "198.51.100.20"), wantL4("DELETED_LEASES4_AT0", "198.51.100.21"),
			wantL4("DELETED_LEASES4_AT1", "198.51.100.22")),
	}, {
		hook: "lease4_release",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query4", fixtureQuery4())
			hooks.Set(h, "lease4", fixtureLease4("198.51.100.20"))
		},
		names: cat(armQ4, pre("LEASE4", armL4)),
		want:  merge(wantQ4, wantL4("LEASE4", "198.51.100.20")),
	}, {
		hook: "lease4_decline",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query4", fixtureQuery4())
			hooks.Set(h, "lease4", fixtureLease4("198.51.100.20"))
		},
		names: cat(armQ4, pre("LEASE4", armL4)),
		want:  merge(wantQ4, wantL4("LEASE4", "198.51.100.20")),
	}, {
		hook: "lease6_renew",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query6", fixtureQuery6())
			hooks.Set(h, "lease6", fixtureLease6(lease.TypeNA))
			hooks.Set(h, "ia_na", &dhcp6.IA{IAID: 42, T1: 1000, T2: 2000})
		},
		names: cat(armQ6, pre("LEASE6", armL6), armIA),
		want: merge(wantQ6, wantL6("LEASE6", lease.TypeNA), map[string]string{
			"PKT6_IA_IAID": "42", "PKT6_IA_IA_TYPE": "3", "PKT6_IA_IA_T1": "1000", "PKT6_IA_IA_T2": "2000"}),
	}, {
		hook: "lease6_rebind",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query6", fixtureQuery6())
			hooks.Set(h, "lease6", fixtureLease6(lease.TypePD))
			hooks.Set(h, "ia_pd", &dhcp6.IA{IAID: 42, T1: 1000, T2: 2000})
		},
		names: cat(armQ6, pre("LEASE6", armL6), armIA),
		want: merge(wantQ6, wantL6("LEASE6", lease.TypePD), map[string]string{
			"PKT6_IA_IAID": "42", "PKT6_IA_IA_TYPE": "25", "PKT6_IA_IA_T1": "1000", "PKT6_IA_IA_T2": "2000"}),
	}, {
		hook: "lease6_expire",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "lease6", fixtureLease6(lease.TypeNA))
			hooks.Set(h, "remove_lease", false)
		},
		names: cat(pre("LEASE6", armL6), []string{"REMOVE_LEASE"}),
		want:  merge(wantL6("LEASE6", lease.TypeNA), map[string]string{"REMOVE_LEASE": "false"}),
	}, {
		hook:  "lease6_recover",
		set:   func(h *hooks.CalloutHandle) { hooks.Set(h, "lease6", fixtureLease6(lease.TypeNA)) },
		names: cat(pre("LEASE6", armL6)),
		want:  wantL6("LEASE6", lease.TypeNA),
	}, {
		hook: "leases6_committed",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query6", fixtureQuery6())
			hooks.Set(h, "leases6", &leases6)
			hooks.Set(h, "deleted_leases6", &deleted6)
		},
		names: cat(armQ6, []string{"LEASES6_SIZE", "DELETED_LEASES6_SIZE"}, pre("LEASES6_AT0", armL6)),
		want: merge(wantQ6, map[string]string{"LEASES6_SIZE": "1", "DELETED_LEASES6_SIZE": "0"},
			wantL6("LEASES6_AT0", lease.TypeNA)),
	}, {
		hook: "lease6_release",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query6", fixtureQuery6())
			hooks.Set(h, "lease6", fixtureLease6(lease.TypeNA))
		},
		names: cat(armQ6, pre("LEASE6", armL6)),
		want:  merge(wantQ6, wantL6("LEASE6", lease.TypeNA)),
	}, {
		hook: "lease6_decline",
		set: func(h *hooks.CalloutHandle) {
			hooks.Set(h, "query6", fixtureQuery6())
			hooks.Set(h, "lease6", fixtureLease6(lease.TypeNA))
		},
		names: cat(armQ6, pre("LEASE6", armL6)),
		want:  merge(wantQ6, wantL6("LEASE6", lease.TypeNA)),
	}}
	for _, tc := range tests {
		t.Run(tc.hook, func(t *testing.T) {
			clearDumps(t, dir)
			p, _ := hooks.LookupPoint(tc.hook)
			if !mgr.CalloutsPresent(p) {
				t.Fatalf("no callout registered at %s", tc.hook)
			}
			h := mgr.AcquireHandle()
			defer h.Release()
			st := h.ScopedState()
			tc.set(h)
			mgr.Call(p, h)
			st.Close()
			ds := dumps(t, dir) // sync: the script has exited
			if len(ds) != 1 {
				t.Fatalf("%d runs recorded, want 1", len(ds))
			}
			d := ds[0]
			if d.argc != "1" || d.arg1 != tc.hook || d.arg0 != script {
				t.Errorf("argv = [%s %s] (argc %s), want [%s %s]", d.arg0, d.arg1, d.argc, script, tc.hook)
			}
			if diff := cmp.Diff(tc.names, names(d.vars)); diff != "" {
				t.Errorf("variable names differ from the ARM's list (-arm +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, d.vars); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

// TestISCNilObjectsAndSkip: missing objects print Kea's empty values, and
// a Skip or Drop set by an earlier callout stops the run, as in Kea.
func TestISCNilObjectsAndSkip(t *testing.T) {
	dir := t.TempDir()
	script := dumpScript(t, dir)
	mgr := newManager("kea-dhcp4")
	loadLib(t, mgr, ISCName, `{"name": "`+script+`", "sync": true}`)

	h := mgr.AcquireHandle()
	defer h.Release()
	st := h.ScopedState()
	hooks.Set[*pkt.Pkt4](h, "query4", nil)
	hooks.Set[*config.Subnet4](h, "subnet4", nil)
	hooks.Set[[]byte](h, "clientid", nil)
	hooks.Set[*lease.HWAddr](h, "hwaddr", nil)
	hooks.Set(h, "lease4", fixtureLease4("198.51.100.20"))
	mgr.Call(hooks.Lease4Renew, h)
	st.Close()
	ds := dumps(t, dir)
	if len(ds) != 1 {
		t.Fatalf("%d runs, want 1", len(ds))
	}
	for _, k := range append(cat(armS4, []string{"PKT4_CLIENT_ID", "PKT4_HWADDR", "PKT4_HWADDR_TYPE"}), "QUERY4_TYPE", "QUERY4_HWADDR_TYPE") {
		if v, ok := ds[0].vars[k]; !ok || v != "" {
			t.Errorf("%s = %q (present %v), want empty", k, v, ok)
		}
	}
	if _, ok := ds[0].vars["QUERY4_OPTION_82"]; ok {
		t.Error("QUERY4_OPTION_82 set without a query")
	}

	// A pre-callout setting Skip: Kea's run_script returns at once.
	clearDumps(t, dir)
	if err := mgr.PreCalloutsLibraryHandle().RegisterCallout("lease4_release", func(h *hooks.CalloutHandle) error {
		h.SetStatus(hooks.Skip)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h2 := mgr.AcquireHandle()
	defer h2.Release()
	st2 := h2.ScopedState()
	hooks.Set(h2, "query4", fixtureQuery4())
	hooks.Set(h2, "lease4", fixtureLease4("198.51.100.20"))
	mgr.Call(hooks.Lease4Release, h2)
	st2.Close()
	if n := len(dumps(t, dir)); n != 0 {
		t.Errorf("%d runs after Skip, want 0", n)
	}
	if !strings.HasPrefix(script, dir) {
		t.Fatal("script outside the test directory")
	}
}
