package config

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/nestordhcp/nestor/config/kjson"
)

// Helpers that write model pieces back as the maps Kea's config-get shows.

func setOpt[T any](m *Node, key string, o Opt[T], conv func(T) *Node) {
	if o.Set {
		m.Set(key, conv(o.V))
	}
}

func u32Node(v uint32) *Node    { return NewInt(int64(v)) }
func u16Node(v uint16) *Node    { return NewInt(int64(v)) }
func boolNode(v bool) *Node     { return NewBool(v) }
func strNode(v string) *Node    { return NewString(v) }
func floatNode(v float64) *Node { return NewFloat(v) }

func stringsNode(ss []string) *Node {
	l := NewList()
	for _, s := range ss {
		l.Items = append(l.Items, NewString(s))
	}
	return l
}

func setUserContext(m *Node, uc *Node) {
	if uc != nil {
		m.Set("user-context", uc.Clone())
	}
}

func unparseOptionData(list []*OptionData) *Node {
	l := NewList()
	for _, od := range list {
		m := NewMap()
		m.Set("always-send", NewBool(od.AlwaysSend))
		if od.Code.Set {
			m.Set("code", NewInt(int64(od.Code.V)))
		}
		// Kea shows csv-format false for an option written without data.
		csv := od.CSVFormat.Or(od.Def != nil && od.Data != "")
		m.Set("csv-format", NewBool(csv))
		if csv {
			m.Set("data", NewString(od.Data))
		} else {
			m.Set("data", NewString(strings.ToUpper(hex.EncodeToString(od.Payload))))
		}
		if od.Name.Set {
			m.Set("name", NewString(od.Name.V))
		}
		if od.NeverSend {
			m.Set("never-send", NewBool(true))
		}
		m.Set("space", NewString(od.Space))
		setUserContext(m, od.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}

func unparseOptionDefs(list []*OptionDef) *Node {
	l := NewList()
	for _, d := range list {
		m := NewMap()
		m.Set("array", NewBool(d.Array))
		m.Set("code", NewInt(int64(d.Code)))
		m.Set("encapsulate", NewString(d.Encapsulate))
		m.Set("name", NewString(d.Name))
		m.Set("record-types", NewString(d.RecordTypes))
		m.Set("space", NewString(d.Space))
		m.Set("type", NewString(d.Type))
		setUserContext(m, d.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}

func unparseHooks(libs []*HooksLibrary) *Node {
	l := NewList()
	for _, h := range libs {
		m := NewMap()
		m.Set("library", NewString(h.Library))
		if h.Parameters != nil {
			m.Set("parameters", h.Parameters.Clone())
		}
		setUserContext(m, h.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}

func unparseLoggers(ls []*Logger) *Node {
	l := NewList()
	for _, lg := range ls {
		m := NewMap()
		m.Set("debuglevel", NewInt(int64(lg.DebugLevel)))
		m.Set("name", NewString(lg.Name))
		oo := NewList()
		for _, o := range lg.OutputOptions {
			om := NewMap()
			om.Set("flush", NewBool(o.Flush))
			if o.MaxSize != 10240000 {
				om.Set("maxsize", NewInt(int64(o.MaxSize)))
			}
			if o.MaxVer != 1 {
				om.Set("maxver", NewInt(int64(o.MaxVer)))
			}
			om.Set("output", NewString(o.Output))
			om.Set("pattern", NewString(o.Pattern))
			oo.Items = append(oo.Items, om)
		}
		m.Set("output_options", oo)
		sev := lg.Severity
		if sev == "" {
			sev = "INFO"
		}
		m.Set("severity", NewString(sev))
		setUserContext(m, lg.UserContext)
		l.Items = append(l.Items, m)
	}
	return l
}

// unparseDatabase shows a database map as written (Kea echoes its
// parameters).
func unparseDatabase(db *Database) *Node { return stripPositions(db.Params.Clone()) }

func unparseControlSocket(cs *ControlSocket) *Node {
	m := stripPositions(cs.Params.Clone())
	m.Delete("comment")
	m.Set("socket-type", NewString(cs.SocketType))
	if cs.UserContext != nil {
		m.Set("user-context", cs.UserContext.Clone())
	}
	return m
}

func stripPositions(n *Node) *Node {
	if n == nil {
		return nil
	}
	n.Span = Span{}
	for i := range n.Entries {
		n.Entries[i].KeyPos = Span{}
		stripPositions(n.Entries[i].Value)
	}
	for _, it := range n.Items {
		stripPositions(it)
	}
	return n
}

func unparseDdns(dd DhcpDdns) *Node {
	m := NewMap()
	m.Set("enable-updates", NewBool(dd.EnableUpdates))
	m.Set("max-queue-size", NewInt(int64(dd.MaxQueueSize)))
	m.Set("ncr-format", NewString(dd.NCRFormat))
	m.Set("ncr-protocol", NewString(dd.NCRProtocol))
	m.Set("sender-ip", NewString(dd.SenderIP))
	m.Set("sender-port", NewInt(int64(dd.SenderPort)))
	m.Set("server-ip", NewString(dd.ServerIP))
	m.Set("server-port", NewInt(int64(dd.ServerPort)))
	setUserContext(m, dd.UserContext)
	return m
}

func unparseELP(e ExpiredLeasesProcessing) *Node {
	m := NewMap()
	m.Set("flush-reclaimed-timer-wait-time", u32Node(e.FlushReclaimedTimerWaitTime))
	m.Set("hold-reclaimed-time", u32Node(e.HoldReclaimedTime))
	m.Set("max-reclaim-leases", u32Node(e.MaxReclaimLeases))
	m.Set("max-reclaim-time", u32Node(e.MaxReclaimTime))
	m.Set("reclaim-timer-wait-time", u32Node(e.ReclaimTimerWaitTime))
	m.Set("unwarned-reclaim-cycles", u32Node(e.UnwarnedReclaimCycles))
	return m
}

func unparseMT(mt MultiThreading) *Node {
	m := NewMap()
	m.Set("enable-multi-threading", NewBool(mt.Enable))
	m.Set("packet-queue-size", u32Node(mt.PacketQueueSize))
	m.Set("thread-pool-size", u32Node(mt.ThreadPoolSize))
	setUserContext(m, mt.UserContext)
	return m
}

func unparseQueue(q DHCPQueueControl) *Node {
	m := NewMap()
	m.Set("capacity", u32Node(q.Capacity))
	m.Set("enable-queue", NewBool(q.EnableQueue))
	m.Set("queue-type", NewString(q.QueueType))
	if q.Extra != nil {
		for _, e := range q.Extra.Entries {
			m.Set(e.Key, stripPositions(e.Value.Clone()))
		}
	}
	return m
}

// Hash is what config-hash-get reports for a configuration document (the
// map holding "Dhcp4"): the SHA-256 of Kea's compact rendering
// (Element::str(), keys sorted as Kea's maps keep them), in upper-case
// hex, as Kea 2.4+ computes it.
func Hash(doc *Node) (string, error) {
	e := toKJSON(doc)
	sortAll(e)
	b, err := e.MarshalJSON()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return strings.ToUpper(hex.EncodeToString(sum[:])), nil
}

func sortAll(e *kjson.Element) { e.SortKeys() }

// Compact renders a document as Kea's compact JSON, keys sorted.
func Compact(doc *Node) ([]byte, error) {
	e := toKJSON(doc)
	sortAll(e)
	return e.MarshalJSON()
}
