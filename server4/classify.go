package server4

import (
	"github.com/nestordhcp/nestor/dhcp4"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/option"
)

// vendorClassPrefix is the prefix of the built-in class named after
// option 60.
const vendorClassPrefix = "VENDOR_CLASS_"

// classify1 is the first classification pass (Kea's classifyPacket): the
// VENDOR_CLASS_ class, then every class whose test depends neither on
// KNOWN/UNKNOWN nor waits for require-client-classes, in configuration
// order. ALL is already set.
func (w *worker) classify1() {
	if vc := w.q.VendorClass(); vc != nil {
		w.scratch = append(append(w.scratch[:0], vendorClassPrefix...), trimNUL(vc)...)
		w.q.Classes.Add(w.srv.intern(w.scratch))
	}
	w.evaluate(w.snap.phase1)
	w.deferredUnpack()
}

// deferredUnpack is Kea's deferredUnpack, done after the first
// classification pass: from then on option 43 of the query is read with
// the definition of the first class of the query that defines code 43 in
// its own option-def (a vendor's encapsulated space), else the global or
// standard one. Until then expressions see it undecoded, as in Kea.
func (w *worker) deferredUnpack() {
	w.unpacked = true
	if !w.q.Has(dhcp4.OptionVendorEncapsulated) {
		return
	}
	for _, name := range w.q.Classes {
		c := w.snap.byName[name]
		if c == nil || c.cfg == nil || c.cfg.Defs == nil {
			continue
		}
		for _, d := range c.cfg.OptionDefs {
			if d.Code == uint16(dhcp4.OptionVendorEncapsulated) && (d.Space == "" || d.Space == option.SpaceDHCP4) {
				w.defs = c.cfg.Defs
				return
			}
		}
	}
}

// classify2 follows the host lookup: KNOWN or UNKNOWN, then the classes
// depending on them.
func (w *worker) classify2(known bool) {
	if known {
		w.q.Classes.Add("KNOWN")
	} else {
		w.q.Classes.Add("UNKNOWN")
	}
	w.evaluate(w.snap.phase2)
}

// evaluate tests classes in order, adding the query to each that matches
// (and, for a template class, to the class spawned by its value).
func (w *worker) evaluate(list []*class4) {
	if len(list) == 0 {
		return
	}
	w.fillEvalContext()
	for _, c := range list {
		w.test(c)
	}
}

func (w *worker) fillEvalContext() {
	e := &w.ectx
	e.Pkt = &w.q.Packet
	e.Iface = w.q.IfName
	e.Src, e.Dst = w.q.Src.Addr(), w.q.Dst.Addr()
	e.Len = w.q.Len
	e.Defs = w.snap.cfg.Defs
	if w.defs != nil {
		e.Defs = w.defs
	}
	e.DeferredUnpacked = w.unpacked
	if e.Member == nil {
		e.Member = w.has
	}
}

func (w *worker) test(c *class4) {
	if c.expr == nil {
		return
	}
	if c.template {
		v, err := c.expr.EvalString(&w.ectx)
		if err != nil {
			w.srv.log.Debug(dbgDetail, msgEvalResult, c.name, err)
			return
		}
		if len(v) == 0 {
			return
		}
		w.scratch = append(append(append(append(w.scratch[:0], "SPAWN_"...), c.name...), '_'), v...)
		w.q.Classes.Add(c.name)
		w.q.Classes.Add(w.srv.intern(w.scratch))
		return
	}
	ok, err := c.expr.EvalBool(&w.ectx)
	if err != nil {
		w.srv.log.Debug(dbgDetail, msgEvalResult, c.name, err)
		return
	}
	if ok {
		w.q.Classes.Add(c.name)
	}
}

// requiredClassify evaluates the classes named by require-client-classes
// of the shared network, the subnet and the pool of the assigned address,
// in that order (Kea's requiredClassify). A named class without a test is
// not added.
func (w *worker) requiredClassify(yiaddr dhcp4.IPv4) {
	sn := w.subnet
	if sn == nil {
		return
	}
	lists := [2][]string{sn.require, nil}
	if !yiaddr.IsZero() {
		if p := sn.pool(yiaddr.Addr()); p != nil {
			lists[1] = p.require
		}
	}
	if len(lists[0]) == 0 && len(lists[1]) == 0 {
		return
	}
	w.fillEvalContext()
	for _, l := range lists {
		for _, name := range l {
			if c := w.snap.byName[name]; c != nil {
				w.test(c)
			}
		}
	}
}

// trimNUL strips trailing NUL bytes, as Kea does for string options.
func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

// msgEvalResult is Kea's EVAL_RESULT (libeval), which the catalogue of
// keamsg does not carry.
var msgEvalResult = klog.MustRegister("EVAL_RESULT", "Expression %1 evaluated to %2")
