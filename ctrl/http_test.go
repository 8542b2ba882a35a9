package ctrl_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nestordhcp/nestor/ctrl"
)

func startHTTP(t *testing.T, m *ctrl.Manager, raw string) (*ctrl.HTTPListener, string) {
	t.Helper()
	cfg, err := ctrl.ParseHTTPConfig(json.RawMessage(raw), ctrl.Dhcp4Defaults)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ctrl.ListenHTTP(cfg, m, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	scheme := "http"
	if cfg.TLS() {
		scheme = "https"
	}
	return l, scheme + "://" + l.Addr().String() + "/"
}

func post(t *testing.T, c *http.Client, url, body string, mod func(*http.Request)) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if mod != nil {
		mod(req)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// countingManager has a command that counts its runs.
func countingManager(t *testing.T) (*ctrl.Manager, *atomic.Int32) {
	m, _ := newKea22(t)
	var n atomic.Int32
	m.Register("count", func(*ctrl.Command) ctrl.Answer { n.Add(1); return ctrl.Success("counted") })
	return m, &n
}

func TestHTTPCommands(t *testing.T) {
	m, _ := countingManager(t)
	_, url := startHTTP(t, m, `{"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": 0,
		"http-headers": [{"name": "Strict-Transport-Security", "value": "max-age=31536000"}]}`)
	c := &http.Client{Timeout: 5 * time.Second}
	want, _ := os.ReadFile("testdata/kea22/answers/070-list-commands.out")
	resp, body := post(t, c, url, `{"command": "list-commands", /* c */ "service": ["dhcp4"]}`, nil)
	withCount := strings.Replace(string(want), `"config-write", `, `"config-write", "count", `, 1)
	if resp.StatusCode != 200 || body != "[ "+withCount+" ]" {
		t.Fatalf("list-commands: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Strict-Transport-Security") != "max-age=31536000" {
		t.Fatalf("headers: %v", resp.Header)
	}
	for _, tc := range []struct{ req, want string }{
		{`{"command": "foo"}`, `[ { "result": 2, "text": "'foo' command not supported." } ]`},
		{`{"command": "count", "service": ["dhcp6"]}`, `[ { "result": 1, "text": "unsupported service 'dhcp6', expected 'dhcp4'" } ]`},
		{`{"command": "count", "service": "dhcp4"}`, `[ { "result": 1, "text": "service value must be a list" } ]`},
		{`{"command": "count", "service": ["dhcp4", "d2"]}`, `[ { "result": 1, "text": "service value has more than one item" } ]`},
		{`{"command": "count", "service": []}`, `[ { "result": 0, "text": "counted" } ]`},
		{"{\"command\": \"statistic-get\",\n \"arguments\": [ ]}", `[ { "result": 1, "text": "Error during command processing: get(string) called on a non-map Element in (<string>:2:16)" } ]`},
	} {
		resp, body := post(t, c, url, tc.req, nil)
		if resp.StatusCode != 200 || body != tc.want {
			t.Errorf("%s: %d %s, want %s", tc.req, resp.StatusCode, body, tc.want)
		}
	}
	for _, tc := range []struct {
		name string
		mod  func(*http.Request)
		body string
	}{
		{"GET", func(r *http.Request) { r.Method = http.MethodGet }, `{"command": "count"}`},
		{"text/plain", func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, `{"command": "count"}`},
		{"bad JSON", nil, `{"command": }`},
		{"extra data", nil, `{"command": "count"} x`},
	} {
		resp, body := post(t, c, url, tc.body, tc.mod)
		if resp.StatusCode != 400 || body != `{ "result": 400, "text": "Bad Request" }` {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
		}
	}
}

func TestHTTPBasicAuth(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pwd"), []byte("s3cret\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "usr"), []byte("carol"), 0o600)
	os.WriteFile(filepath.Join(dir, "both"), []byte("dave:pw:with:colons"), 0o600)
	m, n := countingManager(t)
	_, url := startHTTP(t, m, `{"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": 0,
		"http-headers": [{"name": "X-Extra", "value": "1"}],
		"authentication": {"type": "basic", "directory": "`+dir+`", "clients": [
			{"user": "alice", "password": "wonder"},
			{"user": "bob", "password-file": "pwd"},
			{"user-file": "usr", "password": "x"},
			{"password-file": "both"}]}}`)
	c := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct {
		name       string
		user, pass string
		code       int
	}{
		{"no credentials", "", "", 401},
		{"wrong password", "alice", "nope", 401},
		{"unknown user", "eve", "wonder", 401},
		{"alice", "alice", "wonder", 200},
		{"bob from file", "bob", "s3cret", 200},
		{"carol from user-file", "carol", "x", 200},
		{"dave from password-file", "dave", "pw:with:colons", 200},
	} {
		before := n.Load()
		resp, body := post(t, c, url, `{"command": "count"}`, func(r *http.Request) {
			if tc.user != "" {
				r.SetBasicAuth(tc.user, tc.pass)
			}
		})
		if resp.StatusCode != tc.code {
			t.Errorf("%s: status %d %s", tc.name, resp.StatusCode, body)
			continue
		}
		ran := n.Load() - before
		if tc.code == 401 {
			if body != `{ "result": 401, "text": "Unauthorized" }` ||
				resp.Header.Get("WWW-Authenticate") != `Basic realm="kea-dhcpv4-server"` ||
				resp.Header.Get("X-Extra") != "1" || ran != 0 {
				t.Errorf("%s: %s %v ran=%d", tc.name, body, resp.Header, ran)
			}
		} else if ran != 1 || body != `[ { "result": 0, "text": "counted" } ]` {
			t.Errorf("%s: %s ran=%d", tc.name, body, ran)
		}
	}
}

// pki writes a CA, a server certificate for 127.0.0.1 and a client
// certificate into dir.
func pki(t *testing.T, dir string) (ca *x509.CertPool, client tls.Certificate) {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "nestor test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	caCert, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, cn string, usage x509.ExtKeyUsage, ips []net.IP) ([]byte, *ecdsa.PrivateKey) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, k
	}
	writePEM := func(name, typ string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writePEM("ca.pem", "CERTIFICATE", caDER)
	srvDER, srvKey := issue(2, "server", x509.ExtKeyUsageServerAuth, []net.IP{net.ParseIP("127.0.0.1")})
	writePEM("server.pem", "CERTIFICATE", srvDER)
	kb, _ := x509.MarshalECPrivateKey(srvKey)
	writePEM("server.key", "EC PRIVATE KEY", kb)
	cliDER, cliKey := issue(3, "client", x509.ExtKeyUsageClientAuth, nil)
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return pool, tls.Certificate{Certificate: [][]byte{cliDER}, PrivateKey: cliKey}
}

func TestHTTPSClientCertificates(t *testing.T) {
	dir := t.TempDir()
	pool, clientCert := pki(t, dir)
	m, n := countingManager(t)
	tlsKeys := `"trust-anchor": "` + dir + `/ca.pem", "cert-file": "` + dir + `/server.pem", "key-file": "` + dir + `/server.key"`
	_, required := startHTTP(t, m, `{"socket-type": "https", "socket-address": "127.0.0.1", "socket-port": 0, `+tlsKeys+`}`)
	_, optional := startHTTP(t, m, `{"socket-type": "https", "socket-address": "127.0.0.1", "socket-port": 0, "cert-required": false, `+tlsKeys+`}`)
	client := func(certs ...tls.Certificate) *http.Client {
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs}}}
	}
	req := func(c *http.Client, url string) (string, error) {
		r, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"command": "count"}`))
		r.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(r)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), nil
	}
	ok := `[ { "result": 0, "text": "counted" } ]`
	if body, err := req(client(clientCert), required); err != nil || body != ok {
		t.Fatalf("with a client certificate: %q %v", body, err)
	}
	before := n.Load()
	if body, err := req(client(), required); err == nil {
		t.Fatalf("cert-required accepted a client without certificate: %q", body)
	}
	if n.Load() != before {
		t.Fatal("a command ran for a client without certificate")
	}
	if body, err := req(client(), optional); err != nil || body != ok {
		t.Fatalf("cert-required false, no client certificate: %q %v", body, err)
	}
}

func TestParseHTTPConfigErrors(t *testing.T) {
	for _, raw := range []string{
		`{"socket-type": "https"}`,
		`{"socket-type": "http", "cert-file": "x"}`,
		`{"socket-type": "http", "bogus": 1}`,
		`{"socket-type": "unix"}`,
		`{"socket-type": "http", "socket-port": 70000}`,
		`{"socket-type": "http", "authentication": {"type": "digest"}}`,
		`{"socket-type": "http", "authentication": {"type": "basic", "clients": [{"password": "x"}]}}`,
		`{"socket-type": "http", "authentication": {"type": "basic", "clients": [{"user": "a:b", "password": "x"}]}}`,
		`{"socket-type": "http", "authentication": {"type": "basic", "clients": [{"user": "a", "password": "x", "password-file": "y"}]}}`,
	} {
		if _, err := ctrl.ParseHTTPConfig(json.RawMessage(raw), ctrl.Dhcp6Defaults); err == nil {
			t.Errorf("accepted %s", raw)
		}
	}
	c, err := ctrl.ParseHTTPConfig(json.RawMessage(`{"socket-type": "http", "authentication": {"type": "basic"}}`), ctrl.Dhcp6Defaults)
	if err != nil || c.Address != "::1" || c.Port != 8000 || c.Auth.Realm != "kea-dhcpv6-server" || !c.CertRequired {
		t.Fatalf("defaults: %+v %v", c, err)
	}
}
