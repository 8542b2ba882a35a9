package config

import (
	"strings"

	"github.com/nestordhcp/nestor/eval"
	"github.com/nestordhcp/nestor/option"
)

// builtinClass reports whether name is a class member() may name without a
// definition: Kea 2.2 accepts these (eval.BuiltinClass follows the ARM's
// longer list, which 2.2 does not).
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

// classBase is what DHCPv4 and DHCPv6 classes have in common, read in the
// order Kea's ClientClassDefParser reads it.
type classBase struct {
	Name           string
	Test           Opt[string]
	TemplateTest   Opt[string]
	OnlyIfRequired bool
	OptionDefs     []*OptionDef
	OptionData     []*OptionData
	UserContext    *Node
	Expr           *eval.Expr
	Defs           *option.DefSet
}

// classReader reads a client-classes list: it knows which names are
// defined so far (member() may only name those and the built-in ones).
type classReader struct {
	d          *decoder
	globalDefs *option.DefSet
	defined    map[string]bool
}

func (d *decoder) newClassReader(globalDefs *option.DefSet) *classReader {
	return &classReader{d: d, globalDefs: globalDefs, defined: map[string]bool{}}
}

func (cr *classReader) isDefined(n string) bool { return cr.defined[n] || builtinClass(n) }

// readBase reads the name and tests of a class; r has already read the
// family's own scalars (so type errors come in Kea's order). It returns
// false after recording an error.
func (cr *classReader) readBase(it *Node, r *reader, c *classBase) bool {
	d := cr.d
	var name Opt[string]
	var oir Opt[bool]
	r.str("name", &name)
	c.Name = name.V
	r.str("test", &c.Test)
	r.str("template-test", &c.TemplateTest)
	r.bool("only-if-required", &oir)
	c.OnlyIfRequired = oir.V
	c.UserContext = r.userContext()
	if r.err != nil {
		d.fail(r.err)
		return false
	}
	if strings.TrimSpace(c.Name) == "" {
		d.fail(cfgErr(r.pos("name"), "Client Class name cannot be blank"))
		return false
	}
	if cr.defined[c.Name] {
		d.fail(cfgErr(it.Pos(), "Can't add class: Client Class: %s has already been defined", c.Name))
		return false
	}
	if c.Test.Set && c.TemplateTest.Set {
		d.fail(cfgErr(it.Pos(), "can not use both 'test' and 'template-test' for client class %s", c.Name))
		return false
	}
	for _, k := range []struct {
		key  string
		o    Opt[string]
		kind eval.Kind
	}{{"test", c.Test, eval.Bool}, {"template-test", c.TemplateTest, eval.String}} {
		if !k.o.Set {
			continue
		}
		x, err := eval.Compile(d.universe(), k.kind, k.o.V, &eval.Options{Defs: cr.globalDefs, ClassDefined: cr.isDefined})
		if err != nil {
			d.fail(cfgErr(r.pos(k.key), "expression: [%s] error: %v at", k.o.V, err))
			return false
		}
		c.Expr = x
	}
	return true
}

// readOptions reads the class's option-def and option-data entries.
func (cr *classReader) readOptions(r *reader, c *classBase) bool {
	d := cr.d
	c.OptionDefs = d.readOptionDefList(r)
	if r.err != nil {
		d.fail(r.err)
		return false
	}
	defs := cr.globalDefs
	if len(c.OptionDefs) > 0 {
		var custom []*option.Definition
		for _, od := range c.OptionDefs {
			def, err := d.checkOptionDef(od, true)
			if err != nil {
				d.fail(err)
				return false
			}
			custom = append(custom, def)
		}
		set, i, err := extendDefs(cr.globalDefs, custom)
		if err != nil {
			d.fail(cfgErr(c.OptionDefs[i].pos, "%s", err.Error()))
			return false
		}
		defs = set
		c.Defs = defs
	}
	c.OptionData = d.readOptionDataList(r)
	if r.err != nil {
		d.fail(r.err)
		return false
	}
	d.resolveOptions(c.OptionData, defs)
	return !d.failed()
}

func (d *decoder) readClientClasses4(l *Node, globalDefs *option.DefSet) []*ClientClass4 {
	if l == nil {
		return nil
	}
	cr := d.newClassReader(globalDefs)
	var out []*ClientClass4
	for _, it := range l.Items {
		r := newReader(it)
		c := &ClientClass4{pos: it.Pos()}
		r.str("next-server", &c.NextServer)
		r.str("server-hostname", &c.ServerHostname)
		r.str("boot-file-name", &c.BootFileName)
		r.u32("valid-lifetime", &c.ValidLifetime)
		r.u32("min-valid-lifetime", &c.MinValid)
		r.u32("max-valid-lifetime", &c.MaxValid)
		r.u32("offer-lifetime", &c.OfferLifetime)
		var b classBase
		if !cr.readBase(it, r, &b) {
			return nil
		}
		c.Name, c.Test, c.TemplateTest, c.OnlyIfRequired, c.UserContext, c.Expr = b.Name, b.Test, b.TemplateTest, b.OnlyIfRequired, b.UserContext, b.Expr
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
		if !cr.readOptions(r, &b) {
			return nil
		}
		c.OptionDefs, c.OptionData, c.Defs = b.OptionDefs, b.OptionData, b.Defs
		if lt := checkTriplet("valid-lifetime", c.ValidLifetime, c.MinValid, c.MaxValid, it.Pos()); lt != "" {
			d.fail(cfgErr(Pos{}, "%s", lt))
			return nil
		}
		cr.defined[c.Name] = true
		out = append(out, c)
	}
	return out
}

func (d *decoder) readClientClasses6(l *Node, globalDefs *option.DefSet) []*ClientClass6 {
	if l == nil {
		return nil
	}
	cr := d.newClassReader(globalDefs)
	var out []*ClientClass6
	for _, it := range l.Items {
		r := newReader(it)
		c := &ClientClass6{pos: it.Pos()}
		r.u32("valid-lifetime", &c.ValidLifetime)
		r.u32("min-valid-lifetime", &c.MinValid)
		r.u32("max-valid-lifetime", &c.MaxValid)
		r.u32("preferred-lifetime", &c.Preferred)
		r.u32("min-preferred-lifetime", &c.MinPreferred)
		r.u32("max-preferred-lifetime", &c.MaxPreferred)
		var b classBase
		if !cr.readBase(it, r, &b) {
			return nil
		}
		c.Name, c.Test, c.TemplateTest, c.OnlyIfRequired, c.UserContext, c.Expr = b.Name, b.Test, b.TemplateTest, b.OnlyIfRequired, b.UserContext, b.Expr
		if !cr.readOptions(r, &b) {
			return nil
		}
		c.OptionDefs, c.OptionData, c.Defs = b.OptionDefs, b.OptionData, b.Defs
		if lt := checkTriplet("valid-lifetime", c.ValidLifetime, c.MinValid, c.MaxValid, it.Pos()); lt != "" {
			d.fail(cfgErr(Pos{}, "%s", lt))
			return nil
		}
		if lt := checkTriplet("preferred-lifetime", c.Preferred, c.MinPreferred, c.MaxPreferred, it.Pos()); lt != "" {
			d.fail(cfgErr(Pos{}, "%s", lt))
			return nil
		}
		cr.defined[c.Name] = true
		out = append(out, c)
	}
	return out
}
