package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/internal/pseudonym"
	"github.com/learnd/learnd/internal/wire"
)

// Config configures the MCP server of one key.
type Config struct {
	// APIURL is learnd's API (scheme, host and optional base path), e.g. http://localhost:8080.
	APIURL string
	// Key authenticates every API call the tools make: an lk_ API key (or a learnd JWT),
	// sent as Authorization: Bearer.
	Key string
	// HTTPClient sends the API calls; http.DefaultClient's settings when nil.
	HTTPClient *http.Client
	// LocalFiles lets upload_source_material read a path of the machine the server runs
	// on (stdio, where that is the user's machine); over HTTP it is false and the tool
	// takes the file's content instead.
	LocalFiles bool
	// Version is reported to clients as the server's version.
	Version string
	// Grant, for a session of an OAuth access token, is the token's scopes: AI tools
	// then need the ai scope too (API keys predate it). nil for an API key.
	Grant []string

	// Pseudonyms is the server's pseudonym key (learnd serve's, see server.Config): a
	// session of a key with the pseudonymise option shows people under aliases made with
	// it. Without it such keys are refused (learnd mcp: the API refuses them anyway).
	Pseudonyms pseudonym.Key

	// Tasks offers course generation as an MCP task (tasks.go) to clients of protocol
	// 2025-11-25. Set it only when the transport lifts params.task (liftTask): go-sdk drops
	// it otherwise. learnd serve's /mcp and learnd mcp (stdio) do.
	Tasks bool

	// retries, when set, overrides defaultMaxRetries (tests).
	retries *int
	// exportBudget, when set, overrides defaultExportBudget (tests).
	exportBudget int64
}

// Kind is a tool's class, which decides who sees it.
type Kind int

// The tool classes of seed 003.
const (
	// KindRead tools are listed for every key of a tenant with mcpAccess read or full.
	KindRead Kind = iota + 1
	// KindWrite tools need mcpAccess full and the key's write scope.
	KindWrite
	// KindAI tools need mcpAccess full, mcpAiAccess and the key's write scope.
	KindAI
)

