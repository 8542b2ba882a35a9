package config

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/nestordhcp/nestor/config/kjson"
)

// The DhcpDdns configuration (kea-dhcp-ddns, "D2"): Kea 2.2's
// d2_parser.yy key sets with the checks its grammar makes on values, and
// D2SimpleParser's defaults and checks.

// D2Config is the "DhcpDdns" map of kea-dhcp-ddns.
type D2Config struct {
	IPAddress        string // default "127.0.0.1"
	Port             uint16 // default 53001
	DNSServerTimeout int    // milliseconds, default 500
	NCRProtocol      string // "UDP"
	NCRFormat        string // "JSON"
	ControlSocket    *ControlSocket
	HooksLibraries   []*HooksLibrary
	Loggers          []*Logger
	TSIGKeys         []*TSIGKey
	Forward, Reverse []*DdnsDomain
	// ForwardContext and ReverseContext are the user contexts of the
	// forward-ddns and reverse-ddns maps.
	ForwardContext, ReverseContext *Node
	UserContext                    *Node
	// Source is the file the configuration was read from.
	Source string
}

// TSIGKey is a tsig-keys entry.
type TSIGKey struct {
	Name        string
	Algorithm   string // as written
	DigestBits  int    // 0: no truncation
	Secret      string // base64, as written
	UserContext *Node
}

// DdnsDomain is a ddns-domains entry of forward-ddns or reverse-ddns.
type DdnsDomain struct {
	Name        string
	KeyName     string
	Servers     []*DNSServer
	UserContext *Node
}

// DNSServer is a dns-servers entry.
type DNSServer struct {
	Hostname    string
	IPAddress   string
	Port        uint16 // default 53
	KeyName     string
	UserContext *Node
}

// Defaults of the DhcpDdns map.
const (
	DefaultD2Address = "127.0.0.1"
	DefaultD2Port    = 53001
	DefaultD2Timeout = 500
	DefaultDNSPort   = 53
)

// TSIGAlgorithms are the algorithm names Kea accepts (case-insensitive)
// with their full digest length in bits.
var TSIGAlgorithms = map[string]int{
	"HMAC-MD5": 128, "HMAC-SHA1": 160, "HMAC-SHA224": 224,
	"HMAC-SHA256": 256, "HMAC-SHA384": 384, "HMAC-SHA512": 512,
}

func d2Grammar() *mapSpec {
	key := newMap("tsig-keys", withComment(
		kString("name"), kString("algorithm"), kInt("digest-bits"), kString("secret"),
	)...).nonEmpty("")
	server := newMap("dns-servers", withComment(
		kString("hostname"), kString("ip-address"), kInt("port"), kString("key-name"),
	)...).nonEmpty("")
	domain := newMap("ddns-domains", withComment(
		kString("name"), kString("key-name"),
		keySpec{Name: "dns-servers", Kind: vMaps, Sub: server, ListExpect: ", expecting {"},
	)...).nonEmpty("")
	mgr := func(name string) *mapSpec {
		return newMap(name, withComment(kMaps("ddns-domains", domain))...)
	}
	hooks := hooksLibrarySpec()
	hooks.Required = nil
	return newMap("DhcpDdns", withComment(
		kString("ip-address"), kInt("port"), kInt("dns-server-timeout"),
		kEnum("ncr-protocol", "UDP", "TCP"), kEnum("ncr-format", "JSON"),
		kMap("forward-ddns", mgr("forward-ddns")), kMap("reverse-ddns", mgr("reverse-ddns")),
		kMaps("tsig-keys", key), kMap("control-socket", controlSocketSpec()),
		kMaps("hooks-libraries", hooks), kMaps("loggers", loggerSpec()),
	)...).nonEmpty("")
}

