package kjson

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxIncludeStack mirrors Kea's check "states_.size() > 10": a file may be
// included when at most ten includes are already open, so eleven levels of
// nesting work and the twelfth fails with "Too many nested include.".
const maxIncludeStack = 10

type fileID = os.FileInfo

// includer reads the main file and included files, enforcing the size
// limit over all of them.
type includer struct {
	baseDir string
	budget  int64 // bytes still allowed
	limit   int64
	// disabled refuses includes; ParseFile still reads the main file.
	disabled bool
}

// readFile reads path (relative to baseDir when set, else to the working
// directory, as Kea does) within the remaining byte budget.
func (in *includer) readFile(name string) (string, fileID, error) {
	path := name
	if in.baseDir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(in.baseDir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", nil, err
	}
	if fi.IsDir() {
		return "", nil, errIsDir
	}
	var b strings.Builder
	if fi.Mode().IsRegular() && fi.Size() <= in.budget {
		b.Grow(int(fi.Size()))
	}
	n, err := io.Copy(&b, io.LimitReader(f, in.budget+1))
	if err != nil {
		return "", nil, err
	}
	if n > in.budget {
		return "", nil, ErrTooLarge
	}
	in.budget -= n
	return b.String(), fi, nil
}

var errIsDir = errors.New("is a directory")

func (in *includer) tooLarge(name string, pos Pos) *Error {
	return &Error{Pos: pos, Style: NoPos, Err: ErrTooLarge,
		Msg: name + ": configuration is larger than the limit of " +
			strconv.FormatInt(in.limit, 10) + " bytes"}
}

// pushInclude starts scanning an included file, as Kea's includeFile.
func (l *lexer) pushInclude(name string) *Error {
	at := Pos{File: l.file, Line: l.dirLine, Col: l.dirCol}
	if len(l.stack) > maxIncludeStack {
		return &Error{Pos: at, Style: NoPos, Msg: "Too many nested include."}
	}
	if l.inc.disabled {
		return &Error{Pos: at, Style: NoPos, Msg: "Can't open include file " + name, Err: ErrIncludesDisabled}
	}
	src, id, err := l.inc.readFile(name)
	switch {
	case errors.Is(err, errIsDir):
		// Kea's fopen succeeds on a directory and the read then fails.
		return &Error{Pos: at, Style: NoPos, Msg: "input in flex scanner failed", Err: err}
	case errors.Is(err, ErrTooLarge):
		return l.inc.tooLarge(name, at)
	case err != nil:
		return &Error{Pos: at, Style: NoPos, Msg: "Can't open include file " + name, Err: err}
	}
	// Kea has no loop check: a loop ends in a syntax error or in "Too many
	// nested include.". Catch it early, keeping Kea's words in front.
	chain := []string{}
	loop := false
	for _, b := range append(l.stack, l.buffer) {
		if loop || (b.id != nil && os.SameFile(b.id, id)) {
			loop = true
			chain = append(chain, b.file)
		}
	}
	if loop {
		chain = append(chain, name)
		return &Error{Pos: at, Style: NoPos, Err: ErrIncludeLoop,
			Msg: "Too many nested include. (include loop: " + strings.Join(chain, " -> ") + ")"}
	}
	parent := l.buffer
	parent.sbl, parent.sbc, parent.sel, parent.sec = l.bl, l.bc, l.el, l.ec
	l.stack = append(l.stack, parent)
	l.buffer = buffer{src: src, file: name, id: id}
	l.bl, l.bc, l.el, l.ec = 1, 1, 1, 1
	l.state = stInitial
	return nil
}

// popInclude returns to the includer at the end of an included file; the
// scanner then expects the "?>" closing the directive.
func (l *lexer) popInclude() {
	top := len(l.stack) - 1
	l.buffer = l.stack[top]
	l.stack = l.stack[:top]
	l.bl, l.bc, l.el, l.ec = l.sbl, l.sbc, l.sel, l.sec
	l.state = stDirExit
}
