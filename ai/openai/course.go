package openai

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/learnd/learnd/ai"
)

// Course writing, in steps (see the package comment): the outline, the modules, the
// final quiz.

const (
	finalQuizSize   = 10 // questions in the final quiz (more when there are more modules)
	parallelModules = 3  // module calls in flight at once
)

// outline is the planned course.
type outline struct {
	Title, Annotation, FinalQuizTitle string
	Tags                              []string
	Modules                           []wirePlanned
}

// Course generates a whole course: the outline, then each module, then the final quiz
// from the modules' questions.
func (c *Client) Course(ctx context.Context, req ai.CourseRequest) (ai.Course, error) {
	n := req.Options.Modules
	if n <= 0 {
		n = ai.DefaultModules
	}
	chunks := slices.Clone(req.Chunks)
	slices.SortStableFunc(chunks, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
	var warnings []string
	ol, warn, err := c.outline(ctx, req, chunks, n)
	if err != nil {
		return ai.Course{}, fmt.Errorf("openai generator: outline: %w", err)
	}
	warnings = append(warnings, warn...)

	sections := make([]ai.Section, n)
	questions := make([][]ai.Question, n)
	moduleWarnings := make([]string, n)
	errs := make([]error, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallelModules)
	for i := range n {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			sections[i], questions[i], moduleWarnings[i], errs[i] = c.module(ctx, req, chunks, ol, i)
			if errs[i] != nil {
				cancel() // the course fails: stop the other modules
			}
		})
	}
	wg.Wait()
	if i := firstErr(errs); i >= 0 {
		return ai.Course{}, fmt.Errorf("openai generator: module %d: %w", i+1, errs[i])
	}
	for _, w := range moduleWarnings {
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	quizTitle := ol.FinalQuizTitle
	sections = append(sections, ai.Section{Title: quizTitle, Elements: []ai.Element{
		{Kind: ai.KindQuiz, Title: quizTitle, Questions: finalQuiz(questions, max(finalQuizSize, n))}}})
	course := ai.Course{Title: ol.Title, Annotation: ol.Annotation, Tags: ol.Tags, Sections: sections, Warnings: warnings}
	if err := ai.ValidateCourse(course); err != nil {
		return ai.Course{}, fmt.Errorf("openai generator: course: %w", err)
	}
	return course, nil
}

// firstErr is the index of the first module error that is not a cancellation (caused by
// another module's failure), else of the first error; -1 when there is none.
func firstErr(errs []error) int {
	first := -1
	for i, err := range errs {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			return i
		}
		if first < 0 {
			first = i
		}
	}
	return first
}

// outline plans the course: title, annotation, tags, the final quiz's title and n
// modules with a scope each.
func (c *Client) outline(ctx context.Context, req ai.CourseRequest, chunks []ai.Chunk, n int) (outline, []string, error) {
	var warnings []string
	var u strings.Builder
	fmt.Fprintf(&u, "Course request: %s\n", req.Prompt)
	fmt.Fprintf(&u, "Plan exactly %d modules.\n", n)
	if req.Options.Title != "" {
		fmt.Fprintf(&u, "Title: use exactly %q.\n", req.Options.Title)
	}
	grounded := len(chunks) > 0 || req.Retrieve != nil
	system := systemPrompt(schemaOutline, languageRule(req.Options.Language, langOfRequest), grounded, 0)
	room := c.budget.room(system, u.String())
	switch {
	case len(chunks) > 0:
		src, whole := outlineSource(chunks, room)
		if !whole {
			warnings = append(warnings, fmt.Sprintf("The source materials are longer than the model's context (%d tokens, LEARND_LLM_CONTEXT_TOKENS): "+
				"the modules were planned from their headings and excerpts, and each module was written from its own part of them.", c.budget.context))
		}
		u.WriteString(src)
	case req.Retrieve != nil:
		found, err := req.Retrieve(ctx, req.Prompt, 12)
		if err != nil {
			return outline{}, nil, fmt.Errorf("retrieve chunks: %w", err)
		}
		if picked := fit(found, room); len(picked) > 0 {
			slices.SortStableFunc(picked, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
			src, _ := outlineSource(picked, room)
			u.WriteString(src)
		}
	}
	var out outline
	err := c.generate(ctx, schemaOutline, system, u.String(), func(raw []byte) error {
		var w wireOutline
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		var p problems
		o := outline{Title: strings.TrimSpace(w.Title), Annotation: strings.TrimSpace(w.Annotation),
			FinalQuizTitle: strings.TrimSpace(w.FinalQuizTitle)}
		if req.Options.Title != "" {
			o.Title = req.Options.Title
		}
		tags := map[string]bool{}
		for _, t := range w.Tags {
			if t = strings.TrimSpace(t); t != "" && !tags[strings.ToLower(t)] {
				tags[strings.ToLower(t)] = true
				o.Tags = append(o.Tags, t)
			}
		}
		if len(w.Modules) < n {
			p.add("/modules", "plan exactly %d modules (it has %d)", n, len(w.Modules))
		}
		titles := map[string]int{}
		for i, m := range w.Modules[:min(n, len(w.Modules))] {
			m.Title, m.Scope = strings.TrimSpace(m.Title), strings.TrimSpace(m.Scope)
			if j, dup := titles[strings.ToLower(m.Title)]; dup {
				p.add(fmt.Sprintf("/modules/%d/title", i), "repeats the title of module %d", j)
			}
			titles[strings.ToLower(m.Title)] = i
			if m.Title == "" || m.Scope == "" {
				p.add(fmt.Sprintf("/modules/%d", i), "a module needs a title and a scope")
			}
			o.Modules = append(o.Modules, m)
		}
		if o.Title == "" || o.FinalQuizTitle == "" {
			p.add("", "the course needs a title and a finalQuizTitle")
		}
		if err := p.merge(nil); err != nil {
			return err
		}
		out = o
		return nil
	})
	return out, warnings, err
}

// finalQuiz takes up to size questions from the modules in turn (the first of each, then
// the second, …), so every module is asked about; repeated questions are skipped.
func finalQuiz(perModule [][]ai.Question, size int) []ai.Question {
	var out []ai.Question
	seen := map[string]bool{}
	for round := 0; len(out) < size; round++ {
		took := false
		for _, qs := range perModule {
			if round >= len(qs) || len(out) == size {
				continue
			}
			took = true
			key := strings.ToLower(strings.Join(strings.Fields(qs[round].Text), " "))
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, qs[round])
		}
		if !took {
			break
		}
	}
	return out
}
