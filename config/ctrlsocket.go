package config

// ControlSocket is the control-socket map, or one entry of the later
// control-sockets list (unix, http or https). Keys beyond type and name are
// kept as written in Params for the listener that needs them.
type ControlSocket struct {
	SocketType  string
	SocketName  string // unix: path
	Address     string // http(s)
	Port        uint16 // http(s)
	Params      *Node
	UserContext *Node
	pos         Pos
}

// Pos is where the entry is in the configuration file.
func (c *ControlSocket) Pos() Pos { return c.pos }

// maxUnixPath is sizeof(sun_path)-1 on Linux.
const maxUnixPath = 107

func (d *decoder) readControlSocket(m *Node, list bool) *ControlSocket {
	r := newReader(m)
	var typ, name, addr Opt[string]
	var port Opt[uint16]
	r.str("socket-type", &typ)
	r.str("socket-name", &name)
	r.str("socket-address", &addr)
	r.u16("socket-port", &port)
	cs := &ControlSocket{SocketType: typ.V, SocketName: name.V, Address: addr.V, Port: port.V,
		Params: m.Clone(), UserContext: r.userContext(), pos: m.Pos()}
	if r.err == nil {
		switch {
		case !list && typ.Set && typ.V != "unix":
			// Kea 2.2 checks the type when it opens the socket, not in -t;
			// Nestor's control-socket (singular) is unix only, as in the ARM.
			r.errorf(r.pos("socket-type"), "unsupported socket type: %s", typ.V)
		case list && typ.V != "unix" && typ.V != "http" && typ.V != "https":
			r.errorf(r.pos("socket-type"), "unsupported 'socket-type' '%s' not 'unix', 'http' or 'https'", typ.V)
		case (typ.V == "unix" || !typ.Set) && !name.Set:
			r.errorf(m.Pos(), "Mandatory 'socket-name' parameter missing")
		case (typ.V == "unix" || !typ.Set) && len(name.V) > maxUnixPath:
			r.errorf(r.pos("socket-name"), "socket name too long: %s", name.V)
		}
	}
	if r.err != nil {
		d.fail(r.err)
		return nil
	}
	if !typ.Set {
		cs.SocketType = "unix"
	}
	return cs
}