func (k Kind) String() string {
	switch k {
	case KindRead:
		return "read"
	case KindWrite:
		return "write"
	case KindAI:
		return "ai"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// AccessError means the key may not use MCP at all: the API refused it (401: invalid,
// expired or revoked key, banned user; 403: no read scope) or the tenant's licence has
// mcpAccess none. An HTTP transport answers 401 with Reason before serving anything.
type AccessError struct {
	Reason string
	Err    error // the API's error, when it refused the key
}

func (e *AccessError) Error() string { return "mcp access refused: " + e.Reason }

func (e *AccessError) Unwrap() error { return e.Err }

// Env is what a tool handler gets besides its input: the API client (authenticated as
// the key, marking requests as surface mcp), the caller as GET /api/v2/me described it
// when the server was built, and the server's configuration.
type Env struct {
	API    *sdk.Client
	Me     *client.Me
	Config Config

	fit    *fitter        // refits the tool list when a call is refused by the API or the licence
	pseudo *pseudonymiser // a pseudonymising key's: every result's people under aliases; nil otherwise
}

// Result is a tool's typed output: its JSON is the structured content (and its JSON
// Schema the tool's output schema), Text the compact rendering put in the content.
type Result interface {
	Text() string
}

// Handler runs a tool with validated input. Return Invalid(...) for bad input (checked
// before any API call) and the SDK's error as is; the core maps every error to the
// seed's strings (see ErrorText) and returns it as a tool error.
type Handler[In any, Out Result] func(ctx context.Context, env *Env, in In) (Out, error)

// Spec describes a tool for Register.
type Spec struct {
	// Kind decides which keys see the tool.
	Kind Kind
	// Tool is the tool's name, title, description and annotations. InputSchema and
	// OutputSchema are inferred from In and Out when nil (fields without omitempty are
	// required; the jsonschema tag is the description).
	Tool mcp.Tool
	// Schema, when set, adjusts the inferred input schema (bounds, enums, defaults); see
	// SetRange, SetEnum and SetDefault.
	Schema func(in *jsonschema.Schema)
	// Enabled, when set, decides per server whether the tool exists at all (e.g. a
	// variant only with Config.LocalFiles). The tool is still subject to Kind.
	Enabled func(Config) bool
	// Task says the tool may be called as an MCP task (execution.taskSupport optional):
	// its handler then queues its work, hands it to taskFrom(ctx) and answers at once
	// (tasks.go). Every other tool declares taskSupport forbidden.
	Task bool
}

type entry struct {
	kind    Kind
	name    string
	tool    mcp.Tool // as listed: name, description, schemas
	enabled func(Config) bool
	task    bool
	add     func(s *mcp.Server, env *Env)
}

var (
	catalogueMu sync.Mutex
	catalogue   []entry
)

// Register adds a tool to the catalogue New builds servers from. Call it from an init
// function; it panics on types without a JSON Schema (and New panics when two tools of
// one name are enabled for the same Config).
func Register[In any, Out Result](spec Spec, h Handler[In, Out]) {
	tool := spec.Tool
	if tool.Name == "" || spec.Kind < KindRead || spec.Kind > KindAI {
		panic(fmt.Sprintf("tools.Register: tool %q: name and kind are required", tool.Name))
	}
	in, ok := tool.InputSchema.(*jsonschema.Schema)
	if tool.InputSchema == nil {
		s, err := jsonschema.For[In](nil)
		if err != nil {
			panic(fmt.Sprintf("tools.Register: tool %q: input schema: %v", tool.Name, err))
		}
		in, ok = s, true
		if s.Properties == nil { // a tool without parameters: {"type":"object"}
			s.Properties = map[string]*jsonschema.Schema{}
		}
	}
	if !ok {
		panic(fmt.Sprintf("tools.Register: tool %q: InputSchema must be a *jsonschema.Schema", tool.Name))
	}
	if spec.Schema != nil {
		spec.Schema(in)
	}
	portable(in, true)
	tool.InputSchema = in
	inResolved, err := in.Resolve(&jsonschema.ResolveOptions{ValidateDefaults: true})
	if err != nil {
		panic(fmt.Sprintf("tools.Register: tool %q: resolve input schema: %v", tool.Name, err))
	}
	if tool.OutputSchema == nil {
		out, err := jsonschema.For[Out](nil)
		if err != nil {
			panic(fmt.Sprintf("tools.Register: tool %q: output schema: %v", tool.Name, err))
		}
		tool.OutputSchema = out
	}
	outSchema, ok := tool.OutputSchema.(*jsonschema.Schema)
	if !ok {
		panic(fmt.Sprintf("tools.Register: tool %q: OutputSchema must be a *jsonschema.Schema", tool.Name))
	}
	portable(outSchema, false)
	outResolved, err := outSchema.Resolve(nil)
	if err != nil {
		panic(fmt.Sprintf("tools.Register: tool %q: resolve output schema: %v", tool.Name, err))
	}
	e := entry{kind: spec.Kind, name: tool.Name, tool: tool, enabled: spec.Enabled, task: spec.Task}
	e.add = func(s *mcp.Server, env *Env) {
		t := tool // each server gets its own copy
		s.AddTool(&t, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			ctx = withCallCredential(ctx, req.Extra)
			ctx = withProgress(ctx, req)
			ctx = withCall(ctx, req) // the session, for elicitation (write_guard.go)
			ctx = withPseudonymiser(ctx, env.pseudo)
			var in In
			if err := decodeInput(req.Params.Arguments, &in, inResolved); err != nil {
				return toolError(err), nil
			}
			out, err := h(ctx, env, in)
			if err == nil {
				out, err = pseudonymised(ctx, out) // a pseudonymising key's session: people under aliases
			}
			if ir, ok := inputRequest(err); ok { // a confirmation to ask for (write_guard.go)
				return &mcp.CallToolResult{InputRequests: ir.requests, RequestState: ir.state}, nil
			}
			if err != nil {
				if env.fit != nil && refusedByAPI(err) { // the caller changed: fit the list again
					go func() { _ = env.fit.refit(ctx) }()
				}
				return env.pseudonymiseError(toolError(err)), nil
			}
			// Clients may check structured content against the output schema; so do we
			// (as the SDK's typed tools do), so a mismatch is found here, not by them.
			sc, err := structured(out, outResolved)
			if err != nil {
				return toolError(fmt.Errorf("%s: result does not match the output schema: %w", t.Name, err)), nil
			}
			content := []mcp.Content{&mcp.TextContent{Text: out.Text()}}
			if l, ok := any(out).(linker); ok { // an export's resource_link (exports.go)
				for _, link := range l.links() {
					content = append(content, link)
				}
			}
			return &mcp.CallToolResult{Content: content, StructuredContent: sc}, nil
		})
	}
	catalogueMu.Lock()
	defer catalogueMu.Unlock()
	catalogue = append(catalogue, e)
}

// structured is a tool's output as JSON, checked against its output schema.
func structured(out any, rs *jsonschema.Resolved) (json.RawMessage, error) {
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	if err := rs.Validate(v); err != nil {
		return nil, err
	}
	return b, nil
}

// Names lists the registered tools of kind k enabled for cfg, sorted.
func Names(k Kind, cfg Config) []string {
	catalogueMu.Lock()
	defer catalogueMu.Unlock()
	var out []string
	for _, e := range catalogue {
		if e.kind == k && (e.enabled == nil || e.enabled(cfg)) {
			out = append(out, e.name)
		}
	}
	sort.Strings(out)
	return out
}

// Default client settings: a 429 whose Retry-After is short is retried once (a momentary
// burst); anything longer goes back to the agent as "Rate limit exceeded…".
const (
	defaultMaxRetries   = 1
	defaultMaxRetryWait = 5 * time.Second
)

// NewClient returns the API client the tools use for cfg: authenticated by cfg.Key,
// every request marked X-Learnd-Surface: mcp.
func NewClient(cfg Config) (*sdk.Client, error) {
	if cfg.APIURL == "" {
		return nil, errors.New("tools: no API URL")
	}
	if cfg.Key == "" {
		return nil, &AccessError{Reason: "no API key: send X-MCP-Key or Authorization: Bearer with an lk_ key"}
	}
	retries := defaultMaxRetries
	if cfg.retries != nil {
		retries = *cfg.retries
	}
	ua := "learnd-mcp"
	if cfg.Version != "" {
		ua += "/" + cfg.Version
	}
	opts := []sdk.Option{
		sdk.WithToken(cfg.Key),
		sdk.WithHeader(wire.HeaderSurface, "mcp"),
		sdk.WithMaxRetries(max(retries, 0)),
		sdk.WithMaxRetryWait(defaultMaxRetryWait),
		sdk.WithUserAgent(ua),
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, sdk.WithHTTPClient(cfg.HTTPClient))
	}
	c, err := sdk.New(cfg.APIURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("tools: %w", err)
	}
	return c, nil
}

