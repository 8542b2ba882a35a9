package ctrl

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// HTTPConfig is one "control-sockets" entry of socket-type http or https
// (Kea 2.7+/3.x), decoded by ParseHTTPConfig.
type HTTPConfig struct {
	Address string // socket-address
	Port    uint16 // socket-port
	// TLS: all three files or none (https requires them).
	TrustAnchor  string // a CA file or a directory of CA files
	CertFile     string
	KeyFile      string
	CertRequired bool // default true: clients must present a certificate
	Auth         *BasicAuth
	Headers      []HTTPHeader // http-headers, added to every response
	// Service is the daemon's service name ("dhcp4", "dhcp6", "d2"): a
	// command whose "service" names another is refused, as Kea does.
	Service string
	// Metrics, when set, answers "GET /metrics" (after the same
	// authentication as commands) with the Prometheus exposition of the
	// daemon's statistics. A Nestor extension: Kea answers only POST.
	Metrics http.Handler `json:"-"`
	// Hooks, when set, gives each authenticated request to the hook
	// libraries' http_auth and http_response callouts.
	Hooks HTTPHooks `json:"-"`
}

// HTTPHeader is one http-headers entry.
type HTTPHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// BasicAuth is the "authentication" map of type basic, with the clients'
// credentials already read from their files.
type BasicAuth struct {
	Realm   string
	Clients []Credential
}

// Credential is one allowed user and password.
type Credential struct {
	User, Password string
}

// TLS reports whether the entry serves https.
func (c *HTTPConfig) TLS() bool { return c.CertFile != "" }

// DaemonDefaults are the per-daemon defaults of an HTTP control socket.
type DaemonDefaults struct {
	Address string // "127.0.0.1" (dhcp4, d2) or "::1" (dhcp6)
	Realm   string // "kea-dhcpv4-server", "kea-dhcpv6-server", "kea-dhcp-ddns-server"
	Service string // "dhcp4", "dhcp6", "d2"
}

// Defaults for the three daemons.
var (
	Dhcp4Defaults = DaemonDefaults{Address: "127.0.0.1", Realm: "kea-dhcpv4-server", Service: "dhcp4"}
	Dhcp6Defaults = DaemonDefaults{Address: "::1", Realm: "kea-dhcpv6-server", Service: "dhcp6"}
	D2Defaults    = DaemonDefaults{Address: "127.0.0.1", Realm: "kea-dhcp-ddns-server", Service: "d2"}
)

type rawHTTPConfig struct {
	SocketType    string          `json:"socket-type"`
	SocketAddress *string         `json:"socket-address"`
	SocketPort    *int            `json:"socket-port"`
	TrustAnchor   string          `json:"trust-anchor"`
	CertFile      string          `json:"cert-file"`
	KeyFile       string          `json:"key-file"`
	CertRequired  *bool           `json:"cert-required"`
	HTTPHeaders   []HTTPHeader    `json:"http-headers"`
	Auth          *rawAuth        `json:"authentication"`
	UserContext   json.RawMessage `json:"user-context"`
	Comment       string          `json:"comment"`
}

type rawAuth struct {
	Type        string          `json:"type"`
	Realm       *string         `json:"realm"`
	Directory   string          `json:"directory"`
	Clients     []rawClient     `json:"clients"`
	UserContext json.RawMessage `json:"user-context"`
	Comment     string          `json:"comment"`
}

type rawClient struct {
	User         *string         `json:"user"`
	UserFile     *string         `json:"user-file"`
	Password     *string         `json:"password"`
	PasswordFile *string         `json:"password-file"`
	UserContext  json.RawMessage `json:"user-context"`
	Comment      string          `json:"comment"`
}

