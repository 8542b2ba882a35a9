package config

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/nestordhcp/nestor/hooks"
)

// HooksLibrary is a hooks-libraries entry: the library path as written and
// its parameters map (nil when absent).
type HooksLibrary struct {
	Library     string
	Parameters  *Node
	UserContext *Node
	pos         Pos
}

// Pos is where the entry is in the configuration file.
func (h *HooksLibrary) Pos() Pos { return h.pos }

// Name is the library's file name, the key under which a Nestor hook
// library registers ("libdhcp_lease_cmds.so").
func (h *HooksLibrary) Name() string { return filepath.Base(h.Library) }

// HasHookLibrary reports whether this binary has a hook library under the
// Kea file name (e.g. "libdhcp_lease_cmds.so"): the libraries register
// themselves with the hooks framework, which is what configuration checking
// consults.
func HasHookLibrary(fileName string) bool {
	for _, n := range hooks.LibraryNames() {
		if n == fileName {
			return true
		}
	}
	return false
}

// hookProblem says why a library cannot be loaded, or "" when it can.
// Kea opens the file; Nestor needs a built-in library of that name. A file
// that is missing fails in Kea too; an existing Kea library that Nestor
// lacks is Nestor's own limit, and the message says so.
func hookProblem(path string) string {
	name := filepath.Base(path)
	if HasHookLibrary(name) {
		return ""
	}
	if _, err := os.Stat(path); err != nil {
		return path + ": cannot open shared object file: No such file or directory"
	}
	return path + ": Nestor does not have the hook library " + name + " yet"
}

func (d *decoder) readHooksLibraries(l *Node) []*HooksLibrary {
	if l == nil {
		return nil
	}
	out := make([]*HooksLibrary, 0, len(l.Items))
	for _, it := range l.Items {
		r := newReader(it)
		var lib Opt[string]
		r.str("library", &lib)
		h := &HooksLibrary{Library: strings.TrimSpace(lib.V), pos: it.Pos(), UserContext: r.userContext()}
		if p := it.Get("parameters"); p != nil {
			h.Parameters = p.Clone()
		}
		if r.err == nil && h.Library == "" {
			r.errorf(r.pos("library"), "value of 'library' element must not be blank")
		}
		if r.err != nil {
			d.fail(r.err)
			return nil
		}
		out = append(out, h)
	}
	return out
}

// checkHooks validates the libraries the way Kea's -t does (it loads
// them), after everything else; the error lists every library in error,
// located at the hooks-libraries key, and Notes say why for each.
func (d *decoder) checkHooks(libs []*HooksLibrary, at Pos) {
	var bad, notes []string
	for _, h := range libs {
		if p := hookProblem(h.Library); p != "" {
			bad = append(bad, h.Library)
			notes = append(notes, "HOOKS_OPEN_ERROR failed to open hook library "+h.Library+": "+p)
		}
	}
	if len(bad) == 0 {
		return
	}
	e := cfgErr(at, "hooks libraries failed to validate - library or libraries in error are: %s", strings.Join(bad, ", "))
	e.Notes = notes
	d.fail(e)
}
