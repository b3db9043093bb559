package ai

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Element kinds and question kinds, as stored (courses.ElementLesson, courses.QuestionSingle, …).
const (
	KindLesson = "lesson"
	KindQuiz   = "quiz"
	KindSurvey = "survey"

	QuestionSingle   = "single"
	QuestionMultiple = "multiple"
)

// Limits a generated course keeps. They mirror the store's checks on a course draft (so
// whatever validates here stores), plus the generation rules: every lesson has a complete
// brief, every quiz has questions, options are distinct.
const (
	MaxTitle       = 200  // course, section, element, brief title and topic
	MaxAnnotation  = 5000 // course annotation
	MaxTags        = 50
	MaxTag         = 64
	MaxDescription = 5000 // brief description
	MaxAudience    = 500  // brief targetAudience
	MaxKeyPoints   = 30
	MaxKeyPoint    = 500
	MaxQuestion    = 2000 // question text
	MinOptions     = 2
	MaxOptions     = 10
	MaxOption      = 500 // option text
	MaxPageBody    = 200000
	MaxPages       = 100
)

// ErrNotSingleChoice is returned when a question rewrite is asked for a question that is
// not single-choice.
var ErrNotSingleChoice = errors.New("only single-choice questions can be regenerated")

// Problem is one validation failure: a JSON pointer into the generated value (as the
// model's JSON spells it, e.g. /sections/0/elements/2/questions/1/options) and a message.
type Problem struct {
	Path    string
	Message string
}

