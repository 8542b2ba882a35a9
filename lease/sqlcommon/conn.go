package sqlcommon

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// ErrUnavailable is returned (wrapped) by every call while the database
// connection is lost and being recovered.
var ErrUnavailable = errors.New("database connection unavailable")

type connState int

const (
	stateOK connState = iota
	stateRecovering
	stateFailed // recovery gave up; each call tries again
)

// Conn is a connection pool to one lease database with Kea's
// lost-connection handling.
type Conn struct {
	DB     *sql.DB
	Layout Layout
	d      *Dialect
	cfg    Config

	mu     sync.Mutex
	state  connState
	stop   chan struct{}
	closed bool
	wg     sync.WaitGroup
	// onUp is run (under no lock) each time the connection is
	// (re)established, to prepare statements for the layout.
	onUp  func(*Conn, Layout) error
	ready bool // Layout is set and onUp has run (written before state becomes OK)
}

// Open connects to the database, checks its schema version and calls
// onUp with the layout. With RetryOnStartup a failure to connect starts
// the recovery instead of failing: the Conn is returned and calls fail
// with ErrUnavailable until the database is reachable.
func Open(d *Dialect, cfg Config, onUp func(*Conn, Layout) error) (*Conn, error) {
	db, err := d.Open(&cfg)
	if err != nil {
		return nil, err
	}
	n := cfg.poolSize()
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	c := &Conn{DB: db, d: d, cfg: cfg, stop: make(chan struct{}), onUp: onUp}
	if err := c.connect(); err != nil {
		var ce *connectError
		if !cfg.RetryOnStartup || !errors.As(err, &ce) {
			db.Close()
			return nil, err
		}
		cfg.logf("DHCPSRV_%s_DB_RECONNECT_ATTEMPT_SCHEDULE database connection failed at startup (%v); retry-on-startup is set", strings.ToUpper(d.Name), err)
		c.mu.Lock()
		c.state = stateRecovering
		c.mu.Unlock()
		c.wg.Add(1)
		go c.recover()
	}
	return c, nil
}

// connect pings the server, reads the schema version and prepares.
func (c *Conn) connect() error {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.connectTimeout())
	defer cancel()
	if err := c.DB.PingContext(ctx); err != nil {
		return &connectError{fmt.Errorf("unable to connect to %s database: %w", c.d.Name, err)}
	}
	l, err := c.d.layoutFor(ctx, c.DB, &c.cfg)
	if err != nil {
		return err
	}
	if c.ready {
		if l != c.Layout {
			return fmt.Errorf("%s schema version changed from %s to %s while connected; restart the server", c.d.Name, c.Layout.Version, l.Version)
		}
		return nil
	}
	c.Layout = l
	if c.onUp != nil {
		if err := c.onUp(c, l); err != nil {
			return err
		}
	}
	c.ready = true
	return nil
}

// Close stops the recovery and closes the pool.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.stop)
	c.mu.Unlock()
	c.wg.Wait()
	return c.DB.Close()
}

// Available reports whether the connection is believed to work.
func (c *Conn) Available() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state == stateOK
}

func isConnErr(d *Dialect, err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, sql.ErrConnDone), errors.As(err, &ne):
		return true
	}
	return d.IsConnError != nil && d.IsConnError(err)
}

// Do runs op, the unit of work of one store call. When op fails because
// the connection broke, Do checks the server with a fresh connection and
// runs op again with retry set (op must then cope with its own earlier
// attempt having been committed); when the server cannot be reached, the
// recovery starts and Do returns an error wrapping ErrUnavailable.
func (c *Conn) Do(op func(retry bool) error) error {
	c.mu.Lock()
	st := c.state
	c.mu.Unlock()
	if st == stateRecovering {
		return fmt.Errorf("%s: %w (reconnecting)", c.d.Name, ErrUnavailable)
	}
	retry := false
	for attempt := 0; ; attempt++ {
		err := op(retry)
		if !isConnErr(c.d, err) {
			if st == stateFailed && err == nil {
				c.setOK()
			}
			return err
		}
		// Dead connections in the pool each fail once; a working ping
		// says the server is there and another attempt may pass.
		if attempt <= c.cfg.poolSize() && c.pingPool() == nil {
			retry = true
			continue
		}
		c.lost(err)
		return fmt.Errorf("%s: %w: %v", c.d.Name, ErrUnavailable, err)
	}
}

// pingPool pings until a connection answers or every pooled connection
// (which may each have been killed) was tried: a ping on a dead pooled
// connection fails, and the pool drops that connection.
func (c *Conn) pingPool() error {
	var err error
	for range c.cfg.poolSize() + 1 {
		if err = c.ping(); err == nil {
			return nil
		}
	}
	return err
}

func (c *Conn) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.connectTimeout())
	defer cancel()
	return c.DB.PingContext(ctx)
}

func (c *Conn) setOK() {
	c.mu.Lock()
	was := c.state
	c.state = stateOK
	c.mu.Unlock()
	if was != stateOK && c.cfg.Events.Recovered != nil {
		c.cfg.Events.Recovered()
	}
}

// lost starts the recovery unless it runs already.
func (c *Conn) lost(cause error) {
	c.mu.Lock()
	if c.state == stateRecovering || c.closed {
		c.mu.Unlock()
		return
	}
	c.state = stateRecovering
	c.wg.Add(1)
	c.mu.Unlock()
	c.cfg.logf("DHCPSRV_%s_LEASE_DB_RECONNECT_ATTEMPT_SCHEDULE the database connection was lost (%v): %d tries every %v, on-fail %s",
		strings.ToUpper(c.d.Name), cause, c.cfg.MaxReconnectTries, c.cfg.ReconnectWaitTime, c.cfg.onFail())
	if c.cfg.Events.Lost != nil {
		c.cfg.Events.Lost(c.cfg.onFail())
	}
	go c.recover()
}

// recover retries the connection max-reconnect-tries times,
// reconnect-wait-time apart, and reports the outcome.
func (c *Conn) recover() {
	defer c.wg.Done()
	tag := strings.ToUpper(c.d.Name)
	for try := 1; try <= c.cfg.MaxReconnectTries; try++ {
		select {
		case <-c.stop:
			return
		case <-time.After(c.cfg.ReconnectWaitTime):
		}
		err := c.connect()
		if err == nil {
			c.cfg.logf("DHCPSRV_%s_LEASE_DB_RECONNECT_ATTEMPT_SUCCEEDED reconnected after %d tries", tag, try)
			c.setOK()
			return
		}
		c.cfg.logf("DHCPSRV_%s_LEASE_DB_RECONNECT_ATTEMPT_FAILED try %d of %d: %v", tag, try, c.cfg.MaxReconnectTries, err)
	}
	c.mu.Lock()
	c.state = stateFailed
	c.mu.Unlock()
	c.cfg.logf("DHCPSRV_%s_LEASE_DB_RECONNECT_FAILED maximum number of database reconnect attempts (%d) reached, on-fail %s",
		tag, c.cfg.MaxReconnectTries, c.cfg.onFail())
	if c.cfg.Events.Failed != nil {
		c.cfg.Events.Failed(c.cfg.onFail())
	}
}

// connectError is a failure to reach the server (as opposed to a schema
// problem), which retry-on-startup retries.
type connectError struct{ err error }

func (e *connectError) Error() string { return e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }
