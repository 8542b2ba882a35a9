package runscript

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/pkt"
)

// The variable groups of spec/hooks/kea-hook-runscript-README.md.
var (
	tpQ4 = pre("KEA_QUERY4", []string{"TYPE", "INTERFACE", "IFINDEX", "HWADDR", "HWADDR_SOURCE", "HWADDR_TYPE",
		"RELAYED", "RELAY_HOPS", "CIADDR", "SIADDR", "YIADDR", "GIADDR"})
	tpQ4opts = []string{"KEA_QUERY4_OPTION60", "KEA_QUERY4_OPTION82"}
	tpR4     = pre("KEA_RESPONSE4", []string{"TYPE", "INTERFACE", "IFINDEX", "HWADDR", "HWADDR_SOURCE", "HWADDR_TYPE",
		"RELAYED", "RELAY_HOPS", "CIADDR", "SIADDR", "YIADDR", "GIADDR"})
	tpS4 = []string{"KEA_SUBNET4_PREFIX", "KEA_SUBNET4_PREFIXLEN", "KEA_SUBNET4"}
	tpL4 = pre("KEA_LEASE4", []string{"ADDRESS", "TYPE", "STATE", "IS_EXPIRED", "HWADDR", "HOSTNAME",
		"CLIENT_LAST_TRANSMISSION", "VALID_LIFETIME"})
	tpQ6 = pre("KEA_QUERY6", []string{"TYPE", "INTERFACE", "IFINDEX", "DUID", "HWADDR", "HWADDR_TYPE", "HWADDR_SOURCE",
		"LOCAL_ADDRESS", "LOCAL_PORT", "REMOTE_ADDRESS", "REMOTE_PORT", "LABEL", "TRANSACTION_ID"})
	tpL6 = pre("KEA_LEASE6", []string{"TYPE", "ADDRESS", "CLIENT_DUID", "HWADDR", "HOSTNAME", "STATE",
		"IS_EXPIRED", "CLIENT_LAST_TRANSMISSION", "VALID_LIFETIME", "PREFERRED_LIFETIME", "IAID"})
	tpPD = []string{"KEA_LEASE6_DELEGATED_PREFIX", "KEA_LEASE6_DELEGATED_PREFIXLEN"}
)