// ParseHTTPConfig decodes an http or https control-sockets entry, reading
// the user and password files (relative names are taken from the
// authentication "directory"). Unknown keys are errors.
func ParseHTTPConfig(raw json.RawMessage, d DaemonDefaults) (*HTTPConfig, error) {
	var r rawHTTPConfig
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("control socket: %v", err)
	}
	if r.SocketType != "http" && r.SocketType != "https" {
		return nil, fmt.Errorf("unsupported 'socket-type' '%s' not 'http' or 'https'", r.SocketType)
	}
	c := &HTTPConfig{Address: d.Address, Port: 8000, TrustAnchor: r.TrustAnchor, CertFile: r.CertFile,
		KeyFile: r.KeyFile, CertRequired: true, Headers: r.HTTPHeaders, Service: d.Service}
	if r.SocketAddress != nil {
		c.Address = *r.SocketAddress
	}
	if r.SocketPort != nil {
		if *r.SocketPort < 0 || *r.SocketPort > 65535 {
			return nil, fmt.Errorf("socket-port %d is out of range", *r.SocketPort)
		}
		c.Port = uint16(*r.SocketPort)
	}
	if r.CertRequired != nil {
		c.CertRequired = *r.CertRequired
	}
	set := 0
	for _, f := range []string{r.TrustAnchor, r.CertFile, r.KeyFile} {
		if f != "" {
			set++
		}
	}
	switch {
	case set != 0 && set != 3:
		return nil, errors.New("trust-anchor, cert-file and key-file must be all set or all unset")
	case r.SocketType == "https" && set == 0:
		return nil, errors.New("https control socket requires trust-anchor, cert-file and key-file")
	case r.SocketType == "http" && set != 0:
		return nil, errors.New("TLS parameters given for an http control socket (use socket-type https)")
	}
	for _, h := range r.HTTPHeaders {
		if h.Name == "" {
			return nil, errors.New("http-headers entries must have a non-empty name")
		}
	}
	if r.Auth != nil {
		a, err := parseAuth(r.Auth, d.Realm)
		if err != nil {
			return nil, err
		}
		c.Auth = a
	}
	return c, nil
}

func parseAuth(r *rawAuth, realm string) (*BasicAuth, error) {
	if r.Type != "basic" {
		return nil, fmt.Errorf("unsupported authentication type '%s'", r.Type)
	}
	a := &BasicAuth{Realm: realm}
	if r.Realm != nil {
		a.Realm = *r.Realm
	}
	read := func(name string) (string, error) {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(r.Directory, name)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("can't read file '%s': %v", p, err)
		}
		// Files written with echo end with a line break that is not part
		// of the secret.
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	for i, cl := range r.Clients {
		var cr Credential
		switch {
		case cl.Password != nil && cl.PasswordFile != nil:
			return nil, fmt.Errorf("clients[%d]: password and password-file are mutually exclusive", i)
		case cl.User != nil && cl.UserFile != nil:
			return nil, fmt.Errorf("clients[%d]: user and user-file are mutually exclusive", i)
		}
		if cl.Password != nil {
			cr.Password = *cl.Password
		}
		switch {
		case cl.User != nil:
			cr.User = *cl.User
		case cl.UserFile != nil:
			u, err := read(*cl.UserFile)
			if err != nil {
				return nil, err
			}
			cr.User = u
		case cl.PasswordFile != nil:
			// password-file alone holds "user:password".
			s, err := read(*cl.PasswordFile)
			if err != nil {
				return nil, err
			}
			u, p, ok := strings.Cut(s, ":")
			if !ok {
				return nil, fmt.Errorf("can't find the user id part in password-file '%s'", *cl.PasswordFile)
			}
			a.Clients = append(a.Clients, Credential{User: u, Password: p})
			continue
		default:
			return nil, fmt.Errorf("clients[%d]: user is required in clients items", i)
		}
		if cr.User == "" {
			return nil, fmt.Errorf("clients[%d]: user must not be empty", i)
		}
		if strings.Contains(cr.User, ":") {
			return nil, fmt.Errorf("clients[%d]: user must not contain a ':': '%s'", i, cr.User)
		}
		if cl.PasswordFile != nil {
			p, err := read(*cl.PasswordFile)
			if err != nil {
				return nil, err
			}
			cr.Password = p
		}
		a.Clients = append(a.Clients, cr)
	}
	return a, nil
}
