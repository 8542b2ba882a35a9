package agent

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nestordhcp/nestor/ctrl"
)

// unsupportedHint is what Kea's agent adds to a "command not supported"
// answer to a command sent without "service".
const unsupportedHint = " You did not include \"service\" parameter in the command," +
	" which indicates that Kea Control Agent should process this" +
	" command rather than forward it to one or more Kea servers. If you" +
	" aimed to send this command to one of the Kea servers you" +
	" should include the \"service\" parameter in your request, e.g." +
	" \"service\": [ \"dhcp4\" ] to forward the command to the DHCPv4" +
	" server, or \"service\": [ \"dhcp4\", \"dhcp6\", \"d2\" ] to forward it to" +
	" DHCPv4, DHCPv6 and D2 servers etc."

// Process answers a command body as the agent does over HTTP (after the
// HTTP checks and authentication): the answer is always a JSON list. A body
// that is not JSON is answered as a parse error. remote is the client's
// address, added to the command as "remote-address".
func (a *Agent) Process(body []byte, remote string) []byte {
	cmd, err := parseBody(body)
	if err != nil {
		return wrapList(ctrl.Error(err.Error()).Bytes())
	}
	return a.process(cmd, body, remote)
}

// process is Kea's CtrlAgentCommandMgr::processCommand: check the envelope,
// then forward to the services named in "service" or handle the command
// here, and wrap an answer that is not a list in one.
func (a *Agent) process(cmd *ctrl.Element, body []byte, remote string) []byte {
	if cmd == nil {
		return wrapList(ctrl.Error("Command processing failed: NULL command parameter").Bytes())
	}
	name, err := checkEnvelope(cmd)
	if err != nil {
		return wrapList(ctrl.ProcessingError(err).Bytes())
	}
	if cmd.Kind() == ctrl.Map {
		cmd.Set("remote-address", ctrl.NewString(remote))
	}
	a.log.Info(msgCommandReceived, name, remote)
	svc, _ := cmd.Get("service")
	if svc != nil && svc.Kind() != ctrl.List {
		return wrapList(ctrl.Error("service value must be a list").Bytes())
	}
	if svc == nil || svc.Len() == 0 {
		return wrapList(a.handleLocal(name, cmd, body))
	}
	if h := a.hooksDispatcher(); h != nil {
		raw, _ := cmd.MarshalJSON()
		if resp, ok := h.HandleCommand(name, raw); ok {
			out, err := reprint(resp)
			if err != nil {
				return wrapList(ctrl.Error("internal server error: invalid response: " + err.Error()).Bytes())
			}
			return wrapList(out)
		}
	}
	wire := cmd.AppendKea(nil)
	out := []byte("[ ")
	for i, s := range svc.Items() {
		service, err := s.StringValue()
		if err != nil {
			return wrapList(ctrl.ProcessingError(stringPositions(err)).Bytes())
		}
		if i > 0 {
			out = append(out, ", "...)
		}
		out = append(out, a.forward(service, name, wire)...)
	}
	return append(out, " ]"...)
}

// checkEnvelope is Kea's parseCommand.
func checkEnvelope(cmd *ctrl.Element) (string, error) {
	if cmd.Kind() != ctrl.Map {
		return "", errors.New("Invalid command Element specified, expected map")
	}
	name, _ := cmd.Get("command")
	if name == nil {
		return "", errors.New("Invalid answer specified, does not contain mandatory 'command'")
	}
	for _, k := range cmd.Keys() {
		switch k {
		case "command", "arguments", "service", "remote-address":
		default:
			return "", fmt.Errorf("Received command contains unsupported parameter '%s'", k)
		}
	}
	s, err := name.StringValue()
	if err != nil {
		return "", errors.New("'command' element in command message is not a string")
	}
	return s, nil
}

// stringPositions rewrites the positions of a TypeError from fromWire's
// counting (line from 0; on the first line columns from 0) to
// fromJSON(string)'s (both from 1), since Kea parses HTTP bodies with the
// latter.
func stringPositions(err error) error {
	var te *ctrl.TypeError
	if !errors.As(err, &te) {
		return err
	}
	return &ctrl.TypeError{Msg: te.Msg, Pos: wireToString(te.Pos)}
}

