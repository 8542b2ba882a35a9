package d2

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/klog"
)

// exchanger sends an update to a server and returns the answer.
type exchanger func(m *dns.Msg, server string, key *tsigKey, timeout time.Duration) (*dns.Msg, error)

// tsigKey is a configured TSIG key ready to sign.
type tsigKey struct {
	name   string // configured name
	alg    string // miekg's algorithm name
	hash   func() hash.Hash
	secret []byte
	bits   int
}

var algs = map[string]struct {
	name string
	h    func() hash.Hash
}{
	"HMAC-MD5":    {dns.HmacMD5, md5.New},
	"HMAC-SHA1":   {dns.HmacSHA1, sha1.New},
	"HMAC-SHA224": {dns.HmacSHA224, sha256.New224},
	"HMAC-SHA256": {dns.HmacSHA256, sha256.New},
	"HMAC-SHA384": {dns.HmacSHA384, sha512.New384},
	"HMAC-SHA512": {dns.HmacSHA512, sha512.New},
}

func makeKey(k *config.TSIGKey) (*tsigKey, error) {
	a, ok := algs[strings.ToUpper(k.Algorithm)]
	if !ok {
		return nil, errors.New("unknown TSIG algorithm " + k.Algorithm)
	}
	sec, err := base64.StdEncoding.DecodeString(k.Secret)
	if err != nil {
		return nil, err
	}
	return &tsigKey{name: k.Name, alg: a.name, hash: a.h, secret: sec, bits: k.DigestBits}, nil
}

// Generate and Verify make tsigKey a dns.TsigProvider with digest-bits
// truncation (RFC 4635 section 3.1).
func (k *tsigKey) Generate(msg []byte, _ *dns.TSIG) ([]byte, error) {
	h := hmac.New(k.hash, k.secret)
	h.Write(msg)
	mac := h.Sum(nil)
	if k.bits > 0 && k.bits/8 < len(mac) {
		mac = mac[:k.bits/8]
	}
	return mac, nil
}

func (k *tsigKey) Verify(msg []byte, t *dns.TSIG) error {
	h := hmac.New(k.hash, k.secret)
	h.Write(msg)
	full := h.Sum(nil)
	got, err := hex.DecodeString(t.MAC)
	if err != nil {
		return err
	}
	if len(got) == 0 || len(got) > len(full) || !hmac.Equal(got, full[:len(got)]) {
		return dns.ErrSig
	}
	return nil
}

// realExchange sends m over UDP, signed with key when there is one.
func realExchange(m *dns.Msg, server string, key *tsigKey, timeout time.Duration) (*dns.Msg, error) {
	c := &dns.Client{Net: "udp", Timeout: timeout}
	if key != nil {
		c.TsigProvider = key
		m.SetTsig(dns.Fqdn(key.name), key.alg, 300, time.Now().Unix())
	}
	r, _, err := c.Exchange(m, server)
	return r, err
}

// txn is one NameChangeTransaction.
type txn struct {
	s        *Server
	req      *ncr.Request
	id       string
	cfg      *config.D2Config
	keys     map[string]*tsigKey
	fwd, rev *config.DdnsDomain
	mode     string
	v6       bool
	// fwdDone and revDone tell which directions completed.
	fwdDone, revDone bool
}

// errRejected ends a direction: the server answered with an RCODE the
// step does not accept.
var errRejected = errors.New("rejected")

// errIO means every server of the domain failed to answer.
var errIO = errors.New("no more servers")

