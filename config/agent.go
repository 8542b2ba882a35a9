package config

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nestordhcp/nestor/config/kjson"
)

// The Control-agent configuration (kea-ctrl-agent): Kea 2.2's
// agent_parser.yy key sets and AgentSimpleParser's defaults and checks.

// ControlAgent is the "Control-agent" map.
type ControlAgent struct {
	HTTPHost     string // default "127.0.0.1"
	HTTPPort     uint16 // default 8000
	TrustAnchor  string // TLS: all three files or none
	CertFile     string
	KeyFile      string
	CertRequired bool // default true
	// Auth is the "authentication" map, nil when absent.
	Auth *AgentAuth
	// ControlSockets maps a service name ("dhcp4", "dhcp6", "d2") to the
	// unix socket its commands are forwarded to.
	ControlSockets map[string]*AgentSocket
	HooksLibraries []*HooksLibrary
	Loggers        []*Logger
	UserContext    *Node
	// Source is the file the configuration was read from ("" for one
	// given by config-set).
	Source string
	// hooksPos is where hooks-libraries is, for the hooks error.
	hooksPos Pos
}

// TLS reports whether the agent serves HTTPS.
func (c *ControlAgent) TLS() bool { return c.TrustAnchor != "" }

// AgentAuth is basic HTTP authentication.
type AgentAuth struct {
	Type        string // "basic"
	Realm       string // default "kea-control-agent"
	Directory   string
	Clients     []*AgentClient
	UserContext *Node
}

// AgentClient is one clients entry, with the user and password already
// read from their files.
type AgentClient struct {
	User, Password         string
	UserFile, PasswordFile string // as written
	// SecretFile: password-file without a user holds "user:password".
	SecretFile  bool
	UserContext *Node
}

// AgentSocket is a control-sockets entry.
type AgentSocket struct {
	SocketType  string // "unix"
	SocketName  string
	UserContext *Node
}

// Defaults of the Control-agent map.
const (
	DefaultAgentHost  = "127.0.0.1"
	DefaultAgentPort  = 8000
	DefaultAgentRealm = "kea-control-agent"
)

func agentGrammar() *mapSpec {
	socket := newMap("xxx-server", withComment(
		kEnum("socket-type", "unix"), kString("socket-name"),
	)...).nonEmpty("")
	sockets := newMap("control-sockets",
		kMap("dhcp4", socket), kMap("dhcp6", socket), kMap("d2", socket),
	).nonEmpty(", expecting dhcp4 or dhcp6 or d2 or constant string")
	client := newMap("clients", withComment(
		kString("user"), kString("user-file"), kString("password"), kString("password-file"),
	)...).nonEmpty("")
	auth := newMap("authentication", withComment(
		kEnum("type", "basic"), kString("realm"), kString("directory"), kMaps("clients", client),
	)...).nonEmpty("").require("type")
	hooks := hooksLibrarySpec()
	hooks.Required = nil
	loggers := loggerSpec()
	return newMap("Control-agent", withComment(
		kString("http-host"), kInt("http-port"),
		kString("trust-anchor"), kString("cert-file"), kString("key-file"), kBool("cert-required"),
		kMap("authentication", auth), kMap("control-sockets", sockets),
		kMaps("hooks-libraries", hooks), kMaps("loggers", loggers),
	)...).nonEmpty("")
}

// AgentStage tells which part of loading a Control-agent configuration
// failed, for the log line kea-ctrl-agent -t prints.
type AgentStage uint8

const (
	AgentStageSyntax  AgentStage = iota // reading or grammar
	AgentStageLoggers                   // the loggers (DCTL_PARSER_FAIL)
	AgentStageConfig                    // the rest (CTRL_AGENT_CONFIG_CHECK_FAIL)
)

// AgentLoadError is a failed Control-agent load: the error, the stage it
// failed in and what had been read before it (for the summary Kea logs).
type AgentLoadError struct {
	Err     *Error
	Stage   AgentStage
	Partial *ControlAgent
}

func (e *AgentLoadError) Error() string { return e.Err.Error() }
func (e *AgentLoadError) Unwrap() error { return e.Err }