// ValidationError lists everything wrong with generated content. Its text is written to
// be handed back to a model as the reason to try again.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid generated content: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 12 {
			fmt.Fprintf(&b, "and %d more", len(e.Problems)-i)
			break
		}
		if p.Path != "" {
			b.WriteString(p.Path)
			b.WriteString(": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

type checker struct{ problems []Problem }

func (c *checker) add(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: c.problems}
}

// text checks a required text field: not blank and at most max characters.
func (c *checker) text(path, s string, max int) {
	switch n := utf8.RuneCountInString(s); {
	case strings.TrimSpace(s) == "":
		c.add(path, "must not be empty")
	case n > max:
		c.add(path, "must be at most %d characters (it has %d)", max, n)
	}
}

// ValidateCourse checks a generated course: a title, 1–200-character texts, at least one
// section, each section with at least one element, lessons with complete briefs, quizzes
// with valid questions, and a final quiz (the last element of the last section) — unless
// the course has no quiz at all and its Warnings say why.
func ValidateCourse(c Course) error {
	var ch checker
	ch.text("/title", c.Title, MaxTitle)
	if n := utf8.RuneCountInString(c.Annotation); n > MaxAnnotation {
		ch.add("/annotation", "must be at most %d characters (it has %d)", MaxAnnotation, n)
	}
	checkTags(&ch, c.Tags)
	if len(c.Sections) == 0 {
		ch.add("/sections", "a course needs at least one section")
	}
	checkSections(&ch, "/sections", c.Sections)
	if n := len(c.Sections); n > 0 && !(len(c.Warnings) > 0 && !hasQuiz(c.Sections)) {
		// A course without any quiz is valid only when its warnings say why.
		last := c.Sections[n-1].Elements
		if len(last) == 0 || last[len(last)-1].Kind != KindQuiz {
			ch.add(fmt.Sprintf("/sections/%d", n-1), "the course must end with a final quiz (the last element of the last section)")
		}
	}
	return ch.err()
}

// ValidateSections checks sections to append to a course (at least one).
func ValidateSections(secs []Section) error {
	var ch checker
	if len(secs) == 0 {
		ch.add("/sections", "at least one section is needed")
	}
	checkSections(&ch, "/sections", secs)
	return ch.err()
}

// ValidateQuestion checks one quiz question.
func ValidateQuestion(q Question) error {
	var ch checker
	checkQuestion(&ch, "", q)
	return ch.err()
}

// ValidateBrief checks one lesson brief: every field present, 1–30 key points.
func ValidateBrief(b Brief) error {
	var ch checker
	checkBrief(&ch, "", b)
	return ch.err()
}

func checkTags(ch *checker, tags []string) {
	if len(tags) > MaxTags {
		ch.add("/tags", "at most %d tags", MaxTags)
	}
	seen := map[string]bool{}
	for i, t := range tags {
		p := fmt.Sprintf("/tags/%d", i)
		ch.text(p, t, MaxTag)
		if seen[t] {
			ch.add(p, "appears twice")
		}
		seen[t] = true
	}
}

func checkSections(ch *checker, base string, secs []Section) {
	for si, s := range secs {
		sp := fmt.Sprintf("%s/%d", base, si)
		ch.text(sp+"/title", s.Title, MaxTitle)
		if len(s.Elements) == 0 {
			ch.add(sp+"/elements", "a section needs at least one element")
		}
		for ei, e := range s.Elements {
			checkElement(ch, fmt.Sprintf("%s/elements/%d", sp, ei), e)
		}
	}
}

func checkElement(ch *checker, p string, e Element) {
	ch.text(p+"/title", e.Title, MaxTitle)
	switch e.Kind {
	case KindLesson:
		if e.Brief == nil {
			ch.add(p+"/brief", "a lesson needs a brief")
		} else {
			checkBrief(ch, p+"/brief", *e.Brief)
		}
		if len(e.Questions) > 0 {
			ch.add(p+"/questions", "only quizzes carry questions")
		}
	case KindQuiz:
		if len(e.Questions) == 0 {
			ch.add(p+"/questions", "a quiz needs at least one question")
		}
		for qi, q := range e.Questions {
			checkQuestion(ch, fmt.Sprintf("%s/questions/%d", p, qi), q)
		}
	case KindSurvey:
		if len(e.Questions) > 0 {
			ch.add(p+"/questions", "only quizzes carry questions")
		}
	default:
		ch.add(p+"/kind", "must be lesson, quiz or survey (it is %q)", e.Kind)
	}
	if e.Brief != nil && e.Kind != KindLesson {
		ch.add(p+"/brief", "only lessons carry a brief")
	}
	if len(e.Pages) > MaxPages {
		ch.add(p+"/pages", "at most %d pages", MaxPages)
	}
	for i, pg := range e.Pages {
		pp := fmt.Sprintf("%s/pages/%d", p, i)
		ch.text(pp+"/title", pg.Title, MaxTitle)
		if utf8.RuneCountInString(pg.Body) > MaxPageBody {
			ch.add(pp+"/body", "must be at most %d characters", MaxPageBody)
		}
	}
}

func checkBrief(ch *checker, p string, b Brief) {
	ch.text(p+"/topic", b.Topic, MaxTitle)
	ch.text(p+"/title", b.Title, MaxTitle)
	ch.text(p+"/description", b.Description, MaxDescription)
	ch.text(p+"/targetAudience", b.TargetAudience, MaxAudience)
	switch n := len(b.KeyPoints); {
	case n == 0:
		ch.add(p+"/keyPoints", "a brief needs at least one key point")
	case n > MaxKeyPoints:
		ch.add(p+"/keyPoints", "at most %d key points (it has %d)", MaxKeyPoints, n)
	}
	for i, k := range b.KeyPoints {
		ch.text(fmt.Sprintf("%s/keyPoints/%d", p, i), k, MaxKeyPoint)
	}
}

func checkQuestion(ch *checker, p string, q Question) {
	if q.Kind != QuestionSingle && q.Kind != QuestionMultiple {
		ch.add(p+"/kind", "must be single or multiple (it is %q)", q.Kind)
	}
	ch.text(p+"/text", q.Text, MaxQuestion)
	if n := len(q.Options); n < MinOptions || n > MaxOptions {
		ch.add(p+"/options", "a question needs %d–%d options (it has %d)", MinOptions, MaxOptions, n)
	}
	correct := 0
	seen := map[string]int{}
	for i, o := range q.Options {
		op := fmt.Sprintf("%s/options/%d", p, i)
		ch.text(op+"/text", o.Text, MaxOption)
		key := strings.ToLower(strings.Join(strings.Fields(o.Text), " "))
		if j, dup := seen[key]; dup && key != "" {
			ch.add(op+"/text", "repeats option %d", j)
		}
		seen[key] = i
		if o.Correct {
			correct++
		}
	}
	switch {
	case q.Kind == QuestionSingle && correct != 1:
		ch.add(p+"/options", "a single-choice question needs exactly one correct option (it has %d)", correct)
	case q.Kind == QuestionMultiple && correct < 1:
		ch.add(p+"/options", "a multiple-choice question needs at least one correct option")
	}
}

func hasQuiz(secs []Section) bool {
	for _, s := range secs {
		for _, e := range s.Elements {
			if e.Kind == KindQuiz {
				return true
			}
		}
	}
	return false
}