// New builds the MCP server for cfg.Key: it asks the API who the key is (GET
// /api/v2/me, one call) and lists exactly the tools the key's person may call (licence,
// scopes, role). A key the API refuses, or a tenant with mcpAccess none, is an
// *AccessError; other errors mean the API could not be asked. A call the API or the
// licence refuses fits the list again (and the SDK tells the client it changed).
func New(ctx context.Context, cfg Config) (*mcp.Server, error) {
	f, err := build(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return f.srv, nil
}

// build is New's server with the fitter that keeps its tool list fitted.
func build(ctx context.Context, cfg Config) (*fitter, error) {
	c, err := NewClient(cfg)
	if err != nil {
		return nil, err
	}
	me, err := c.LMS.Me.Get(ctx)
	if err != nil {
		switch sdk.StatusCode(err) {
		case http.StatusUnauthorized, http.StatusForbidden: // a bad key; a key without the read scope
			reason := "the API key is invalid, expired or revoked"
			var se *sdk.Error
			if errors.As(err, &se) && se.Problem != nil && se.Problem.Detail != nil {
				reason = *se.Problem.Detail
			}
			return nil, &AccessError{Reason: reason, Err: err}
		}
		return nil, fmt.Errorf("tools: who is the key: %w", err)
	}
	if !Allowed(KindRead, me) {
		return nil, &AccessError{Reason: "your licence has no MCP access (mcpAccess: none); ask your administrator to upgrade"}
	}
	if me.Pseudonymised && len(cfg.Pseudonyms) == 0 {
		return nil, &AccessError{Reason: "this API key is pseudonymised, which only learnd's MCP endpoint (/mcp) serves"}
	}
	return newServer(cfg, c, me), nil
}

func newServer(cfg Config, c *sdk.Client, me *client.Me) *fitter {
	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	env := &Env{API: c, Me: me, Config: cfg}
	if me.Pseudonymised {
		env.pseudo = &pseudonymiser{key: cfg.Pseudonyms, tenant: me.TenantId}
	}
	subs := newSubscriptions(env)
	s := mcp.NewServer(&mcp.Implementation{Name: "learnd", Title: "learnd LMS", Version: version},
		&mcp.ServerOptions{Instructions: instructions, SubscribeHandler: subs.subscribe, UnsubscribeHandler: subs.unsubscribe,
			Capabilities: &mcp.ServerCapabilities{
				// Not the SDK's default logging (deprecated in 2026-07-28; no tool logs), and
				// tools with listChanged even while the caller may call none; resources and
				// prompts are added to these as they are registered.
				Tools: &mcp.ToolCapabilities{ListChanged: true},
			}})
	subs.attach(s)
	addResources(s, env)
	addPrompts(s, env)
	f := &fitter{srv: s, env: env, tenant: me.TenantId, created: time.Now(), listed: map[string]bool{}}
	env.fit = f
	catalogueMu.Lock()
	entries := slices.Clone(catalogue)
	catalogueMu.Unlock()
	enabled := map[string]bool{}
	for _, e := range entries {
		if e.enabled == nil || e.enabled(cfg) {
			if enabled[e.name] {
				panic(fmt.Sprintf("tools: two tools named %q are enabled for this configuration", e.name))
			}
			enabled[e.name] = true
			f.entries = append(f.entries, e)
		}
	}
	if cfg.Tasks {
		addTasks(s, env, f.entries)
	}
	s.AddReceivingMiddleware(recoverRequests) // added last: go-sdk runs it outermost
	f.apply(me)
	return f
}