// LoadControlAgentFile reads, checks and decodes a kea-ctrl-agent
// configuration file. Errors print as Kea prints them.
func LoadControlAgentFile(path string) (*ControlAgent, []Warning, error) {
	doc, kw, err := kjson.ParseFile(path, kjson.Options{})
	warns := agentSyntaxWarnings(kw)
	if err != nil {
		return nil, warns, err
	}
	c, w, err := ControlAgentFromTree(fromKJSON(doc), true)
	if c != nil {
		c.Source = path
	}
	return c, append(warns, w...), err
}

// ParseControlAgent is LoadControlAgentFile for a configuration in memory
// (name is used in positions: "<string>" for commands). With grammar false
// the text is decoded as Kea decodes config-set and config-test arguments:
// no grammar check, so unknown keys are ignored and wrong types are caught
// by the decoder.
func ParseControlAgent(name string, data []byte, grammar bool) (*ControlAgent, []Warning, error) {
	doc, kw, err := kjson.ParseBytes(name, data, kjson.Options{})
	warns := agentSyntaxWarnings(kw)
	if err != nil {
		return nil, warns, err
	}
	c, w, err := ControlAgentFromTree(fromKJSON(doc), grammar)
	return c, append(warns, w...), err
}

func agentSyntaxWarnings(kw []kjson.Warning) []Warning {
	var out []Warning
	for _, w := range kw {
		out = append(out, Warning{ID: "CTRL_AGENT_CONFIG_SYNTAX_WARNING",
			Msg: "Control Agent configuration syntax warning: " + w.String()})
	}
	return out
}

// ControlAgentFromTree decodes a document holding "Control-agent". With
// grammar, the document is first checked as kea-ctrl-agent checks a file;
// without, it is checked as config-set arguments are. A failure is an
// *AgentLoadError.
func ControlAgentFromTree(doc *Node, grammar bool) (*ControlAgent, []Warning, error) {
	var warns []Warning
	var m *Node
	if grammar {
		var gerr *Error
		m, warns, gerr = checkAgentTop(doc)
		if gerr != nil {
			return nil, warns, &AgentLoadError{Err: gerr, Stage: AgentStageSyntax, Partial: &ControlAgent{}}
		}
	} else {
		if doc.Kind != KindMap {
			return nil, nil, &AgentLoadError{Err: &Error{Kind: ConfigError,
				Msg: "get(string) called on a non-map Element in (" + doc.Pos().String() + ")"}, Stage: AgentStageConfig, Partial: &ControlAgent{}}
		}
		m = doc.Get("Control-agent")
		if m == nil {
			return nil, nil, &AgentLoadError{Err: &Error{Kind: ConfigError,
				Msg: "Missing mandatory 'Control-agent' parameter."}, Stage: AgentStageConfig, Partial: &ControlAgent{}}
		}
		if m.Kind != KindMap {
			return nil, nil, &AgentLoadError{Err: &Error{Kind: ConfigError,
				Msg: "get(string) called on a non-map Element in (" + m.Pos().String() + ")"}, Stage: AgentStageConfig, Partial: &ControlAgent{}}
		}
	}
	d := newDecoder(4, LoadOptions{})
	c := &ControlAgent{}
	stage := d.decodeAgent(m, c)
	if d.err != nil {
		return nil, append(warns, d.warnings...), &AgentLoadError{Err: d.err, Stage: stage, Partial: c}
	}
	return c, append(warns, d.warnings...), nil
}

