package sqlcommon

import (
	"fmt"
	"runtime"
	"time"
)

// OnFail is the "on-fail" action of a database entry.
type OnFail string

// The on-fail values Kea accepts.
const (
	// StopRetryExit stops the DHCP service while reconnecting and makes
	// the server exit when the tries are exhausted (Kea's default).
	StopRetryExit OnFail = "stop-retry-exit"
	// ServeRetryExit keeps serving while reconnecting, exits when the
	// tries are exhausted.
	ServeRetryExit OnFail = "serve-retry-exit"
	// ServeRetryContinue keeps serving and never exits.
	ServeRetryContinue OnFail = "serve-retry-continue"
)

// Config holds the parameters of a "lease-database" entry of type
// postgresql or mysql, with Kea's names in the comments.
type Config struct {
	Host     string // "host"; "" or "localhost" is the local server
	Port     int    // "port"; 0 for the backend's default
	Name     string // "name": the database
	User     string // "user"
	Password string // "password"

	ConnectTimeout time.Duration // "connect-timeout" (s); 0 means Kea's default 5 s
	ReadTimeout    time.Duration // "read-timeout" (s, MySQL only); 0 for none
	WriteTimeout   time.Duration // "write-timeout" (s, MySQL only); 0 for none
	TCPUserTimeout time.Duration // "tcp-user-timeout" (s, PostgreSQL only); 0 for none

	TrustAnchor string // "trust-anchor": CA file or directory
	CertFile    string // "cert-file"
	KeyFile     string // "key-file"
	KeyPassword string // "key-password"
	CipherList  string // "cipher-list" (OpenSSL names)

	MaxReconnectTries int           // "max-reconnect-tries"; 0 disables recovery
	ReconnectWaitTime time.Duration // "reconnect-wait-time" (ms in the config)
	OnFail            OnFail        // "on-fail"; "" means StopRetryExit
	RetryOnStartup    bool          // "retry-on-startup"
	Readonly          bool          // "readonly" (host databases only)

	// PoolSize is the largest number of open connections; the server
	// passes multi-threading's thread-pool-size. 0 means one per CPU.
	PoolSize int

	// Events receives the connection's state changes; see Events.
	Events Events
	// Logf receives Kea-style log messages; may be nil.
	Logf func(format string, args ...any)
}

// Events are the callbacks through which a store tells the server about
// its connection, so that the server can stop or resume the DHCP service
// as Kea's on-fail demands. Any of them may be nil. They are called from
// the store's recovery goroutine, never with a store lock held.
type Events struct {
	// Lost: the connection failed and recovery starts. With
	// StopRetryExit the server stops serving DHCP until Recovered.
	Lost func(OnFail)
	// Recovered: the connection works again; serve DHCP again.
	Recovered func()
	// Failed: recovery gave up after MaxReconnectTries (or at once when
	// it is 0). With StopRetryExit and ServeRetryExit the server exits;
	// with ServeRetryContinue it keeps serving and the store keeps
	// trying on each call.
	Failed func(OnFail)
}

// DefaultConnectTimeout is Kea's connect-timeout default.
const DefaultConnectTimeout = 5 * time.Second

func (c *Config) connectTimeout() time.Duration {
	if c.ConnectTimeout > 0 {
		return c.ConnectTimeout
	}
	return DefaultConnectTimeout
}

func (c *Config) onFail() OnFail {
	if c.OnFail == "" {
		return StopRetryExit
	}
	return c.OnFail
}

func (c *Config) poolSize() int {
	if c.PoolSize > 0 {
		return c.PoolSize
	}
	return max(runtime.NumCPU(), 2)
}

func (c *Config) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}

// DatabaseParams is how FromDatabase reads a database entry; the
// configuration's *config.Database satisfies it.
type DatabaseParams interface {
	String(key string) string
	Int(key string) (int64, bool)
	Bool(key string, def bool) bool
}

// FromDatabase reads a lease-database (or hosts-database) entry of the
// configuration (a *config.Database). poolSize is multi-threading's
// thread-pool-size (0: one per CPU).
func FromDatabase(db DatabaseParams, poolSize int) (Config, error) {
	var c Config
	if db == nil {
		return c, fmt.Errorf("no database configuration")
	}
	c.Host = db.String("host")
	c.Name = db.String("name")
	c.User = db.String("user")
	c.Password = db.String("password")
	if v, ok := db.Int("port"); ok {
		c.Port = int(v)
	}
	secs := func(k string) time.Duration {
		v, _ := db.Int(k)
		return time.Duration(v) * time.Second
	}
	c.ConnectTimeout = secs("connect-timeout")
	c.ReadTimeout = secs("read-timeout")
	c.WriteTimeout = secs("write-timeout")
	c.TCPUserTimeout = secs("tcp-user-timeout")
	c.TrustAnchor = db.String("trust-anchor")
	c.CertFile = db.String("cert-file")
	c.KeyFile = db.String("key-file")
	c.KeyPassword = db.String("key-password")
	c.CipherList = db.String("cipher-list")
	if v, ok := db.Int("max-reconnect-tries"); ok {
		c.MaxReconnectTries = int(v)
	}
	if v, ok := db.Int("reconnect-wait-time"); ok {
		c.ReconnectWaitTime = time.Duration(v) * time.Millisecond
	}
	switch of := OnFail(db.String("on-fail")); of {
	case "", StopRetryExit, ServeRetryExit, ServeRetryContinue:
		c.OnFail = of
	default:
		return c, fmt.Errorf("unsupported value '%s' for on-fail", of)
	}
	c.RetryOnStartup = db.Bool("retry-on-startup", false)
	c.Readonly = db.Bool("readonly", false)
	c.PoolSize = poolSize
	if (c.CertFile == "") != (c.KeyFile == "") {
		return c, fmt.Errorf("cert-file and key-file must be given together")
	}
	return c, nil
}

// TLS reports whether any TLS parameter is set.
func (c *Config) TLS() bool {
	return c.TrustAnchor != "" || c.CertFile != "" || c.KeyFile != "" || c.CipherList != ""
}
