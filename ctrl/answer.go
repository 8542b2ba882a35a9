package ctrl

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Result codes of the control channel.
const (
	ResultSuccess     = 0 // the command was processed
	ResultError       = 1 // general error or failure
	ResultUnsupported = 2 // the command is not supported
	ResultEmpty       = 3 // processed, but nothing was found or affected
	ResultConflict    = 4 // well-formed, but in conflict with the server's state
)

// RawKea is JSON already written in Kea's compact style with sorted keys
// (see Element.AppendKea); an answer copies it unchanged. The statistics
// answers use it to skip a re-encoding of thousands of samples.
type RawKea []byte

// Answer is a command's answer: {"arguments": ..., "result": ..., "text":
// ...}, printed with Kea's createAnswer rules: "text" only when not empty,
// "arguments" only when Args is not nil, keys in Kea's (sorted) order.
//
// Args is a *Element, a RawKea, a json.RawMessage, or any value
// encoding/json can encode (then re-printed in Kea's style; maps come out
// with sorted keys, integers exact, reals as Kea prints doubles).
type Answer struct {
	Result int
	Text   string
	Args   any
}

// Success is a result 0 answer with a text (which may be empty).
func Success(text string) Answer { return Answer{Result: ResultSuccess, Text: text} }

// SuccessArgs is a result 0 answer with arguments and no text.
func SuccessArgs(args any) Answer { return Answer{Result: ResultSuccess, Args: args} }

// Error is a result 1 answer.
func Error(text string) Answer { return Answer{Result: ResultError, Text: text} }

// Errorf is a result 1 answer with a formatted text.
func Errorf(format string, a ...any) Answer { return Error(fmt.Sprintf(format, a...)) }

// ProcessingError is the answer Kea gives when a handler throws: result 1,
// "Error during command processing: " and the error. Handlers return it for
// a TypeError from an Element accessor.
func ProcessingError(err error) Answer {
	return Error("Error during command processing: " + err.Error())
}

// AppendKea appends the answer in Kea's compact style. If Args cannot be
// encoded, the answer becomes a result 1 answer saying so.
func (a Answer) AppendKea(dst []byte) []byte {
	args, err := encodeArgs(a.Args)
	if err != nil {
		a = Answer{Result: ResultError, Text: "unable to encode the answer: " + err.Error()}
		args = nil
	}
	dst = append(dst, "{ "...)
	if args != nil {
		dst = append(dst, `"arguments": `...)
		dst = append(dst, args...)
		dst = append(dst, ", "...)
	}
	dst = append(dst, `"result": `...)
	dst = strconv.AppendInt(dst, int64(a.Result), 10)
	if a.Text != "" {
		dst = append(dst, `, "text": `...)
		dst = AppendKeaString(dst, a.Text)
	}
	return append(dst, " }"...)
}

// Bytes returns the answer in Kea's compact style.
func (a Answer) Bytes() []byte { return a.AppendKea(nil) }

// MarshalJSON returns the answer in Kea's compact style (valid JSON).
func (a Answer) MarshalJSON() ([]byte, error) { return a.Bytes(), nil }

func encodeArgs(v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case RawKea:
		if v == nil {
			return nil, nil
		}
		return v, nil
	case *Element:
		if v == nil {
			return nil, nil
		}
		return v.AppendKea(nil), nil
	case json.RawMessage:
		if v == nil {
			return nil, nil
		}
		return Reformat(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Reformat(b)
}

// Reformat re-prints a JSON text in Kea's compact style with sorted keys,
// the form Kea sends any answer in. Integers beyond int64 are kept.
func Reformat(data []byte) ([]byte, error) {
	e, err := parseAnswer(data)
	if err != nil {
		return nil, err
	}
	return e.AppendKea(nil), nil
}
