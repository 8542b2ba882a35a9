package server4

import (
	"math/bits"
	"net/netip"

	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/pkt"
)

// hostOpts caches the pre-encoded options of host reservations; hosts are
// immutable for the life of a configuration.
func (s *snapshot) hostOptions(h *host.Host) *optSet {
	if h == nil || len(h.Options) == 0 {
		return nil
	}
	if h.Config == nil {
		// A hosts database's host is read anew on each lookup.
		return newOptSet(h.Options)
	}
	if v, ok := s.hostOpts.Load(h); ok {
		return v.(*optSet)
	}
	o := newOptSet(h.Options)
	s.hostOpts.Store(h, o)
	return o
}

// buildOptionList is Kea's buildCfgOptionList: the option sources of the
// reply, most specific first — host, pool of the assigned address, subnet,
// shared network, the query's classes in assignment order, global. Without
// a subnet there are none.
func (w *worker) buildOptionList() {
	w.levels = w.levels[:0]
	sn := w.subnet
	if sn == nil {
		return
	}
	add := func(o *optSet) {
		if o != nil {
			w.levels = append(w.levels, o)
		}
	}
	add(w.snap.hostOptions(w.host))
	if !w.r.YIAddr.IsZero() {
		if p := sn.pool(w.r.YIAddr.Addr()); p != nil {
			add(p.opts)
		}
	}
	add(sn.opts)
	add(sn.netOpts)
	for _, name := range w.q.Classes {
		if c := w.snap.byName[name]; c != nil {
			add(c.opts)
		}
	}
	add(w.snap.global)
}

// lookup returns the payload of code from the first source that has it.
func (w *worker) lookup(code uint8) ([]byte, bool) {
	for _, o := range w.levels {
		if p, ok := o.get(code); ok {
			return p, true
		}
	}
	return nil, false
}

// appendRequestedOptions is Kea's appendRequestedOptions: the codes of the
// parameter request list plus those marked always-send at any level, minus
// those marked never-send at any level, in ascending order, each from the
// first level that has it, skipping options the reply already carries.
// Option 125 is left to vendor processing.
func (w *worker) appendRequestedOptions() {
	if len(w.levels) == 0 {
		return
	}
	var want, never codeSet
	want.addAll(w.q.ParameterRequestList())
	for _, o := range w.levels {
		want.or(&o.always)
		never.or(&o.never)
	}
	want.andNot(&never)
	if want.empty() {
		return
	}
	for i := 0; i < 4; i++ {
		word := want[i]
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << b
			code := uint8(i*64 + b)
			if code == dhcp4.OptionVIVSO || w.r.Has(code) {
				continue
			}
			if p, ok := w.lookup(code); ok {
				w.r.Set(code, p)
			}
		}
	}
}

// basicOptions are sent whenever configured (routers, domain name servers,
// domain name, server identifier).
var basicOptions = [...]uint8{dhcp4.OptionRouters, dhcp4.OptionDomainNameServers, dhcp4.OptionDomainName, dhcp4.OptionServerIdentifier}

// appendBasicOptions is Kea's appendBasicOptions.
func (w *worker) appendBasicOptions() {
	for _, code := range basicOptions {
		if w.r.Has(code) {
			continue
		}
		if p, ok := w.lookup(code); ok {
			w.r.Set(code, p)
		}
	}
}

// setFixedFields sets siaddr, sname and file: the subnet's values (with
// inheritance), overridden by the first class defining each, overridden by
// the host reservation (Kea's setFixedFields).
func (w *worker) setFixedFields() {
	r := &w.r
	if sn := w.subnet; sn != nil {
		e := &sn.cfg.Eff
		setNextServer(r, e.NextServer)
		setString(r.SName[:], e.ServerHostname)
		setString(r.File[:], e.BootFileName)
	}
	var ns, sname, file bool
	for _, name := range w.q.Classes {
		if ns && sname && file {
			break
		}
		c := w.snap.byName[name]
		if c == nil {
			continue
		}
		cc := c.cfg
		if !ns && setNextServer(r, cc.NextServer.V) {
			ns = true
		}
		if !sname && cc.ServerHostname.V != "" {
			setString(r.SName[:], cc.ServerHostname.V)
			sname = true
		}
		if !file && cc.BootFileName.V != "" {
			setString(r.File[:], cc.BootFileName.V)
			file = true
		}
	}
	if h := w.host; h != nil {
		setNextServer(r, h.NextServer.V)
		if h.ServerHostname.V != "" {
			setString(r.SName[:], h.ServerHostname.V)
		}
		if h.BootFileName.V != "" {
			setString(r.File[:], h.BootFileName.V)
		}
	}
}

// setNextServer sets siaddr from a next-server value unless it is empty or
// 0.0.0.0, and reports whether it did.
func setNextServer(r *pkt.Pkt4, v string) bool {
	if v == "" {
		return false
	}
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is4() || a.IsUnspecified() {
		return false
	}
	r.SIAddr = a.As4()
	return true
}

// setString copies s into a fixed header field when s is not empty.
func setString(dst []byte, s string) {
	if s == "" {
		return
	}
	n := copy(dst, s)
	clear(dst[n:])
}

// appendServerID adds option 54 when no configured value was added: the
// address the query was received on (Kea's appendServerID).
func (w *worker) appendServerID() {
	if w.r.Has(dhcp4.OptionServerIdentifier) {
		return
	}
	if a := w.localAddr(); a.Is4() {
		w.r.SetIPv4(dhcp4.OptionServerIdentifier, a.As4())
	}
}

// subnetMask adds option 1 for the selected subnet.
func (w *worker) subnetMask(sn *subnet4) {
	w.r.Set(dhcp4.OptionSubnetMask, sn.mask[:])
}
