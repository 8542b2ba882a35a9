package server4

import (
	"regexp"
	"strings"
	"sync"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/lease"
)

// FQDN option (81) flags, RFC 4702.
const (
	fqdnS = 0x01
	fqdnO = 0x02
	fqdnE = 0x04
	fqdnN = 0x08
)

// processClientName is Kea's processClientName: the FQDN option when the
// client sent one, else the Hostname option (or the reserved hostname when
// the client asked for option 12). The names go into the reply and into
// the allocation context (the lease's hostname), with the DNS update
// directions (Kea's D2ClientMgr::adjustFqdnFlags and
// getUpdateDirections; both on for a Hostname option) when dhcp-ddns
// updates are enabled for the subnet.
func (w *worker) processClientName() {
	if fq, ok := w.q.Get(dhcp4.OptionFQDN); ok {
		w.processFQDN(fq)
		return
	}
	w.processHostname()
}

func (w *worker) processFQDN(fq []byte) {
	if len(fq) < 3 {
		return
	}
	flags := fq[0]
	name, full := decodeFQDNName(fq[3:], flags&fqdnE != 0)
	e := &w.subnet.cfg.Eff
	var out string
	reserved := ""
	if w.host != nil {
		reserved = w.host.Hostname
	}
	switch {
	case reserved != "":
		out = qualifyName(reserved, e.DDNSQualifyingSuffix, true)
	case e.DDNSReplaceClientName == "always" || e.DDNSReplaceClientName == "when-present" || name == "":
		out = "" // generated after allocation
	default:
		name = w.scrubLabels(name, e)
		if full {
			out = name
			if !strings.HasSuffix(out, ".") {
				out += "."
			}
		} else {
			out = qualifyName(name, e.DDNSQualifyingSuffix, true)
		}
	}
	ss, sn := serverFlags(w.updatesEnabled(), flags&fqdnS != 0, flags&fqdnN != 0, e)
	rflags := flags & fqdnE
	if ss {
		rflags |= fqdnS
	}
	if sn {
		rflags |= fqdnN
	}
	if ss != (flags&fqdnS != 0) {
		rflags |= fqdnO
	}
	w.actx.FwdDNS, w.actx.RevDNS = ss, !sn
	w.scratch = append(w.scratch[:0], rflags, fq[1], fq[2])
	w.scratch = encodeFQDNName(w.scratch, out, flags&fqdnE != 0)
	w.r.Set(dhcp4.OptionFQDN, w.scratch)
	w.actx.Hostname = strings.ToLower(out)
}

func (w *worker) processHostname() {
	e := &w.subnet.cfg.Eff
	reserved := ""
	if w.host != nil {
		reserved = w.host.Hostname
	}
	raw, sent := w.q.Get(dhcp4.OptionHostName)
	if reserved != "" {
		if sent || w.q.Requests(dhcp4.OptionHostName) {
			h := strings.ToLower(qualifyName(reserved, e.DDNSQualifyingSuffix, false))
			w.r.Set(dhcp4.OptionHostName, []byte(h))
			w.actx.Hostname = h
			w.actx.FwdDNS = w.updatesEnabled()
			w.actx.RevDNS = w.actx.FwdDNS
		}
		return
	}
	if !sent {
		return
	}
	hn := strings.TrimSpace(string(trimNUL(raw)))
	labels := labelCount(hn)
	if labels == 0 {
		return
	}
	var out string
	if e.DDNSReplaceClientName == "always" || e.DDNSReplaceClientName == "when-present" || labels < 2 {
		out = "."
	} else {
		hn = strings.ToLower(w.scrub(hn, e))
		if labels == 2 {
			out = qualifyName(hn, e.DDNSQualifyingSuffix, false)
		} else {
			out = hn
		}
	}
	w.r.Set(dhcp4.OptionHostName, []byte(out))
	if out != "." {
		w.actx.Hostname = out
	}
	w.actx.FwdDNS = w.updatesEnabled()
	w.actx.RevDNS = w.actx.FwdDNS
}

