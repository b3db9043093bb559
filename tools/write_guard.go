package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Safe writes (issue 12 part 5). Every write tool takes Guard's inputs and answers with
// Planned's fields:
//
//   - dryRun: true calls the API with dryRun=true (the API runs the write and rolls it
//     back), so the answer is exactly what the call would do, with a planHash.
//   - A write that needs confirmation (ban_user, change_user_email, and writes that reach
//     more than confirmAbove learners) is first run dry; then the person confirms through
//     elicitation when the client supports it, or the call must carry the planHash of a
//     dry run (the refusal shows the plan and its hash). Either way, a planHash given is
//     checked against a fresh dry run: the arguments and what they act on must not have
//     changed since.

// confirmAbove is how many learners a write may reach without confirmation.
const confirmAbove = 25

// Guard is the input every write tool takes besides its own (embedded).
type Guard struct {
	DryRun   bool   `json:"dryRun,omitempty" jsonschema:"Optional. true: change nothing; answer exactly what this call would do, with a planHash."`
	PlanHash string `json:"planHash,omitempty" jsonschema:"Optional. The planHash of a dry run of this same call: confirms a write that needs confirmation, and makes sure the plan has not changed since."`
}

// Planned is the part of every write tool's answer that says whether it was a dry run
// (embedded).
type Planned struct {
	DryRun   bool   `json:"dryRun,omitempty" jsonschema:"true: a dry run; nothing changed."`
	PlanHash string `json:"planHash,omitempty" jsonschema:"The plan's hash: pass it as planHash to make this exact change."`
}

func (p *Planned) setPlan(dry bool, hash string) { p.DryRun, p.PlanHash = dry, hash }

// wrap puts a dry run's heading and the plan hash around a write's text.
func (p Planned) wrap(text string) string {
	if p.DryRun {
		text = "DRY RUN — nothing changed. The call would answer:\n" + text
	}
	if p.PlanHash != "" {
		text += "\nplanHash: " + p.PlanHash
	}
	return text
}

// writeCall is one write of a tool, for guarded.
type writeCall[Out Result] struct {
	tool string
	args any // the tool's input without Guard's fields: part of the plan
	// run makes the API call; dry is the dryRun parameter (nil for the real call).
	run func(ctx context.Context, dry *bool) (Out, error)
	// plan is the stable part of an answer (no new ids, no clock): the plan hash covers it.
	plan func(Out) any
	// confirm, when set, says why an answer (of a dry run) needs confirmation; "" when not.
	confirm func(Out) string
}

// ConfirmError is a write refused for want of confirmation (or refused by the person):
// nothing changed. Its text goes to the agent as it is.
type ConfirmError struct{ Text string }

func (e *ConfirmError) Error() string { return e.Text }

// guarded runs a write tool's call under g (see the package comment above).
func guarded[Out Result, P interface {
	*Out
	setPlan(bool, string)
}](ctx context.Context, g Guard, c writeCall[Out]) (Out, error) {
	var zero Out
	if !g.DryRun && g.PlanHash == "" && c.confirm == nil {
		return c.run(ctx, nil)
	}
	dry, err := c.run(ctx, Ptr(true))
	if err != nil {
		return zero, err
	}
	hash, err := planHash(c.tool, c.args, c.plan(dry))
	if err != nil {
		return zero, err
	}
	if g.DryRun {
		P(&dry).setPlan(true, hash)
		return dry, nil
	}
	switch {
	case g.PlanHash != "" && g.PlanHash != hash:
		return zero, Invalid("planHash %q is not this call's plan (%s): the arguments differ from the dry run's, or what they act on changed since; run it again with dryRun: true", clip(g.PlanHash, 80), hash)
	case g.PlanHash == "" && c.confirm != nil:
		shown, err := pseudonymised(ctx, dry) // as the session may see it
		if err != nil {
			return zero, err
		}
		if why := c.confirm(shown); why != "" {
			if err := askConfirmation(ctx, c.tool, why, shown.Text(), hash); err != nil {
				return zero, err
			}
		}
	}
	out, err := c.run(ctx, nil)
	if err != nil {
		return zero, err
	}
	P(&out).setPlan(false, hash)
	return out, nil
}

