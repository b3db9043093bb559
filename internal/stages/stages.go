// Package stages lets a long operation name the step it is on to whoever waits for it in
// the same process: the MCP server's tools, whose API calls run in-process, pass a
// reporter in the request's context, and the API handler reports its steps (extracting,
// chunking, embedding) to it. Outside such a call reporting does nothing.
package stages

import "context"

// Reporter receives the name of each step as it starts.
type Reporter func(step string)

type key struct{}

// With returns ctx carrying r.
func With(ctx context.Context, r Reporter) context.Context {
	return context.WithValue(ctx, key{}, r)
}

// Report tells ctx's reporter, if any, that step starts.
func Report(ctx context.Context, step string) {
	if r, ok := ctx.Value(key{}).(Reporter); ok && r != nil {
		r(step)
	}
}