// checkAgentTop is checkTop for the agent's grammar, which also warns
// about the comma after the Control-agent object before refusing what
// follows.
func checkAgentTop(doc *Node) (*Node, []Warning, *Error) {
	if doc.Kind == KindMap && len(doc.Entries) > 1 && doc.Entries[0].Key == "Control-agent" &&
		doc.Entries[0].Value.Kind == KindMap {
		first := &doc.Entries[0]
		if err := checkMap(first.Value, agentGrammar(), first.KeyPos.Start); err != nil {
			return nil, nil, err
		}
		end := first.Value.Span.End
		w := Warning{ID: "CTRL_AGENT_CONFIG_SYNTAX_WARNING", Msg: "Control Agent configuration syntax warning: " +
			Span{Start: Pos{File: end.File, Line: end.Line, Col: end.Col + 1}}.String() +
			": Extraneous comma. A piece of configuration may have been omitted."}
		_, err := checkTop(doc, "Control-agent", agentGrammar())
		return nil, []Warning{w}, err
	}
	if doc.Kind == KindMap && len(doc.Entries) > 0 && doc.Entries[0].Value.Kind == KindMap {
		// Kea's grammar takes no empty loggers list.
		if l := doc.Entries[0].Value.Get("loggers"); l != nil && l.Kind == KindList && len(l.Items) == 0 {
			return nil, nil, syntaxErr(Span{Start: l.Span.End, End: l.Span.End}, "syntax error, unexpected ], expecting {")
		}
	}
	m, err := checkTop(doc, "Control-agent", agentGrammar())
	return m, nil, err
}

// agentReader reads values the way Kea's SimpleParser getters do on an
// element tree that may not have passed the grammar.
type agentReader struct {
	m   *Node
	err *Error
}

func (r *agentReader) typeErr(key string, v *Node) {
	if r.err == nil {
		r.err = cfgErr(v.Pos(), "invalid type specified for parameter '%s'", key)
	}
}

func (r *agentReader) str(key, def string) string {
	v := r.m.Get(key)
	if v == nil || r.err != nil {
		return def
	}
	if v.Kind != KindString {
		r.typeErr(key, v)
		return def
	}
	return v.Str
}

func (r *agentReader) boolean(key string, def bool) bool {
	v := r.m.Get(key)
	if v == nil || r.err != nil {
		return def
	}
	if v.Kind != KindBool {
		r.typeErr(key, v)
		return def
	}
	return v.Bool
}

// userContext merges user-context and comment; a user-context that is not
// a map is refused as Kea's UserContext does.
func (r *agentReader) userContext() *Node {
	if r.err != nil {
		return nil
	}
	if uc := r.m.Get("user-context"); uc != nil && uc.Kind != KindMap {
		r.err = cfgErr(uc.Pos(), "user context must be a map")
		return nil
	}
	if c := r.m.Get("comment"); c != nil && c.Kind != KindString {
		r.typeErr("comment", c)
		return nil
	}
	return newReader(r.m).userContext()
}

// decodeAgent fills c in the order kea-ctrl-agent reads the map: loggers,
// TLS, HTTP, sockets, authentication, user context, hooks.
func (d *decoder) decodeAgent(m *Node, c *ControlAgent) AgentStage {
	if l := m.Get("loggers"); l != nil {
		c.Loggers = d.readAgentLoggers(l)
		if d.failed() {
			return AgentStageLoggers
		}
	}
	r := &agentReader{m: m}
	fail := func() AgentStage {
		d.fail(r.err)
		return AgentStageConfig
	}
	ca, cert, key := r.str("trust-anchor", ""), r.str("cert-file", ""), r.str("key-file", "")
	if r.err != nil {
		return fail()
	}
	if ca != "" || cert != "" || key != "" {
		for _, p := range []struct{ name, v string }{{"trust-anchor", ca}, {"cert-file", cert}, {"key-file", key}} {
			if p.v == "" {
				d.fail(&Error{Kind: ConfigError, Msg: p.name + " parameter is missing or empty: all or none of TLS parameters must be set"})
				return AgentStageConfig
			}
		}
	}
	c.TrustAnchor, c.CertFile, c.KeyFile = ca, cert, key
	c.CertRequired = r.boolean("cert-required", true)
	c.HTTPHost = r.str("http-host", DefaultAgentHost)
	c.HTTPPort = DefaultAgentPort
	if v := m.Get("http-port"); v != nil && r.err == nil {
		switch {
		case v.Kind != KindInt:
			r.typeErr("http-port", v)
		case v.Int < 0 || v.Int > 65535:
			r.err = cfgErr(v.Pos(), "out of range value (%d) specified for parameter 'http-port'", v.Int)
		default:
			c.HTTPPort = uint16(v.Int)
		}
	}
	if r.err != nil {
		c.HTTPPort = 0
		return fail()
	}
	if s := m.Get("control-sockets"); s != nil {
		if s.Kind != KindMap {
			r.err = cfgErr(s.Pos(), "mapValue() called on non-map Element in (%s)", s.Pos())
			return fail()
		}
		c.ControlSockets = make(map[string]*AgentSocket, len(s.Entries))
		for _, e := range s.Entries {
			if e.Value.Kind != KindMap {
				r.err = cfgErr(e.Value.Pos(), "invalid type specified for parameter '%s'", e.Key)
				return fail()
			}
			sr := &agentReader{m: e.Value}
			sock := &AgentSocket{SocketType: sr.str("socket-type", "unix"), SocketName: sr.str("socket-name", "")}
			sock.UserContext = sr.userContext()
			if sr.err != nil {
				r.err = sr.err
				return fail()
			}
			c.ControlSockets[e.Key] = sock
		}
	}
	if a := m.Get("authentication"); a != nil {
		auth, err := readAgentAuth(a)
		if err != nil {
			d.fail(err)
			return AgentStageConfig
		}
		c.Auth = auth
	}
	c.UserContext = r.userContext()
	if r.err != nil {
		return fail()
	}
	if h := m.Get("hooks-libraries"); h != nil {
		c.hooksPos = h.Pos()
		if e := m.entry("hooks-libraries"); e != nil && e.KeyPos.Start.IsSet() {
			c.hooksPos = e.KeyPos.Start
		}
		c.HooksLibraries = d.readAgentHooks(h)
		if d.failed() {
			return AgentStageConfig
		}
		d.checkHooks(c.HooksLibraries, c.hooksPos)
	}
	return AgentStageConfig
}

