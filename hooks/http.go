package hooks

import "github.com/nestordhcp/nestor/ctrl"

// Hook points of the control agent's HTTP socket, under their Kea 2.2
// names (Kea 2.7.2 renamed them http_auth and http_response, the names the
// DHCP daemons' own HTTP control sockets use).
var (
	// AgentAuth ("auth") is the control agent's HTTPAuth.
	AgentAuth = Register("auth")
	// AgentResponse ("response") is the control agent's HTTPResponse.
	AgentResponse = Register("response")
)

// HTTPHookPoints gives an HTTP control socket's requests to the callouts
// of two hook points: Auth (HTTPAuth or AgentAuth) and Response
// (HTTPResponse or AgentResponse). Manager returns the hooks manager in
// force (nil: none). It implements ctrl.HTTPHooks.
//
// For each authenticated request, the Auth callouts get "request"
// (*ctrl.HTTPRequest) and "response" (*ctrl.HTTPResponse, nil). A callout
// that sets "response" rejects the request with it: it is sent and the
// command does not run. A status other than Continue makes the Response
// callouts get a fresh handle (Kea's request->resetCalloutHandle), else
// they run on the same handle, so that a library's per-request context
// set in Auth is there. The Response callouts get "request" and the
// answer about to be sent in "response", and may replace it; the status
// is ignored.
type HTTPHookPoints struct {
	Manager        func() *Manager
	Auth, Response Point
}

var _ ctrl.HTTPHooks = HTTPHookPoints{}

// Begin starts a request's passage; it is nil when neither point has
// callouts.
func (x HTTPHookPoints) Begin() ctrl.HTTPHookCall {
	m := x.Manager()
	if m == nil || (!m.CalloutsPresent(x.Auth) && !m.CalloutsPresent(x.Response)) {
		return nil
	}
	return &httpCall{m: m, points: x}
}

type httpCall struct {
	m      *Manager
	points HTTPHookPoints
	h      *CalloutHandle
}

func (c *httpCall) handle() *CalloutHandle {
	if c.h == nil {
		c.h = c.m.AcquireHandle()
	}
	return c.h
}

func (c *httpCall) Authorize(req *ctrl.HTTPRequest) *ctrl.HTTPResponse {
	if !c.m.CalloutsPresent(c.points.Auth) {
		return nil
	}
	h := c.handle()
	Set(h, "request", req)
	Set(h, "response", (*ctrl.HTTPResponse)(nil))
	c.m.Call(c.points.Auth, h)
	resp, err := Get[*ctrl.HTTPResponse](h, "response")
	reset := h.Status() != Continue
	h.DeleteAllArguments()
	if err != nil {
		c.m.log.Error("HTTP authorization callout left a response of the wrong type", "msgid", "HOOKS_CALLOUT_EXCEPTION", "hook", c.points.Auth.Name(), "error", err)
		return ctrl.StatusResponse(500)
	}
	if resp != nil {
		return resp
	}
	if reset {
		c.h.Release()
		c.h = nil
	}
	return nil
}

func (c *httpCall) Respond(req *ctrl.HTTPRequest, resp *ctrl.HTTPResponse) *ctrl.HTTPResponse {
	if !c.m.CalloutsPresent(c.points.Response) {
		return resp
	}
	h := c.handle()
	Set(h, "request", req)
	Set(h, "response", resp)
	c.m.Call(c.points.Response, h)
	out, err := Get[*ctrl.HTTPResponse](h, "response")
	h.DeleteAllArguments()
	if err != nil || out == nil {
		if err != nil {
			c.m.log.Error("HTTP response callout left a response of the wrong type", "msgid", "HOOKS_CALLOUT_EXCEPTION", "hook", c.points.Response.Name(), "error", err)
		}
		return resp
	}
	return out
}

func (c *httpCall) End() {
	if c.h != nil {
		c.h.Release()
		c.h = nil
	}
}
