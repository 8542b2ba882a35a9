package ctrl

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// HTTPListener is an http or https control socket (Kea 2.7+ "control-
// sockets"): a command is POSTed to "/" as a JSON body and the answer comes
// back wrapped in a list, [ { "result": ... } ], as the control agent
// answers.
type HTTPListener struct {
	cfg  *HTTPConfig
	mgr  *Manager
	log  *slog.Logger
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

// ListenHTTP opens the socket described by cfg and serves m on it.
func ListenHTTP(cfg *HTTPConfig, m *Manager, log *slog.Logger) (*HTTPListener, error) {
	if log == nil {
		log = slog.Default()
	}
	addr := net.JoinHostPort(cfg.Address, strconv.Itoa(int(cfg.Port)))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &HTTPListener{cfg: cfg, mgr: m, log: log, ln: ln, done: make(chan struct{})}
	l.srv = &http.Server{
		Handler:           l,
		ReadHeaderTimeout: DefaultTimeout,
		ReadTimeout:       DefaultTimeout,
		IdleTimeout:       DefaultTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	if cfg.TLS() {
		tc, err := tlsConfig(cfg)
		if err != nil {
			ln.Close()
			return nil, err
		}
		l.srv.TLSConfig = tc
		l.ln = tls.NewListener(ln, tc)
	}
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(l.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http control socket stopped", "msgid", "COMMAND_HTTP_SOCKET_FAIL", "error", err)
		}
	}()
	log.Info("http control socket started", "msgid", "COMMAND_HTTP_LISTENER_STARTED", "address", ln.Addr().String(), "tls", cfg.TLS())
	return l, nil
}

// Addr returns the address the socket listens on (useful with port 0).
func (l *HTTPListener) Addr() net.Addr { return l.ln.Addr() }

// Close stops the socket, letting requests in progress finish (for at most
// the control timeout).
func (l *HTTPListener) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	<-l.done
	return err
}

func tlsConfig(cfg *HTTPConfig) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("load certificate: %v", err)
	}
	pool := x509.NewCertPool()
	files := []string{cfg.TrustAnchor}
	if fi, err := os.Stat(cfg.TrustAnchor); err == nil && fi.IsDir() {
		files, _ = filepath.Glob(filepath.Join(cfg.TrustAnchor, "*"))
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if pool.AppendCertsFromPEM(b) {
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("no CA certificate in trust-anchor '%s'", cfg.TrustAnchor)
	}
	tc := &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    pool,
		MinVersion:   tls.VersionTLS12,
		ClientAuth:   tls.VerifyClientCertIfGiven,
	}
	if cfg.CertRequired {
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return tc, nil
}

// statusAnswer writes an HTTP error the way Kea's HttpResponseJson does:
// the body {"result": code, "text": reason}.
func (l *HTTPListener) statusAnswer(w http.ResponseWriter, code int) {
	body := Answer{Result: code, Text: http.StatusText(code)}.Bytes()
	l.write(w, code, body)
}

func (l *HTTPListener) write(w http.ResponseWriter, code int, body []byte) {
	writeHTTPResponse(w, &HTTPResponse{Status: code, Body: body}, l.cfg.Headers)
}

// authorized checks basic authentication as Kea's BasicHttpAuthConfig: no
// clients means no check; otherwise the base64 credentials after "Basic"
// must be one of the configured pairs.
func (l *HTTPListener) authorized(r *http.Request) bool {
	a := l.cfg.Auth
	if a == nil || len(a.Clients) == 0 {
		return true
	}
	v := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(v) < 8 || !strings.EqualFold(v[:5], "basic") {
		return false
	}
	given := strings.TrimSpace(v[5:])
	ok := false
	for _, c := range a.Clients {
		want := base64.StdEncoding.EncodeToString([]byte(c.User + ":" + c.Password))
		if subtle.ConstantTimeCompare([]byte(given), []byte(want)) == 1 {
			ok = true
		}
	}
	return ok
}

