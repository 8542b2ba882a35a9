package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Control-channel result codes.
const (
	ResultSuccess            = 0
	ResultError              = 1
	ResultCommandUnsupported = 2
	ResultEmpty              = 3
	ResultConflict           = 4
)

type answer struct {
	Arguments any    `json:"arguments,omitempty"`
	Result    int    `json:"result"`
	Text      string `json:"text,omitempty"`
}

// CreateAnswer builds a command answer {"result": code, "text": text,
// "arguments": args}, leaving out an empty text and a nil args. args is any
// value encoding/json can encode (a json.RawMessage is taken as is).
func CreateAnswer(code int, text string, args any) json.RawMessage {
	b, err := json.Marshal(answer{Arguments: args, Result: code, Text: text})
	if err != nil {
		b, _ = json.Marshal(answer{Result: ResultError, Text: "unable to encode the answer: " + err.Error()})
	}
	return b
}

// ParseAnswer splits an answer into its code, text and arguments.
func ParseAnswer(resp json.RawMessage) (code int, text string, args json.RawMessage, err error) {
	var a struct {
		Result    *int            `json:"result"`
		Text      string          `json:"text"`
		Arguments json.RawMessage `json:"arguments"`
	}
	if err := json.Unmarshal(resp, &a); err != nil {
		return 0, "", nil, fmt.Errorf("invalid answer: %w", err)
	}
	if a.Result == nil {
		return 0, "", nil, errors.New("invalid answer specified, does not contain mandatory 'result'")
	}
	return *a.Result, a.Text, a.Arguments, nil
}

// ParseCommand checks a command map as Kea's parseCommand does and returns
// its name and "arguments" (nil when absent). The keys allowed besides
// "command" and "arguments" are "service" and "remote-address".
func ParseCommand(command json.RawMessage) (name string, args json.RawMessage, err error) {
	command = bytes.TrimSpace(command)
	if len(command) == 0 || bytes.Equal(command, []byte("null")) {
		//lint:ignore ST1005 Kea's exact text
		return "", nil, errors.New("No command specified")
	}
	var m map[string]json.RawMessage
	if command[0] != '{' || json.Unmarshal(command, &m) != nil {
		//lint:ignore ST1005 Kea's exact text
		return "", nil, errors.New("Invalid command Element specified, expected map")
	}
	cmd, ok := m["command"]
	if !ok {
		//lint:ignore ST1005 Kea's exact text
		return "", nil, errors.New("Invalid answer specified, does not contain mandatory 'command'")
	}
	for k := range m {
		switch k {
		case "command", "arguments", "service", "remote-address":
		default:
			//lint:ignore ST1005 Kea's exact text
			return "", nil, fmt.Errorf("Received command contains unsupported parameter '%s'", k)
		}
	}
	if json.Unmarshal(cmd, &name) != nil || bytes.TrimSpace(cmd)[0] != '"' {
		return "", nil, errors.New("'command' element in command message is not a string")
	}
	if a, ok := m["arguments"]; ok && !bytes.Equal(bytes.TrimSpace(a), []byte("null")) {
		args = a
	}
	return name, args, nil
}