// makeTransaction is D2UpdateMgr::makeTransaction followed by the
// transaction's run.
func (s *Server) makeTransaction(req *ncr.Request) {
	cfg := s.cfg.Load()
	if cfg == nil {
		return
	}
	t := &txn{s: s, req: req, id: requestID(req), cfg: cfg, mode: req.ConflictMode(), keys: map[string]*tsigKey{}}
	for _, k := range cfg.TSIGKeys {
		if tk, err := makeKey(k); err == nil {
			t.keys[k.Name] = tk
		}
	}
	if a, err := netip.ParseAddr(req.IPAddress); err == nil {
		t.v6 = a.Is6() && !a.Is4In6()
	}
	fwd, rev := req.Forward, req.Reverse
	n := 0
	if fwd {
		if len(cfg.Forward) == 0 {
			fwd = false
			s.log.Debug(dbgTraceDetail, msgFwdIgnored, t.id, req)
		} else if t.fwd = matchDomain(cfg.Forward, req.FQDN); t.fwd == nil {
			s.log.Warn(msgNoMatch, req.FQDN)
			s.log.Error(msgNoFwdMatch, t.id, req)
		} else {
			n++
		}
	}
	if rev {
		if len(cfg.Reverse) == 0 {
			rev = false
			s.log.Debug(dbgTraceDetail, msgRevIgnored, t.id, req)
		} else if t.rev = matchDomain(cfg.Reverse, t.revName()); t.rev == nil {
			s.log.Warn(msgNoMatch, t.revName())
			s.log.Error(msgNoRevMatch, t.id, req)
		} else {
			n++
		}
	}
	if !fwd && !rev {
		s.log.Debug(dbgTraceDetail, msgRequestDropped, t.id, req)
		return
	}
	if n == 0 {
		return
	}
	t.s.log.Debug(dbgTraceDetail, msgStartingTxn, t.id)
	t.run()
}

// outcome is NameChangeTransaction::transactionOutcomeString for a
// failed transaction.
func (t *txn) outcome(err error) string {
	ev := "UPDATE_FAILED_EVT"
	if errors.Is(err, errIO) {
		ev = "NO_MORE_SERVERS_EVT"
	}
	var b strings.Builder
	b.WriteString("Status: Failed, Event: " + ev + ", ")
	done := func(ok bool) string {
		if ok {
			return " completed, "
		}
		return " failed, "
	}
	if t.req.Forward {
		b.WriteString(" Forward change:" + done(t.fwdDone))
	}
	if t.req.Reverse {
		b.WriteString(" Reverse change:" + done(t.revDone))
	}
	b.WriteString(" request: " + ncrText(t.req))
	return b.String()
}

// ncrText is NameChangeRequest::toText.
func ncrText(r *ncr.Request) string {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	var b strings.Builder
	b.WriteString("Type: " + strconv.Itoa(int(r.Type)) + " (" + r.Type.String() + ")\n")
	b.WriteString("Forward Change: " + yes(r.Forward) + "\n")
	b.WriteString("Reverse Change: " + yes(r.Reverse) + "\n")
	b.WriteString("FQDN: [" + r.FQDN + "]\n")
	b.WriteString("IP Address: [" + r.IPAddress + "]\n")
	b.WriteString("DHCID: [" + strings.ToUpper(hex.EncodeToString(r.DHCID)) + "]\n")
	b.WriteString("Lease Expires On: " + time.Unix(r.LeaseExpiresOn, 0).UTC().Format("20060102150405") + "\n")
	b.WriteString("Lease Length: " + strconv.FormatUint(uint64(r.LeaseLength), 10) + "\n")
	b.WriteString("Conflict Resolution: " + yes(r.ConflictMode() == ncr.CheckWithDHCID) + "\n")
	return b.String()
}

func (t *txn) revName() string {
	r, err := dns.ReverseAddr(t.req.IPAddress)
	if err != nil {
		return ""
	}
	return r
}

func (t *txn) run() {
	add := t.req.Type == ncr.Add
	var err error
	if t.fwd != nil {
		if add {
			err = t.fwdAdd()
		} else {
			err = t.fwdRemove()
		}
	}
	t.fwdDone = err == nil && t.fwd != nil
	if err == nil && t.rev != nil {
		if add {
			err = t.revReplace()
		} else {
			err = t.revRemove()
		}
		t.revDone = err == nil
	}
	log := t.s.log
	switch {
	case add && err == nil:
		log.Info(msgAddSucceeded, t.id, ncrText(t.req))
	case add:
		log.Error(msgAddFailed, t.id, t.outcome(err))
	case err == nil:
		log.Info(msgRemoveSucceeded, t.id, ncrText(t.req))
	default:
		log.Error(msgRemoveFailed, t.id, t.outcome(err))
	}
}

