package agent

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
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
	"github.com/nestordhcp/nestor/shell"
)

// countingDaemon is a unix control socket that counts the commands it
// receives.
func countingDaemon(t *testing.T, path string) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	m := ctrl.NewManager(nil)
	m.Register("server-tag-get", func(*ctrl.Command) ctrl.Answer {
		n.Add(1)
		return ctrl.SuccessArgs(map[string]string{"server-tag": "t"})
	})
	ln, err := ctrl.ListenUnix(path, m, ctrl.UnixOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &n
}

// TestAuthNothingForwarded checks that a request refused by basic
// authentication gets 401 and never reaches the daemon, and that the same
// request with credentials does.
func TestAuthNothingForwarded(t *testing.T) {
	dir := t.TempDir()
	n := countingDaemon(t, filepath.Join(dir, "kea4.sock"))
	a := testAgent(t, dir, `{"Control-agent": {"http-port": 0,
	  "control-sockets": {"dhcp4": {"socket-name": "RUN/kea4.sock"}},
	  "authentication": {"type": "basic", "clients": [{"user": "admin", "password": "1234"}]}}}`)
	url := "http://" + a.Addr().String() + "/"
	body := `{"command": "server-tag-get", "service": ["dhcp4"]}`
	tests := []struct {
		name, auth string
		status     int
	}{
		{"none", "", 401},
		{"wrong password", "admin:12345", 401},
		{"unknown user", "root:1234", 401},
		{"empty", ":", 401},
		{"good", "admin:1234", 200},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tc.auth != "" {
			u, p, _ := strings.Cut(tc.auth, ":")
			req.SetBasicAuth(u, p)
		}
		before := n.Load()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, resp.StatusCode, tc.status, b)
		}
		forwarded := n.Load() - before
		if tc.status == 401 {
			if forwarded != 0 {
				t.Errorf("%s: %d commands reached the daemon", tc.name, forwarded)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="kea-control-agent"` {
				t.Errorf("%s: WWW-Authenticate %q", tc.name, got)
			}
			if string(b) != `{ "result": 401, "text": "Unauthorized" }` {
				t.Errorf("%s: body %s", tc.name, b)
			}
		} else if forwarded != 1 || string(b) != `[ { "arguments": { "server-tag": "t" }, "result": 0 } ]` {
			t.Errorf("%s: forwarded %d, body %s", tc.name, forwarded, b)
		}
	}
}

// pki is a CA with a server and a client certificate, made for the test.
type pki struct {
	dir                                      string
	caFile, srvCert, srvKey, cliCert, cliKey string
	pool                                     *x509.CertPool
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	p := &pki{dir: dir, pool: x509.NewCertPool()}
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "nestor test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	p.pool.AddCert(caCert)
	p.caFile = writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER)
	issue := func(name string, serial int64, usage x509.ExtKeyUsage) (string, string) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := x509.MarshalECPrivateKey(key)
		return writePEM(t, dir, name+".pem", "CERTIFICATE", der), writePEM(t, dir, name+"-key.pem", "EC PRIVATE KEY", kb)
	}
	p.srvCert, p.srvKey = issue("server", 2, x509.ExtKeyUsageServerAuth)
	p.cliCert, p.cliKey = issue("client", 3, x509.ExtKeyUsageClientAuth)
	return p
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (p *pki) agentConfig(required bool) string {
	req := "true"
	if !required {
		req = "false"
	}
	return `{"Control-agent": {"http-port": 0, "trust-anchor": "` + p.caFile + `", "cert-file": "` + p.srvCert +
		`", "key-file": "` + p.srvKey + `", "cert-required": ` + req + `}}`
}

func (p *pki) post(addr string, withCert bool) (string, error) {
	tc := &tls.Config{RootCAs: p.pool}
	if withCert {
		c, err := tls.LoadX509KeyPair(p.cliCert, p.cliKey)
		if err != nil {
			return "", err
		}
		tc.Certificates = []tls.Certificate{c}
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tc}, Timeout: 5 * time.Second}
	resp, err := client.Post("https://"+addr+"/", "application/json", strings.NewReader(`{"command": "list-commands"}`))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// TestTLSClientCertificate: with cert-required (the default) a client
// without a certificate is refused during the handshake and one with a
// certificate signed by the trust anchor is served; with cert-required
// false both are served.
func TestTLSClientCertificate(t *testing.T) {
	p := newPKI(t)
	for _, required := range []bool{true, false} {
		a := testAgent(t, p.dir, p.agentConfig(required))
		addr := a.Addr().String()
		if _, err := p.post(addr, true); err != nil {
			t.Errorf("required=%v: client with a certificate: %v", required, err)
		}
		_, err := p.post(addr, false)
		if required && err == nil {
			t.Errorf("required=true: a client without a certificate was served")
		}
		if !required && err != nil {
			t.Errorf("required=false: client without a certificate: %v", err)
		}
		// Plain HTTP to the TLS socket gets nothing useful.
		resp, err := http.Post("http://"+addr+"/", "application/json", strings.NewReader(`{"command": "list-commands"}`))
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), "list-commands") {
				t.Errorf("required=%v: plain HTTP served a command", required)
			}
		}
		a.Close()
	}
}

// TestShellTLS runs Nestor's shell against the TLS agent, with and without
// a client certificate.
func TestShellTLS(t *testing.T) {
	p := newPKI(t)
	a := testAgent(t, p.dir, p.agentConfig(true))
	port := portOf(a)
	var so, se bytes.Buffer
	code := shell.Main([]string{"--port", port, "--ca", p.caFile, "--cert", p.cliCert, "--key", p.cliKey}, strings.NewReader(""), &so, &se)
	if code != 0 || !strings.Contains(so.String(), `"list-commands"`) {
		t.Errorf("with a certificate: exit %d, %q %q", code, so.String(), se.String())
	}
	so.Reset()
	code = shell.Main([]string{"--port", port, "--ca", p.caFile}, strings.NewReader(""), &so, &se)
	if code != 1 || !strings.HasPrefix(so.String(), "Failed to run: ") {
		t.Errorf("without a certificate: exit %d, %q", code, so.String())
	}
	so.Reset()
	code = shell.Main([]string{"--port", port, "--ca", p.dir, "--cert", p.cliCert, "--key", p.cliKey}, strings.NewReader(""), &so, &se)
	if code != 0 {
		t.Errorf("--ca as a directory: exit %d, %q", code, so.String())
	}
}
