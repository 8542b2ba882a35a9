package klog

import (
	"bufio"
	"fmt"
	"strings"
	"sync"
)

// Message is one entry of a message catalogue: Kea's message ID and its
// text, in which %1, %2, ... stand for the arguments of the log call.
// Messages are created by Register or RegisterMes and are immutable.
type Message struct {
	ID   string
	Text string
	full string // "ID Text", the string Kea's formatter works on
}

// Catalogue is a set of messages by ID, like Kea's message dictionary.
// The package-level functions use one process-wide catalogue.
type Catalogue struct {
	mu   sync.RWMutex
	byID map[string]*Message
}

var global = &Catalogue{byID: map[string]*Message{}}

// Register adds a message to the catalogue. Registering the same ID again
// with the same text returns the existing message; a different text is an
// error (Kea's LOG_DUPLICATE_MESSAGE_ID).
func (c *Catalogue) Register(id, text string) (*Message, error) {
	if !validID(id) {
		return nil, fmt.Errorf("klog: invalid message ID %q", id)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.byID[id]; ok {
		if old.Text != text {
			return nil, fmt.Errorf("klog: duplicate message ID %s with a different text", id)
		}
		return old, nil
	}
	m := &Message{ID: id, Text: text, full: id + " " + text}
	c.byID[id] = m
	return m, nil
}

// Lookup returns the message with the ID, or nil.
func (c *Catalogue) Lookup(id string) *Message {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byID[id]
}

// Register adds a message to the process-wide catalogue.
func Register(id, text string) (*Message, error) { return global.Register(id, text) }

// MustRegister is Register for messages compiled into the program; it
// panics on an invalid or conflicting definition, which is a programming
// error found by any test that loads the package.
func MustRegister(id, text string) *Message {
	m, err := global.Register(id, text)
	if err != nil {
		panic(err)
	}
	return m
}

// LookupMessage returns the registered message with the ID, or nil.
func LookupMessage(id string) *Message { return global.Lookup(id) }

// MesEntry is one message definition read from a .mes file.
type MesEntry struct {
	ID, Text string
	Line     int
}

// ParseMes reads Kea's message-file format: "% ID text" defines a message,
// lines starting with '#' are comments, '$' lines are directives
// ($NAMESPACE, $PREFIX; accepted and ignored), and other lines are the
// description of the previous message (ignored).
func ParseMes(src string) ([]MesEntry, error) {
	var out []MesEntry
	seen := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "%") {
			continue
		}
		rest := strings.TrimSpace(line[1:])
		id, text, _ := strings.Cut(rest, " ")
		if id == "" {
			return nil, fmt.Errorf("klog: line %d: message definition without an ID", n)
		}
		if !validID(id) {
			return nil, fmt.Errorf("klog: line %d: invalid message ID %q", n, id)
		}
		if prev, ok := seen[id]; ok {
			return nil, fmt.Errorf("klog: line %d: duplicate message ID %s (first on line %d)", n, id, prev)
		}
		text = strings.TrimSpace(text)
		if text == "" {
			return nil, fmt.Errorf("klog: line %d: line found containing a message ID ('%s') and no text", n, id)
		}
		seen[id] = n
		out = append(out, MesEntry{ID: id, Text: text, Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("klog: %w", err)
	}
	return out, nil
}

// RegisterMes parses a .mes file and registers every message in it,
// returning them by ID. Nothing is registered when the file has an error.
func (c *Catalogue) RegisterMes(src string) (map[string]*Message, error) {
	es, err := ParseMes(src)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	for _, e := range es {
		if old, ok := c.byID[e.ID]; ok && old.Text != e.Text {
			c.mu.RUnlock()
			return nil, fmt.Errorf("klog: line %d: duplicate message ID %s with a different text", e.Line, e.ID)
		}
	}
	c.mu.RUnlock()
	out := make(map[string]*Message, len(es))
	for _, e := range es {
		m, err := c.Register(e.ID, e.Text)
		if err != nil {
			return nil, err
		}
		out[e.ID] = m
	}
	return out, nil
}

// MustRegisterMes registers a .mes file compiled into the program (see
// MustRegister for why it may panic).
func MustRegisterMes(src string) map[string]*Message {
	ms, err := global.RegisterMes(src)
	if err != nil {
		panic(err)
	}
	return ms
}

func validID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
