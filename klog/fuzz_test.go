package klog

import (
	"testing"
	"time"
)

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{
		DefaultPattern, DefaultSyslogPattern, "%d{%j %H:%M:%S.%q} %c %m\n",
		"%-15.40m|%10.35E{PATH}|%.30m|%20p|%-15r", "%3-p%.m%5|%d{%Y", "%c{2}%X{k}%%%n%", "%D{%%q %q %%%Q %c %x %X}",
	} {
		f.Add(s)
	}
	pi := &procInfo{pid: 42, start: time.Unix(0, 0), host: "h", fqdn: "h.example", loc: time.UTC}
	f.Fuzz(func(t *testing.T, pat string) {
		p := ParsePattern(pat)
		e := &event{t: time.Unix(1795440438, 123456789), sev: Warn, logger: "kea-dhcp4.dhcpsrv", msg: []byte("ID some message text"), tid: 7, env: pi}
		out := p.appendEvent(nil, e)
		// Each conversion is bounded by its widths; literals by the pattern.
		if limit := len(pat)*(maxMinWidth+64) + 1024; len(out) > limit {
			t.Fatalf("output of %d bytes for a %d-byte pattern", len(out), len(pat))
		}
		if p.String() != pat {
			t.Fatal("pattern text changed")
		}
	})
}

func FuzzParseMes(f *testing.F) {
	f.Add("% A_B text %1\ndescription\n# c\n$NAMESPACE x\n")
	f.Add("%\n% x y\n% x z\n")
	f.Fuzz(func(t *testing.T, src string) {
		es, err := ParseMes(src)
		if err != nil {
			return
		}
		for _, e := range es {
			if !validID(e.ID) || e.Text == "" {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}
