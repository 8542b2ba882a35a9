// Package statcmds is Kea's stat_cmds hook library (libdhcp_stat_cmds.so):
// stat-lease4-get and stat-lease6-get, lease statistics per subnet counted
// by the lease database, in Kea's "result-set" layout.
//
// The library reaches the daemon through hooks.LibraryHandle.Services,
// which must implement Services4 in kea-dhcp4 and Services6 in kea-dhcp6.
// Assigned and declined counts come from the lease store (LeaseStats4/6);
// the total and cumulative columns from the daemon's statistics, as Kea
// takes them from its StatsMgr. Answers follow Kea 2.2's, recorded in
// testdata/kea22; README.md lists the differences from the ARM.
package statcmds

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/stats"
)

// Name is the library's Kea file name.
const Name = "libdhcp_stat_cmds.so"

func init() {
	hooks.RegisterLibrary(Name, func() hooks.Library { return &Library{} })
}

// Services4 is what the library needs from kea-dhcp4 (the same method set
// as lease_cmds asks for, so one daemon type serves both).
type Services4 interface {
	LeaseStore4() lease.Store4
	Config4() *config.Dhcp4
	Stats() *stats.Registry
}

// Services6 is the kea-dhcp6 counterpart of Services4.
type Services6 interface {
	LeaseStore6() lease.Store6
	Config6() *config.Dhcp6
	Stats() *stats.Registry
}

// Clock lets a test fix the result-set timestamp.
type Clock interface {
	Now() time.Time
}

// Library is one loaded instance of stat_cmds.
type Library struct {
	svc  any
	svc4 Services4
	svc6 Services6
}

// Daemons: stat_cmds loads only in the DHCP servers.
func (l *Library) Daemons() []string { return []string{"kea-dhcp4", "kea-dhcp6"} }

// MultiThreadingCompatible: the commands only read.
func (l *Library) MultiThreadingCompatible() bool { return true }

// Load checks the daemon's services and registers both commands (in both
// daemons, as Kea does). The library takes no parameters.
func (l *Library) Load(h *hooks.LibraryHandle) error {
	l.svc = h.Services()
	l.svc4, _ = l.svc.(Services4)
	l.svc6, _ = l.svc.(Services6)
	missing := errors.New("stat_cmds: the daemon offers no lease database to the library")
	switch h.ProcName() {
	case "kea-dhcp4":
		if l.svc4 == nil {
			return missing
		}
	case "kea-dhcp6":
		if l.svc6 == nil {
			return missing
		}
	default:
		if l.svc4 == nil && l.svc6 == nil {
			return missing
		}
	}
	if err := h.RegisterCommand("stat-lease4-get", l.handler(false)); err != nil {
		return err
	}
	return h.RegisterCommand("stat-lease6-get", l.handler(true))
}

// Unload drops the references to the daemon.
func (l *Library) Unload() error {
	l.svc, l.svc4, l.svc6 = nil, nil, nil
	return nil
}

func (l *Library) handler(v6 bool) hooks.Callout {
	return func(h *hooks.CalloutHandle) error {
		raw, err := hooks.Get[json.RawMessage](h, "command")
		if err != nil {
			return err
		}
		var resp json.RawMessage
		whole, err := ctrl.ParseWire(raw)
		if err != nil {
			resp = hooks.CreateAnswer(hooks.ResultError, err.Error(), nil)
		} else {
			args, _ := whole.Get("arguments")
			resp = l.statLeaseGet(v6, args)
		}
		hooks.Set(h, "response", resp)
		return nil
	}
}

// selection is what the arguments ask for.
type selection struct {
	kind        int // selAll, selSubnet, selRange
	first, last uint32
}

const (
	selAll = iota
	selSubnet
	selRange
)

// positiveID reads an id that must be an integer above zero.
func positiveID(v *ctrl.Element, name, missing string) (uint32, error) {
	if v == nil || v.Kind() != ctrl.Int {
		return 0, errors.New(missing)
	}
	n, _ := v.IntValue()
	if n <= 0 {
		return 0, fmt.Errorf("'%s' parameter must be > 0", name)
	}
	return uint32(n), nil
}

