package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nestordhcp/nestor/config/kjson"
)

// CheckControlAgentFile is "kea-ctrl-agent -t FILE": it loads the file and
// writes what Kea 2.2 writes: log lines on stdout (the warnings, the
// failure, and DCTL_CONFIG_CHECK_COMPLETE with a summary) and, on failure,
// the error on stderr ("Syntax check failed with: ..." for reading and
// grammar errors, "Error encountered: ..." for the others). Log lines
// carry neither time nor thread ids. It returns the exit status.
func CheckControlAgentFile(path string, stdout, stderr io.Writer) int {
	c, warns, err := LoadControlAgentFile(path)
	for _, w := range warns {
		level, logger := "WARN ", "ctrl-agent"
		if w.ID == "LOG_BAD_SEVERITY" {
			level, logger = "ERROR", "log"
		}
		fmt.Fprintf(stdout, "%s [kea-ctrl-agent.%s] %s %s\n", level, logger, w.ID, w.Msg)
	}
	if err == nil {
		fmt.Fprintf(stdout, "INFO  [kea-ctrl-agent.dctl] DCTL_CONFIG_CHECK_COMPLETE server has completed configuration check: %s, result: success(0), text=Configuration check successful\n", AgentSummary(c))
		return 0
	}
	var le *AgentLoadError
	if !errors.As(err, &le) || le.Stage == AgentStageSyntax {
		fmt.Fprintln(stderr, "Syntax check failed with: "+err.Error())
		return 1
	}
	msg := le.Err.Error()
	switch le.Stage {
	case AgentStageLoggers:
		fmt.Fprintf(stdout, "ERROR [kea-ctrl-agent.dctl] DCTL_PARSER_FAIL : %s\n", msg)
	default:
		for _, n := range le.Err.Notes {
			fmt.Fprintln(stdout, "ERROR [kea-ctrl-agent.hooks] "+n)
		}
		fmt.Fprintf(stdout, "ERROR [kea-ctrl-agent.ctrl-agent] CTRL_AGENT_CONFIG_CHECK_FAIL Control Agent configuration check failed: %s\n", msg)
		fmt.Fprintf(stdout, "INFO  [kea-ctrl-agent.dctl] DCTL_CONFIG_CHECK_COMPLETE server has completed configuration check: %s, result: failure(1), text=%s\n", AgentSummary(le.Partial), msg)
	}
	fmt.Fprintln(stderr, "Error encountered: "+msg)
	return 1
}

// AgentSummary is Kea's CtrlAgentCfgContext::getConfigSummary text.
func AgentSummary(c *ControlAgent) string {
	var b strings.Builder
	fmt.Fprintf(&b, "listening on %s, port %d, ", c.HTTPHost, c.HTTPPort)
	if c.TLS() {
		fmt.Fprintf(&b, "trust anchor %s, cert file %s, key file %s", c.TrustAnchor, c.CertFile, c.KeyFile)
		if c.CertRequired {
			b.WriteString(", client certs are required")
		} else {
			b.WriteString(", client certs are not required")
		}
		b.WriteString(", ")
	}
	b.WriteString("control sockets: ")
	if len(c.ControlSockets) == 0 {
		b.WriteString("none")
	} else {
		b.WriteString(strings.Join(c.SocketNames(), " "))
	}
	b.WriteString(", ")
	if c.Auth != nil && len(c.Auth.Clients) > 0 {
		b.WriteString("requires basic HTTP authentication, ")
	}
	fmt.Fprintf(&b, "%d lib(s):", len(c.HooksLibraries))
	for _, h := range c.HooksLibraries {
		b.WriteString(h.Library + " ")
	}
	return b.String()
}