func (d *decoder) readAgentLoggers(l *Node) []*Logger {
	if l.Kind != KindList {
		d.fail(cfgErr(l.Pos(), "listValue() called on non-list Element in (%s)", l.Pos()))
		return nil
	}
	for _, it := range l.Items {
		if it.Kind != KindMap {
			d.fail(cfgErr(it.Pos(), "get(string) called on a non-map Element in (%s)", it.Pos()))
			return nil
		}
		for _, k := range []string{"name", "severity"} {
			if it.Get(k) == nil {
				d.fail(cfgErr(it.Pos(), "loggers entry does not have a mandatory '%s' element", k))
				return nil
			}
		}
		// Kea 2.2 reports an out-of-range debuglevel this way.
		if v := it.Get("debuglevel"); v != nil && (v.Kind != KindInt || v.Int < 0 || v.Int > 99) {
			d.fail(&Error{Kind: ConfigError, Msg: "stringValue() called on non-string Element in (" + v.Pos().String() + ")"})
			return nil
		}
	}
	return d.readLoggers(l)
}

func (d *decoder) readAgentHooks(l *Node) []*HooksLibrary {
	const prefix = "hooks library configuration error: "
	if l.Kind != KindList {
		d.fail(cfgErr(l.Pos(), "listValue() called on non-list Element in (%s)", l.Pos()))
		return nil
	}
	var out []*HooksLibrary
	for _, it := range l.Items {
		lib := it.Get("library")
		switch {
		case it.Kind != KindMap:
			d.fail(cfgErr(it.Pos(), "get(string) called on a non-map Element in (%s)", it.Pos()))
		case lib == nil:
			d.fail(cfgErr(it.Pos(), prefix+"one or more hooks-libraries elements are missing the name of the library"))
		case lib.Kind != KindString:
			d.fail(cfgErr(lib.Pos(), prefix+"value of 'library' element is not a string"))
		case strings.TrimSpace(lib.Str) == "":
			d.fail(cfgErr(lib.Pos(), prefix+"value of 'library' element must not be blank"))
		}
		if d.failed() {
			return nil
		}
		h := &HooksLibrary{Library: strings.TrimSpace(lib.Str), pos: it.Pos(), UserContext: newReader(it).userContext()}
		if p := it.Get("parameters"); p != nil {
			h.Parameters = p.Clone()
		}
		out = append(out, h)
	}
	return out
}