// parseSelection is Kea's LeaseStatCmdsImpl::getParameters.
func parseSelection(args *ctrl.Element) (selection, error) {
	var s selection
	if args == nil {
		return s, nil
	}
	if args.Kind() != ctrl.Map {
		return s, errors.New("'arguments' parameter is not a map")
	}
	if v, _ := args.Get("subnet-id"); v != nil {
		if v.Kind() != ctrl.Int {
			return s, errors.New("'subnet-id' parameter is not integer")
		}
		id, err := positiveID(v, "subnet-id", "")
		if err != nil {
			return s, err
		}
		s = selection{kind: selSubnet, first: id, last: id}
	}
	r, _ := args.Get("subnet-range")
	if r == nil {
		return s, nil
	}
	if s.kind == selSubnet {
		return s, errors.New("cannot specify both subnet-id and subnet-range")
	}
	if r.Kind() != ctrl.Map {
		return s, errors.New("subnet-range parameter is not a map")
	}
	fv, _ := r.Get("first-subnet-id")
	first, err := positiveID(fv, "first-subnet-id", "'first-subnet-id' parameter missing or not an integer")
	if err != nil {
		return s, err
	}
	lv, _ := r.Get("last-subnet-id")
	last, err := positiveID(lv, "last-subnet-id", "'last-subnet-id' parameter missing or not an integer")
	if err != nil {
		return s, err
	}
	if last < first {
		return s, errors.New("'last-subnet-id' must be greater than 'first-subnet-id'")
	}
	return selection{kind: selRange, first: first, last: last}, nil
}

var (
	columns4 = []string{"subnet-id", "total-addresses", "cumulative-assigned-addresses", "assigned-addresses", "declined-addresses"}
	// Kea names the fifth v6 column "declined-nas" (the ARM says
	// "declined-addresses"; tools such as Stork read "declined-nas").
	columns6 = []string{"subnet-id", "total-nas", "cumulative-assigned-nas", "assigned-nas", "declined-nas", "total-pds", "cumulative-assigned-pds", "assigned-pds"}
)

