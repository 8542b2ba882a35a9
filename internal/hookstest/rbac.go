package hookstest

import (
	"encoding/json"
	"sync"

	"github.com/nestordhcp/nestor/ctrl"
	"github.com/nestordhcp/nestor/hooks"
)

// RBACLibrary is the name of a small role-based access control library:
// its parameters name the hook points to use ("auth", "response": http_auth
// and http_response in the DHCP daemons, auth and response in the control
// agent), a user it refuses ("deny-user") and a command it refuses
// ("deny-command"), both with 403. Its response callout adds the header
// X-RBAC-Command with the command name the authorization callout saw,
// taken from the request's callout context.
const RBACLibrary = "libnestor_test_rbac.so"

// RBACCalls counts the callouts run, by hook point name.
var RBACCalls = struct {
	sync.Mutex
	N map[string]int
}{N: map[string]int{}}

type rbacParams struct {
	Auth        string `json:"auth"`
	Response    string `json:"response"`
	DenyUser    string `json:"deny-user"`
	DenyCommand string `json:"deny-command"`
}

type rbac struct{ p rbacParams }

func init() {
	hooks.RegisterLibrary(RBACLibrary, func() hooks.Library { return &rbac{} })
}

func (r *rbac) Load(h *hooks.LibraryHandle) error {
	if err := h.DecodeParameters(&r.p); err != nil {
		return err
	}
	if err := h.RegisterCallout(r.p.Auth, r.auth); err != nil {
		return err
	}
	return h.RegisterCallout(r.p.Response, r.response)
}

func (r *rbac) Unload() error                  { return nil }
func (r *rbac) MultiThreadingCompatible() bool { return true }

func count(h *hooks.CalloutHandle) {
	RBACCalls.Lock()
	RBACCalls.N[h.HookName()]++
	RBACCalls.Unlock()
}

func (r *rbac) auth(h *hooks.CalloutHandle) error {
	count(h)
	req, err := hooks.Get[*ctrl.HTTPRequest](h, "request")
	if err != nil {
		return err
	}
	var cmd struct {
		Command string `json:"command"`
	}
	_ = json.Unmarshal(req.JSON, &cmd)
	if (r.p.DenyUser != "" && req.User == r.p.DenyUser) || cmd.Command == r.p.DenyCommand {
		hooks.Set(h, "response", ctrl.StatusResponse(403))
		return nil
	}
	hooks.SetContext(h, "command", cmd.Command)
	return nil
}

func (r *rbac) response(h *hooks.CalloutHandle) error {
	count(h)
	resp, err := hooks.Get[*ctrl.HTTPResponse](h, "response")
	if err != nil || resp == nil {
		return err
	}
	name, _ := hooks.GetContext[string](h, "command")
	out := *resp
	out.Header = resp.Header.Clone()
	if out.Header == nil {
		out.Header = map[string][]string{}
	}
	out.Header.Set("X-RBAC-Command", name)
	hooks.Set(h, "response", &out)
	return nil
}
