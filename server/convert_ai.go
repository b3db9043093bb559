package server

import (
	"strconv"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// Converters of the AI authoring endpoints.

func toModelGenerationOptions(in *api.CourseGenerationOptions) materials.GenerationOptions {
	var out materials.GenerationOptions
	if in == nil {
		return out
	}
	if in.Modules != nil {
		out.Modules = *in.Modules
	}
	if in.Language != nil {
		out.Language = *in.Language
	}
	if in.Title != nil {
		out.Title = *in.Title
	}
	return out
}

func generationJobURL(id string) string { return "/api/v2/ai/courses/generate/" + id }

func toAPIGenerationQueued(j materials.GenerationJob) api.CourseGenerationQueued {
	id := typeid.Format(materials.GenerationJobPrefix, j.ID)
	return api.CourseGenerationQueued{JobId: id, Status: api.CourseGenerationStatus(j.Status),
		Message: "Course generation queued. Poll GET " + generationJobURL(id) + " every 3–5 seconds until status is completed, then read result.courseId (or, when failed, error.message)."}
}

func toAPIGenerationJob(j materials.GenerationJob) api.CourseGenerationJob {
	id := typeid.Format(materials.GenerationJobPrefix, j.ID)
	out := api.CourseGenerationJob{JobId: id, Status: api.CourseGenerationStatus(j.Status), CreatedAt: j.CreatedAt,
		StartedAt: j.StartedAt, FinishedAt: j.FinishedAt}
	switch j.Status {
	case materials.GenerationQueued:
		out.Message = "Queued, waiting for a worker. Poll again in 3–5 seconds."
	case materials.GenerationRunning:
		out.Message = "Generating the course (attempt " + strconv.Itoa(max(j.Attempts, 1)) + "). Poll again in 3–5 seconds."
	case materials.GenerationCompleted:
		if j.CourseID != nil {
			cid := typeid.Format(typeid.Course, *j.CourseID)
			warnings := j.Warnings
			if warnings == nil {
				warnings = []string{}
			}
			out.Result = &api.CourseGenerationResult{CourseId: cid, Warnings: warnings}
			out.Message = "The course is ready as a draft owned by you. Read it with GET /api/v2/courses/" + cid + "."
			if len(warnings) > 0 {
				out.Message += " Some of what was asked could not be generated; see result.warnings."
			}
		}
	case materials.GenerationFailed:
		msg := "course generation failed"
		if j.Error != nil {
			msg = *j.Error
		}
		out.Error = &api.CourseGenerationError{Message: msg}
		out.Message = "Course generation failed; see error.message. Nothing was created."
	case materials.GenerationCancelled:
		msg := "cancelled by the requester"
		if j.Error != nil {
			msg = *j.Error
		}
		out.Error = &api.CourseGenerationError{Message: msg}
		out.Message = "Course generation was cancelled; nothing was created and the AI quota call was given back."
	}
	return out
}

func toAPIRegeneratedQuestion(q courses.QuizQuestion) api.RegeneratedQuestion {
	out := api.RegeneratedQuestion{QuestionId: typeid.Format(typeid.Question, q.ID), Text: q.Text,
		Options: make([]api.QuizOption, len(q.Options)),
		Message: "Question rewritten on the same concept; the previous text and options are kept in the audit log (course.question.update)."}
	for i, o := range q.Options {
		out.Options[i] = api.QuizOption{Id: o.ID, Text: o.Text, Correct: ptr(o.Correct)}
		if o.Feedback != "" {
			out.Options[i].Feedback = ptr(o.Feedback)
		}
	}
	return out
}

func toAPIRegeneratedLesson(e courses.CourseElement) api.RegeneratedLesson {
	out := api.RegeneratedLesson{LessonId: typeid.Format(typeid.Element, e.ID)}
	if b := toAPILessonBrief(e.Brief); b != nil {
		out.Brief = *b
	}
	return out
}

func toAPIRefineResult(course string, r courses.AppendResult, sections int) api.CourseRefineResult {
	return api.CourseRefineResult{CourseId: course, ElementsAdded: r.ElementsAdded, TransitionsAdded: r.TransitionsAdded,
		Message: "Added " + aiPlural(sections, "section") + " with " + aiPlural(r.ElementsAdded, "element") + " and " +
			aiPlural(r.TransitionsAdded, "transition") + " at the end of the course; nothing that existed was changed."}
}

func aiPlural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
