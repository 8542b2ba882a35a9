package klog

import (
	"strconv"
	"time"
)

// timeFormat is a compiled strftime format as log4cplus uses it for %d{}
// and %D{}: the C library's conversions in the C locale plus log4cplus's
// %q (milliseconds, 3 digits) and %Q (milliseconds with a microsecond
// fraction, "123.456").
type timeFormat struct {
	ops []timeOp
}

type timeOp struct {
	spec byte   // 0 for literal
	lit  string // literal text
}

// defaultDateFormat is what log4cplus uses for %d and %D without an
// option (or with an empty or unterminated one).
const defaultDateFormat = "%Y-%m-%d %H:%M:%S"

func compileTimeFormat(f string) timeFormat {
	var tf timeFormat
	lit := make([]byte, 0, len(f))
	flush := func() {
		if len(lit) > 0 {
			tf.ops = append(tf.ops, timeOp{lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 == len(f) {
			lit = append(lit, c)
			continue
		}
		i++
		s := f[i]
		switch s {
		case '%':
			lit = append(lit, '%')
		case 'n':
			lit = append(lit, '\n')
		case 't':
			lit = append(lit, '\t')
		case 'a', 'A', 'b', 'B', 'c', 'C', 'd', 'D', 'e', 'F', 'g', 'G', 'h', 'H', 'I', 'j', 'k', 'l',
			'm', 'M', 'p', 'P', 'q', 'Q', 'r', 'R', 's', 'S', 'T', 'u', 'U', 'V', 'w', 'W', 'x', 'X',
			'y', 'Y', 'z', 'Z':
			flush()
			tf.ops = append(tf.ops, timeOp{spec: s})
		default:
			// The C library prints conversions it does not know as written.
			lit = append(lit, '%', s)
		}
	}
	flush()
	return tf
}

var (
	shortDays   = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	longMonths  = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

func (tf *timeFormat) append(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	for _, op := range tf.ops {
		if op.spec == 0 {
			b = append(b, op.lit...)
			continue
		}
		b = appendTimeSpec(b, op.spec, t, year, int(month), day, hour, min, sec)
	}
	return b
}

func appendTimeSpec(b []byte, s byte, t time.Time, year, month, day, hour, min, sec int) []byte {
	switch s {
	case 'Y':
		return strconv.AppendInt(b, int64(year), 10)
	case 'm':
		return pad2(b, month, '0')
	case 'd':
		return pad2(b, day, '0')
	case 'e':
		return pad2(b, day, ' ')
	case 'H':
		return pad2(b, hour, '0')
	case 'k':
		return pad2(b, hour, ' ')
	case 'I':
		return pad2(b, hour12(hour), '0')
	case 'l':
		return pad2(b, hour12(hour), ' ')
	case 'M':
		return pad2(b, min, '0')
	case 'S':
		return pad2(b, sec, '0')
	case 'q':
		return pad3(b, t.Nanosecond()/1e6)
	case 'Q':
		us := t.Nanosecond() / 1e3
		b = pad3(b, us/1000)
		b = append(b, '.')
		return pad3(b, us%1000)
	case 'y':
		return pad2(b, year%100, '0')
	case 'C':
		return pad2(b, year/100, '0')
	case 'j':
		return pad3(b, t.YearDay())
	case 'a':
		return append(b, shortDays[t.Weekday()]...)
	case 'A':
		return append(b, longDays[t.Weekday()]...)
	case 'b', 'h':
		return append(b, shortMonths[month-1]...)
	case 'B':
		return append(b, longMonths[month-1]...)
	case 'p':
		if hour < 12 {
			return append(b, "AM"...)
		}
		return append(b, "PM"...)
	case 'P':
		if hour < 12 {
			return append(b, "am"...)
		}
		return append(b, "pm"...)
	case 'u':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return strconv.AppendInt(b, int64(wd), 10)
	case 'w':
		return strconv.AppendInt(b, int64(t.Weekday()), 10)
	case 'U':
		return pad2(b, (t.YearDay()-1+7-int(t.Weekday()))/7, '0')
	case 'W':
		return pad2(b, (t.YearDay()-1+7-(int(t.Weekday())+6)%7)/7, '0')
	case 'V':
		_, w := t.ISOWeek()
		return pad2(b, w, '0')
	case 'G':
		y, _ := t.ISOWeek()
		return strconv.AppendInt(b, int64(y), 10)
	case 'g':
		y, _ := t.ISOWeek()
		return pad2(b, y%100, '0')
	case 's':
		return strconv.AppendInt(b, t.Unix(), 10)
	case 'z':
		_, off := t.Zone()
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		b = append(b, sign)
		b = pad2(b, off/3600, '0')
		return pad2(b, off%3600/60, '0')
	case 'Z':
		name, _ := t.Zone()
		return append(b, name...)
	case 'D', 'x':
		b = pad2(b, month, '0')
		b = append(b, '/')
		b = pad2(b, day, '0')
		b = append(b, '/')
		return pad2(b, year%100, '0')
	case 'F':
		b = strconv.AppendInt(b, int64(year), 10)
		b = append(b, '-')
		b = pad2(b, month, '0')
		b = append(b, '-')
		return pad2(b, day, '0')
	case 'T', 'X':
		return appendHMS(b, hour, min, sec)
	case 'R':
		b = pad2(b, hour, '0')
		b = append(b, ':')
		return pad2(b, min, '0')
	case 'r':
		b = pad2(b, hour12(hour), '0')
		b = append(b, ':')
		b = pad2(b, min, '0')
		b = append(b, ':')
		b = pad2(b, sec, '0')
		if hour < 12 {
			return append(b, " AM"...)
		}
		return append(b, " PM"...)
	case 'c':
		b = append(b, shortDays[t.Weekday()]...)
		b = append(b, ' ')
		b = append(b, shortMonths[month-1]...)
		b = append(b, ' ')
		b = pad2(b, day, ' ')
		b = append(b, ' ')
		b = appendHMS(b, hour, min, sec)
		b = append(b, ' ')
		return strconv.AppendInt(b, int64(year), 10)
	}
	return b
}

func appendHMS(b []byte, h, m, s int) []byte {
	b = pad2(b, h, '0')
	b = append(b, ':')
	b = pad2(b, m, '0')
	b = append(b, ':')
	return pad2(b, s, '0')
}

func hour12(h int) int {
	h %= 12
	if h == 0 {
		return 12
	}
	return h
}

func pad2(b []byte, v int, pad byte) []byte {
	if v < 10 {
		return append(b, pad, byte('0'+v))
	}
	if v < 100 {
		return append(b, byte('0'+v/10), byte('0'+v%10))
	}
	return strconv.AppendInt(b, int64(v), 10)
}

func pad3(b []byte, v int) []byte {
	if v < 1000 && v >= 0 {
		return append(b, byte('0'+v/100), byte('0'+v/10%10), byte('0'+v%10))
	}
	return strconv.AppendInt(b, int64(v), 10)
}