// postAllocateName generates the name the server was to supply once the
// address is known (Kea's postAllocateNameUpdate); for a REQUEST the
// lease is written again with it.
func (w *worker) postAllocateName(l *lease.Lease4) {
	e := &w.subnet.cfg.Eff
	if hn, ok := w.r.Get(dhcp4.OptionHostName); ok && string(hn) == "." {
		g := generatedName(l, e.DDNSGeneratedPrefix, e.DDNSQualifyingSuffix, false)
		w.r.Set(dhcp4.OptionHostName, []byte(g))
		w.actx.Hostname = g
		w.storeGeneratedName(l, g)
		return
	}
	if fq, ok := w.r.Get(dhcp4.OptionFQDN); ok && len(fq) >= 3 {
		name, _ := decodeFQDNName(fq[3:], fq[0]&fqdnE != 0)
		if name == "" {
			g := generatedName(l, e.DDNSGeneratedPrefix, e.DDNSQualifyingSuffix, true)
			w.scratch = append(w.scratch[:0], fq[:3]...)
			w.scratch = encodeFQDNName(w.scratch, g, fq[0]&fqdnE != 0)
			w.r.Set(dhcp4.OptionFQDN, w.scratch)
			w.actx.Hostname = g
			w.storeGeneratedName(l, g)
		}
	}
}

// storeGeneratedName names the lease; a lease the REQUEST wrote is
// updated in the store (the DNS removal at release or expiry needs the
// name).
func (w *worker) storeGeneratedName(l *lease.Lease4, g string) {
	if l.Hostname == g {
		return
	}
	l.Hostname = g
	if w.actx.FakeAllocation || (!l.FQDNFwd && !l.FQDNRev) {
		return
	}
	// On a shared (SQL) store, Kea's conditional update on the
	// expiration time just written: one statement.
	var err error
	if cs, ok := w.srv.store.(lease.SharedStore4); ok {
		err = cs.UpdateLease4Cond(l, l)
	} else {
		err = w.srv.store.UpdateLease4(l)
	}
	if err != nil {
		w.srv.slog.Warn("cannot store the generated hostname", "address", l.Addr.String(), "error", err)
	}
}

func generatedName(l *lease.Lease4, prefix, suffix string, dot bool) string {
	a := strings.ReplaceAll(l.Addr.String(), ".", "-")
	return qualifyName(prefix+"-"+a, suffix, dot)
}

// qualifyName is Kea's D2ClientMgr::qualifyName.
func qualifyName(partial, suffix string, trailingDot bool) string {
	s := partial
	if suffix != "" {
		if s != "" && !strings.HasSuffix(s, ".") {
			s += "."
		}
		s += suffix
	}
	if trailingDot {
		if s != "" && !strings.HasSuffix(s, ".") {
			s += "."
		}
	} else {
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// labelCount is the number of labels of a name, the root label included
// (Kea's OptionDataTypeUtil::getLabelCount); 0 for an invalid name.
func labelCount(name string) int {
	if name == "" {
		return 0
	}
	if name == "." {
		return 1
	}
	n := strings.Count(strings.TrimSuffix(name, "."), ".") + 2
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if l == "" || len(l) > 63 {
			return 0
		}
	}
	return n
}

// sanitizers caches the compiled hostname-char-set expressions.
var sanitizers sync.Map // string -> *regexp.Regexp (nil when invalid)

// scrub applies hostname-char-set and hostname-char-replacement (Kea's
// StringSanitizer). An empty char set disables it.
func (w *worker) scrub(s string, e *config.Effective4) string {
	if e.HostnameCharSet == "" {
		return s
	}
	v, ok := sanitizers.Load(e.HostnameCharSet)
	if !ok {
		re, _ := regexp.Compile(e.HostnameCharSet)
		v, _ = sanitizers.LoadOrStore(e.HostnameCharSet, re)
	}
	re, _ := v.(*regexp.Regexp)
	if re == nil {
		return s
	}
	return re.ReplaceAllLiteralString(s, e.HostnameCharReplacement)
}

// scrubLabels scrubs a domain name label by label, keeping the dots.
func (w *worker) scrubLabels(s string, e *config.Effective4) string {
	if e.HostnameCharSet == "" {
		return s
	}
	labels := strings.Split(s, ".")
	for i, l := range labels {
		labels[i] = w.scrub(l, e)
	}
	return strings.Join(labels, ".")
}

// decodeFQDNName reads the domain name of an FQDN option: canonical wire
// format when the E flag is set, ASCII otherwise. full tells a fully
// qualified name from a partial one.
func decodeFQDNName(b []byte, wire bool) (name string, full bool) {
	if !wire {
		s := string(trimNUL(b))
		return strings.TrimSuffix(s, "."), strings.HasSuffix(s, ".")
	}
	var sb strings.Builder
	for len(b) > 0 {
		n := int(b[0])
		if n == 0 {
			return sb.String(), true
		}
		if n > 63 || 1+n > len(b) {
			break
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.Write(b[1 : 1+n])
		b = b[1+n:]
	}
	return sb.String(), false
}

// encodeFQDNName appends a name: wire format (a trailing dot makes it
// fully qualified) or ASCII.
func encodeFQDNName(dst []byte, name string, wire bool) []byte {
	if !wire {
		return append(dst, name...)
	}
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
