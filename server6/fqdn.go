package server6

import (
	"errors"
	"net/netip"
	"regexp"
	"strings"
	"sync"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/lease"
)

// Client FQDN option (39) flags, RFC 4704.
const (
	fqdnS = 0x01
	fqdnO = 0x02
	fqdnN = 0x04
)

// processClientFQDN is Kea's processClientFqdn: when the client sent
// a Client FQDN option, the reply's name is the reserved hostname, else the
// client's name sanitized and qualified, else empty (to be generated from
// the address by finishFQDN); the flags are Kea's adjustFqdnFlags (N=1,
// S=0 when updates are off for the subnet; O when the server's S differs
// from the client's) and the DNS directions go into the allocation
// context. Names are lower-cased, as
// Kea's dns::Name stores them. The name goes into the allocation context
// (the lease's hostname).
func (w *worker) processClientFQDN() {
	w.fqdnSent = false
	o, ok := w.q.Options.Get(dhcp6.OptClientFQDN)
	if !ok || len(o.Data) < 1 {
		// Without the option, a reservation's hostname still names the
		// client's leases (as given, not qualified), as Kea 2.2 writes
		// them.
		if h := w.host; h != nil && h.Hostname != "" {
			w.actx.Hostname = h.Hostname
		}
		return
	}
	flags := o.Data[0]
	name, full, valid := decodeName6(o.Data[1:])
	if !valid {
		return
	}
	var suffix, replace, charSet, repl string
	if sn := w.subnet; sn != nil {
		e := &sn.cfg.Eff
		suffix, replace, charSet, repl = e.DDNSQualifyingSuffix, e.DDNSReplaceClientName, e.HostnameCharSet, e.HostnameCharReplacement
	}
	var out string
	switch {
	case w.host != nil && w.host.Hostname != "":
		out = qualifyName6(w.host.Hostname, suffix)
	case replace == "always" || replace == "when-present" || name == "":
		out = ""
	default:
		if charSet != "" {
			labels := strings.Split(name, ".")
			for i, l := range labels {
				labels[i] = scrub6(l, charSet, repl)
			}
			name = strings.Join(labels, ".")
		}
		if full {
			out = name + "."
		} else {
			out = qualifyName6(name, suffix)
		}
	}
	out = strings.ToLower(out)
	var common *config.EffectiveCommon
	if sn := w.subnet; sn != nil {
		common = &sn.cfg.Eff.EffectiveCommon
	}
	ss, sn := serverFlags(w.updatesEnabled(), flags&fqdnS != 0, flags&fqdnN != 0, common)
	var rflags byte
	if ss {
		rflags |= fqdnS
	}
	if sn {
		rflags |= fqdnN
	}
	if ss != (flags&fqdnS != 0) {
		rflags |= fqdnO
	}
	w.fqdnSent, w.fqdnFlags, w.fqdnName = true, rflags, out
	w.actx.Hostname = out
	w.actx.FwdDNS, w.actx.RevDNS = ss, !sn
}

// reservedName names the client's leases after the reservation whose
// address or prefix the engine gives when it is not the one the name was
// worked out for (a host of another subnet of the shared network): Kea's
// allocateReservedLeases6 sets ctx.hostname_ to the host's hostname,
// qualified with the suffix of the host's subnet when the client sent a
// Client FQDN (the reply's option then carries it, as Kea's
// updateReservedFqdn does), as it is otherwise.
func (w *worker) reservedName(sn *config.Subnet6, h *host.Host6) (string, bool) {
	if h == w.host {
		return "", false
	}
	if !w.q.Options.Has(dhcp6.OptClientFQDN) {
		return h.Hostname, true
	}
	name := qualifyName6(h.Hostname, sn.Eff.DDNSQualifyingSuffix)
	if w.fqdnSent {
		w.fqdnName = strings.ToLower(name)
	}
	return name, true
}

// errBadFQDN is the parse error of a query with a malformed Client FQDN.
var errBadFQDN = errors.New("malformed Client FQDN option")

// badClientFQDN reports a Client FQDN option Kea cannot unpack: no flags
// octet, both N and S set, or a name that is not a domain name in wire
// format. Kea fails the whole packet's parse then, and so does the server.
// errBadVendorClass is the parse error of a query with a VENDOR_CLASS
// option Kea's OptionVendorClass cannot unpack.
var errBadVendorClass = errors.New("unable to parse the opaque data tuple of a vendor-class option")

// checkVendorClasses checks every VENDOR_CLASS (16) option of the message
// and of its relay levels as Kea's unpackOptions6 creates each of them: a
// data item whose length runs past the option makes the query a parse
// failure, unless lenient-option-parsing is set (the item then holds the
// rest of the option).
func checkVendorClasses(q *dhcp6.Packet, lenient bool) error {
	if badVendorClass(q.Options, lenient) {
		return errBadVendorClass
	}
	for i := range q.Relays {
		if badVendorClass(q.Relays[i].Options, lenient) {
			return errBadVendorClass
		}
	}
	return nil
}

func badVendorClass(opts dhcp6.Options, lenient bool) bool {
	for i := opts.Next(dhcp6.OptVendorClass, 0); i >= 0; i = opts.Next(dhcp6.OptVendorClass, i+1) {
		if dhcp6.CheckVendorClass(opts[i].Data, lenient) != nil {
			return true
		}
	}
	return false
}