func without(l []string, drop string) []string {
	var out []string
	for _, s := range l {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// TestThirdPartyEnvironments checks the variable names of every hook
// point of kea-hook-runscript.so against its README, and a few values.
func TestThirdPartyEnvironments(t *testing.T) {
	dir := t.TempDir()
	script := dumpScript(t, dir)
	mgr := newManager("kea-dhcp6")
	loadLib(t, mgr, ThirdPartyName, `{"script": "`+script+`", "wait": true}`)

	q4 := func(h *hooks.CalloutHandle) { hooks.Set(h, "query4", fixtureQuery4()) }
	s4 := func(h *hooks.CalloutHandle) { hooks.Set(h, "subnet4", fixtureSubnet4()) }
	l4 := func(h *hooks.CalloutHandle) { hooks.Set(h, "lease4", fixtureLease4("198.51.100.20")) }
	q6 := func(h *hooks.CalloutHandle) { hooks.Set(h, "query6", fixtureQuery6()) }
	l6 := func(h *hooks.CalloutHandle) { hooks.Set(h, "lease6", fixtureLease6(lease.TypeNA)) }
	pd6 := func(h *hooks.CalloutHandle) { hooks.Set(h, "lease6", fixtureLease6(lease.TypePD)) }
	rm := func(h *hooks.CalloutHandle) { hooks.Set(h, "remove_lease", true) }
	fake := func(h *hooks.CalloutHandle) { hooks.Set(h, "fake_allocation", true) }
	resp4 := func(h *hooks.CalloutHandle) {
		r := fixtureQuery4()
		r.Op = 2
		hooks.Set(h, "response4", r)
	}
	resp6 := func(h *hooks.CalloutHandle) { hooks.Set(h, "response6", &pkt.Pkt6{}) }

	tests := []struct {
		hook  string
		set   []func(*hooks.CalloutHandle)
		names []string
		want  map[string]string
	}{
		{"pkt4_receive", []func(*hooks.CalloutHandle){q4}, cat(tpQ4, tpQ4opts), map[string]string{
			"KEA_QUERY4_TYPE": "DHCPREQUEST", "KEA_QUERY4_RELAYED": "1", "KEA_QUERY4_HWADDR": "02:00:00:00:00:01",
			"KEA_QUERY4_HWADDR_SOURCE": "1", "KEA_QUERY4_OPTION82": "0x0102ABCD02017F", "KEA_QUERY4_OPTION60": ""}},
		{"pkt4_send", []func(*hooks.CalloutHandle){q4, resp4}, cat(tpQ4, tpQ4opts, tpR4), nil},
		{"subnet4_select", []func(*hooks.CalloutHandle){q4, s4}, cat(tpQ4, tpS4), map[string]string{
			"KEA_SUBNET4": "198.51.100.0/24", "KEA_SUBNET4_PREFIX": "198.51.100.0", "KEA_SUBNET4_PREFIXLEN": "24"}},
		{"lease4_select", []func(*hooks.CalloutHandle){q4, s4, fake, l4}, cat(tpQ4, tpS4, tpL4, []string{"KEA_FAKE_ALLOCATION"}),
			map[string]string{"KEA_FAKE_ALLOCATION": "1", "KEA_LEASE4_TYPE": "V4", "KEA_LEASE4_IS_EXPIRED": "1"}},
		{"lease4_renew", []func(*hooks.CalloutHandle){q4, s4, l4}, cat(tpQ4, tpS4, tpL4), nil},
		{"lease4_release", []func(*hooks.CalloutHandle){q4, l4}, cat(tpQ4, tpL4), nil},
		{"lease4_decline", []func(*hooks.CalloutHandle){q4, l4}, cat(tpQ4, tpL4), nil},
		{"lease4_expire", []func(*hooks.CalloutHandle){l4, rm}, cat(tpL4, []string{"KEA_REMOVE_LEASE"}),
			map[string]string{"KEA_REMOVE_LEASE": "1", "KEA_LEASE4_ADDRESS": "198.51.100.20"}},
		{"lease4_recover", []func(*hooks.CalloutHandle){l4}, cat(tpL4), nil},
		{"pkt6_receive", []func(*hooks.CalloutHandle){q6}, cat(tpQ6), map[string]string{
			"KEA_QUERY6_TYPE": "RENEW", "KEA_QUERY6_DUID": "00:03:00:01:02:00:00:00:00:05",
			"KEA_QUERY6_HWADDR": "02:00:00:00:00:05", "KEA_QUERY6_HWADDR_SOURCE": "2",
			"KEA_QUERY6_LABEL": "duid=[00:03:00:01:02:00:00:00:00:05], tid=0xabcdef"}},
		{"pkt6_send", []func(*hooks.CalloutHandle){q6, resp6}, cat(tpQ6, pre("KEA_RESPONSE6", []string{"TYPE", "INTERFACE",
			"IFINDEX", "DUID", "HWADDR", "HWADDR_TYPE", "HWADDR_SOURCE", "LOCAL_ADDRESS", "LOCAL_PORT", "REMOTE_ADDRESS",
			"REMOTE_PORT", "LABEL", "TRANSACTION_ID"})), nil},
		{"lease6_select", []func(*hooks.CalloutHandle){q6, fake, pd6}, cat(tpQ6, []string{"KEA_SUBNET6", "KEA_SUBNET6_PREFIX",
			"KEA_SUBNET6_PREFIXLEN", "KEA_FAKE_ALLOCATION"}, tpL6, tpPD), map[string]string{
			"KEA_LEASE6_DELEGATED_PREFIX": "2001:db8:8000::/56", "KEA_LEASE6_TYPE": "IA_PD"}},
		{"lease6_renew", []func(*hooks.CalloutHandle){q6, l6}, cat(tpQ6, tpL6), nil},
		{"lease6_rebind", []func(*hooks.CalloutHandle){q6, l6}, cat(tpQ6, tpL6), nil},
		{"lease6_release", []func(*hooks.CalloutHandle){q6, l6}, cat(tpQ6, tpL6), nil},
		{"lease6_decline", []func(*hooks.CalloutHandle){q6, l6}, cat(without(tpQ6, "KEA_QUERY6_IFINDEX"), tpL6), nil},
		{"lease6_expire", []func(*hooks.CalloutHandle){l6, rm}, cat(tpL6, []string{"KEA_REMOVE_LEASE"}), nil},
		{"lease6_recover", []func(*hooks.CalloutHandle){l6}, cat(tpL6), nil},
	}
	for _, tc := range tests {
		t.Run(tc.hook, func(t *testing.T) {
			clearDumps(t, dir)
			p, _ := hooks.LookupPoint(tc.hook)
			h := mgr.AcquireHandle()
			defer h.Release()
			st := h.ScopedState()
			for _, f := range tc.set {
				f(h)
			}
			mgr.Call(p, h)
			st.Close()
			ds := dumps(t, dir)
			if len(ds) != 1 {
				t.Fatalf("%d runs, want 1", len(ds))
			}
			if ds[0].arg1 != tc.hook {
				t.Errorf("$1 = %q, want %q", ds[0].arg1, tc.hook)
			}
			if diff := cmp.Diff(tc.names, names(ds[0].vars)); diff != "" {
				t.Errorf("variable names differ from the README (-readme +got):\n%s", diff)
			}
			for k, v := range tc.want {
				if ds[0].vars[k] != v {
					t.Errorf("%s = %q, want %q", k, ds[0].vars[k], v)
				}
			}
		})
	}
}
