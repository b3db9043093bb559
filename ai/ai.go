// Package ai is learnd's course-authoring engine: it turns a prompt, and optionally the
// chunks of uploaded source materials, into a course outline (sections, lessons with
// briefs, a final quiz), appends to an existing course, and rewrites one quiz question or
// one lesson brief. Two Generator implementations exist: an OpenAI-compatible
// chat-completions client (package ai/openai) and a built-in offline generator (package
// ai/offline) that needs no model. The API layer stores what a Generator returns; the
// Generator never touches the database.
package ai

import (
	"context"
	"errors"

	"github.com/google/uuid"
)

// Chunk is one piece of an uploaded document's text, as stored with its embedding.
type Chunk struct {
	ID      uuid.UUID
	Source  string // the file it came from
	Ordinal int    // position within the session's chunks, in document order
	Heading string // the nearest heading above the chunk; "" when none
	Text    string
}

// Retriever returns the chunks most relevant to query, best first (at most k).
type Retriever func(ctx context.Context, query string, k int) ([]Chunk, error)

// Options are the seed's generation options.
type Options struct {
	Modules  int    // target number of modules (sections); 0 means DefaultModules
	Language string // ISO 639-1; "" means the language of the prompt (or the documents)
	Title    string // overrides the generated title when set
}

// DefaultModules is the seed's default number of modules.
const DefaultModules = 6

// CourseRequest asks for a whole course.
type CourseRequest struct {
	Prompt  string
	Options Options
	// Chunks are the session's chunks in document order; empty for a prompt-only course.
	Chunks []Chunk
	// Retrieve finds the chunks relevant to a module (nil without a session).
	Retrieve Retriever
}

// Brief is a lesson's AI-authored brief (seed 003: topic, title, description, keyPoints,
// targetAudience).
type Brief struct {
	Topic          string   `json:"topic"`
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	KeyPoints      []string `json:"keyPoints"`
	TargetAudience string   `json:"targetAudience"`
}

// Option is one answer option of a question.
type Option struct {
	Text    string `json:"text"`
	Correct bool   `json:"correct"`
	// Feedback is shown to a learner after choosing the option: why it is right or
	// wrong, citing the source where there is one ("" when none).
	Feedback string `json:"feedback,omitempty"`
}

// Question is a quiz question. Kind is "single" (exactly one correct option) or
// "multiple". SourceChunkID names the chunk the question was drawn from, when grounded.
type Question struct {
	Kind          string     `json:"kind"`
	Text          string     `json:"text"`
	Options       []Option   `json:"options"`
	SourceChunkID *uuid.UUID `json:"-"`
}

// Page is a lesson page.
type Page struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Element is a lesson (with a brief and optionally pages), a quiz (with questions) or a
// survey.
type Element struct {
	Kind      string     `json:"kind"` // lesson, quiz, survey
	Title     string     `json:"title"`
	Brief     *Brief     `json:"brief,omitempty"`
	Pages     []Page     `json:"pages,omitempty"`
	Questions []Question `json:"questions,omitempty"`
}

// Section is a module of a course.
type Section struct {
	Title    string    `json:"title"`
	Elements []Element `json:"elements"`
}

// Course is a generated course outline.
type Course struct {
	Title      string    `json:"title"`
	Annotation string    `json:"annotation"`
	Tags       []string  `json:"tags"`
	Sections   []Section `json:"sections"`
	// Warnings say what the generator could not do (a prompt-only course offline has no
	// subject content, a question kind the text did not support, …); the generation job's
	// result carries them. Never sent to a model.
	Warnings []string `json:"-"`
}

// RefineRequest asks for sections to append to an existing course.
type RefineRequest struct {
	Course   Course // the course as it is (titles, briefs, questions)
	Feedback string // what to add, in plain English
	Retrieve Retriever
	// Language is the course's language (ISO 639-1); "" means detect it from the course.
	Language string
}

// QuestionRequest asks for a rewrite of one single-choice question on the same concept.
type QuestionRequest struct {
	CourseTitle string
	LessonTitle string // the quiz's title
	Question    Question
	Feedback    string // "" means a generic clearer version
	Context     []Chunk
	Language    string // the course's language (ISO 639-1); "" means detect it
}

// BriefRequest asks for a rewrite of one lesson's brief.
type BriefRequest struct {
	CourseTitle string
	Brief       Brief
	Feedback    string // "" means a generic clarity pass
	Context     []Chunk
	Language    string // the course's language (ISO 639-1); "" means detect it
}

// Generator writes course content.
type Generator interface {
	// Course generates a whole course: sections with lessons (briefs) and a final quiz.
	Course(ctx context.Context, req CourseRequest) (Course, error)
	// Refine returns new sections to append; it never changes what exists.
	Refine(ctx context.Context, req RefineRequest) ([]Section, error)
	// Question rewrites one single-choice question on the same concept.
	Question(ctx context.Context, req QuestionRequest) (Question, error)
	// Brief rewrites one lesson brief.
	Brief(ctx context.Context, req BriefRequest) (Brief, error)
}

// Permanent reports whether a generator's error cannot go away by trying again: invalid
// generated content (a *ValidationError), or an error that says so itself through a
// Permanent() bool method (a model endpoint refusing the request: a bad key, an unknown
// model). Timeouts, rate limits and server errors are not permanent.
func Permanent(err error) bool {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return true
	}
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}
