package runscript

import (
	"net/netip"
	"sync"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/pkt"
	"github.com/nestordhcp/nestor/server6"
)

// The DHCPv6 arguments. query6/response6 are *pkt.Pkt6, subnet6
// *config.Subnet6, lease6 *lease.Lease6, the collections (leases6,
// deleted_leases6) *server6.Lease6Collection and ia_na/ia_pd *dhcp6.IA, as
// server6 and package alloc pass them. The callouts also accept
// *[]*lease.Lease6 and any slice type registered with
// RegisterLease6Collection, and dhcp6.IA or *dhcp6.Option (the raw IA
// option) for the IAs.

var (
	collMu       sync.RWMutex
	collGetters6 = []func(*hooks.CalloutHandle, string) ([]*lease.Lease6, bool){
		getColl6[server6.Lease6Collection], getColl6[[]*lease.Lease6]}
)

// RegisterLease6Collection lets the callouts read leases6 and
// deleted_leases6 set as *T (the DHCPv6 server's collection type).
func RegisterLease6Collection[T ~[]*lease.Lease6]() {
	collMu.Lock()
	defer collMu.Unlock()
	collGetters6 = append(collGetters6, getColl6[T])
}

func getColl6[T ~[]*lease.Lease6](h *hooks.CalloutHandle, name string) ([]*lease.Lease6, bool) {
	if c, err := hooks.Get[*T](h, name); err == nil && c != nil {
		return *c, true
	}
	return nil, false
}

func argLeases6(h *hooks.CalloutHandle, name string) ([]*lease.Lease6, bool) {
	collMu.RLock()
	defer collMu.RUnlock()
	for _, g := range collGetters6 {
		if c, ok := g(h, name); ok {
			return c, true
		}
	}
	return nil, false
}

func query6(h *hooks.CalloutHandle) *pkt.Pkt6 {
	q, _ := hooks.Get[*pkt.Pkt6](h, "query6")
	return q
}

func argLease6(h *hooks.CalloutHandle) *lease.Lease6 {
	l, _ := hooks.Get[*lease.Lease6](h, "lease6")
	return l
}

func argSubnet6(h *hooks.CalloutHandle) *config.Subnet6 {
	s, _ := hooks.Get[*config.Subnet6](h, "subnet6")
	return s
}

// argIA reads the ia_na or ia_pd argument.
func argIA(h *hooks.CalloutHandle, name string) (dhcp6.IA, bool) {
	if ia, err := hooks.Get[*dhcp6.IA](h, name); err == nil && ia != nil {
		return *ia, true
	}
	if ia, err := hooks.Get[dhcp6.IA](h, name); err == nil {
		return ia, true
	}
	if o, err := hooks.Get[*dhcp6.Option](h, name); err == nil && o != nil {
		if ia, err := dhcp6.ParseIA(o.Data); err == nil {
			return ia, true
		}
	}
	return dhcp6.IA{}, false
}

func clientDUID(p *pkt.Pkt6) string {
	if d, ok := p.ClientID(); ok {
		return hexColons(d)
	}
	return ""
}

// ---- ISC libdhcp_run_script.so ----

// iscPkt6 is Kea's extractPkt6. Kea's DHCPv6 sockets are UDP sockets, so
// the remote hardware address is empty unless the packet carries it.
func iscPkt6(e *env, p *pkt.Pkt6, prefix string) {
	if p == nil {
		for _, s := range []string{"_TYPE", "_TXID", "_LOCAL_ADDR", "_LOCAL_PORT", "_REMOTE_ADDR", "_REMOTE_PORT",
			"_IFACE_INDEX", "_IFACE_NAME", "_REMOTE_HWADDR", "_REMOTE_HWADDR_TYPE", "_PROTO", "_CLIENT_ID"} {
			e.add(prefix+s, "")
		}
		return
	}
	e.add(prefix+"_TYPE", p.MsgType.String())
	e.add(prefix+"_TXID", itoa(p.TransactionID))
	e.add(prefix+"_LOCAL_ADDR", addrText(p.Dst.Addr(), true))
	e.add(prefix+"_LOCAL_PORT", itoa(p.Dst.Port()))
	e.add(prefix+"_REMOTE_ADDR", addrText(p.Src.Addr(), true))
	e.add(prefix+"_REMOTE_PORT", itoa(p.Src.Port()))
	e.add(prefix+"_IFACE_INDEX", itoa(p.IfIndex))
	e.add(prefix+"_IFACE_NAME", p.IfName)
	e.add(prefix+"_REMOTE_HWADDR", "")
	e.add(prefix+"_REMOTE_HWADDR_TYPE", "")
	e.add(prefix+"_PROTO", "UDP")
	e.add(prefix+"_CLIENT_ID", clientDUID(p))
}

