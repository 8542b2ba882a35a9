package stats

import (
	"math"
	"time"

	"github.com/nestordhcp/nestor/ctrl"
)

// RegisterCommands installs the statistic-* commands on m, answering as
// Kea 2.2 does (ctrl/testdata/kea22 holds the recorded answers).
func (r *Registry) RegisterCommands(m *ctrl.Manager) error {
	for name, h := range map[string]ctrl.Handler{
		"statistic-get":                  r.cmdGet,
		"statistic-get-all":              r.cmdGetAll,
		"statistic-reset":                r.cmdReset,
		"statistic-reset-all":            r.cmdResetAll,
		"statistic-remove":               r.cmdRemove,
		"statistic-remove-all":           r.cmdRemoveAll,
		"statistic-sample-age-set":       r.cmdAgeSet,
		"statistic-sample-age-set-all":   r.cmdAgeSetAll,
		"statistic-sample-count-set":     r.cmdCountSet,
		"statistic-sample-count-set-all": r.cmdCountSetAll,
	} {
		if err := m.Register(name, h); err != nil {
			return err
		}
	}
	return nil
}

// param returns a parameter of the arguments. Absent arguments yield nil;
// arguments that are not a map fail as Kea's get(string) does.
func param(args *ctrl.Element, key string) (*ctrl.Element, *ctrl.Answer) {
	if args == nil {
		return nil, nil
	}
	v, err := args.Get(key)
	if err != nil {
		a := ctrl.ProcessingError(err)
		return nil, &a
	}
	return v, nil
}

func statName(args *ctrl.Element) (string, *ctrl.Answer) {
	v, fail := param(args, "name")
	if fail != nil {
		return "", fail
	}
	if v == nil {
		a := ctrl.Error("Missing mandatory 'name' parameter.")
		return "", &a
	}
	s, err := v.StringValue()
	if err != nil {
		a := ctrl.Error("'name' parameter expected to be a string.")
		return "", &a
	}
	return s, nil
}

// statDuration reads "duration" (seconds). Kea 2.2 takes any integer and
// crashes on a negative one; Nestor refuses it.
func statDuration(args *ctrl.Element) (time.Duration, *ctrl.Answer) {
	v, fail := param(args, "duration")
	if fail != nil {
		return 0, fail
	}
	if v == nil {
		a := ctrl.Error("Missing mandatory 'duration' parameter.")
		return 0, &a
	}
	secs, err := v.IntValue()
	if err != nil {
		a := ctrl.ProcessingError(err)
		return 0, &a
	}
	if secs < 0 {
		a := ctrl.Error("'duration' parameter must not be negative.")
		return 0, &a
	}
	if secs > math.MaxInt64/int64(time.Second) {
		return time.Duration(math.MaxInt64), nil
	}
	return time.Duration(secs) * time.Second, nil
}

// statMaxSamples reads "max-samples", truncated to 32 bits as Kea does.
func statMaxSamples(args *ctrl.Element) (uint32, *ctrl.Answer) {
	v, fail := param(args, "max-samples")
	if fail != nil {
		return 0, fail
	}
	if v == nil {
		a := ctrl.Error("Missing mandatory 'max-samples' parameter.")
		return 0, &a
	}
	n, err := v.IntValue()
	if err != nil {
		a := ctrl.Error("'max-samples' parameter expected to be an integer.")
		return 0, &a
	}
	return uint32(n), nil
}

func notFound(name string) ctrl.Answer { return ctrl.Error("No '" + name + "' statistic found") }

func (r *Registry) cmdGet(c *ctrl.Command) ctrl.Answer {
	name, fail := statName(c.Args)
	if fail != nil {
		return *fail
	}
	b, err := r.appendGet(nil, name)
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	return ctrl.SuccessArgs(ctrl.RawKea(b))
}

func (r *Registry) cmdGetAll(*ctrl.Command) ctrl.Answer {
	b, err := r.appendAll(nil)
	if err != nil {
		return ctrl.ProcessingError(err)
	}
	return ctrl.SuccessArgs(ctrl.RawKea(b))
}

func (r *Registry) cmdReset(c *ctrl.Command) ctrl.Answer {
	name, fail := statName(c.Args)
	if fail != nil {
		return *fail
	}
	if !r.Reset(name) {
		return notFound(name)
	}
	return ctrl.Success("Statistic '" + name + "' reset.")
}

func (r *Registry) cmdResetAll(*ctrl.Command) ctrl.Answer {
	r.ResetAll()
	return ctrl.Success("All statistics reset to neutral values.")
}

func (r *Registry) cmdRemove(c *ctrl.Command) ctrl.Answer {
	name, fail := statName(c.Args)
	if fail != nil {
		return *fail
	}
	if !r.Remove(name) {
		return notFound(name)
	}
	return ctrl.Success("Statistic '" + name + "' removed.")
}

func (r *Registry) cmdRemoveAll(*ctrl.Command) ctrl.Answer {
	r.RemoveAll()
	return ctrl.Success("Warning: statistic-remove-all command is deprecated. All statistics removed.")
}

func (r *Registry) cmdAgeSet(c *ctrl.Command) ctrl.Answer {
	name, fail := statName(c.Args)
	if fail != nil {
		return *fail
	}
	d, fail := statDuration(c.Args)
	if fail != nil {
		return *fail
	}
	if !r.SetMaxSampleAge(name, d) {
		return notFound(name)
	}
	return ctrl.Success("Statistic '" + name + "' duration limit is set.")
}

func (r *Registry) cmdAgeSetAll(c *ctrl.Command) ctrl.Answer {
	d, fail := statDuration(c.Args)
	if fail != nil {
		return *fail
	}
	r.SetMaxSampleAgeAll(d)
	return ctrl.Success("All statistics duration limit are set.")
}

func (r *Registry) cmdCountSet(c *ctrl.Command) ctrl.Answer {
	name, fail := statName(c.Args)
	if fail != nil {
		return *fail
	}
	n, fail := statMaxSamples(c.Args)
	if fail != nil {
		return *fail
	}
	if !r.SetMaxSampleCount(name, n) {
		return notFound(name)
	}
	return ctrl.Success("Statistic '" + name + "' count limit is set.")
}

func (r *Registry) cmdCountSetAll(c *ctrl.Command) ctrl.Answer {
	n, fail := statMaxSamples(c.Args)
	if fail != nil {
		return *fail
	}
	if n == 0 {
		return ctrl.Error("'max-samples' parameter must not be zero")
	}
	r.SetMaxSampleCountAll(n)
	return ctrl.Success("All statistics count limit are set.")
}
