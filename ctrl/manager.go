package ctrl

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
)

// Command is a parsed command given to a handler.
type Command struct {
	// Name is the "command" string.
	Name string
	// Args is "arguments": nil when absent, a Null element when null.
	Args *Element
	// Whole is the complete command map.
	Whole *Element
}

// ArgsJSON returns the arguments as standard JSON for encoding/json
// decoding (nil when absent).
func (c *Command) ArgsJSON() json.RawMessage {
	if c.Args == nil {
		return nil
	}
	b, _ := c.Args.MarshalJSON()
	return b
}

// Handler answers one command. It runs on the goroutine of the connection
// that received the command; several may run at once.
type Handler func(cmd *Command) Answer

// HookDispatcher is the seam for hook libraries (package hooks implements
// it with *hooks.Manager). The manager asks it first: if it handles a
// command, its response is the answer, even for a command the server also
// handles; list-commands adds CommandNames; and CommandProcessed sees, and
// may replace, every response (Kea's command_processed hook point). JSON
// crosses the seam as json.RawMessage: the whole command map, the
// command's arguments, and the answer map.
type HookDispatcher interface {
	HandleCommand(name string, command json.RawMessage) (response json.RawMessage, handled bool)
	CommandNames() []string
	CommandProcessed(name string, arguments, response json.RawMessage) json.RawMessage
}

// Manager is Kea's command manager: handlers registered by name, the
// command envelope checked as Kea checks it, answers printed as Kea prints
// them. It serves every control socket of a daemon. The zero value is not
// usable; call NewManager.
type Manager struct {
	mu       sync.RWMutex
	handlers map[string]Handler
	hooks    atomic.Pointer[hookBox]
	log      *slog.Logger
}

type hookBox struct{ d HookDispatcher }

// NewManager returns a manager with list-commands registered. A nil logger
// means slog.Default().
func NewManager(log *slog.Logger) *Manager {
	if log == nil {
		log = slog.Default()
	}
	m := &Manager{handlers: make(map[string]Handler), log: log}
	m.handlers["list-commands"] = m.listCommands
	return m
}

// Register installs the handler of a command. Registering a name twice is
// an error, as in Kea.
func (m *Manager) Register(name string, h Handler) error {
	if h == nil {
		return errors.New("Specified command handler is NULL")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.handlers[name]; ok {
		return fmt.Errorf("Handler for command '%s' is already installed.", name)
	}
	m.handlers[name] = h
	m.log.Debug("command registered", "msgid", "COMMAND_REGISTERED", "command", name)
	return nil
}

// Deregister removes a command's handler; list-commands cannot be removed.
func (m *Manager) Deregister(name string) error {
	if name == "list-commands" {
		return errors.New("Can't uninstall internal command 'list-commands'")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.handlers[name]; !ok {
		return fmt.Errorf("Handler for command '%s' not found.", name)
	}
	delete(m.handlers, name)
	return nil
}

// SetHookDispatcher installs (or, with nil, removes) the hook dispatcher.
func (m *Manager) SetHookDispatcher(d HookDispatcher) {
	if d == nil {
		m.hooks.Store(nil)
		return
	}
	m.hooks.Store(&hookBox{d})
}

func (m *Manager) dispatcher() HookDispatcher {
	if b := m.hooks.Load(); b != nil {
		return b.d
	}
	return nil
}

// Commands returns the supported commands, sorted: the registered ones and
// those of hook libraries.
func (m *Manager) Commands() []string {
	m.mu.RLock()
	names := make([]string, 0, len(m.handlers))
	for n := range m.handlers {
		names = append(names, n)
	}
	m.mu.RUnlock()
	if d := m.dispatcher(); d != nil {
		names = append(names, d.CommandNames()...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func (m *Manager) listCommands(*Command) Answer {
	names := m.Commands()
	l := NewList()
	for _, n := range names {
		l.list = append(l.list, NewString(n))
	}
	return SuccessArgs(l)
}

// parseCommand checks the envelope as Kea's parseCommand does.
func parseCommand(cmd *Element) (*Command, error) {
	if cmd.Kind() != Map {
		return nil, errors.New("Invalid command Element specified, expected map")
	}
	name, _ := cmd.Get("command")
	if name == nil {
		return nil, errors.New("Invalid answer specified, does not contain mandatory 'command'")
	}
	for _, k := range cmd.keys {
		switch k {
		case "command", "arguments", "service", "remote-address":
		default:
			return nil, fmt.Errorf("Received command contains unsupported parameter '%s'", k)
		}
	}
	if name.Kind() != String {
		return nil, errors.New("'command' element in command message is not a string")
	}
	args, _ := cmd.Get("arguments")
	return &Command{Name: name.s, Args: args, Whole: cmd}, nil
}

// Process runs a parsed command (Kea's processCommand) and returns the
// answer in Kea's compact style.
func (m *Manager) Process(cmd *Element) []byte {
	c, err := parseCommand(cmd)
	if err != nil {
		m.log.Warn("error during command processing", "msgid", "COMMAND_PROCESS_ERROR2", "error", err)
		return ProcessingError(err).Bytes()
	}
	m.log.Info("received command", "msgid", "COMMAND_RECEIVED", "command", c.Name)
	d := m.dispatcher()
	if d == nil {
		return m.call(c).Bytes()
	}
	var resp json.RawMessage
	handled := false
	if c.Name != "list-commands" {
		raw, _ := cmd.MarshalJSON()
		resp, handled = d.HandleCommand(c.Name, raw)
	}
	if !handled {
		resp = m.call(c).Bytes()
	}
	resp = d.CommandProcessed(c.Name, c.ArgsJSON(), resp)
	if resp == nil {
		return Error("internal server error: no response generated").Bytes()
	}
	out, err := Reformat(resp)
	if err != nil {
		return Error("internal server error: invalid response: " + err.Error()).Bytes()
	}
	return out
}

// call runs the registered handler, answering as Kea does for an unknown
// command and for a handler that fails.
func (m *Manager) call(c *Command) (a Answer) {
	m.mu.RLock()
	h := m.handlers[c.Name]
	m.mu.RUnlock()
	if h == nil {
		return Answer{Result: ResultUnsupported, Text: "'" + c.Name + "' command not supported."}
	}
	defer func() {
		if r := recover(); r != nil {
			m.log.Error("command handler panicked", "msgid", "COMMAND_PROCESS_ERROR2", "command", c.Name, "panic", r)
			a = ProcessingError(fmt.Errorf("%v", r))
		}
	}()
	return h(c)
}

// ProcessText parses a complete command text (the output of a Feed) as
// Kea's fromWire and processes it. A parse error is answered with its text
// alone, as Kea does.
func (m *Manager) ProcessText(text []byte) []byte {
	cmd, err := ParseWire(text)
	if err != nil {
		m.log.Warn("error processing command", "msgid", "COMMAND_PROCESS_ERROR1", "error", err)
		return Error(err.Error()).Bytes()
	}
	return m.Process(cmd)
}

// Handle frames data as one connection's input would be and answers it:
// complete is false when data holds only the beginning of a command (Kea
// would keep reading). The fuzz target and tests use it.
func (m *Manager) Handle(data []byte) (answer []byte, complete bool) {
	f := NewFeed(0)
	f.Write(data)
	switch {
	case f.Err() != nil:
		return Error(f.Err().Error()).Bytes(), true
	case !f.Done():
		return nil, false
	}
	return m.ProcessText(f.Text()), true
}
