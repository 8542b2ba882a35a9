package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nestordhcp/nestor/option"
)

// ExpressionParser compiles a client-class "test" (or "template-test")
// expression. The expression language comes with the DHCPv4 server; until
// a parser is plugged in here, tests are kept as text and only their
// member('...') references are checked. defined reports whether a class
// name may be referenced (built-in or defined earlier). The returned value
// is stored in ClientClass4.Expr. An error's text is put after "error: "
// in Kea's message.
var ExpressionParser func(expr string, family int, defined func(name string) bool) (any, error)

var memberRef = regexp.MustCompile(`member\s*\(\s*'([^']*)'\s*\)`)

// builtinClass reports whether name is a class Kea defines itself or
// reserves for hooks.
func builtinClass(name string) bool {
	switch name {
	case "ALL", "KNOWN", "UNKNOWN", "BOOTP", "DROP":
		return true
	}
	for _, p := range []string{"VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_", "SPAWN_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func (d *decoder) readClientClasses4(l *Node, globalDefs *option.DefSet) []*ClientClass4 {
	if l == nil {
		return nil
	}
	var out []*ClientClass4
	defined := map[string]bool{}
	isDefined := func(n string) bool { return defined[n] || builtinClass(n) }
	for _, it := range l.Items {
		r := newReader(it)
		c := &ClientClass4{pos: it.Pos()}
		var name Opt[string]
		var oir Opt[bool]
		r.str("name", &name)
		c.Name = name.V
		r.str("test", &c.Test)
		r.str("template-test", &c.TemplateTest)
		r.bool("only-if-required", &oir)
		c.OnlyIfRequired = oir.V
		r.str("next-server", &c.NextServer)
		r.str("server-hostname", &c.ServerHostname)
		r.str("boot-file-name", &c.BootFileName)
		r.u32("valid-lifetime", &c.ValidLifetime)
		r.u32("min-valid-lifetime", &c.MinValid)
		r.u32("max-valid-lifetime", &c.MaxValid)
		r.u32("offer-lifetime", &c.OfferLifetime)
		c.UserContext = r.userContext()
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		if strings.TrimSpace(c.Name) == "" {
			d.fail(cfgErr(r.pos("name"), "Client Class name cannot be blank"))
			return nil
		}
		if defined[c.Name] {
			d.fail(cfgErr(it.Pos(), "Can't add class: Client Class: %s has already been defined", c.Name))
			return nil
		}
		if c.Test.Set && c.TemplateTest.Set {
			d.fail(cfgErr(it.Pos(), "can not use both 'test' and 'template-test' for client class %s", c.Name))
			return nil
		}
		for _, k := range []struct {
			key string
			o   Opt[string]
		}{{"test", c.Test}, {"template-test", c.TemplateTest}} {
			if !k.o.Set {
				continue
			}
			if err := d.checkExpression(k.o.V, r.pos(k.key), isDefined); err != nil {
				d.fail(err)
				return nil
			}
			if ExpressionParser != nil {
				x, err := ExpressionParser(k.o.V, d.family, isDefined)
				if err != nil {
					d.fail(cfgErr(r.pos(k.key), "expression: [%s] error: %v at", k.o.V, err))
					return nil
				}
				c.Expr = x
			}
		}
		if c.NextServer.Set && c.NextServer.V != "" && !validAddr(c.NextServer.V, 4) {
			d.fail(cfgErr(r.pos("next-server"), "Invalid next-server value: %s", c.NextServer.V))
			return nil
		}
		if len(c.ServerHostname.V) > 63 {
			d.fail(cfgErr(r.pos("server-hostname"), "server-hostname must be at most 63 bytes long, it is %d", len(c.ServerHostname.V)))
			return nil
		}
		if len(c.BootFileName.V) > 127 {
			d.fail(cfgErr(r.pos("boot-file-name"), "boot-file-name must be at most 127 bytes long, it is %d", len(c.BootFileName.V)))
			return nil
		}
		c.OptionDefs = d.readOptionDefList(r)
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		defs := globalDefs
		if len(c.OptionDefs) > 0 {
			var custom []*option.Definition
			for _, od := range c.OptionDefs {
				def, err := d.checkOptionDef(od, true)
				if err != nil {
					d.fail(err)
					return nil
				}
				custom = append(custom, def)
			}
			set, i, err := extendDefs(globalDefs, custom)
			if err != nil {
				d.fail(cfgErr(c.OptionDefs[i].pos, "%s", err.Error()))
				return nil
			}
			defs = set
			c.Defs = defs
		}
		c.OptionData = d.readOptionDataList(r)
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		d.resolveOptions(c.OptionData, defs)
		if d.failed() {
			return nil
		}
		if lt := d.checkLifetimes(c.ValidLifetime, c.MinValid, c.MaxValid, Opt[uint32]{}); lt != "" {
			d.fail(cfgErr(it.Pos(), "%s", lt))
			return nil
		}
		defined[c.Name] = true
		out = append(out, c)
	}
	return out
}

// checkExpression checks the member('...') references of an expression:
// each must name a built-in class or one defined earlier (Kea refuses
// forward references).
func (d *decoder) checkExpression(expr string, at Pos, defined func(string) bool) *Error {
	for _, m := range memberRef.FindAllStringSubmatchIndex(expr, -1) {
		name := expr[m[2]:m[3]]
		if defined(name) {
			continue
		}
		// Kea locates the quoted name inside the expression: <string>:1.c1-c2.
		start := strings.LastIndex(expr[:m[2]], "'") + 1
		end := m[3] + 1
		return cfgErr(at, "expression: [%s] error: <string>:1.%s: Not defined client class '%s' at",
			expr, colRange(start, end), name)
	}
	return nil
}

func colRange(start, end int) string {
	if start == end {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d-%d", start, end)
}
