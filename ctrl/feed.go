package ctrl

import "errors"

// Feed finds the end of a command arriving in pieces, as Kea's JSONFeed
// does: there is no length prefix; the command is complete when the braces
// and brackets opened by its first '{' or '[' are all closed (outside
// strings and comments). White space and comments before the command are
// dropped; inside it, comments are dropped but the line breaks that end
// them are kept, so that positions in error messages count lines as Kea
// does. Whatever follows the closing bracket is ignored.
type Feed struct {
	state  feedState
	scopes int
	out    []byte
	err    error
	max    int
}

type feedState uint8

const (
	stStart feedState = iota
	stWSBefore
	stHashBefore
	stSlashBefore
	stCppBefore
	stCBefore
	stCEndBefore
	stInner
	stString
	stEscape
	stHash
	stSlash
	stCpp
	stC
	stCEnd
	stDone
	stFailed
)

// ErrTooLarge is reported when a command exceeds the feed's size limit.
var ErrTooLarge = errors.New("command too large")

// NewFeed returns a feed that fails with ErrTooLarge once the command text
// passes max bytes (0: no limit, as in Kea).
func NewFeed(max int) *Feed { return &Feed{max: max} }

// Done reports whether a complete command (or an error) was found.
func (f *Feed) Done() bool { return f.state == stDone || f.state == stFailed }

// Err returns Kea's framing error ("invalid first character a"), if any.
func (f *Feed) Err() error { return f.err }

// Text returns the command text collected so far (Kea's processed text).
func (f *Feed) Text() []byte { return f.out }

func (f *Feed) failf(msg string) {
	f.err = errors.New(msg)
	f.state = stFailed
}

// Write feeds data and returns how many bytes were consumed: all of them,
// or fewer when the command ended (or failed) inside data.
func (f *Feed) Write(data []byte) int {
	for i, c := range data {
		if f.Done() {
			return i
		}
		f.step(c)
		if f.max > 0 && len(f.out) > f.max && !f.Done() {
			f.err = ErrTooLarge
			f.state = stFailed
		}
	}
	return len(data)
}

func (f *Feed) open(c byte) {
	f.out = append(f.out, c)
	f.scopes = 1
	f.state = stInner
}

func (f *Feed) step(c byte) {
	ch := string([]byte{c})
	switch f.state {
	case stStart, stWSBefore:
		switch c {
		case '\t', '\n', '\r', ' ':
			f.state = stWSBefore
		case '#':
			f.state = stHashBefore
		case '/':
			f.state = stSlashBefore
		case '{', '[':
			f.open(c)
		default:
			if f.state == stStart {
				f.failf("invalid first character " + ch)
			} else {
				f.failf("invalid character " + ch)
			}
		}
	case stHashBefore, stCppBefore:
		if c == '\n' {
			f.state = stWSBefore
		}
	case stSlashBefore:
		switch c {
		case '/':
			f.state = stCppBefore
		case '*':
			f.state = stCBefore
		default:
			f.failf("invalid characters /" + ch)
		}
	case stCBefore:
		if c == '*' {
			f.state = stCEndBefore
		}
	case stCEndBefore:
		switch c {
		case '/':
			f.state = stWSBefore
		case '*':
		default:
			f.state = stCBefore
		}
	case stInner:
		switch c {
		case '{', '[':
			f.out = append(f.out, c)
			f.scopes++
		case '}', ']':
			f.out = append(f.out, c)
			f.scopes--
			if f.scopes == 0 {
				f.state = stDone
			}
		case '"':
			f.out = append(f.out, c)
			f.state = stString
		case '#':
			f.state = stHash
		case '/':
			f.state = stSlash
		default:
			f.out = append(f.out, c)
		}
	case stString:
		f.out = append(f.out, c)
		switch c {
		case '"':
			f.state = stInner
		case '\\':
			f.state = stEscape
		}
	case stEscape:
		f.out = append(f.out, c)
		f.state = stString
	case stHash, stCpp:
		if c == '\n' {
			f.out = append(f.out, c)
			f.state = stInner
		}
	case stSlash:
		switch c {
		case '/':
			f.state = stCpp
		case '*':
			f.state = stC
		default:
			f.failf("invalid characters /" + ch)
		}
	case stC:
		switch c {
		case '*':
			f.state = stCEnd
		case '\n':
			f.out = append(f.out, c)
		}
	case stCEnd:
		switch c {
		case '/':
			f.state = stInner
		case '*':
		case '\n':
			f.out = append(f.out, c)
			f.state = stC
		default:
			f.state = stC
		}
	}
}
