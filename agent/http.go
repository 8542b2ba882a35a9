package agent

import (
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
)

// maxBody bounds a request body; Kea reads without a limit.
const maxBody = ctrl.DefaultMaxCommandSize

// listener is one HTTP(S) service of the agent: the address it is bound to
// and the server running on it.
type listener struct {
	key  string // host, port and TLS files: a change needs a new socket
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

func listenerKey(c *config.ControlAgent) string {
	return strings.Join([]string{c.HTTPHost, strconv.Itoa(int(c.HTTPPort)), c.TrustAnchor,
		c.CertFile, c.KeyFile, strconv.FormatBool(c.CertRequired)}, "\x00")
}

// listen opens the socket of c and serves h on it.
func listen(c *config.ControlAgent, h http.Handler) (*listener, error) {
	addr := net.JoinHostPort(c.HTTPHost, strconv.Itoa(int(c.HTTPPort)))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &listener{key: listenerKey(c), ln: ln, done: make(chan struct{})}
	l.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ctrl.DefaultTimeout,
		ReadTimeout:       ctrl.DefaultTimeout,
		IdleTimeout:       ctrl.DefaultTimeout,
		ErrorLog:          nil,
	}
	if c.TLS() {
		tc, err := tlsConfig(c)
		if err != nil {
			ln.Close()
			return nil, err
		}
		l.srv.TLSConfig = tc
		l.ln = tls.NewListener(ln, tc)
	}
	go func() {
		defer close(l.done)
		_ = l.srv.Serve(l.ln)
	}()
	return l, nil
}

// close stops the listener, letting requests in progress finish.
func (l *listener) close(wait time.Duration) {
	ctx, cancel := contextTimeout(wait)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		l.srv.Close()
	}
	<-l.done
}

// tlsConfig is Kea's TLS setup: the server certificate and key, the trust
// anchor (a file, or a directory of CA files) checking client
// certificates, required unless cert-required is false.
func tlsConfig(c *config.ControlAgent) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("load certificate: %v", err)
	}
	pool := x509.NewCertPool()
	files := []string{c.TrustAnchor}
	if fi, err := os.Stat(c.TrustAnchor); err == nil && fi.IsDir() {
		files, _ = filepath.Glob(filepath.Join(c.TrustAnchor, "*"))
	}
	n := 0
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && pool.AppendCertsFromPEM(b) {
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("no CA certificate in trust-anchor '%s'", c.TrustAnchor)
	}
	tc := &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    pool,
		MinVersion:   tls.VersionTLS12,
		ClientAuth:   tls.VerifyClientCertIfGiven,
	}
	if c.CertRequired {
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return tc, nil
}

// authorized is Kea's basic HTTP authentication check: without clients
// every request passes; otherwise the credentials after "Basic" (any case)
// must be one of the configured user:password pairs, compared in their
// base64 form as Kea compares them.
func authorized(auth *config.AgentAuth, header string) (user string, ok bool) {
	if auth == nil || len(auth.Clients) == 0 {
		return "", true
	}
	v := strings.TrimSpace(header)
	scheme, cred, _ := strings.Cut(v, " ")
	if !strings.EqualFold(scheme, "basic") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	for _, c := range auth.Clients {
		want := base64.StdEncoding.EncodeToString([]byte(c.User + ":" + c.Password))
		if subtle.ConstantTimeCompare([]byte(cred), []byte(want)) == 1 {
			user, ok = c.User, true
		}
	}
	return user, ok
}

// statusBody is Kea's HttpResponseJson body for an HTTP error.
func statusBody(code int) []byte {
	return ctrl.Answer{Result: code, Text: http.StatusText(code)}.Bytes()
}

func writeResponse(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	// Set here so that it sorts among the others as in Kea's responses.
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// ServeHTTP handles one request as Kea's control agent does: a POST with
// Content-Type application/json and a body that is one JSON value (else
// 400, before authentication), then basic authentication (401 with
// WWW-Authenticate, nothing run), then the command, whose answer is always
// a list.
func (a *Agent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cfg := a.cfg.Load()
	if r.Method != http.MethodPost || !strings.EqualFold(strings.TrimSpace(r.Header.Get("Content-Type")), "application/json") {
		a.badRequest(w, r, "method or content type")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		a.badRequest(w, r, "body too large or unreadable")
		return
	}
	cmd, err := parseBody(body)
	if err != nil {
		a.badRequest(w, r, err.Error())
		return
	}
	user, ok := authorized(cfg.Auth, r.Header.Get("Authorization"))
	if !ok {
		a.log.Info(msgAuthFailed, remoteIP(r))
		realm := config.DefaultAgentRealm
		if cfg.Auth != nil {
			realm = cfg.Auth.Realm
		}
		// Kea spells the header this way; Go would canonicalize it.
		w.Header()["WWW-Authenticate"] = []string{`Basic realm="` + realm + `"`}
		writeResponse(w, http.StatusUnauthorized, statusBody(http.StatusUnauthorized))
		return
	}
	if user != "" {
		a.log.Info(msgAuthOK, user, remoteIP(r))
	}
	// Kea 2.2's "auth" and "response" hook points (RBAC).
	var call ctrl.HTTPHookCall
	var hreq *ctrl.HTTPRequest
	hh := hooks.HTTPHookPoints{Manager: a.hooksDispatcher, Auth: hooks.AgentAuth, Response: hooks.AgentResponse}
	if call = hh.Begin(); call != nil {
		defer call.End()
		hreq = &ctrl.HTTPRequest{Request: r, JSON: body, User: user}
		if resp := call.Authorize(hreq); resp != nil {
			writeHookResponse(w, resp)
			return
		}
	}
	resp := &ctrl.HTTPResponse{Status: http.StatusOK, Body: a.process(cmd, body, remoteIP(r))}
	if call != nil {
		resp = call.Respond(hreq, resp)
	}
	writeHookResponse(w, resp)
}

// writeHookResponse sends a response with the headers a callout added.
func writeHookResponse(w http.ResponseWriter, resp *ctrl.HTTPResponse) {
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeResponse(w, resp.Status, resp.Body)
}

func (a *Agent) badRequest(w http.ResponseWriter, r *http.Request, why string) {
	a.log.Debug(dbgDetail, msgBadRequest, remoteIP(r), why)
	writeResponse(w, http.StatusBadRequest, statusBody(http.StatusBadRequest))
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// parseBody reads a body as Kea's Element::fromJSON(string): one JSON value
// with only white space around it, no comments. An empty body gives a nil
// element and no error.
func parseBody(body []byte) (*ctrl.Element, error) {
	trimmed := strings.Trim(string(body), " \t\r\n")
	if len(trimmed) == 0 {
		return nil, nil
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		// A scalar: parsed inside a list, which also refuses what follows.
		l, err := ctrl.ParseWire([]byte("[" + trimmed + "]"))
		if err != nil || l.Len() != 1 {
			return nil, errors.New("invalid JSON")
		}
		return l.Items()[0], nil
	}
	f := ctrl.NewFeed(0)
	n := f.Write(body)
	if f.Err() != nil || !f.Done() {
		return nil, errors.New("incomplete or invalid JSON")
	}
	if strings.Trim(string(body[n:]), " \t\r\n") != "" {
		return nil, errors.New("extra data after the command")
	}
	// The feed drops comments, which Kea's HTTP parser refuses.
	if strings.TrimLeft(string(body[:n]), " \t\r\n") != string(f.Text()) {
		return nil, errors.New("comments in the command")
	}
	cmd, err := ctrl.ParseWire(f.Text())
	if err != nil {
		return nil, err
	}
	return cmd, nil
}
