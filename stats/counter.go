package stats

import "sync/atomic"

// Counter is a handle on one integer statistic for the packet path: get it
// once (at configuration time) with Registry.Counter and call Inc or Add
// for every event. An update locks only this statistic, records the sample
// Kea would record (the new value with its timestamp) and allocates
// nothing once the sample buffer has reached its limit.
//
// If the statistic is removed (statistic-remove, statistic-remove-all), the
// next update re-creates it holding just that update, as Kea's addValue
// does. If a statistic of the same name but another kind exists, updates
// through the handle are dropped.
type Counter struct {
	reg  *Registry
	name string
	obs  atomic.Pointer[observation]
}

// Counter returns a handle on the integer statistic name, creating the
// statistic with the value 0 if it does not exist (as the servers do for
// their packet counters at startup).
func (r *Registry) Counter(name string) *Counter {
	c := &Counter{reg: r, name: name}
	c.resolve(0, true)
	return c
}

// LazyCounter returns a handle on the integer statistic name without
// creating it: the statistic appears with the first update, as Kea's
// counters that are not set up at startup do (pkt6-confirm-received).
func (r *Registry) LazyCounter(name string) *Counter {
	return &Counter{reg: r, name: name}
}

// Name returns the statistic's name.
func (c *Counter) Name() string { return c.name }

// Inc adds one.
func (c *Counter) Inc() { c.Add(1) }

// Dec subtracts one.
func (c *Counter) Dec() { c.Add(-1) }

// Add adds d and records the result as a new sample.
func (c *Counter) Add(d int64) {
	if o := c.obs.Load(); o != nil {
		now := c.reg.nowNano()
		o.mu.Lock()
		if !o.dead {
			v := o.cur
			v.ts = now
			v.num = uint64(int64(v.num) + d)
			o.push(v)
			o.mu.Unlock()
			return
		}
		o.mu.Unlock()
	}
	c.resolve(d, false)
}

// Set sets the value and records it as a new sample.
func (c *Counter) Set(v int64) {
	if o := c.obs.Load(); o != nil {
		now := c.reg.nowNano()
		o.mu.Lock()
		if !o.dead {
			o.push(sample{ts: now, num: uint64(v)})
			o.mu.Unlock()
			return
		}
		o.mu.Unlock()
	}
	if c.reg.SetInt(c.name, v) == nil {
		c.rebind()
	}
}

// Value returns the current value (0 when the statistic does not exist).
func (c *Counter) Value() int64 {
	s, ok := c.reg.Get(c.name)
	if !ok || s.Kind != Integer {
		return 0
	}
	return s.Int
}

// resolve is the slow path: the statistic is (re-)created through the
// registry with d added, and the handle bound to it.
func (c *Counter) resolve(d int64, create bool) {
	var err error
	if create {
		if o := c.reg.get(c.name); o != nil {
			c.bind(o)
			return
		}
		err = c.reg.SetInt(c.name, d)
	} else {
		err = c.reg.AddInt(c.name, d)
	}
	if err == nil {
		c.rebind()
	} else {
		c.obs.Store(nil)
	}
}

func (c *Counter) rebind() {
	if o := c.reg.get(c.name); o != nil {
		c.bind(o)
	}
}

func (c *Counter) bind(o *observation) {
	if o.kind == Integer {
		c.obs.Store(o)
	} else {
		c.obs.Store(nil)
	}
}