func wireToString(pos string) string {
	rest, ok := strings.CutPrefix(pos, "<wire>:")
	if !ok {
		return pos
	}
	ls, cs, ok := strings.Cut(rest, ":")
	line, err1 := strconv.Atoi(ls)
	col, err2 := strconv.Atoi(cs)
	if !ok || err1 != nil || err2 != nil {
		return pos
	}
	if line == 0 {
		col++
	}
	return "<string>:" + strconv.Itoa(line+1) + ":" + strconv.Itoa(col)
}

func wrapList(answer []byte) []byte {
	if len(answer) > 0 && answer[0] == '[' {
		return answer
	}
	out := make([]byte, 0, len(answer)+4)
	out = append(out, "[ "...)
	out = append(out, answer...)
	return append(out, " ]"...)
}

// reprint parses an answer as Kea's fromWire and prints it in Kea's style.
func reprint(b []byte) ([]byte, error) {
	e, err := ctrl.ParseWire(b)
	if err != nil {
		return nil, err
	}
	return e.AppendKea(nil), nil
}

// forward sends the command to a service's unix socket and returns its
// answer, or Kea's error answer when that fails.
func (a *Agent) forward(service, name string, wire []byte) []byte {
	a.log.Debug(dbgDetail, msgForwardBegin, name, service)
	ans, err := a.forwardOnce(service, wire)
	if err != nil {
		a.log.Debug(dbgDetail, msgForwardFailed, name, err)
		return ctrl.Error(err.Error()).Bytes()
	}
	a.log.Info(msgForwarded, name, service)
	return ans
}

func (a *Agent) forwardOnce(service string, wire []byte) ([]byte, error) {
	cfg := a.cfg.Load()
	sock := cfg.ControlSockets[service]
	if sock == nil || sock.SocketName == "" {
		return nil, fmt.Errorf("forwarding socket is not configured for the server type %s", service)
	}
	offline := func(err error) error {
		return fmt.Errorf("unable to forward command to the %s service: %s. The server is likely to be offline", service, errnoText(err))
	}
	deadline := time.Now().Add(a.opts.ForwardTimeout)
	conn, err := net.DialTimeout("unix", sock.SocketName, a.opts.ForwardTimeout)
	if err != nil {
		return nil, offline(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(deadline)
	if _, err := conn.Write(wire); err != nil {
		return nil, offline(err)
	}
	f := ctrl.NewFeed(ctrl.DefaultMaxCommandSize)
	buf := make([]byte, 32<<10)
	for !f.Done() {
		n, err := conn.Read(buf)
		if n > 0 {
			f.Write(buf[:n])
			continue
		}
		if err != nil {
			return nil, offline(err)
		}
	}
	e, err := ctrl.ParseWire(f.Text())
	if err != nil {
		return nil, fmt.Errorf("internal server error: unable to parse server's answer to the forwarded message: %v", err)
	}
	return e.AppendKea(nil), nil
}

// errnoText is the text boost gives an error: strerror for system errors,
// "End of file" for EOF.
func errnoText(err error) string {
	var errno syscall.Errno
	switch {
	case errors.Is(err, io.EOF):
		return "End of file"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "Connection timed out"
	case errors.As(err, &errno):
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}

// addHint appends Kea's explanation to a local "not supported" answer.
func addHint(answer []byte) []byte {
	e, err := ctrl.ParseWire(answer)
	if err != nil || e.Kind() != ctrl.Map {
		return answer
	}
	r, _ := e.Get("result")
	t, _ := e.Get("text")
	if r == nil || t == nil {
		return answer
	}
	code, err1 := r.IntValue()
	text, err2 := t.StringValue()
	if err1 != nil || err2 != nil || code != ctrl.ResultUnsupported {
		return answer
	}
	e.Set("text", ctrl.NewString(text+unsupportedHint))
	return e.AppendKea(nil)
}
