package runscript

import (
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/pkt"
	"github.com/nestordhcp/nestor/server4"
)

// The DHCPv4 arguments, read with the exact Go types server4 and alloc
// set. A missing or mistyped argument reads as nil, which prints as
// Kea's empty values.

func query4(h *hooks.CalloutHandle) *pkt.Pkt4 {
	q, _ := hooks.Get[*pkt.Pkt4](h, "query4")
	return q
}

func argLease4(h *hooks.CalloutHandle) *lease.Lease4 {
	l, _ := hooks.Get[*lease.Lease4](h, "lease4")
	return l
}

func argSubnet4(h *hooks.CalloutHandle) *config.Subnet4 {
	s, _ := hooks.Get[*config.Subnet4](h, "subnet4")
	return s
}

// argLeases4 reads leases4/deleted_leases4; ok is false when absent (Kea
// then prints a size of 0).
func argLeases4(h *hooks.CalloutHandle, name string) (server4.Lease4Collection, bool) {
	if c, err := hooks.Get[*server4.Lease4Collection](h, name); err == nil && c != nil {
		return *c, true
	}
	return nil, false
}

func argBool(h *hooks.CalloutHandle, name string) bool {
	b, _ := hooks.Get[bool](h, name)
	return b
}

// ---- ISC libdhcp_run_script.so ----

// iscPkt4 is Kea's extractPkt4.
func iscPkt4(e *env, p *pkt.Pkt4, prefix string) {
	if p == nil {
		for _, s := range []string{"_TYPE", "_TXID", "_LOCAL_ADDR", "_LOCAL_PORT", "_REMOTE_ADDR", "_REMOTE_PORT",
			"_IFACE_INDEX", "_IFACE_NAME", "_HOPS", "_SECS", "_FLAGS", "_CIADDR", "_SIADDR", "_YIADDR", "_GIADDR", "_RELAYED"} {
			e.add(prefix+s, "")
		}
		for _, s := range []string{"_HWADDR", "_LOCAL_HWADDR", "_REMOTE_HWADDR"} {
			e.add(prefix+s, "")
			e.add(prefix+s+"_TYPE", "")
		}
		return
	}
	e.add(prefix+"_TYPE", p.MessageType().String())
	e.add(prefix+"_TXID", itoa(p.Xid))
	e.add(prefix+"_LOCAL_ADDR", addrText(p.Dst.Addr(), false))
	e.add(prefix+"_LOCAL_PORT", itoa(p.Dst.Port()))
	e.add(prefix+"_REMOTE_ADDR", addrText(p.Src.Addr(), false))
	e.add(prefix+"_REMOTE_PORT", itoa(p.Src.Port()))
	e.add(prefix+"_IFACE_INDEX", itoa(p.IfIndex))
	e.add(prefix+"_IFACE_NAME", p.IfName)
	e.add(prefix+"_HOPS", itoa(p.Hops))
	e.add(prefix+"_SECS", itoa(p.Secs))
	e.add(prefix+"_FLAGS", itoa(p.Flags))
	e.add(prefix+"_CIADDR", p.CIAddr.String())
	e.add(prefix+"_SIADDR", p.SIAddr.String())
	e.add(prefix+"_YIADDR", p.YIAddr.String())
	e.add(prefix+"_GIADDR", p.GIAddr.String())
	e.add(prefix+"_RELAYED", boolText(p.IsRelayed()))
	e.add(prefix+"_HWADDR", hexColons(p.HWAddr()))
	e.add(prefix+"_HWADDR_TYPE", itoa(p.HType))
	macVars(e, prefix+"_LOCAL_HWADDR", p.DstMAC)
	macVars(e, prefix+"_REMOTE_HWADDR", p.SrcMAC)
	if rai, ok := p.Get(dhcp4.OptionRelayAgentInformation); ok {
		e.add(prefix+"_OPTION_82", hexOption(rai))
		for _, code := range []uint8{1, 2} { // circuit-id, remote-id
			if sub, ok := dhcp4.SubOptions(rai).Get(code); ok {
				e.add(prefix+"_OPTION_82_SUB_OPTION_"+itoa(code), hexOption(sub))
			}
		}
	}
}

// macVars prints an Ethernet address learnt from the link layer; an
// all-zero one means the socket did not tell, which Kea prints as empty.
func macVars(e *env, name string, mac [6]byte) {
	if mac == ([6]byte{}) {
		e.add(name, "")
		e.add(name+"_TYPE", "")
		return
	}
	e.add(name, hexColons(mac[:]))
	e.add(name+"_TYPE", itoa(lease.HTypeEther))
}

