package ctrl

import (
	"net/http"
	"strconv"
)

// HTTPRequest is an HTTP control-socket request as the HTTP hook points
// see it (Kea's HttpRequest, the "request" argument of http_auth and
// http_response, "auth" and "response" in the control agent).
type HTTPRequest struct {
	// Request is the received request: method, URL, headers, remote
	// address and TLS state (with the client's certificate). Its body has
	// been read: it is JSON.
	Request *http.Request
	// JSON is the request's body, the command.
	JSON []byte
	// User is the user basic authentication accepted the request for,
	// "" when the socket has no basic authentication.
	User string
}

// HTTPResponse is an answer to an HTTP control-socket request (Kea's
// HttpResponseJson, the "response" argument of the HTTP hook points).
type HTTPResponse struct {
	Status int
	// Header holds headers added to the response (the socket's
	// http-headers and Content-Type/Content-Length are set anyway).
	Header http.Header
	// Body is the JSON body.
	Body []byte
}

// StatusResponse is the answer Kea gives for an HTTP error status (403
// from an authorization callout, ...): {"result": code, "text": reason}.
func StatusResponse(code int) *HTTPResponse {
	return &HTTPResponse{Status: code, Body: Answer{Result: code, Text: http.StatusText(code)}.Bytes()}
}

// HTTPHooks gives an HTTP control socket's requests to hook libraries
// (hooks.HTTPHookPoints implements it). Begin is called for each request
// that passed the basic authentication check; it returns nil when no
// library has callouts on the socket's HTTP hook points.
type HTTPHooks interface {
	Begin() HTTPHookCall
}

// HTTPHookCall is one request's passage through the HTTP hook points; the
// same callout handle (and so the libraries' per-request context) serves
// both calls unless the authorization callouts ask for a fresh one.
type HTTPHookCall interface {
	// Authorize runs the authorization callouts (http_auth, or auth in
	// the agent). A non-nil response rejects the request: it is sent and
	// the command is not run.
	Authorize(req *HTTPRequest) *HTTPResponse
	// Respond runs the response callouts (http_response, or response in
	// the agent) on the answer about to be sent and returns the answer to
	// send.
	Respond(req *HTTPRequest, resp *HTTPResponse) *HTTPResponse
	// End releases the call.
	End()
}

// writeHTTPResponse sends resp with the socket's extra headers.
func writeHTTPResponse(w http.ResponseWriter, resp *HTTPResponse, extra []HTTPHeader) {
	h := w.Header()
	for _, x := range extra {
		h.Add(x.Name, x.Value)
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}