// UnparseControlAgent is the configuration as kea-ctrl-agent's config-get
// shows it: {"Control-agent": {...}} with the defaults filled in, comments
// turned into user contexts and the credentials as written.
func UnparseControlAgent(c *ControlAgent) *Node {
	ca := NewMap()
	setUserContext(ca, c.UserContext)
	ca.Set("http-host", NewString(c.HTTPHost))
	ca.Set("http-port", NewInt(int64(c.HTTPPort)))
	if c.TLS() {
		ca.Set("trust-anchor", NewString(c.TrustAnchor))
		ca.Set("cert-file", NewString(c.CertFile))
		ca.Set("key-file", NewString(c.KeyFile))
		ca.Set("cert-required", NewBool(c.CertRequired))
	}
	if c.Auth != nil {
		a := NewMap()
		setUserContext(a, c.Auth.UserContext)
		a.Set("type", NewString("basic"))
		a.Set("realm", NewString(c.Auth.Realm))
		a.Set("directory", NewString(c.Auth.Directory))
		cl := NewList()
		for _, x := range c.Auth.Clients {
			m := NewMap()
			setUserContext(m, x.UserContext)
			switch {
			case x.SecretFile:
				m.Set("password-file", NewString(x.PasswordFile))
			default:
				if x.UserFile != "" {
					m.Set("user-file", NewString(x.UserFile))
				} else {
					m.Set("user", NewString(x.User))
				}
				if x.PasswordFile != "" {
					m.Set("password-file", NewString(x.PasswordFile))
				} else {
					m.Set("password", NewString(x.Password))
				}
			}
			cl.Items = append(cl.Items, m)
		}
		a.Set("clients", cl)
		ca.Set("authentication", a)
	}
	ca.Set("hooks-libraries", unparseHooks(c.HooksLibraries))
	socks := NewMap()
	for _, name := range c.SocketNames() {
		s := c.ControlSockets[name]
		m := NewMap()
		m.Set("socket-name", NewString(s.SocketName))
		m.Set("socket-type", NewString(s.SocketType))
		setUserContext(m, s.UserContext)
		socks.Set(name, m)
	}
	ca.Set("control-sockets", socks)
	if len(c.Loggers) > 0 {
		ca.Set("loggers", unparseAgentLoggers(c.Loggers))
	}
	doc := NewMap()
	doc.Set("Control-agent", ca)
	return doc
}

// unparseAgentLoggers differs from the DHCP servers' form: output_options
// only when given, and every output option key shown.
func unparseAgentLoggers(ls []*Logger) *Node {
	l := NewList()
	for _, lg := range ls {
		m := NewMap()
		m.Set("debuglevel", NewInt(int64(lg.DebugLevel)))
		m.Set("name", NewString(lg.Name))
		if len(lg.OutputOptions) > 0 {
			oo := NewList()
			for _, o := range lg.OutputOptions {
				om := NewMap()
				om.Set("flush", NewBool(o.Flush))
				om.Set("maxsize", NewInt(int64(o.MaxSize)))
				om.Set("maxver", NewInt(int64(o.MaxVer)))
				om.Set("output", NewString(o.Output))
				om.Set("pattern", NewString(o.Pattern))
				oo.Items = append(oo.Items, om)
			}
			m.Set("output_options", oo)
		}
		sev := lg.Severity
		if sev == "" {
			sev = "INFO"
		}
		m.Set("severity", NewString(sev))
		setUserContext(m, lg.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}

// ControlAgentFromCommand decodes the "arguments" of a config-set or
// config-test command body as kea-ctrl-agent does: positions are the
// body's ("<string>:1:73"), there is no grammar check, and a missing
// "Control-agent" is an error.
func ControlAgentFromCommand(body []byte) (*ControlAgent, []Warning, error) {
	doc, _, err := kjson.ParseBytes("<string>", body, kjson.Options{})
	if err != nil {
		return nil, nil, err
	}
	args := fromKJSON(doc).Get("arguments")
	if args == nil {
		return nil, nil, &AgentLoadError{Err: &Error{Kind: ConfigError, Msg: "Missing mandatory 'arguments' parameter."},
			Stage: AgentStageConfig, Partial: &ControlAgent{}}
	}
	return ControlAgentFromTree(args, false)
}

// PrettyControlAgent is the configuration as config-write writes it:
// Kea's prettyPrint with a step of 2, keys sorted.
func PrettyControlAgent(c *ControlAgent) ([]byte, error) {
	e := toKJSON(UnparseControlAgent(c))
	sortAll(e)
	var b bytes.Buffer
	if err := e.PrettyPrint(&b, 2); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// CompactControlAgent is config-get's arguments in Kea's compact style.
func CompactControlAgent(c *ControlAgent) ([]byte, error) {
	return Compact(UnparseControlAgent(c))
}