// ServeHTTP handles one request: the request must be a POST of JSON (else
// 400, before authentication, as in Kea), then basic authentication (401
// with WWW-Authenticate), then the service check and the command.
func (l *HTTPListener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if l.cfg.Metrics != nil && r.Method == http.MethodGet && r.URL.Path == "/metrics" {
		if !l.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="`+l.cfg.Auth.Realm+`"`)
			l.statusAnswer(w, http.StatusUnauthorized)
			return
		}
		l.cfg.Metrics.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodPost {
		l.statusAnswer(w, http.StatusBadRequest)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		l.statusAnswer(w, http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, DefaultMaxCommandSize+1))
	if err != nil || len(body) > DefaultMaxCommandSize {
		l.statusAnswer(w, http.StatusBadRequest)
		return
	}
	// Comments are allowed in commands; the feed drops them.
	f := NewFeed(0)
	n := f.Write(body)
	if f.Err() != nil || !f.Done() || strings.TrimLeft(string(body[n:]), " \t\r\n\b\f") != "" {
		l.statusAnswer(w, http.StatusBadRequest)
		return
	}
	cmd, err := parseString(f.Text())
	if err != nil {
		l.log.Info("bad command body", "msgid", "HTTP_BAD_CLIENT_REQUEST_RECEIVED", "error", err)
		l.statusAnswer(w, http.StatusBadRequest)
		return
	}
	if !l.authorized(r) {
		l.log.Info("request not authorized", "msgid", "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED", "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Basic realm="`+l.cfg.Auth.Realm+`"`)
		l.statusAnswer(w, http.StatusUnauthorized)
		return
	}
	var call HTTPHookCall
	var hreq *HTTPRequest
	if l.cfg.Hooks != nil {
		if call = l.cfg.Hooks.Begin(); call != nil {
			defer call.End()
			hreq = &HTTPRequest{Request: r, JSON: body, User: l.user(r)}
			if resp := call.Authorize(hreq); resp != nil {
				l.log.Info("request refused by a hook library", "msgid", "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED", "remote", r.RemoteAddr, "status", resp.Status)
				writeHTTPResponse(w, resp, l.cfg.Headers)
				return
			}
		}
	}
	var answer []byte
	if a := l.checkService(cmd); a != nil {
		answer = a.Bytes()
	} else {
		answer = l.mgr.Process(cmd)
	}
	out := make([]byte, 0, len(answer)+4)
	out = append(out, "[ "...)
	out = append(out, answer...)
	out = append(out, " ]"...)
	resp := &HTTPResponse{Status: http.StatusOK, Body: out}
	if call != nil {
		resp = call.Respond(hreq, resp)
	}
	writeHTTPResponse(w, resp, l.cfg.Headers)
}

// user returns the basic-authentication user of an authorized request.
func (l *HTTPListener) user(r *http.Request) string {
	if l.cfg.Auth == nil {
		return ""
	}
	u, p, ok := r.BasicAuth()
	if !ok {
		return ""
	}
	for _, c := range l.cfg.Auth.Clients {
		if c.User == u && c.Password == p {
			return u
		}
	}
	return ""
}

// checkService is Kea's HttpCommandResponseCreator::checkService.
func (l *HTTPListener) checkService(cmd *Element) *Answer {
	if l.cfg.Service == "" || cmd.Kind() != Map {
		return nil
	}
	s, _ := cmd.Get("service")
	if s == nil {
		return nil
	}
	fail := func(text string) *Answer { a := Error(text); return &a }
	if s.Kind() != List {
		return fail("service value must be a list")
	}
	switch s.Len() {
	case 0:
		return nil
	case 1:
	default:
		return fail("service value has more than one item")
	}
	name, err := s.Items()[0].StringValue()
	if err != nil {
		return fail("service name must be a string")
	}
	if name == "" || name == l.cfg.Service {
		return nil
	}
	return fail("unsupported service '" + name + "', expected '" + l.cfg.Service + "'")
}

// Compile-time check that the listener is an http.Handler.
var _ http.Handler = (*HTTPListener)(nil)
