package daemon

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
)

// ControlSockets are a daemon's open control sockets, keyed by their
// configuration so that a reconfiguration keeps a socket that did not
// change (a config-set arriving over it must be answered on it).
type ControlSockets struct {
	// Commands answers the commands arriving on every socket.
	Commands *ctrl.Manager
	// Metrics, when set, answers GET /metrics on http/https sockets.
	Metrics http.Handler
	// HTTPHooks, when set, gives http/https sockets' requests to the
	// http_auth and http_response callouts.
	HTTPHooks ctrl.HTTPHooks
	// Defaults are the daemon's http socket defaults (address, realm).
	Defaults ctrl.DaemonDefaults
	Log      *slog.Logger

	open map[string]io.Closer
}

// socketEntries lists control sockets (the "control-socket" map, nil when
// absent, then the "control-sockets" list) as JSON entries with their keys.
func socketEntries(single *config.ControlSocket, multi []*config.ControlSocket) ([]json.RawMessage, error) {
	var list []*config.ControlSocket
	if single != nil {
		list = append(list, single)
	}
	list = append(list, multi...)
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

// Apply opens the configured sockets that are not open yet and closes
// those the configuration no longer has.
func (c *ControlSockets) Apply(single *config.ControlSocket, multi []*config.ControlSocket) error {
	entries, err := socketEntries(single, multi)
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
		l, err := c.listen(e)
		if err != nil {
			return err
		}
		c.open[k] = l
	}
	return nil
}

func (c *ControlSockets) listen(entry json.RawMessage) (io.Closer, error) {
	var head struct {
		Type string `json:"socket-type"`
		Name string `json:"socket-name"`
	}
	if err := json.Unmarshal(entry, &head); err != nil {
		return nil, err
	}
	switch head.Type {
	case "unix":
		return ctrl.ListenUnix(head.Name, c.Commands, ctrl.UnixOptions{Logger: c.Log})
	case "http", "https":
		hc, err := ctrl.ParseHTTPConfig(stripKeys(entry, "socket-name"), c.Defaults)
		if err != nil {
			return nil, err
		}
		hc.Metrics = c.Metrics
		hc.Hooks = c.HTTPHooks
		return ctrl.ListenHTTP(hc, c.Commands, c.Log)
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

// Close closes every open socket.
func (c *ControlSockets) Close() {
	for k, l := range c.open {
		l.Close()
		delete(c.open, k)
	}
}
