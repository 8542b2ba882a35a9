package sqlcommon

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// params is a database entry as the configuration holds it.
type params map[string]any

func (p params) String(k string) string { s, _ := p[k].(string); return s }
func (p params) Int(k string) (int64, bool) {
	v, ok := p[k].(int)
	return int64(v), ok
}
func (p params) Bool(k string, def bool) bool {
	if v, ok := p[k].(bool); ok {
		return v
	}
	return def
}

func TestFromDatabase(t *testing.T) {
	got, err := FromDatabase(params{
		"type": "postgresql", "host": "db.example.org", "port": 5433, "name": "kea", "user": "kea", "password": "secret",
		"connect-timeout": 10, "tcp-user-timeout": 3, "max-reconnect-tries": 5, "reconnect-wait-time": 1500,
		"on-fail": "serve-retry-continue", "retry-on-startup": true, "trust-anchor": "/ca.pem",
		"cert-file": "/c.pem", "key-file": "/k.pem", "cipher-list": "AES256-SHA",
	}, 8)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Host: "db.example.org", Port: 5433, Name: "kea", User: "kea", Password: "secret",
		ConnectTimeout: 10 * time.Second, TCPUserTimeout: 3 * time.Second, MaxReconnectTries: 5,
		ReconnectWaitTime: 1500 * time.Millisecond, OnFail: ServeRetryContinue, RetryOnStartup: true,
		TrustAnchor: "/ca.pem", CertFile: "/c.pem", KeyFile: "/k.pem", CipherList: "AES256-SHA", PoolSize: 8}
	if d := cmp.Diff(want, got, cmpopts.IgnoreFields(Config{}, "Events", "Logf")); d != "" {
		t.Errorf("FromDatabase (-want +got)\n%s", d)
	}
	if !got.TLS() {
		t.Errorf("TLS parameters not seen")
	}
	for _, bad := range []params{{"on-fail": "panic"}, {"cert-file": "/c.pem"}} {
		if _, err := FromDatabase(bad, 0); err == nil {
			t.Errorf("FromDatabase(%v) accepted", bad)
		}
	}
	if c, _ := FromDatabase(params{}, 0); c.onFail() != StopRetryExit || c.connectTimeout() != DefaultConnectTimeout || c.poolSize() < 2 {
		t.Errorf("defaults: %+v", c)
	}
}

func TestCipherSuites(t *testing.T) {
	if s, err := CipherSuites("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA"); err != nil || len(s) != 2 {
		t.Errorf("CipherSuites = %v, %v", s, err)
	}
	if _, err := CipherSuites("RC4-MD5"); err == nil {
		t.Errorf("an unknown cipher was accepted")
	}
}

func TestExpire(t *testing.T) {
	for _, tc := range []struct {
		cltt   int64
		valid  uint32
		expire int64
		fail   bool
	}{
		{1000, 3600, 4600, false},
		{1000, 0xffffffff, 1000, false}, // infinite: expire holds cltt, as Kea writes it
		{MaxDBTime - 10, 100, 0, true},
	} {
		e, err := expireOf(tc.cltt, tc.valid)
		if (err != nil) != tc.fail || (!tc.fail && e != tc.expire) {
			t.Errorf("expireOf(%d, %d) = %d, %v", tc.cltt, tc.valid, e, err)
		}
		if !tc.fail && clttOf(e, tc.valid) != tc.cltt {
			t.Errorf("clttOf(%d, %d) = %d, want %d", e, tc.valid, clttOf(e, tc.valid), tc.cltt)
		}
	}
}
