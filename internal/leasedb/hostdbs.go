package leasedb

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/host/sqlhosts"
	"github.com/nestordhcp/nestor/klog"
)

// HostDBs are a server's open hosts databases (hosts-database /
// hosts-databases), in configuration order.
type HostDBs struct {
	Stores []*sqlhosts.Store
	key    string
}

// Open opens the entries dbs, keeping the open stores when the parameters
// did not change. A lost hosts database connection is handled as a lost
// lease database connection, as Kea does: srv's service follows on-fail,
// with the pfx ("DHCP4" or "DHCP6") messages logged to log.
func (h *HostDBs) Open(dbs []*config.Database, srv Server, log *klog.Logger, slogger *slog.Logger, pfx string) error {
	keys := make([]string, 0, len(dbs))
	for _, db := range dbs {
		c, err := Config(db, 0)
		if err != nil {
			return err
		}
		keys = append(keys, Key(db, c))
	}
	key := strings.Join(keys, "\n")
	if key == h.key && len(h.Stores) == len(dbs) {
		return nil
	}
	var opened []*sqlhosts.Store
	for _, db := range dbs {
		c, _ := Config(db, 2)
		c.Events = Events(srv, c, log, pfx)
		c.Logf = func(format string, args ...any) { slogger.Info(fmt.Sprintf(format, args...)) }
		st, err := sqlhosts.Open(db.Type, c, slogger)
		if err != nil {
			for _, o := range opened {
				o.Close()
			}
			return OpenError(c, err)
		}
		opened = append(opened, st)
		if !st.Conn().Available() {
			// retry-on-startup: connecting in the background.
			c.Events.Lost(c.OnFail)
			if st.Conn().Available() {
				srv.SetDBDown(false)
			}
		}
	}
	h.Close()
	h.Stores, h.key = opened, key
	return nil
}

// Close closes the stores.
func (h *HostDBs) Close() {
	for _, o := range h.Stores {
		o.Close()
	}
	h.Stores, h.key = nil, ""
}