// iscSubnet4 is Kea's extractSubnet4.
func iscSubnet4(e *env, s *config.Subnet4, prefix string) {
	if s == nil {
		for _, suf := range []string{"_ID", "_NAME", "_PREFIX", "_PREFIX_LEN"} {
			e.add(prefix+suf, "")
		}
		return
	}
	e.add(prefix+"_ID", itoa(s.ID))
	e.add(prefix+"_NAME", s.Prefix.Addr().String()+"/"+itoa(s.Prefix.Bits()))
	e.add(prefix+"_PREFIX", s.Prefix.Addr().String())
	e.add(prefix+"_PREFIX_LEN", itoa(s.Prefix.Bits()))
}

// iscLease4 is Kea's extractLease4.
func iscLease4(e *env, l *lease.Lease4, prefix string) {
	if l == nil {
		for _, suf := range []string{"_ADDRESS", "_CLTT", "_HOSTNAME", "_HWADDR", "_HWADDR_TYPE", "_STATE",
			"_SUBNET_ID", "_VALID_LIFETIME", "_CLIENT_ID"} {
			e.add(prefix+suf, "")
		}
		return
	}
	e.add(prefix+"_ADDRESS", addrText(l.Addr, false))
	e.add(prefix+"_CLTT", itoa(l.CLTT))
	e.add(prefix+"_HOSTNAME", l.Hostname)
	e.add(prefix+"_HWADDR", hexColons(l.HWAddr.Bytes))
	e.add(prefix+"_HWADDR_TYPE", leaseHWType(l.HWAddr))
	e.add(prefix+"_STATE", stateText(l.State))
	e.add(prefix+"_SUBNET_ID", itoa(l.SubnetID))
	e.add(prefix+"_VALID_LIFETIME", itoa(l.ValidLifetime))
	e.add(prefix+"_CLIENT_ID", hexColons(l.ClientID))
}

// iscLeases4 is Kea's extractLeases4.
func iscLeases4(e *env, c server4.Lease4Collection, ok bool, prefix string) {
	if !ok {
		e.add(prefix+"_SIZE", "0")
		return
	}
	e.add(prefix+"_SIZE", itoa(len(c)))
	for i, l := range c {
		iscLease4(e, l, prefix+"_AT"+itoa(i))
	}
}

func iscLease4Renew(h *hooks.CalloutHandle, e *env) {
	iscPkt4(e, query4(h), "QUERY4")
	iscSubnet4(e, argSubnet4(h), "SUBNET4")
	cid, _ := hooks.Get[[]byte](h, "clientid")
	e.add("PKT4_CLIENT_ID", hexColons(cid))
	if hw, _ := hooks.Get[*lease.HWAddr](h, "hwaddr"); hw != nil {
		e.add("PKT4_HWADDR", hexColons(hw.Bytes))
		e.add("PKT4_HWADDR_TYPE", itoa(hw.Type))
	} else {
		e.add("PKT4_HWADDR", "")
		e.add("PKT4_HWADDR_TYPE", "")
	}
	iscLease4(e, argLease4(h), "LEASE4")
}

func iscLease4Expire(h *hooks.CalloutHandle, e *env) {
	iscLease4(e, argLease4(h), "LEASE4")
	e.add("REMOVE_LEASE", boolText(argBool(h, "remove_lease")))
}

func iscLease4Recover(h *hooks.CalloutHandle, e *env) {
	iscLease4(e, argLease4(h), "LEASE4")
}

func iscLeases4Committed(h *hooks.CalloutHandle, e *env) {
	iscPkt4(e, query4(h), "QUERY4")
	c, ok := argLeases4(h, "leases4")
	iscLeases4(e, c, ok, "LEASES4")
	c, ok = argLeases4(h, "deleted_leases4")
	iscLeases4(e, c, ok, "DELETED_LEASES4")
}

// iscQueryLease4 serves lease4_release and lease4_decline.
func iscQueryLease4(h *hooks.CalloutHandle, e *env) {
	iscPkt4(e, query4(h), "QUERY4")
	iscLease4(e, argLease4(h), "LEASE4")
}

// ---- third-party kea-hook-runscript.so ----

