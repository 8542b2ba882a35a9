package pkt

import "testing"

func TestClasses(t *testing.T) {
	var c Classes
	c.Add("ALL")
	c.Add("KNOWN")
	c.Add("ALL")
	if len(c) != 2 || !c.Has("KNOWN") || c.Has("UNKNOWN") {
		t.Fatalf("classes = %v", c)
	}
	var p Pkt4
	p.Classes = c
	p.IfName = "eth0"
	p.Reset()
	if p.IfName != "" || len(p.Classes) != 0 {
		t.Fatalf("Reset left %q %v", p.IfName, p.Classes)
	}
}