// iscLease6 is Kea's extractLease6.
func iscLease6(e *env, l *lease.Lease6, prefix string) {
	if l == nil {
		for _, suf := range []string{"_ADDRESS", "_CLTT", "_HOSTNAME", "_HWADDR", "_HWADDR_TYPE", "_STATE",
			"_SUBNET_ID", "_VALID_LIFETIME", "_DUID", "_IAID", "_PREFERRED_LIFETIME", "_PREFIX_LEN", "_TYPE"} {
			e.add(prefix+suf, "")
		}
		return
	}
	e.add(prefix+"_ADDRESS", addrText(l.Addr, true))
	e.add(prefix+"_CLTT", itoa(l.CLTT))
	e.add(prefix+"_HOSTNAME", l.Hostname)
	if l.HWAddr.IsZero() { // Kea: no hardware address object
		e.add(prefix+"_HWADDR", "")
		e.add(prefix+"_HWADDR_TYPE", "")
	} else {
		e.add(prefix+"_HWADDR", hexColons(l.HWAddr.Bytes))
		e.add(prefix+"_HWADDR_TYPE", itoa(l.HWAddr.Type))
	}
	e.add(prefix+"_STATE", stateText(l.State))
	e.add(prefix+"_SUBNET_ID", itoa(l.SubnetID))
	e.add(prefix+"_VALID_LIFETIME", itoa(l.ValidLifetime))
	e.add(prefix+"_DUID", hexColons(l.DUID))
	e.add(prefix+"_IAID", itoa(l.IAID))
	e.add(prefix+"_PREFERRED_LIFETIME", itoa(l.PreferredLifetime))
	e.add(prefix+"_PREFIX_LEN", itoa(l.PrefixLen))
	e.add(prefix+"_TYPE", l.Type.String())
}

func iscLeases6(e *env, c []*lease.Lease6, ok bool, prefix string) {
	if !ok {
		e.add(prefix+"_SIZE", "0")
		return
	}
	e.add(prefix+"_SIZE", itoa(len(c)))
	for i, l := range c {
		iscLease6(e, l, prefix+"_AT"+itoa(i))
	}
}

// iscLease6RenewRebind serves lease6_renew and lease6_rebind: Kea reads
// ia_na for an address lease and ia_pd otherwise.
func iscLease6RenewRebind(h *hooks.CalloutHandle, e *env) {
	iscPkt6(e, query6(h), "QUERY6")
	l := argLease6(h)
	iscLease6(e, l, "LEASE6")
	name, code := "ia_na", dhcp6.OptIANA
	if l != nil && l.Type != lease.TypeNA {
		name, code = "ia_pd", dhcp6.OptIAPD
	}
	if ia, ok := argIA(h, name); ok {
		e.add("PKT6_IA_IAID", itoa(ia.IAID))
		e.add("PKT6_IA_IA_TYPE", itoa(uint16(code)))
		e.add("PKT6_IA_IA_T1", itoa(ia.T1))
		e.add("PKT6_IA_IA_T2", itoa(ia.T2))
	} else {
		for _, s := range []string{"PKT6_IA_IAID", "PKT6_IA_IA_TYPE", "PKT6_IA_IA_T1", "PKT6_IA_IA_T2"} {
			e.add(s, "")
		}
	}
}