// Records of the request.

func (t *txn) hdr(name string, typ uint16, ttl uint32) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: typ, Class: dns.ClassINET, Ttl: ttl}
}

func (t *txn) addrType() uint16 {
	if t.v6 {
		return dns.TypeAAAA
	}
	return dns.TypeA
}

func (t *txn) addrRR(ttl uint32) dns.RR {
	ip := net.ParseIP(t.req.IPAddress)
	if t.v6 {
		return &dns.AAAA{Hdr: t.hdr(t.req.FQDN, dns.TypeAAAA, ttl), AAAA: ip}
	}
	return &dns.A{Hdr: t.hdr(t.req.FQDN, dns.TypeA, ttl), A: ip.To4()}
}

func (t *txn) dhcidRR(name string, ttl uint32) dns.RR {
	return &dns.DHCID{Hdr: t.hdr(name, dns.TypeDHCID, ttl), Digest: base64.StdEncoding.EncodeToString(t.req.DHCID)}
}

func (t *txn) ptrRR(ttl uint32) dns.RR {
	return &dns.PTR{Hdr: t.hdr(t.revName(), dns.TypePTR, ttl), Ptr: t.req.FQDN}
}

func (t *txn) any(name string, typ uint16) dns.RR {
	return &dns.ANY{Hdr: dns.RR_Header{Name: name, Rrtype: typ, Class: dns.ClassINET}}
}

func (t *txn) newUpdate(zone *config.DdnsDomain) *dns.Msg {
	m := new(dns.Msg)
	m.SetUpdate(dns.Fqdn(zone.Name))
	return m
}

// The forward and reverse sequences of each mode (spec section 5.5).

func (t *txn) fwdAdd() error {
	ttl := t.req.LeaseLength
	return t.onServers(t.fwd, func(srv serverRef) error {
		for range 3 {
			// Add: the name must not be in use.
			m := t.newUpdate(t.fwd)
			if t.mode == ncr.NoCheckWithDHCID || t.mode == ncr.NoCheckWithoutDHCID {
				m.RemoveRRset([]dns.RR{t.any(t.req.FQDN, t.addrType())})
				if t.mode == ncr.NoCheckWithDHCID {
					m.RemoveRRset([]dns.RR{t.any(t.req.FQDN, dns.TypeDHCID)})
				}
				m.Insert([]dns.RR{t.addrRR(ttl)})
				if t.mode == ncr.NoCheckWithDHCID {
					m.Insert([]dns.RR{t.dhcidRR(t.req.FQDN, ttl)})
				}
				rc, err := t.send(srv, m, "Forward Add", msgFwdAddIOError)
				if err != nil {
					return err
				}
				if rc != dns.RcodeSuccess {
					return t.reject(msgFwdAddRejected, srv, rc)
				}
				return nil
			}
			m.NameNotUsed([]dns.RR{t.any(t.req.FQDN, dns.TypeANY)})
			m.Insert([]dns.RR{t.addrRR(ttl), t.dhcidRR(t.req.FQDN, ttl)})
			rc, err := t.send(srv, m, "Forward Add", msgFwdAddIOError)
			if err != nil {
				return err
			}
			switch rc {
			case dns.RcodeSuccess:
				return nil
			case dns.RcodeYXDomain:
			default:
				return t.reject(msgFwdAddRejected, srv, rc)
			}
			// Replace: the name is ours (or, check-exists, has a DHCID).
			m = t.newUpdate(t.fwd)
			if t.mode == ncr.CheckExistsWithDHCID {
				m.RRsetUsed([]dns.RR{t.any(t.req.FQDN, dns.TypeDHCID)})
				m.RemoveRRset([]dns.RR{t.any(t.req.FQDN, t.addrType())})
				m.RemoveRRset([]dns.RR{t.any(t.req.FQDN, dns.TypeDHCID)})
				m.Insert([]dns.RR{t.addrRR(ttl), t.dhcidRR(t.req.FQDN, ttl)})
			} else {
				m.NameUsed([]dns.RR{t.any(t.req.FQDN, dns.TypeANY)})
				m.Used([]dns.RR{t.dhcidRR(t.req.FQDN, 0)})
				m.RemoveRRset([]dns.RR{t.any(t.req.FQDN, t.addrType())})
				m.Insert([]dns.RR{t.addrRR(ttl)})
			}
			rc, err = t.send(srv, m, "Forward Replace", msgFwdReplIOError)
			if err != nil {
				return err
			}
			switch rc {
			case dns.RcodeSuccess:
				return nil
			case dns.RcodeNameError:
				continue // gone meanwhile: add again
			default:
				return t.reject(msgFwdReplRejected, srv, rc)
			}
		}
		return errRejected
	})
}