// checkD2Values makes the checks Kea's D2 grammar makes on values (bison
// actions), in document order.
func checkD2Values(m *Node) *Error {
	portCheck := func(v *Node) *Error {
		if v != nil && v.Kind == KindInt && (v.Int <= 0 || v.Int > 65535) {
			return syntaxErr(v.Span, "port must be greater than zero but less than 65536")
		}
		return nil
	}
	// A string value's errors are placed at the colon before it.
	colon := func(e *Entry) Span {
		p := e.KeyPos.End
		p.Col++
		return Span{Start: p, End: p}
	}
	blankAt := func(e *Entry, msg string) *Error {
		if e.Value.Kind == KindString && e.Value.Str == "" {
			return syntaxErr(colon(e), "%s", msg)
		}
		return nil
	}
	for _, e := range m.Entries {
		v := e.Value
		var err *Error
		switch e.Key {
		case "port":
			err = portCheck(v)
		case "dns-server-timeout":
			if v.Kind == KindInt && v.Int <= 0 {
				err = syntaxErr(v.Span, "dns-server-timeout must be greater than zero")
			}
		case "tsig-keys":
			for _, k := range v.Items {
				for _, ke := range k.Entries {
					switch ke.Key {
					case "name":
						err = blankAt(&ke, "TSIG key name cannot be blank")
					case "algorithm":
						err = blankAt(&ke, "TSIG key algorithm cannot be blank")
					case "secret":
						err = blankAt(&ke, "TSIG key secret cannot be blank")
					case "digest-bits":
						if ke.Value.Kind == KindInt && (ke.Value.Int < 0 || (ke.Value.Int > 0 && ke.Value.Int%8 != 0)) {
							err = syntaxErr(ke.Value.Span, "TSIG key digest-bits must either be zero or a positive, multiple of eight")
						}
					}
					if err != nil {
						return err
					}
				}
			}
		case "forward-ddns", "reverse-ddns":
			doms := v.Get("ddns-domains")
			if doms == nil {
				continue
			}
			for _, d := range doms.Items {
				for _, de := range d.Entries {
					switch de.Key {
					case "name":
						err = blankAt(&de, "Ddns domain name cannot be blank")
					case "dns-servers":
						if de.Value.Kind == KindList && len(de.Value.Items) == 0 {
							end := de.Value.Span.End
							return syntaxErr(Span{Start: end, End: end}, "syntax error, unexpected ], expecting {")
						}
						for _, s := range de.Value.Items {
							for _, se := range s.Entries {
								switch se.Key {
								case "hostname":
									if se.Value.Str != "" {
										err = syntaxErr(colon(&se), "hostname is not yet supported")
									}
								case "port":
									err = portCheck(se.Value)
								}
								if err != nil {
									return err
								}
							}
						}
					}
					if err != nil {
						return err
					}
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// LoadDhcpDdnsFile reads, checks and decodes a kea-dhcp-ddns
// configuration file. Errors print as Kea prints them; a grammar error is
// of Kind SyntaxError.
func LoadDhcpDdnsFile(path string) (*D2Config, error) {
	doc, _, err := kjson.ParseFile(path, kjson.Options{})
	if err != nil {
		return nil, err
	}
	c, err := DhcpDdnsFromTree(fromKJSON(doc), true)
	if c != nil {
		c.Source = path
	}
	return c, err
}

// ParseDhcpDdns reads a configuration in memory ({"DhcpDdns": {...}}), as
// config-set and config-test arguments are read.
func ParseDhcpDdns(name string, data []byte) (*D2Config, error) {
	doc, _, err := kjson.ParseBytes(name, data, kjson.Options{})
	if err != nil {
		return nil, err
	}
	return DhcpDdnsFromTree(fromKJSON(doc), false)
}

// DhcpDdnsFromTree decodes a document holding "DhcpDdns". With grammar the
// document is first checked as kea-dhcp-ddns checks a file.
func DhcpDdnsFromTree(doc *Node, grammar bool) (*D2Config, error) {
	var m *Node
	if grammar {
		var err *Error
		if m, err = checkTop(doc, "DhcpDdns", d2Grammar()); err != nil {
			return nil, err
		}
		if err := checkD2Values(m); err != nil {
			return nil, err
		}
	} else {
		if doc.Kind != KindMap {
			return nil, &Error{Kind: ConfigError, Msg: "get(string) called on a non-map Element in (" + doc.Pos().String() + ")"}
		}
		if m = doc.Get("DhcpDdns"); m == nil {
			return nil, &Error{Kind: ConfigError, Msg: "Missing mandatory 'DhcpDdns' parameter."}
		}
		if m.Kind != KindMap {
			return nil, &Error{Kind: ConfigError, Msg: "get(string) called on a non-map Element in (" + m.Pos().String() + ")"}
		}
	}
	d := newDecoder(4, LoadOptions{})
	c := d.decodeD2(m)
	if d.err != nil {
		return nil, d.err
	}
	return c, nil
}

func (d *decoder) decodeD2(m *Node) *D2Config {
	c := &D2Config{}
	if l := m.Get("loggers"); l != nil {
		c.Loggers = d.readAgentLoggers(l)
		if d.failed() {
			return nil
		}
	}
	r := newReader(m)
	var ip, proto, format Opt[string]
	var port Opt[uint16]
	var timeout Opt[uint32]
	r.str("ip-address", &ip)
	r.u16("port", &port)
	r.u32("dns-server-timeout", &timeout)
	r.str("ncr-protocol", &proto)
	r.str("ncr-format", &format)
	c.IPAddress, c.Port, c.DNSServerTimeout = ip.Or(DefaultD2Address), port.Or(DefaultD2Port), int(timeout.Or(DefaultD2Timeout))
	c.NCRProtocol, c.NCRFormat = proto.Or("UDP"), format.Or("JSON")
	c.UserContext = r.userContext()
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	// D2Params: the listener address, then the protocol and format.
	if _, err := netip.ParseAddr(c.IPAddress); err != nil {
		d.fail(glued(r.pos("ip-address"), "Failed to convert '%s' to address: Failed to convert string to address '%s': Invalid argument", c.IPAddress, c.IPAddress))
		return nil
	}
	if c.NCRProtocol != "UDP" {
		d.fail(glued(r.pos("ncr-protocol"), "ncr-protocol : %s is not yet supported ", c.NCRProtocol))
		return nil
	}
	if c.NCRFormat != "JSON" {
		d.fail(cfgErr(r.pos("ncr-format"), "NCR Format:%s is not yet supported", c.NCRFormat))
		return nil
	}
	keys := map[string]bool{}
	if l := m.Get("tsig-keys"); l != nil {
		for _, it := range l.Items {
			k := d.readTSIGKey(it)
			if k == nil {
				return nil
			}
			if keys[k.Name] {
				d.fail(cfgErr(it.Get("name").Pos(), "Duplicate TSIG key name specified : %s", k.Name))
				return nil
			}
			keys[k.Name] = true
			c.TSIGKeys = append(c.TSIGKeys, k)
		}
	}
	for _, dir := range []string{"forward-ddns", "reverse-ddns"} {
		mgr := m.Get(dir)
		if mgr == nil {
			continue
		}
		mr := newReader(mgr)
		uc := mr.userContext()
		var doms []*DdnsDomain
		seen := map[string]bool{}
		if l := mgr.Get("ddns-domains"); l != nil {
			for _, it := range l.Items {
				dom := d.readDdnsDomain(it, keys)
				if dom == nil {
					return nil
				}
				lname := strings.ToLower(dom.Name)
				if seen[lname] {
					d.fail(cfgErr(it.Get("name").Pos(), "Duplicate domain specified:%s", dom.Name))
					return nil
				}
				seen[lname] = true
				doms = append(doms, dom)
			}
		}
		if dir == "forward-ddns" {
			c.Forward, c.ForwardContext = doms, uc
		} else {
			c.Reverse, c.ReverseContext = doms, uc
		}
	}
	if s := m.Get("control-socket"); s != nil {
		c.ControlSocket = d.readControlSocket(s, false)
		if d.failed() {
			return nil
		}
	}
	if h := m.Get("hooks-libraries"); h != nil {
		at := h.Pos()
		if e := m.entry("hooks-libraries"); e != nil && e.KeyPos.Start.IsSet() {
			at = e.KeyPos.Start
		}
		c.HooksLibraries = d.readAgentHooks(h)
		if d.failed() {
			return nil
		}
		d.checkHooks(c.HooksLibraries, at)
		if d.failed() {
			return nil
		}
	}
	return c
}

func (d *decoder) readTSIGKey(it *Node) *TSIGKey {
	r := newReader(it)
	var name, algo, secret Opt[string]
	var bits Opt[uint32]
	r.str("name", &name)
	r.str("algorithm", &algo)
	r.u32("digest-bits", &bits)
	r.str("secret", &secret)
	k := &TSIGKey{Name: name.V, Algorithm: algo.V, DigestBits: int(bits.V), Secret: secret.V, UserContext: r.userContext()}
	if r.err == nil {
		for _, p := range []struct {
			key string
			set bool
		}{{"name", name.Set}, {"algorithm", algo.Set}, {"secret", secret.Set}} {
			if !p.set {
				r.errorf(it.Pos(), "missing parameter '%s'", p.key)
				break
			}
		}
	}
	if r.err == nil {
		full, ok := TSIGAlgorithms[strings.ToUpper(k.Algorithm)]
		switch {
		case k.Name == "":
			r.errorf(r.pos("name"), "tsig-key: name cannot be blank")
		case !ok:
			r.errorf(r.pos("algorithm"), "tsig-key : Unknown TSIG Key algorithm: %s", k.Algorithm)
		case k.DigestBits > 0 && (k.DigestBits < 80 || k.DigestBits < full/2):
			r.fail(glued(r.pos("digest-bits"), "tsig-key: digest-bits too small : "))
		case k.DigestBits > full:
			r.fail(glued(r.pos("digest-bits"), "tsig-key: digest-bits too large : "))
		}
	}
	if r.err == nil {
		if _, err := base64.StdEncoding.DecodeString(k.Secret); err != nil {
			r.errorf(it.Pos(), "Cannot make D2TsigKey: attempt to decode a value not in base64 char set")
		}
	}
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	return k
}

func (d *decoder) readDdnsDomain(it *Node, keys map[string]bool) *DdnsDomain {
	r := newReader(it)
	var name, key Opt[string]
	r.str("name", &name)
	r.str("key-name", &key)
	dom := &DdnsDomain{Name: name.V, KeyName: key.V, UserContext: r.userContext()}
	if r.err == nil && !name.Set {
		r.errorf(it.Pos(), "missing parameter 'name'")
	}
	if r.err == nil && dom.KeyName != "" && !keys[dom.KeyName] {
		r.errorf(r.pos("key-name"), "DdnsDomain : specifies an undefined key: %s", dom.KeyName)
	}
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	if l := it.Get("dns-servers"); l != nil {
		for _, s := range l.Items {
			srv := d.readDNSServer(s, keys)
			if srv == nil {
				return nil
			}
			dom.Servers = append(dom.Servers, srv)
		}
	}
	return dom
}

func (d *decoder) readDNSServer(it *Node, keys map[string]bool) *DNSServer {
	r := newReader(it)
	var host, ip, key Opt[string]
	var port Opt[uint16]
	r.str("hostname", &host)
	r.str("ip-address", &ip)
	r.u16("port", &port)
	r.str("key-name", &key)
	s := &DNSServer{Hostname: host.V, IPAddress: ip.V, Port: port.Or(DefaultDNSPort), KeyName: key.V, UserContext: r.userContext()}
	if r.err == nil {
		switch {
		case !ip.Set:
			r.errorf(it.Pos(), "missing parameter 'ip-address'")
		case s.Hostname != "":
			r.errorf(r.pos("hostname"), "Dns Server : hostname is not yet supported")
		}
	}
	if r.err == nil {
		if _, err := netip.ParseAddr(s.IPAddress); err != nil {
			r.errorf(r.pos("ip-address"), "Dns Server : invalid IP address : %s", s.IPAddress)
		}
	}
	if r.err == nil && s.KeyName != "" && !keys[s.KeyName] {
		r.errorf(r.pos("key-name"), "Dns Server : specifies an undefined key: %s", s.KeyName)
	}
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	return s
}

// D2Summary is Kea's D2CfgContext::getConfigSummary text.
func D2Summary(c *D2Config) string {
	if c == nil {
		c = &D2Config{IPAddress: DefaultD2Address, Port: DefaultD2Port, NCRProtocol: "UDP"}
	}
	return fmt.Sprintf("listening on %s, port %d, using %s", c.IPAddress, c.Port, c.NCRProtocol)
}

// CheckDhcpDdnsFile is "kea-dhcp-ddns -t FILE": what Kea 2.2 writes on
// stdout (log lines without time and thread ids) and stderr, and the exit
// status.
func CheckDhcpDdnsFile(path string, stdout, stderr io.Writer) int {
	c, err := LoadDhcpDdnsFile(path)
	if err == nil {
		fmt.Fprintf(stdout, "INFO  [kea-dhcp-ddns.dctl] DCTL_CONFIG_CHECK_COMPLETE server has completed configuration check: %s, result: success(0), text=Configuration check successful\n", D2Summary(c))
		return 0
	}
	ce, ok := err.(*Error)
	if !ok || ce.Kind == SyntaxError {
		fmt.Fprintln(stderr, "Syntax check failed with: "+err.Error())
		return 1
	}
	msg := err.Error()
	fmt.Fprintf(stdout, "ERROR [kea-dhcp-ddns.dhcpddns] DHCP_DDNS_CONFIG_CHECK_FAIL DHCP-DDNS server configuration check failed: %s\n", msg)
	fmt.Fprintf(stdout, "INFO  [kea-dhcp-ddns.dctl] DCTL_CONFIG_CHECK_COMPLETE server has completed configuration check: %s, result: failure(1), text=%s\n", D2Summary(nil), msg)
	fmt.Fprintln(stderr, "Error encountered: "+msg)
	return 1
}

// UnparseDhcpDdns renders the configuration as config-get shows it, with
// the defaults filled in: {"DhcpDdns": {...}}.
func UnparseDhcpDdns(c *D2Config) *Node {
	m := NewMap()
	m.Set("ip-address", NewString(c.IPAddress))
	m.Set("port", NewInt(int64(c.Port)))
	m.Set("dns-server-timeout", NewInt(int64(c.DNSServerTimeout)))
	m.Set("ncr-protocol", NewString(c.NCRProtocol))
	m.Set("ncr-format", NewString(c.NCRFormat))
	if c.UserContext != nil {
		m.Set("user-context", c.UserContext.Clone())
	}
	if c.ControlSocket != nil {
		cs := NewMap()
		cs.Set("socket-type", NewString(c.ControlSocket.SocketType))
		cs.Set("socket-name", NewString(c.ControlSocket.SocketName))
		if c.ControlSocket.UserContext != nil {
			cs.Set("user-context", c.ControlSocket.UserContext.Clone())
		}
		m.Set("control-socket", cs)
	}
	hl := NewList()
	for _, h := range c.HooksLibraries {
		e := NewMap()
		e.Set("library", NewString(h.Library))
		if h.Parameters != nil {
			e.Set("parameters", h.Parameters.Clone())
		}
		hl.Items = append(hl.Items, e)
	}
	m.Set("hooks-libraries", hl)
	dir := func(doms []*DdnsDomain, uc *Node) *Node {
		out := NewMap()
		l := NewList()
		for _, d := range doms {
			e := NewMap()
			e.Set("name", NewString(d.Name))
			if d.KeyName != "" {
				e.Set("key-name", NewString(d.KeyName))
			}
			sl := NewList()
			for _, s := range d.Servers {
				se := NewMap()
				se.Set("hostname", NewString(s.Hostname))
				se.Set("ip-address", NewString(s.IPAddress))
				se.Set("port", NewInt(int64(s.Port)))
				if s.KeyName != "" {
					se.Set("key-name", NewString(s.KeyName))
				}
				if s.UserContext != nil {
					se.Set("user-context", s.UserContext.Clone())
				}
				sl.Items = append(sl.Items, se)
			}
			e.Set("dns-servers", sl)
			if d.UserContext != nil {
				e.Set("user-context", d.UserContext.Clone())
			}
			l.Items = append(l.Items, e)
		}
		out.Set("ddns-domains", l)
		if uc != nil {
			out.Set("user-context", uc.Clone())
		}
		return out
	}
	m.Set("forward-ddns", dir(c.Forward, c.ForwardContext))
	m.Set("reverse-ddns", dir(c.Reverse, c.ReverseContext))
	kl := NewList()
	for _, k := range c.TSIGKeys {
		e := NewMap()
		e.Set("name", NewString(k.Name))
		e.Set("algorithm", NewString(k.Algorithm))
		e.Set("digest-bits", NewInt(int64(k.DigestBits)))
		e.Set("secret", NewString(k.Secret))
		if k.UserContext != nil {
			e.Set("user-context", k.UserContext.Clone())
		}
		kl.Items = append(kl.Items, e)
	}
	m.Set("tsig-keys", kl)
	if len(c.Loggers) > 0 {
		m.Set("loggers", unparseLoggers(c.Loggers))
	}
	top := NewMap()
	top.Set("DhcpDdns", m)
	return top
}

// glued is an error Kea prints with the position right after the text:
// "text(file:line:col)".
func glued(at Pos, format string, args ...any) *Error {
	return &Error{Kind: ConfigError, Msg: fmt.Sprintf(format, args...) + "(" + at.String() + ")"}
}
