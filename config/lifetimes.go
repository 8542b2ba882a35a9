package config

import "fmt"

// checkTriplet checks a lifetime triplet as Kea's parseIntTriplet does and
// returns its message, or "". name is "valid-lifetime" or
// "preferred-lifetime"; at is the map, named in the message for a triplet
// with min and max but no default.
func checkTriplet(name string, val, min, max Opt[uint32], at Pos) string {
	if !val.Set && !min.Set && !max.Set {
		return ""
	}
	v, lo, hi := val.V, min.V, max.V
	switch {
	case val.Set:
		if !min.Set {
			lo = v
		}
		if !max.Set {
			hi = v
		}
	case min.Set && max.Set:
		return fmt.Sprintf("have min-%s and max-%s but no %s (default) in %s", name, name, name, at)
	case min.Set:
		v, hi = lo, lo
	default:
		v, lo = hi, hi
	}
	if lo > hi {
		switch {
		case min.Set && max.Set:
			return fmt.Sprintf("the value of min-%s (%d) is not less than max-%s (%d)", name, lo, name, hi)
		case min.Set:
			return fmt.Sprintf("the value of min-%s (%d) is not less than (default) %s (%d)", name, lo, name, v)
		default:
			return fmt.Sprintf("the value of (default) %s (%d) is not less than max-%s (%d)", name, v, name, hi)
		}
	}
	if v < lo || v > hi {
		return fmt.Sprintf("the value of (default) %s (%d) is not between min-%s (%d) and max-%s (%d)", name, v, name, lo, name, hi)
	}
	return ""
}

// derived is the triplet Kea 2.2 checks in a shared network or subnet:
// its parser first copies the global values (with their defaults) and the
// network's into the scope, field by field.
func derivedTriplet(def uint32, chain ...[3]Opt[uint32]) (val, min, max Opt[uint32]) {
	for _, t := range chain {
		val, min, max = orOpt(val, t[0]), orOpt(min, t[1]), orOpt(max, t[2])
	}
	return orOpt(val, Some(def)), min, max
}

func validTriplet(p *ScopeParams) [3]Opt[uint32] {
	return [3]Opt[uint32]{p.ValidLifetime, p.MinValidLifetime, p.MaxValidLifetime}
}

func preferredTriplet(s *Scope6) [3]Opt[uint32] {
	return [3]Opt[uint32]{s.PreferredLifetime, s.MinPreferredLifetime, s.MaxPreferredLifetime}
}

func (d *decoder) checkGlobalLifetimes(s *Scope4) {
	v, lo, hi := derivedTriplet(DefaultValidLifetime, validTriplet(&s.ScopeParams))
	if msg := checkTriplet("valid-lifetime", v, lo, hi, Pos{}); msg != "" {
		d.fail(cfgErr(Pos{}, "%s", msg))
	}
}

// checkScopeLifetimes checks a DHCPv4 subnet's or network's valid
// lifetimes, with the values Kea's parser copied into it (p first, then
// its parents). Kea prefixes a subnet's error, not a network's.
func (d *decoder) checkScopeLifetimes(r *reader, p ...*ScopeParams) {
	prefix := "subnet configuration failed: "
	if len(p) == 2 && r.m.Has("name") && !r.m.Has("subnet") {
		prefix = ""
	}
	var chain [][3]Opt[uint32]
	for _, s := range p {
		chain = append(chain, validTriplet(s))
	}
	v, lo, hi := derivedTriplet(DefaultValidLifetime, chain...)
	if msg := checkTriplet("valid-lifetime", v, lo, hi, r.m.Pos()); msg != "" {
		r.fail(cfgErr(Pos{}, "%s%s", prefix, msg))
	}
}

// teeCheck checks t1-percent and t2-percent as Kea's parseTeePercents
// does when calculate-tee-times is on, and returns its message or "".
func teeCheck(calc bool, t1, t2 Opt[float64]) string {
	if !calc {
		return ""
	}
	if t2.Set && (t2.V <= 0 || t2.V >= 1) {
		return fmt.Sprintf("t2-percent:  %g is invalid, it must be greater than 0.0 and less than 1.0", t2.V)
	}
	if t1.Set && (t1.V <= 0 || t1.V >= 1) {
		return fmt.Sprintf("t1-percent:  %g is invalid it must be greater than 0.0 and less than 1.0", t1.V)
	}
	if t1.Set && t2.Set && t1.V >= t2.V {
		return fmt.Sprintf("t1-percent:  %g is invalid, it must be less than t2-percent: %g", t1.V, t2.V)
	}
	return ""
}

// teeCheck6 checks a DHCPv6 network's or subnet's percents with the values
// Kea's parser copied into it (chain: the scope first).
func teeCheck6(chain ...*Scope6) string {
	calc, t1, t2 := Opt[bool]{}, Opt[float64]{}, Opt[float64]{}
	for _, s := range chain {
		calc, t1, t2 = orOpt(calc, s.CalculateTeeTimes), orOpt(t1, s.T1Percent), orOpt(t2, s.T2Percent)
	}
	return teeCheck(calc.Or(true), t1, t2)
}