func (t *txn) fwdRemove() error {
	return t.onServers(t.fwd, func(srv serverRef) error {
		m := t.newUpdate(t.fwd)
		switch t.mode {
		case ncr.NoCheckWithDHCID, ncr.NoCheckWithoutDHCID:
			// SimpleRemove: the name's address RRset and DHCID, no
			// prerequisites.
			m.RemoveRRset([]dns.RR{t.any(t.req.FQDN, t.addrType())})
			if t.mode == ncr.NoCheckWithDHCID {
				m.RemoveRRset([]dns.RR{t.any(t.req.FQDN, dns.TypeDHCID)})
			}
			rc, err := t.send(srv, m, "Forward RR Remove", msgFwdRemRRsIO)
			if err != nil {
				return err
			}
			if rc != dns.RcodeSuccess && rc != dns.RcodeNXRrset {
				return t.reject(msgFwdRemRRsRej, srv, rc)
			}
			return nil
		case ncr.CheckExistsWithDHCID:
			m.RRsetUsed([]dns.RR{t.any(t.req.FQDN, dns.TypeDHCID)})
		default:
			m.Used([]dns.RR{t.dhcidRR(t.req.FQDN, 0)})
		}
		m.Remove([]dns.RR{t.addrRR(0)})
		rc, err := t.send(srv, m, "Forward A/AAAA Remove", msgFwdRemAddrIO)
		if err != nil {
			return err
		}
		if rc != dns.RcodeSuccess && rc != dns.RcodeNXRrset {
			return t.reject(msgFwdRemAddrRej, srv, rc)
		}
		// Then the remaining RRs when no address is left.
		m = t.newUpdate(t.fwd)
		if t.mode == ncr.CheckExistsWithDHCID {
			m.RRsetUsed([]dns.RR{t.any(t.req.FQDN, dns.TypeDHCID)})
		} else {
			m.Used([]dns.RR{t.dhcidRR(t.req.FQDN, 0)})
		}
		m.RRsetNotUsed([]dns.RR{t.any(t.req.FQDN, dns.TypeA), t.any(t.req.FQDN, dns.TypeAAAA)})
		m.RemoveName([]dns.RR{t.any(t.req.FQDN, dns.TypeANY)})
		rc, err = t.send(srv, m, "Forward RR Remove", msgFwdRemRRsIO)
		if errors.Is(err, errIO) {
			// The address is gone from this server: no other server is
			// tried, the transaction fails (as Kea).
			return errRejected
		}
		if rc != dns.RcodeSuccess && rc != dns.RcodeNXRrset {
			return t.reject(msgFwdRemRRsRej, srv, rc)
		}
		return nil
	})
}

func (t *txn) revReplace() error {
	ttl := t.req.LeaseLength
	name := t.revName()
	return t.onServers(t.rev, func(srv serverRef) error {
		m := t.newUpdate(t.rev)
		m.RemoveRRset([]dns.RR{t.any(name, dns.TypePTR)})
		if t.mode != ncr.NoCheckWithoutDHCID {
			m.RemoveRRset([]dns.RR{t.any(name, dns.TypeDHCID)})
		}
		m.Insert([]dns.RR{t.ptrRR(ttl)})
		if t.mode != ncr.NoCheckWithoutDHCID {
			m.Insert([]dns.RR{t.dhcidRR(name, ttl)})
		}
		rc, err := t.send(srv, m, "Reverse Replace", msgRevReplIOError)
		if err != nil {
			return err
		}
		if rc != dns.RcodeSuccess {
			return t.reject(msgRevReplRejected, srv, rc)
		}
		return nil
	})
}

