package sqlcommon

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// openSSLNames maps the OpenSSL names of TLS 1.2 cipher suites Go
// implements to Go's identifiers.
var openSSLNames = map[string]uint16{
	"ECDHE-ECDSA-AES128-GCM-SHA256": tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-RSA-AES128-GCM-SHA256":   tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-ECDSA-AES256-GCM-SHA384": tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-RSA-AES256-GCM-SHA384":   tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-ECDSA-CHACHA20-POLY1305": tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-RSA-CHACHA20-POLY1305":   tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-ECDSA-AES128-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	"ECDHE-RSA-AES128-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	"ECDHE-ECDSA-AES256-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	"ECDHE-RSA-AES256-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	"AES128-GCM-SHA256":             tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	"AES256-GCM-SHA384":             tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
	"AES128-SHA":                    tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	"AES256-SHA":                    tls.TLS_RSA_WITH_AES_256_CBC_SHA,
}

// CipherSuites converts an OpenSSL cipher list ("A:B:C") into Go's cipher
// suite identifiers; names Go does not implement are an error.
func CipherSuites(list string) ([]uint16, error) {
	var out []uint16
	for _, n := range strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		id, ok := openSSLNames[n]
		if !ok {
			return nil, fmt.Errorf("cipher %q is not supported", n)
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty cipher list")
	}
	return out, nil
}

// TLSConfig builds the client TLS configuration of cfg (nil when no TLS
// parameter is set): the trust anchor (a CA file or a directory of them)
// verifies the server, cert-file/key-file authenticate the client.
// Without a trust anchor the server's certificate is not verified, as
// Kea does. Encrypted keys (key-password) are not supported.
func TLSConfig(cfg *Config, serverName string) (*tls.Config, error) {
	if !cfg.TLS() {
		return nil, nil
	}
	tc := &tls.Config{ServerName: serverName, MinVersion: tls.VersionTLS12}
	if cfg.TrustAnchor != "" {
		pool, err := loadCAs(cfg.TrustAnchor)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	} else {
		tc.InsecureSkipVerify = true
	}
	if cfg.CertFile != "" {
		if cfg.KeyPassword != "" {
			return nil, fmt.Errorf("key-password: encrypted private keys are not supported by Nestor")
		}
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("cert-file/key-file: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if cfg.CipherList != "" {
		suites, err := CipherSuites(cfg.CipherList)
		if err != nil {
			return nil, fmt.Errorf("cipher-list: %w", err)
		}
		tc.CipherSuites = suites
		tc.MaxVersion = tls.VersionTLS12 // TLS 1.3 suites are not configurable
	}
	return tc, nil
}

func loadCAs(path string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("trust-anchor: %w", err)
	}
	files := []string{path}
	if st.IsDir() {
		ents, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("trust-anchor: %w", err)
		}
		files = files[:0]
		for _, e := range ents {
			if !e.IsDir() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("trust-anchor: %w", err)
		}
		if pool.AppendCertsFromPEM(b) {
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("trust-anchor: no certificate in %s", path)
	}
	return pool, nil
}