func iscLease6Expire(h *hooks.CalloutHandle, e *env) {
	iscLease6(e, argLease6(h), "LEASE6")
	e.add("REMOVE_LEASE", boolText(argBool(h, "remove_lease")))
}

func iscLease6Recover(h *hooks.CalloutHandle, e *env) {
	iscLease6(e, argLease6(h), "LEASE6")
}

func iscLeases6Committed(h *hooks.CalloutHandle, e *env) {
	iscPkt6(e, query6(h), "QUERY6")
	c, ok := argLeases6(h, "leases6")
	iscLeases6(e, c, ok, "LEASES6")
	c, ok = argLeases6(h, "deleted_leases6")
	iscLeases6(e, c, ok, "DELETED_LEASES6")
}

// iscQueryLease6 serves lease6_release and lease6_decline.
func iscQueryLease6(h *hooks.CalloutHandle, e *env) {
	iscPkt6(e, query6(h), "QUERY6")
	iscLease6(e, argLease6(h), "LEASE6")
}

// ---- third-party kea-hook-runscript.so ----

// tpPkt6 is the third party's extract_pkt6 with the variables of its
// README. HWADDR follows Kea's getMAC(HWADDR_SOURCE_ANY) order as far as
// Nestor knows the sources: the client DUID (LLT/LL), then the EUI-64 of
// a link-local source address.
func tpPkt6(e *env, p *pkt.Pkt6, prefix string, ifindex bool) {
	if p == nil {
		return
	}
	e.add(prefix+"TYPE", p.MsgType.String())
	e.add(prefix+"INTERFACE", p.IfName)
	if ifindex {
		e.add(prefix+"IFINDEX", itoa(p.IfIndex))
	}
	e.add(prefix+"DUID", clientDUID(p))
	hw, htype, src := mac6(p)
	e.add(prefix+"HWADDR", hw)
	e.add(prefix+"HWADDR_TYPE", htype)
	e.add(prefix+"HWADDR_SOURCE", src)
	e.add(prefix+"LOCAL_ADDRESS", addrText(p.Dst.Addr(), true))
	e.add(prefix+"LOCAL_PORT", itoa(p.Dst.Port()))
	e.add(prefix+"REMOTE_ADDRESS", addrText(p.Src.Addr(), true))
	e.add(prefix+"REMOTE_PORT", itoa(p.Src.Port()))
	e.add(prefix+"LABEL", label6(p))
	e.add(prefix+"TRANSACTION_ID", itoa(p.TransactionID))
}

func mac6(p *pkt.Pkt6) (hw, htype, source string) {
	if d, ok := p.ClientID(); ok {
		if info, err := d.Parse(); err == nil && len(info.LinkAddr) > 0 {
			return hexColons(info.LinkAddr), itoa(info.HWType), itoa(lease.HWAddrSourceDUID)
		}
	}
	if a := p.Src.Addr(); a.Is6() && a.IsLinkLocalUnicast() {
		if mac, ok := eui64MAC(a); ok {
			return hexColons(mac), itoa(lease.HTypeEther), itoa(lease.HWAddrSourceIPv6LinkLocal)
		}
	}
	return "", "", ""
}

// eui64MAC recovers the MAC from a modified EUI-64 interface identifier.
func eui64MAC(a netip.Addr) ([]byte, bool) {
	b := a.As16()
	if b[11] != 0xff || b[12] != 0xfe {
		return nil, false
	}
	return []byte{b[8] ^ 0x02, b[9], b[10], b[13], b[14], b[15]}, true
}

// label6 is Kea's Pkt6 label: "duid=[...], tid=0x...".
func label6(p *pkt.Pkt6) string {
	d := clientDUID(p)
	if d == "" {
		d = "no info"
	}
	return "duid=[" + d + "], tid=0x" + hexTid(p.TransactionID)
}

func hexTid(v uint32) string {
	const digits = "0123456789abcdef"
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v >>= 4 {
		b = append([]byte{digits[v&0xf]}, b...)
	}
	return string(b)
}