// readAgentAuth is Kea's BasicHttpAuthConfig::parse: the credentials are
// read from their files now, so that a missing file fails the load.
func readAgentAuth(a *Node) (*AgentAuth, *Error) {
	if a.Kind != KindMap {
		return nil, cfgErr(a.Pos(), "authentication must be a map")
	}
	r := &agentReader{m: a}
	auth := &AgentAuth{Type: r.str("type", "basic"), Realm: r.str("realm", DefaultAgentRealm),
		Directory: r.str("directory", "")}
	auth.UserContext = r.userContext()
	if r.err != nil {
		return nil, r.err
	}
	if auth.Type != "basic" {
		return nil, cfgErr(a.Get("type").Pos(), "Unsupported '%s' authentication type", auth.Type)
	}
	cl := a.Get("clients")
	if cl == nil {
		return auth, nil
	}
	if cl.Kind != KindList {
		return nil, cfgErr(cl.Pos(), "invalid type specified for parameter 'clients'")
	}
	for _, it := range cl.Items {
		if it.Kind != KindMap {
			return nil, cfgErr(it.Pos(), "clients items must be maps")
		}
		c, err := readAgentClient(it, auth.Directory)
		if err != nil {
			return nil, err
		}
		auth.Clients = append(auth.Clients, c)
	}
	return auth, nil
}

func readAgentClient(it *Node, dir string) (*AgentClient, *Error) {
	r := &agentReader{m: it}
	c := &AgentClient{}
	user, userFile := it.Get("user"), it.Get("user-file")
	pw, pwFile := it.Get("password"), it.Get("password-file")
	c.User, c.UserFile = r.str("user", ""), r.str("user-file", "")
	c.Password, c.PasswordFile = r.str("password", ""), r.str("password-file", "")
	c.UserContext = r.userContext()
	if r.err != nil {
		return nil, r.err
	}
	if user != nil && userFile != nil {
		return nil, &Error{Kind: ConfigError, Msg: "user (" + user.Pos().String() + ") and user-file (" +
			userFile.Pos().String() + ") are mutually exclusive"}
	}
	if pw != nil && pwFile != nil {
		return nil, &Error{Kind: ConfigError, Msg: "password (" + pw.Pos().String() + ") and password-file (" +
			pwFile.Pos().String() + ") are mutually exclusive"}
	}
	from := ""
	userAt := user
	if userFile != nil {
		b, err := readAgentFile(dir, c.UserFile)
		if err != nil {
			return nil, err
		}
		c.User, userAt, from = b, userFile, " from user-file '"+c.UserFile+"'"
	}
	if pwFile != nil {
		b, err := readAgentFile(dir, c.PasswordFile)
		if err != nil {
			return nil, err
		}
		c.Password = b
		if user == nil && userFile == nil {
			u, p, ok := strings.Cut(b, ":")
			if !ok {
				return nil, cfgErr(pwFile.Pos(), "can't find the user id part in password-file '%s'", c.PasswordFile)
			}
			c.User, c.Password, c.SecretFile = u, p, true
			return c, nil
		}
	}
	if userAt == nil {
		return nil, cfgErr(it.Pos(), "user is required in clients items")
	}
	if c.User == "" {
		return nil, cfgErr(userAt.Pos(), "user must not be empty%s", from)
	}
	if strings.Contains(c.User, ":") {
		return nil, cfgErr(userAt.Pos(), "user must not contain a ':': '%s'%s", c.User, from)
	}
	return c, nil
}

// readAgentFile reads a credentials file named relative to the
// authentication directory, as Kea's getFilePath and getContent do.
func readAgentFile(dir, name string) (string, *Error) {
	path := name
	if dir != "" && !filepath.IsAbs(name) {
		path = strings.TrimSuffix(dir, "/") + "/" + name
	}
	b, err := os.ReadFile(path)
	if err != nil {
		msg := err.Error()
		if pe, ok := err.(*os.PathError); ok {
			msg = sysErrorText(pe.Err)
		}
		return "", &Error{Kind: ConfigError, Msg: "can't open file '" + path + "': " + msg}
	}
	return string(b), nil
}

// sysErrorText is strerror's text for an errno ("No such file or
// directory"), which Go spells in lower case.
func sysErrorText(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// SocketNames returns the configured services in Kea's order (sorted).
func (c *ControlAgent) SocketNames() []string {
	names := make([]string, 0, len(c.ControlSockets))
	for n := range c.ControlSockets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