func (l *Library) statLeaseGet(v6 bool, args *ctrl.Element) json.RawMessage {
	cmd := "stat-lease4-get"
	if v6 {
		cmd = "stat-lease6-get"
	}
	sel, err := parseSelection(args)
	if err != nil {
		return hooks.CreateAnswer(hooks.ResultError, err.Error(), nil)
	}
	ids := l.subnetIDs(v6)
	var label string
	switch sel.kind {
	case selAll:
		label = "[all subnets]"
		if len(ids) > 0 {
			sel.first, sel.last = ids[0], ids[len(ids)-1]
		}
	case selSubnet:
		label = fmt.Sprintf("[subnet-id=%d]", sel.first)
	case selRange:
		label = fmt.Sprintf("[subnets %d through %d]", sel.first, sel.last)
	}
	var chosen []uint32
	for _, id := range ids {
		if id >= sel.first && id <= sel.last {
			chosen = append(chosen, id)
		}
	}
	if len(chosen) == 0 {
		why := fmt.Sprintf("selected ID range: %d through %d includes no known subnets", sel.first, sel.last)
		if sel.kind == selSubnet {
			why = fmt.Sprintf("subnet-id: %d does not exist", sel.first)
		}
		return hooks.CreateAnswer(hooks.ResultEmpty, cmd+label+": no matching data, "+why, json.RawMessage(`{}`))
	}
	if sel.kind == selRange && sel.first == sel.last {
		// Kea's lease backends refuse a one-subnet range.
		return hooks.CreateAnswer(hooks.ResultError, "LeaseStatsQuery: last_subnet_id_must be > first_subnet_id_", nil)
	}
	first, last := sel.first, sel.last
	if sel.kind == selAll {
		first, last = 0, 0
	}
	var rows []lease.StatRow
	if v6 {
		rows, err = l.svc6.LeaseStore6().LeaseStats6(first, last)
	} else {
		rows, err = l.svc4.LeaseStore4().LeaseStats4(first, last)
	}
	if err != nil {
		return hooks.CreateAnswer(hooks.ResultError, err.Error(), nil)
	}
	counts := map[uint32]*[4]int64{} // assigned, declined (v4/NA); assigned PD
	for _, r := range rows {
		c := counts[r.SubnetID]
		if c == nil {
			c = new([4]int64)
			counts[r.SubnetID] = c
		}
		switch {
		case (r.Type == lease.TypeV4 || r.Type == lease.TypeNA) && r.State == lease.StateDefault:
			c[0] += r.Count
		case (r.Type == lease.TypeV4 || r.Type == lease.TypeNA) && r.State == lease.StateDeclined:
			c[1] += r.Count
		case r.Type == lease.TypePD && r.State == lease.StateDefault:
			c[2] += r.Count
		}
	}
	reg := l.registry(v6)
	out := []byte(`{"result-set":{"columns":`)
	cols := columns4
	if v6 {
		cols = columns6
	}
	colJSON, _ := json.Marshal(cols)
	out = append(out, colJSON...)
	out = append(out, `,"rows":[`...)
	for i, id := range chosen {
		if i > 0 {
			out = append(out, ',')
		}
		c := counts[id]
		if c == nil {
			c = new([4]int64)
		}
		out = append(out, '[')
		out = strconv.AppendUint(out, uint64(id), 10)
		if v6 {
			out = appendStat(out, reg, id, "total-nas")
			out = appendStat(out, reg, id, "cumulative-assigned-nas")
			out = fmt.Appendf(out, ",%d,%d", c[0], c[1])
			out = appendStat(out, reg, id, "total-pds")
			out = appendStat(out, reg, id, "cumulative-assigned-pds")
			out = fmt.Appendf(out, ",%d", c[2])
		} else {
			out = appendStat(out, reg, id, "total-addresses")
			out = appendStat(out, reg, id, "cumulative-assigned-addresses")
			out = fmt.Appendf(out, ",%d,%d", c[0], c[1])
		}
		out = append(out, ']')
	}
	out = append(out, `],"timestamp":`...)
	ts, _ := json.Marshal(l.now().UTC().Format("2006-01-02 15:04:05.000000"))
	out = append(out, ts...)
	out = append(out, '}', '}')
	return hooks.CreateAnswer(hooks.ResultSuccess, fmt.Sprintf("%s%s: %d rows found", cmd, label, len(chosen)), json.RawMessage(out))
}

// appendStat appends ",value" of subnet[id].name (0 when absent; big
// integers exactly).
func appendStat(dst []byte, reg *stats.Registry, id uint32, name string) []byte {
	dst = append(dst, ',')
	if reg == nil {
		return append(dst, '0')
	}
	s, ok := reg.Get(fmt.Sprintf("subnet[%d].%s", id, name))
	switch {
	case !ok:
		return append(dst, '0')
	case s.Kind == stats.BigInteger && s.Big != nil:
		return new(big.Int).Set(s.Big).Append(dst, 10)
	case s.Kind == stats.Integer:
		return strconv.AppendInt(dst, s.Int, 10)
	}
	return append(dst, '0')
}

func (l *Library) registry(v6 bool) *stats.Registry {
	if v6 && l.svc6 != nil {
		return l.svc6.Stats()
	}
	if !v6 && l.svc4 != nil {
		return l.svc4.Stats()
	}
	return nil
}

// subnetIDs returns the configured subnet ids of the family, sorted.
func (l *Library) subnetIDs(v6 bool) []uint32 {
	var ids []uint32
	if v6 {
		if l.svc6 == nil {
			return nil
		}
		if cfg := l.svc6.Config6(); cfg != nil {
			for _, s := range cfg.AllSubnets {
				ids = append(ids, s.ID)
			}
		}
	} else {
		if l.svc4 == nil {
			return nil
		}
		if cfg := l.svc4.Config4(); cfg != nil {
			for _, s := range cfg.AllSubnets {
				ids = append(ids, s.ID)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

func (l *Library) now() time.Time {
	if c, ok := l.svc.(Clock); ok {
		return c.Now()
	}
	return time.Now()
}
