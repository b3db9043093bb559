package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// aiForklift is a source document of known facts: numbers with units, defined terms,
// names, procedures.
var aiForklift = []extracttest.Section{
	{Heading: "1. Pre-shift Inspection", Paragraphs: []string{
		"Every forklift is inspected before each shift using the daily checklist. The operator checks the forks, the mast chains and the hydraulic hoses for cracks and leaks.",
		"The brakes, the horn and the reversing alarm must work before the truck moves. A truck that fails the inspection is tagged out and reported to the shift supervisor.",
		"Tyre pressure is checked weekly, and the battery water level of electric trucks is topped up with distilled water.",
	}},
	{Heading: "2. Load Handling", Paragraphs: []string{
		"The rated capacity plate states the maximum load, which is 2500 kilograms at a load centre of 500 millimetres.",
		"Loads are carried with the mast tilted back and the forks 150 millimetres above the floor. Operators never travel with a raised load.",
		"The centre of gravity of the truck and load together must stay inside the stability triangle, or the truck tips over.",
	}},
	{Heading: "3. Pedestrian Safety", Paragraphs: []string{
		"Pedestrians use the marked walkways, which are painted yellow and kept clear at all times.",
		"The speed limit inside the warehouse is 10 kilometres per hour, reduced to walking pace near the loading dock.",
		"At blind corners the operator stops, sounds the horn and looks before turning. High-visibility vests are mandatory in the yard.",
	}},
	{Heading: "4. Refuelling and Charging", Paragraphs: []string{
		"Gas-powered trucks are refuelled only in the designated refuelling bay, with the engine off and no open flames within 6 metres.",
		"Electric trucks are charged in the ventilated charging room, because charging batteries release hydrogen gas.",
		"Operators wear a face shield and acid-resistant gloves when they handle battery acid.",
	}},
}

// aiChunkTexts reads the text of every chunk of a session (bypassing row-level security).
func aiChunkTexts(t *testing.T, db *pgx.Conn, session string) map[uuid.UUID]string {
	t.Helper()
	sid, err := typeid.Parse("ses", session)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(context.Background(), `SELECT id, body FROM material_chunks WHERE session_id = $1`, sid)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uuid.UUID]string{}
	for rows.Next() {
		var id uuid.UUID
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			t.Fatal(err)
		}
		out[id] = body
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// aiGrounded reports whether a question's correct options all appear in its cited chunk
// (compared with whitespace collapsed).
func aiGrounded(q client.QuizQuestion, chunk string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	text := norm(chunk)
	if statement, ok := strings.CutPrefix(q.Text, "True or false? "); ok && len(q.Options) == 2 {
		// A true statement is the chunk's own sentence; a false one is not in it.
		for _, o := range q.Options {
			if o.Correct != nil && *o.Correct {
				return strings.Contains(text, norm(statement)) == (o.Text == "True")
			}
		}
		return false
	}
	found := false
	for _, o := range q.Options {
		if o.Correct != nil && *o.Correct {
			if !strings.Contains(text, norm(o.Text)) {
				return false
			}
			found = true
		}
	}
	return found
}

