package config

import "strings"

// Logger is a loggers entry.
type Logger struct {
	Name          string
	Severity      string // as written, upper-cased ("" when absent)
	DebugLevel    int
	OutputOptions []OutputOption
	UserContext   *Node
	pos           Pos
}

// Pos is where the entry is in the configuration file.
func (l *Logger) Pos() Pos { return l.pos }

// OutputOption is one destination of a logger.
type OutputOption struct {
	Output  string // stdout, stderr, syslog, syslog:name, or a file
	Flush   bool
	MaxSize uint64
	MaxVer  int
	Pattern string
}

// Severities Kea knows, most severe first.
var severities = []string{"FATAL", "ERROR", "WARN", "INFO", "DEBUG", "NONE"}

func (d *decoder) readLoggers(l *Node) []*Logger {
	if l == nil {
		return nil
	}
	var out []*Logger
	for _, it := range l.Items {
		r := newReader(it)
		lg := &Logger{pos: it.Pos(), UserContext: r.userContext()}
		var name, sev Opt[string]
		r.str("name", &name)
		r.str("severity", &sev)
		lg.Name, lg.Severity = name.V, sev.V
		if v := it.Get("debuglevel"); v != nil {
			if v.Int < 0 || v.Int > 99 {
				r.errorf(v.Pos(), "debuglevel must be in the range 0..99, got %d", v.Int)
			}
			lg.DebugLevel = int(v.Int)
		}
		if sev.Set && !knownSeverity(sev.V) {
			// Kea logs LOG_BAD_SEVERITY and uses INFO.
			d.warn("LOG_BAD_SEVERITY", "unrecognized log severity: "+sev.V, r.pos("severity"))
		}
		oo := it.Get("output_options")
		if oo == nil {
			oo = it.Get("output-options")
		}
		if oo != nil {
			for _, o := range oo.Items {
				rr := newReader(o)
				opt := OutputOption{Flush: true, MaxSize: 10240000, MaxVer: 1}
				var out, pat Opt[string]
				var fl Opt[bool]
				rr.str("output", &out)
				rr.str("pattern", &pat)
				rr.bool("flush", &fl)
				opt.Output, opt.Pattern, opt.Flush = out.V, pat.V, fl.Or(true)
				if v := o.Get("maxsize"); v != nil {
					if v.Int < 0 {
						rr.errorf(v.Pos(), "out of range value (%d) specified for parameter 'maxsize'", v.Int)
					}
					opt.MaxSize = uint64(v.Int)
				}
				if v := o.Get("maxver"); v != nil {
					if v.Int < 0 || v.Int > 1<<31-1 {
						rr.errorf(v.Pos(), "out of range value (%d) specified for parameter 'maxver'", v.Int)
					}
					opt.MaxVer = int(v.Int)
				}
				if rr.err == nil && !out.Set {
					rr.errorf(o.Pos(), "output_options entry does not have a mandatory 'output' element")
				}
				if rr.err != nil {
					r.fail(rr.err)
					break
				}
				lg.OutputOptions = append(lg.OutputOptions, opt)
			}
		}
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		out = append(out, lg)
	}
	return out
}

func knownSeverity(s string) bool {
	for _, k := range severities {
		if strings.EqualFold(s, k) {
			return true
		}
	}
	return false
}