func (t *txn) revRemove() error {
	name := t.revName()
	return t.onServers(t.rev, func(srv serverRef) error {
		m := t.newUpdate(t.rev)
		switch t.mode {
		case ncr.NoCheckWithDHCID:
			m.RemoveRRset([]dns.RR{t.any(name, dns.TypePTR), t.any(name, dns.TypeDHCID)})
		case ncr.NoCheckWithoutDHCID:
			m.RemoveRRset([]dns.RR{t.any(name, dns.TypePTR)})
		default:
			m.Used([]dns.RR{t.ptrRR(0)})
			m.RemoveName([]dns.RR{t.any(name, dns.TypeANY)})
		}
		rc, err := t.send(srv, m, "Reverse Remove", msgRevRemIOError)
		if err != nil {
			return err
		}
		if rc != dns.RcodeSuccess && rc != dns.RcodeNXRrset {
			return t.reject(msgRevRemRejected, srv, rc)
		}
		return nil
	})
}

// serverRef is a DNS server of a domain with its key.
type serverRef struct {
	addr string
	text string // as Kea's DnsServerInfo::toText: "127.0.0.1 port:53"
	key  *tsigKey
}

// onServers runs a direction's sequence on the domain's servers in order,
// moving to the next server when one fails to answer.
func (t *txn) onServers(d *config.DdnsDomain, seq func(serverRef) error) error {
	for _, s := range d.Servers {
		keyName := s.KeyName
		if keyName == "" {
			keyName = d.KeyName
		}
		ref := serverRef{addr: net.JoinHostPort(s.IPAddress, strconv.Itoa(int(s.Port))),
			text: s.IPAddress + " port:" + strconv.Itoa(int(s.Port))}
		if keyName != "" {
			ref.key = t.keys[keyName]
		}
		err := seq(ref)
		if !errors.Is(err, errIO) {
			return err
		}
	}
	return errIO
}

// send sends one update to srv, MaxUpdateTriesPerServer times at most,
// and returns the answer's RCODE; errIO when the server never answered.
func (t *txn) send(srv serverRef, m *dns.Msg, what string, ioMsg *klog.Message) (int, error) {
	st := t.s.stats
	ex := t.s.exchange
	if ex == nil {
		ex = realExchange
	}
	timeout := time.Duration(t.cfg.DNSServerTimeout) * time.Millisecond
	for range MaxUpdateTriesPerServer {
		q := m.Copy()
		_ = st.AddInt("update-sent", 1)
		if srv.key != nil {
			_ = st.AddInt("update-signed", 1)
			_ = st.AddInt(keyStat(srv.key.name, "update-sent"), 1)
		} else {
			_ = st.AddInt("update-unsigned", 1)
		}
		t.s.log.Debug(dbgTraceDetail, msgRequestSent, t.id, what, srv.text)
		r, err := ex(q, srv.addr, srv.key, timeout)
		status := "SUCCESS"
		stat := "update-success"
		switch {
		case err == nil && r != nil:
		case isTimeout(err):
			status, stat = "TIMEOUT", "update-timeout"
		default:
			status, stat = "OTHER", "update-error"
		}
		_ = st.AddInt(stat, 1)
		if srv.key != nil {
			_ = st.AddInt(keyStat(srv.key.name, stat), 1)
		}
		if status == "SUCCESS" {
			status += ", rcode: " + dns.RcodeToString[r.Rcode]
		}
		t.s.log.Debug(dbgTraceDetail, msgResponseReceived, t.id, srv.text, status)
		if r != nil && err == nil {
			return r.Rcode, nil
		}
	}
	t.s.log.Error(ioMsg, t.id, t.req.FQDN, srv.text)
	return 0, errIO
}

func (t *txn) reject(msg *klog.Message, srv serverRef, rc int) error {
	t.s.log.Error(msg, t.id, srv.text, t.req.FQDN, rc)
	return errRejected
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