// tpPkt4 is the third party's extract_pkt4 with the variables its README
// lists; withOptions adds OPTION60 and OPTION82 (pkt4_receive, pkt4_send).
func tpPkt4(e *env, p *pkt.Pkt4, prefix string, withOptions bool) {
	if p == nil {
		return
	}
	e.add(prefix+"TYPE", p.MessageType().String())
	e.add(prefix+"INTERFACE", p.IfName)
	e.add(prefix+"IFINDEX", itoa(p.IfIndex))
	// Kea's getMAC(HWADDR_SOURCE_ANY): the link-layer source address of
	// a raw socket. Without one Nestor falls back to chaddr (source 0).
	switch {
	case p.SrcMAC != [6]byte{}:
		e.add(prefix+"HWADDR", hexColons(p.SrcMAC[:]))
		e.add(prefix+"HWADDR_TYPE", itoa(lease.HTypeEther))
		e.add(prefix+"HWADDR_SOURCE", itoa(lease.HWAddrSourceRaw))
	case len(p.HWAddr()) > 0:
		e.add(prefix+"HWADDR", hexColons(p.HWAddr()))
		e.add(prefix+"HWADDR_TYPE", itoa(p.HType))
		e.add(prefix+"HWADDR_SOURCE", itoa(lease.HWAddrSourceUnknown))
	default:
		e.add(prefix+"HWADDR", "")
		e.add(prefix+"HWADDR_TYPE", "")
		e.add(prefix+"HWADDR_SOURCE", "")
	}
	e.add(prefix+"RELAYED", boolDigit(p.IsRelayed()))
	e.add(prefix+"RELAY_HOPS", itoa(p.Hops))
	if withOptions {
		v, _ := p.Get(dhcp4.OptionVendorClassIdentifier)
		e.add(prefix+"OPTION60", string(v))
		rai, ok := p.Get(dhcp4.OptionRelayAgentInformation)
		if ok {
			e.add(prefix+"OPTION82", hexOption(rai))
		} else {
			e.add(prefix+"OPTION82", "")
		}
	}
	e.add(prefix+"CIADDR", p.CIAddr.String())
	e.add(prefix+"SIADDR", p.SIAddr.String())
	e.add(prefix+"YIADDR", p.YIAddr.String())
	e.add(prefix+"GIADDR", p.GIAddr.String())
}

func tpSubnet4(e *env, s *config.Subnet4) {
	if s == nil {
		e.add("KEA_SUBNET4", "")
		e.add("KEA_SUBNET4_PREFIX", "")
		e.add("KEA_SUBNET4_PREFIXLEN", "")
		return
	}
	e.add("KEA_SUBNET4", s.Prefix.Addr().String()+"/"+itoa(s.Prefix.Bits()))
	e.add("KEA_SUBNET4_PREFIX", s.Prefix.Addr().String())
	e.add("KEA_SUBNET4_PREFIXLEN", itoa(s.Prefix.Bits()))
}

func tpLease4(e *env, l *lease.Lease4) {
	if l == nil {
		return
	}
	e.add("KEA_LEASE4_TYPE", "V4")
	e.add("KEA_LEASE4_STATE", stateText(l.State))
	e.add("KEA_LEASE4_IS_EXPIRED", boolDigit(l.Expired(time.Now().Unix())))
	e.add("KEA_LEASE4_ADDRESS", addrText(l.Addr, false))
	e.add("KEA_LEASE4_HWADDR", hexColons(l.HWAddr.Bytes))
	e.add("KEA_LEASE4_HOSTNAME", l.Hostname)
	e.add("KEA_LEASE4_CLIENT_LAST_TRANSMISSION", itoa(l.CLTT))
	e.add("KEA_LEASE4_VALID_LIFETIME", itoa(l.ValidLifetime))
}

func tpPkt4Receive(h *hooks.CalloutHandle, e *env) {
	tpPkt4(e, query4(h), "KEA_QUERY4_", true)
}

func tpPkt4Send(h *hooks.CalloutHandle, e *env) {
	tpPkt4(e, query4(h), "KEA_QUERY4_", true)
	r, _ := hooks.Get[*pkt.Pkt4](h, "response4")
	tpPkt4(e, r, "KEA_RESPONSE4_", false)
}

func tpSubnet4Select(h *hooks.CalloutHandle, e *env) {
	tpPkt4(e, query4(h), "KEA_QUERY4_", false)
	tpSubnet4(e, argSubnet4(h))
}

func tpLease4Select(h *hooks.CalloutHandle, e *env) {
	tpPkt4(e, query4(h), "KEA_QUERY4_", false)
	tpSubnet4(e, argSubnet4(h))
	e.add("KEA_FAKE_ALLOCATION", boolDigit(argBool(h, "fake_allocation")))
	tpLease4(e, argLease4(h))
}

func tpLease4Renew(h *hooks.CalloutHandle, e *env) {
	tpPkt4(e, query4(h), "KEA_QUERY4_", false)
	tpSubnet4(e, argSubnet4(h))
	tpLease4(e, argLease4(h))
}

// tpQueryLease4 serves lease4_release and lease4_decline.
func tpQueryLease4(h *hooks.CalloutHandle, e *env) {
	tpPkt4(e, query4(h), "KEA_QUERY4_", false)
	tpLease4(e, argLease4(h))
}

func tpLease4Expire(h *hooks.CalloutHandle, e *env) {
	tpLease4(e, argLease4(h))
	e.add("KEA_REMOVE_LEASE", boolDigit(argBool(h, "remove_lease")))
}

func tpLease4Recover(h *hooks.CalloutHandle, e *env) {
	tpLease4(e, argLease4(h))
}