// TestE2EAIGenerateFromFiles: two documents uploaded into one session (a PDF and a DOCX,
// made in the test), then a course generated with that sessionId by the offline generator:
// a draft owned by the caller, sections from the documents, lessons with briefs, a final
// quiz — and GROUNDEDNESS: every quiz question cites a chunk of the session and its correct
// answer appears in that chunk's text (the share is logged; the target offline is 100%).
// A regenerated question stays grounded in its chunk. Another person's session is a 404.
func TestE2EAIGenerateFromFiles(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Jobs: true})
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	aiLicensed(t, env, "acme")
	m := coursesUser(t, env, "acme", auth.RoleManager)

	up, err := e2eMatUpload(ctx, t, m.C, "", "forklifts.pdf", extracttest.PDF("Forklift Operator Handbook", aiForklift))
	if err != nil {
		t.Fatal(err)
	}
	up2, err := e2eMatUpload(ctx, t, m.C, up.SessionId, "confined-spaces.docx", extracttest.DOCX("Confined Spaces", extracttest.Safety))
	if err != nil {
		t.Fatal(err)
	}
	if up2.SessionId != up.SessionId || up.ChunkCount == 0 || up2.ChunkCount == 0 {
		t.Fatalf("uploads: %+v %+v", up, up2)
	}
	chunks := aiChunkTexts(t, db, up.SessionId)
	if len(chunks) != up.ChunkCount+up2.ChunkCount {
		t.Fatalf("session chunks = %d, uploads reported %d + %d", len(chunks), up.ChunkCount, up2.ChunkCount)
	}

	// Another person cannot generate from the session; nothing is queued or counted.
	other := coursesUser(t, env, "acme", auth.RoleAdmin)
	_, err = other.C.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "Steal it", SessionId: &up.SessionId})
	e2eSdkErr(t, err, http.StatusNotFound, "another person's session")

	c := aiGenerate(t, ctx, m.C, client.CourseGenerationRequest{Prompt: "Safety training for new warehouse staff, plain language",
		SessionId: &up.SessionId, Options: &client.CourseGenerationOptions{Modules: e2ePtr(4)}})
	if c.OwnerId != m.ID || c.Status != client.CourseStatusDraft {
		t.Errorf("course owner %s status %s", c.OwnerId, c.Status)
	}
	var titles []string
	lessons := 0
	for _, s := range c.Structure.Sections {
		titles = append(titles, s.Title)
		for _, e := range s.Elements {
			if e.Kind == client.CourseElementKindLesson {
				lessons++
				if e.Brief == nil || e.Brief.KeyPoints == nil || len(*e.Brief.KeyPoints) == 0 || e.Brief.Description == nil {
					t.Errorf("lesson %q brief = %s", e.Title, e2eJSON(e.Brief))
				}
			}
		}
	}
	if len(c.Structure.Sections) < 3 || lessons < 3 {
		t.Errorf("sections %q, %d lessons", titles, lessons)
	}
	t.Logf("sections: %q", titles)
	fq := aiFinalQuiz(c)
	if fq == nil || fq.Kind != client.CourseElementKindQuiz || len(fq.Questions) < 3 {
		t.Fatalf("final quiz = %s", e2eJSON(fq))
	}

	// Groundedness, over every quiz question of the course.
	sources := aiQuestionSources(t, db, c.Id)
	total, grounded := 0, 0
	var regen *client.QuizQuestion
	for _, s := range c.Structure.Sections {
		for _, e := range s.Elements {
			for _, q := range e.Questions {
				total++
				src := sources[q.Id]
				text, ok := chunks[src]
				switch {
				case src == uuid.Nil:
					t.Errorf("question %q cites no chunk", q.Text)
				case !ok:
					t.Errorf("question %q cites %s, not a chunk of the session", q.Text, src)
				case !aiGrounded(q, text):
					t.Errorf("question %q: correct answer not in its chunk %q", q.Text, text)
				default:
					grounded++
					for _, o := range q.Options { // the editor's view carries each option's feedback
						if o.Feedback == nil || !strings.Contains(*o.Feedback, "the source says") {
							t.Errorf("question %q: option %q has feedback %v, want one quoting the source", q.Text, o.Text, o.Feedback)
						}
					}
					if regen == nil && q.Kind == client.QuizQuestionKindSingle {
						regen = &q
					}
				}
			}
		}
	}
	share := float64(grounded) / float64(total)
	t.Logf("GROUNDEDNESS (offline): %d of %d quiz questions (%.0f%%) have their correct answer in the chunk they cite", grounded, total, 100*share)
	if share < 1 {
		t.Errorf("groundedness %.2f, want 1.00", share)
	}

	// A regenerated question keeps its source and stays grounded.
	if regen == nil {
		t.Fatal("no single-choice question to regenerate")
	}
	rq, err := m.C.LMS.AI.RegenerateQuestion(ctx, regen.Id, client.RegenerateRequest{Feedback: e2ePtr("Make it harder")})
	if err != nil {
		t.Fatal(err)
	}
	src := aiQuestionSources(t, db, c.Id)[regen.Id]
	nq := client.QuizQuestion{Text: rq.Text, Options: rq.Options}
	if src != sources[regen.Id] || !aiGrounded(nq, chunks[src]) {
		t.Errorf("regenerated question %s: source %s (was %s), grounded %v", e2eJSON(rq), src, sources[regen.Id], aiGrounded(nq, chunks[src]))
	}
}