func badClientFQDN(opts dhcp6.Options) bool {
	o, ok := opts.Get(dhcp6.OptClientFQDN)
	if !ok {
		return false
	}
	if len(o.Data) < 1 || o.Data[0]&(fqdnN|fqdnS) == fqdnN|fqdnS {
		return true
	}
	_, _, valid := decodeName6(o.Data[1:])
	return !valid
}

// finishFQDN adds the Client FQDN option to the reply; an empty name is
// generated from the first address the reply gives (Kea's generateFqdn:
// generated-prefix, the address with ':' as '-', the qualifying suffix).
func (w *worker) finishFQDN() {
	if !w.fqdnSent {
		return
	}
	name := w.fqdnName
	if name == "" {
		if a, ok := w.firstReplyAddr(); ok && w.subnet != nil {
			e := &w.subnet.cfg.Eff
			name = strings.ToLower(qualifyName6(e.DDNSGeneratedPrefix+"-"+strings.ReplaceAll(a.String(), ":", "-"), e.DDNSQualifyingSuffix))
			w.nameLease(a, name)
			w.fqdnName = name // for the NameChangeRequest
		}
	}
	b := append(w.fqdnBuf[:0], w.fqdnFlags)
	b = encodeName6(b, name)
	w.fqdnBuf = b
	w.add(dhcp6.OptClientFQDN, b)
}

// firstReplyAddr is the first IAADDR with a non-zero valid lifetime in the
// reply's IA_NAs.
func (w *worker) firstReplyAddr() (netip.Addr, bool) {
	for _, it := range w.items {
		if it.code != uint16(dhcp6.OptIANA) {
			continue
		}
		ia, err := dhcp6.ParseIA(w.opt[it.start+4 : it.end])
		if err != nil {
			continue
		}
		ii := ia.Options.Iter()
		for ii.Next() {
			o := ii.Option()
			if o.Code != dhcp6.OptIAAddr {
				continue
			}
			if a, err := dhcp6.ParseIAAddr(o.Data); err == nil && a.Valid > 0 {
				return a.Addr, true
			}
		}
	}
	return netip.Addr{}, false
}

// nameLease writes a generated name into the lease just allocated or
// extended for addr (Kea updates the lease after generateFqdn); nothing is
// written for an ADVERTISE.
func (w *worker) nameLease(addr netip.Addr, name string) {
	for i, l := range w.leases {
		if l.Type != lease.TypeNA || l.Addr != addr || l.Hostname == name {
			continue
		}
		c := *l
		c.Hostname = name
		// On a shared (SQL) store, Kea's conditional update on the
		// expiration time just written: one statement.
		var err error
		if cs, ok := w.srv.store.(lease.SharedStore6); ok {
			err = cs.UpdateLease6Cond(&c, l)
		} else {
			err = w.srv.store.UpdateLease6(&c)
		}
		if err != nil {
			w.srv.slog.Warn("cannot store the generated hostname", "address", addr.String(), "error", err)
			return
		}
		w.leases[i] = &c
		return
	}
}

// qualifyName6 is Kea's D2ClientMgr::qualifyName with a trailing dot.
func qualifyName6(partial, suffix string) string {
	s := strings.TrimSuffix(partial, ".")
	if suffix != "" {
		if s != "" {
			s += "."
		}
		s += strings.TrimSuffix(suffix, ".")
	}
	if s != "" {
		s += "."
	}
	return s
}

// sanitizers6 caches the compiled hostname-char-set expressions.
var sanitizers6 sync.Map // string -> *regexp.Regexp (nil when invalid)

// scrub6 applies hostname-char-set and hostname-char-replacement (Kea's
// StringSanitizer) to one label.
func scrub6(s, charSet, repl string) string {
	v, ok := sanitizers6.Load(charSet)
	if !ok {
		re, _ := regexp.Compile(charSet)
		v, _ = sanitizers6.LoadOrStore(charSet, re)
	}
	re, _ := v.(*regexp.Regexp)
	if re == nil {
		return s
	}
	return re.ReplaceAllLiteralString(s, repl)
}

// decodeName6 reads a domain name in DNS wire format (RFC 1035 3.1): full
// tells a fully qualified name (ending with the root label) from a partial
// one; valid is false for a malformed name.
func decodeName6(b []byte) (name string, full, valid bool) {
	var sb strings.Builder
	for len(b) > 0 {
		n := int(b[0])
		if n == 0 {
			if len(b) != 1 {
				return "", false, false
			}
			return sb.String(), true, true
		}
		if n > 63 || 1+n > len(b) {
			return "", false, false
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.Write(b[1 : 1+n])
		b = b[1+n:]
	}
	return sb.String(), false, true
}

// encodeName6 appends a name in DNS wire format; a trailing dot makes it
// fully qualified, an empty name is written as nothing (partial, empty).
func encodeName6(dst []byte, name string) []byte {
	full := strings.HasSuffix(name, ".")
	name = strings.TrimSuffix(name, ".")
	if name != "" {
		for _, l := range strings.Split(name, ".") {
			if len(l) > 63 {
				l = l[:63]
			}
			dst = append(dst, byte(len(l)))
			dst = append(dst, l...)
		}
	}
	if full {
		dst = append(dst, 0)
	}
	return dst
}