func tpSubnet6(e *env, s *config.Subnet6) {
	if s == nil {
		e.add("KEA_SUBNET6_PREFIX", "")
		e.add("KEA_SUBNET6_PREFIXLEN", "")
		e.add("KEA_SUBNET6", "")
		return
	}
	e.add("KEA_SUBNET6_PREFIX", s.Prefix.Addr().String())
	e.add("KEA_SUBNET6_PREFIXLEN", itoa(s.Prefix.Bits()))
	e.add("KEA_SUBNET6", s.Prefix.Addr().String()+"/"+itoa(s.Prefix.Bits()))
}

func tpLease6(e *env, l *lease.Lease6) {
	if l == nil {
		return
	}
	e.add("KEA_LEASE6_TYPE", l.Type.String())
	e.add("KEA_LEASE6_ADDRESS", addrText(l.Addr, true))
	if l.Type == lease.TypePD {
		e.add("KEA_LEASE6_DELEGATED_PREFIX", addrText(l.Addr, true)+"/"+itoa(l.PrefixLen))
		e.add("KEA_LEASE6_DELEGATED_PREFIXLEN", itoa(l.PrefixLen))
	}
	e.add("KEA_LEASE6_CLIENT_DUID", hexColons(l.DUID))
	e.add("KEA_LEASE6_HWADDR", hexColons(l.HWAddr.Bytes))
	e.add("KEA_LEASE6_HOSTNAME", l.Hostname)
	e.add("KEA_LEASE6_STATE", stateText(l.State))
	e.add("KEA_LEASE6_IS_EXPIRED", boolDigit(l.Expired(time.Now().Unix())))
	e.add("KEA_LEASE6_CLIENT_LAST_TRANSMISSION", itoa(l.CLTT))
	e.add("KEA_LEASE6_VALID_LIFETIME", itoa(l.ValidLifetime))
	e.add("KEA_LEASE6_PREFERRED_LIFETIME", itoa(l.PreferredLifetime))
	e.add("KEA_LEASE6_IAID", itoa(l.IAID))
}

func tpPkt6Receive(h *hooks.CalloutHandle, e *env) {
	tpPkt6(e, query6(h), "KEA_QUERY6_", true)
}

func tpPkt6Send(h *hooks.CalloutHandle, e *env) {
	tpPkt6(e, query6(h), "KEA_QUERY6_", true)
	r, _ := hooks.Get[*pkt.Pkt6](h, "response6")
	tpPkt6(e, r, "KEA_RESPONSE6_", true)
}

func tpSubnet6Select(h *hooks.CalloutHandle, e *env) {
	tpPkt6(e, query6(h), "KEA_QUERY6_", true)
	tpSubnet6(e, argSubnet6(h))
}

func tpLease6Select(h *hooks.CalloutHandle, e *env) {
	tpPkt6(e, query6(h), "KEA_QUERY6_", true)
	tpSubnet6(e, argSubnet6(h))
	e.add("KEA_FAKE_ALLOCATION", boolDigit(argBool(h, "fake_allocation")))
	tpLease6(e, argLease6(h))
}

// tpQueryLease6 serves lease6_renew, lease6_rebind and lease6_release.
func tpQueryLease6(h *hooks.CalloutHandle, e *env) {
	tpPkt6(e, query6(h), "KEA_QUERY6_", true)
	tpLease6(e, argLease6(h))
}

// tpLease6Decline: the README lists no KEA_QUERY6_IFINDEX here.
func tpLease6Decline(h *hooks.CalloutHandle, e *env) {
	tpPkt6(e, query6(h), "KEA_QUERY6_", false)
	tpLease6(e, argLease6(h))
}

func tpLease6Expire(h *hooks.CalloutHandle, e *env) {
	tpLease6(e, argLease6(h))
	e.add("KEA_REMOVE_LEASE", boolDigit(argBool(h, "remove_lease")))
}

func tpLease6Recover(h *hooks.CalloutHandle, e *env) {
	tpLease6(e, argLease6(h))
}
