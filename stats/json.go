package stats

import (
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/nestordhcp/nestor/config/kjson"
	"github.com/nestordhcp/nestor/ctrl"
)

// errEmpty is Kea's error for a statistic whose samples a zero count limit
// removed: statistic-get and statistic-get-all fail with it.
var errEmpty = errors.New("Observation storage container empty")

// timeLayout is Kea's clockToText with microseconds, in local time.
const timeLayout = "2006-01-02 15:04:05.000000"

// appendSamples appends the statistic's samples as Kea's getJSON prints
// them: [ [ value, "timestamp" ], ... ], newest first. o.mu must be held.
func (o *observation) appendSamples(dst []byte) ([]byte, error) {
	if o.count == 0 {
		return dst, errEmpty
	}
	dst = append(dst, "[ "...)
	for i := 0; i < o.count; i++ {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		s := o.at(i)
		dst = append(dst, "[ "...)
		dst = o.appendValue(dst, s)
		dst = append(dst, ", "...)
		dst = append(dst, '"')
		dst = time.Unix(0, s.ts).AppendFormat(dst, timeLayout)
		dst = append(dst, "\" ]"...)
	}
	return append(dst, " ]"...), nil
}

func (o *observation) appendValue(dst []byte, s sample) []byte {
	switch o.kind {
	case Integer:
		return strconv.AppendInt(dst, int64(s.num), 10)
	case BigInteger:
		if s.hi == 0 && s.num <= math.MaxInt64 || s.hi == -1 && s.num > math.MaxInt64 {
			return strconv.AppendInt(dst, int64(s.num), 10)
		}
		return bigFrom(s.hi, s.num).Append(dst, 10)
	case Float:
		return append(dst, kjson.FormatReal(math.Float64frombits(s.num))...)
	case Duration:
		return ctrl.AppendKeaString(dst, formatDuration(time.Duration(int64(s.num))))
	}
	return ctrl.AppendKeaString(dst, s.str)
}

// appendGet appends statistic-get's arguments: { "name": samples }, or an
// empty map for an unknown name.
func (r *Registry) appendGet(dst []byte, name string) ([]byte, error) {
	o := r.get(name)
	if o == nil {
		return append(dst, "{  }"...), nil
	}
	dst = append(dst, "{ "...)
	dst = ctrl.AppendKeaString(dst, name)
	dst = append(dst, ": "...)
	o.mu.Lock()
	dst, err := o.appendSamples(dst)
	o.mu.Unlock()
	return append(dst, " }"...), err
}

// appendAll appends statistic-get-all's arguments: every statistic, in
// name order.
func (r *Registry) appendAll(dst []byte) ([]byte, error) {
	dst = append(dst, "{ "...)
	for i, o := range r.sorted() {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = ctrl.AppendKeaString(dst, o.name)
		dst = append(dst, ": "...)
		o.mu.Lock()
		var err error
		dst, err = o.appendSamples(dst)
		o.mu.Unlock()
		if err != nil {
			return dst, err
		}
	}
	return append(dst, " }"...), nil
}
