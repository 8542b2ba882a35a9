package server6

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
)

// controlSockets are the open control sockets, keyed by their
// configuration so that a reconfiguration keeps a socket that did not
// change (a config-set arriving over it must be answered on it).
type controlSockets struct {
	open map[string]io.Closer
}

// socketEntries lists the control sockets of a configuration as JSON
// entries with their keys.
func socketEntries(cfg *config.Dhcp6) ([]json.RawMessage, error) {
	var list []*config.ControlSocket
	if cfg.ControlSocket != nil {
		list = append(list, cfg.ControlSocket)
	}
	list = append(list, cfg.ControlSockets...)
	var out []json.RawMessage
	for _, c := range list {
		n := config.NewMap()
		if c.Params != nil {
			n = c.Params.Clone()
		}
		n.Set("socket-type", config.NewString(c.SocketType))
		if c.SocketName != "" {
			n.Set("socket-name", config.NewString(c.SocketName))
		}
		n.Delete("user-context")
		n.Delete("comment")
		b, err := config.Compact(n)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// apply opens the sockets of cfg that are not open yet and closes those
// cfg no longer has.
func (c *controlSockets) apply(s *Server, cfg *config.Dhcp6) error {
	entries, err := socketEntries(cfg)
	if err != nil {
		return err
	}
	want := map[string]json.RawMessage{}
	for _, e := range entries {
		want[string(e)] = e
	}
	for k, l := range c.open {
		if _, ok := want[k]; !ok {
			l.Close()
			delete(c.open, k)
		}
	}
	if c.open == nil {
		c.open = map[string]io.Closer{}
	}
	for k, e := range want {
		if _, ok := c.open[k]; ok {
			continue
		}
		l, err := listen(s, e)
		if err != nil {
			return err
		}
		c.open[k] = l
	}
	return nil
}

func listen(s *Server, entry json.RawMessage) (io.Closer, error) {
	var head struct {
		Type string `json:"socket-type"`
		Name string `json:"socket-name"`
	}
	if err := json.Unmarshal(entry, &head); err != nil {
		return nil, err
	}
	switch head.Type {
	case "unix":
		return ctrl.ListenUnix(head.Name, s.cmds, ctrl.UnixOptions{Logger: s.slog})
	case "http", "https":
		hc, err := ctrl.ParseHTTPConfig(stripKeys(entry, "socket-name"), ctrl.Dhcp6Defaults)
		if err != nil {
			return nil, err
		}
		hc.Metrics = s.stats.PrometheusHandler(metricsNamespace)
		return ctrl.ListenHTTP(hc, s.cmds, s.slog)
	}
	return nil, fmt.Errorf("unsupported control socket type %q", head.Type)
}

// stripKeys removes keys from a JSON map (ParseHTTPConfig takes the
// entry's other keys).
func stripKeys(entry json.RawMessage, keys ...string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(entry, &m) != nil {
		return entry
	}
	for _, k := range keys {
		delete(m, k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return entry
	}
	return b
}

func (c *controlSockets) close() {
	for k, l := range c.open {
		l.Close()
		delete(c.open, k)
	}
}
