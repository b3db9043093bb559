package openai

import (
	"fmt"
	"strings"
)

// languageNames names the common course languages, so a small model reads a word it
// knows rather than a code.
var languageNames = map[string]string{
	"ar": "Arabic", "bg": "Bulgarian", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
	"en": "English", "es": "Spanish", "et": "Estonian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
	"hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
	"ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
	"pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian",
	"sv": "Swedish", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}

// What to write in when no language is given.
const (
	langOfRequest = "- Write in the language of the course request; when the request names no subject in words, in the language of the source text.\n"
	langOfPlan    = "- Write in the language of the course's title and module titles given in the request.\n"
	langOfCourse  = "- Write in the language of the existing course (its titles and texts), whatever language the feedback is in.\n"
)

// languageRule is the system prompt's language line: lang is an ISO 639-1 code; when it
// is "", fallback (one of the lang… lines).
func languageRule(lang, fallback string) string {
	code := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(code, "-_"); i > 0 {
		code = code[:i] // "fr-CA"
	}
	switch {
	case code != "" && languageNames[code] != "":
		return fmt.Sprintf("- Write every text in %s (ISO 639-1 %q), whatever language the request or the sources are in.\n", languageNames[code], code)
	case code != "":
		return fmt.Sprintf("- Write every text in the language with ISO 639-1 code %q, whatever language the request or the sources are in.\n", code)
	}
	return fallback
}

// systemPrompt is the rules and the schema for one kind of reply. lang is languageRule's
// line; replyChars, when positive, is the length the reply must stay under.
func systemPrompt(k schemaKind, lang string, grounded bool, replyChars int) string {
	var b strings.Builder
	b.WriteString("You are learnd's course-authoring assistant. You write e-learning content as JSON.\n")
	b.WriteString("Reply with one JSON object only — no prose, no Markdown fences — matching this JSON Schema:\n")
	b.WriteString(schemaText(k))
	b.WriteString("\n\nRules:\n")
	b.WriteString(lang)
	const (
		brief = "- A lesson has a brief (topic, title, description, 3–6 keyPoints, targetAudience) and 1–3 pages of teaching text: " +
			"each page a title and a body of 200–3000 characters that explains the subject (what, why, how, an example), not a summary of the brief.\n"
		question = "- Questions are single-choice (kind \"single\") with 3–5 distinct options of one kind (all numbers, or all phrases) " +
			"and exactly one correct option; wrong options are plausible. Ask about facts and ideas, never about section or page numbers. " +
			"Every option has feedback for the learner who picks it: one sentence saying why it is right or wrong, from the source.\n"
	)
	switch k {
	case schemaOutline:
		b.WriteString("- Plan the course: exactly the number of modules asked for, each a title and a scope (one sentence saying what it teaches). " +
			"Modules follow the order of the subject, do not overlap, and together cover the request (and the document).\n" +
			"- annotation: two or three sentences for learners; tags: a few keywords; finalQuizTitle: the title of the course's final quiz.\n")
	case schemaModule:
		b.WriteString("- Write one module: its lessons (1–3) and the quiz questions asked for, which go to the course's final quiz.\n")
		b.WriteString(brief)
		b.WriteString(question)
	case schemaSections:
		b.WriteString("- Each section holds one to three lessons and may end with a quiz; a quiz has questions, brief null and no pages; a survey has none of them.\n")
		b.WriteString(brief)
		b.WriteString(question)
	case schemaQuestion:
		b.WriteString(question)
	case schemaBrief:
		b.WriteString("- A brief has a topic, a title, a description, 3–6 keyPoints and a targetAudience.\n")
	}
	if k != schemaOutline && k != schemaBrief {
		if grounded {
			b.WriteString("- The numbered source chunks are the primary source: teach what they say and do not invent facts they do not state. " +
				"Take each question's correct option verbatim from one chunk and set sourceChunk to that chunk's number.\n")
		} else {
			b.WriteString("- There are no source chunks: set sourceChunk to 0.\n")
		}
	} else if grounded {
		b.WriteString("- Base the content on the source text given; do not invent facts it does not state.\n")
	}
	if replyChars > 0 {
		fmt.Fprintf(&b, "- Keep the whole reply under %d characters: fewer or shorter pages rather than a reply cut off.\n", replyChars)
	}
	return b.String()
}

// shorterNote is added to the request when the reply was cut off at the token limit.
func shorterNote(k schemaKind, replyTokens int) string {
	var what string
	switch k {
	case schemaOutline:
		what = "a one-sentence annotation, at most 5 tags, and a scope of at most 15 words per module"
	case schemaModule:
		what = "one or two lessons, ONE page each of at most 1200 characters, 3 key points per brief, short descriptions, and at most 2 questions"
	case schemaSections:
		what = "one section, one or two lessons with ONE page each of at most 1200 characters, 3 key points per brief, at most 3 quiz questions"
	case schemaQuestion:
		what = "a short question and short options"
	case schemaBrief:
		what = "a description of at most three sentences and 3 short key points"
	}
	return fmt.Sprintf("IMPORTANT: your previous reply to this request was cut off at the length limit (%d tokens) before the JSON was complete. "+
		"Write a SHORTER reply that fits: %s.", replyTokens, what)
}