// planHash is the hash of a tool's arguments and the plan its dry run answered.
func planHash(tool string, args, plan any) (string, error) {
	b, err := json.Marshal([]any{tool, args, plan})
	if err != nil {
		return "", fmt.Errorf("plan hash: %w", err)
	}
	sum := sha256.Sum256(b)
	return "pl_" + hex.EncodeToString(sum[:12]), nil
}

// askConfirmation asks the person through elicitation when the client supports it — as
// an input request of the call (multi round-trip, SEP-2322: the SDK elicits directly for
// clients of older protocol versions and calls the tool again with the answer), whose
// request state is the plan hash — and otherwise (or when the person declines) is a
// *ConfirmError that shows the plan. A confirmation counts only for the plan it was
// asked for: the call's fresh dry run must hash the same.
func askConfirmation(ctx context.Context, tool, why, plan, hash string) error {
	if req := callRequest(ctx); req != nil && req.Params.InputResponses != nil {
		res, _ := req.Params.InputResponses[confirmInput].(*mcp.ElicitResult)
		switch {
		case res == nil:
		case req.Params.RequestState != hash:
			return &ConfirmError{Text: "Not done: the plan changed while the person was asked. Nothing changed; call again to ask about the new plan."}
		case res.Action == "accept" && res.Content["confirm"] == true:
			return nil
		default:
			return &ConfirmError{Text: fmt.Sprintf("Not done: the person did not confirm (%s). Nothing changed.", res.Action)}
		}
	}
	if !canElicit(callSession(ctx)) {
		return &ConfirmError{Text: fmt.Sprintf("Confirmation required: %s. Nothing changed. The call would answer:\n%s\n"+
			"Show this to the person; to go ahead, call %s again with the same arguments and planHash: %q.", why, plan, tool, hash)}
	}
	return &inputNeeded{state: hash, requests: mcp.InputRequestMap{confirmInput: &mcp.ElicitParams{
		Mode:    "form",
		Message: fmt.Sprintf("%s: %s. Go ahead?\n%s", tool, why, plan),
		RequestedSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"confirm": map[string]any{"type": "boolean", "title": "Go ahead", "description": "Make this change."},
			},
			"required": []string{"confirm"},
		},
	}}}
}

// confirmInput is the id of the confirmation's input request.
const confirmInput = "confirm"

// inputNeeded is a call that needs the client's input first: core.go answers it with
// its input requests and request state (and the call comes again with the responses).
type inputNeeded struct {
	requests mcp.InputRequestMap
	state    string
}

func (e *inputNeeded) Error() string { return "input required" }

// inputRequest returns the *inputNeeded in err's chain, if any.
func inputRequest(err error) (*inputNeeded, bool) {
	var in *inputNeeded
	ok := errors.As(err, &in)
	return in, ok
}

// canElicit reports whether the session's client takes form elicitation.
func canElicit(ss *mcp.ServerSession) bool {
	if ss == nil {
		return false
	}
	p := ss.InitializeParams()
	if p == nil || p.Capabilities == nil || p.Capabilities.Elicitation == nil {
		return false
	}
	e := p.Capabilities.Elicitation
	return e.Form != nil || e.URL == nil // {} means form (before 2025-11-25)
}

// callKey carries the tool call's request in its handler's context (core.go).
type callKey struct{}

func withCall(ctx context.Context, req *mcp.CallToolRequest) context.Context {
	return context.WithValue(ctx, callKey{}, req)
}

// callRequest is the tool call ctx belongs to (nil outside a call).
func callRequest(ctx context.Context) *mcp.CallToolRequest {
	req, _ := ctx.Value(callKey{}).(*mcp.CallToolRequest)
	return req
}

// callSession is the session of the tool call ctx belongs to (nil outside a call).
func callSession(ctx context.Context) *mcp.ServerSession {
	if req := callRequest(ctx); req != nil {
		return req.Session
	}
	return nil
}

var (
	_ error = (*ConfirmError)(nil)
	_ error = (*inputNeeded)(nil)
)

// isConfirm reports whether err is a *ConfirmError (its text goes out unprefixed).
func isConfirm(err error) (*ConfirmError, bool) {
	var ce *ConfirmError
	return ce, errors.As(err, &ce)
}
