package tools

// Waiting on a course generation with progress: when the client sent a progressToken,
// create_course_from_prompt, create_course_from_files and get_course_generation_status
// wait (up to generationWait) for the job to finish, reporting its state as progress,
// instead of leaving the agent to poll every 3–5 seconds. Without a token they answer at
// once, as the seed says.

import (
	"context"
	"time"

	"github.com/learnd/learnd/gen/client"
)

// Timings of a wait (variables for tests).
var (
	// generationWait bounds a wait, below the 60 s request timeout clients default to.
	generationWait = 45 * time.Second
	// generationPoll is how often a wait reads the job.
	generationPoll = time.Second
	// progressInterval is how often a long step reports that it is still running.
	progressInterval = time.Second
)

// generationSteps is the total of a generation's progress: queued, running, finished.
const generationSteps = 3

// cancelOnAbort cancels job id when ctx (a tool call that queued it and waits for it) is
// cancelled by the client (notifications/cancelled) before the job finished: the job
// stops and its AI quota call is given back. Call the returned stop when the wait is over.
func cancelOnAbort(ctx context.Context, env *Env, id string) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		// The call's context is gone; the cancel must outlive it, briefly.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = env.API.LMS.AI.CancelCourseGeneration(cctx, id) // a job that finished meanwhile: 409, nothing to do
	})
}

// awaitGeneration waits for job id to finish while the client follows progress, and
// returns the job as last read (nil without a progress token: the caller answers at
// once). A wait that runs out (or is cancelled) returns the job still queued or running.
func awaitGeneration(ctx context.Context, env *Env, id string) (*client.CourseGenerationJob, error) {
	prog := ProgressFrom(ctx)
	if !prog.Enabled() {
		return nil, nil
	}
	start := time.Now()
	deadline := start.Add(generationWait)
	tick := time.NewTicker(generationPoll)
	defer tick.Stop()
	for {
		j, err := env.API.LMS.AI.GetCourseGeneration(ctx, id)
		if err != nil {
			return nil, err
		}
		el := time.Since(start)
		secs := int(el.Round(time.Second).Seconds())
		switch j.Status {
		case client.CourseGenerationStatusQueued:
			prog.Report(ctx, 0.5*el.Seconds()/(el.Seconds()+10), generationSteps, "queued: waiting for a worker (%d s)", secs)
		case client.CourseGenerationStatusRunning:
			prog.Report(ctx, 1+el.Seconds()/(el.Seconds()+15), generationSteps, "generating the course (%d s)", secs)
		case client.CourseGenerationStatusCompleted:
			prog.Report(ctx, generationSteps, generationSteps, "completed after %d s", secs)
			return j, nil
		default:
			prog.Report(ctx, generationSteps, generationSteps, "%s after %d s", j.Status, secs)
			return j, nil
		}
		if time.Now().After(deadline) {
			return j, nil
		}
		select {
		case <-ctx.Done():
			return j, nil
		case <-tick.C:
		}
	}
}
