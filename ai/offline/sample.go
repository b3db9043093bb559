package offline

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

// SampleChunks returns a deterministic document of about pages × 500 words (a confined-
// space safety manual with a dozen headings, definitions, numbers and acronyms), cut into
// chunks of about 200 words the way an upload is: for tests and benchmarks.
func SampleChunks(pages int) []ai.Chunk {
	const wordsPerPage, wordsPerChunk = 500, 200
	total := pages * wordsPerPage
	perSection := max(total/len(sampleSections), wordsPerChunk)
	rng := rand.New(rand.NewPCG(20, 24))
	ns := uuid.MustParse("6f1c3a52-9a43-4d7e-8e55-3c1d0a7b9e10")
	var chunks []ai.Chunk
	written := 0
	for si := 0; written < total; si++ {
		sec := sampleSections[si%len(sampleSections)]
		heading := sec.heading
		if si >= len(sampleSections) {
			heading = fmt.Sprintf("%s (%d)", sec.heading, si/len(sampleSections)+1)
		}
		secWords := 0
		first := true
		for secWords < perSection && written < total {
			var b strings.Builder
			words := 0
			if first {
				// A section opens with its definitions.
				for _, d := range sec.defs {
					s := fmt.Sprintf("%s is %s.", capitalize(d[0]), d[1])
					b.WriteString(s + " ")
					words += wordCount(s)
				}
				first = false
			}
			for words < wordsPerChunk {
				s := sampleSentence(rng, sec)
				b.WriteString(s)
				words += wordCount(s)
				if rng.IntN(6) == 0 {
					b.WriteString("\n\n")
				} else {
					b.WriteByte(' ')
				}
			}
			i := len(chunks)
			chunks = append(chunks, ai.Chunk{ID: uuid.NewSHA1(ns, []byte(fmt.Sprintf("sample-%d-%d", pages, i))), Source: "confined-space-manual.pdf",
				Ordinal: i, Heading: heading, Text: strings.TrimSpace(b.String())})
			secWords += words
			written += words
		}
	}
	return chunks
}

type sampleSection struct {
	heading string
	terms   []string
	defs    [][2]string
}

var sampleSections = []sampleSection{
	{"What is a confined space", []string{"confined space", "entry point", "work area", "storage tank", "access hatch"},
		[][2]string{{"a confined space", "a space that is large enough to enter but is not designed for continuous occupancy"}, {"an entry point", "the opening through which a worker passes into the space"}}},
	{"Hazard identification", []string{"hazard assessment", "oxygen deficiency", "toxic gas", "engulfment hazard", "hazard register"},
		[][2]string{{"a hazard assessment", "a written review of everything that could harm a worker inside the space"}, {"engulfment", "the trapping of a person by a liquid or a loose solid such as grain"}}},
	{"Atmospheric testing", []string{"gas detector", "oxygen level", "flammable gas reading", "bump test", "sampling probe"},
		[][2]string{{"a bump test", "a short check that exposes the gas detector to a known gas"}, {"the LEL", "the lowest concentration of a gas that can ignite"}}},
	{"Ventilation", []string{"ventilation fan", "air supply", "exhaust duct", "fresh air", "air flow"},
		[][2]string{{"forced ventilation", "the use of a fan to push fresh air into the space"}, {"an exhaust duct", "a flexible tube that carries contaminated air out of the space"}}},
	{"Entry permits", []string{"entry permit", "permit board", "entry supervisor", "permit log", "sign-off sheet"},
		[][2]string{{"an entry permit", "a document that authorises entry for one task and one shift"}, {"the entry supervisor", "the person who signs the permit and can cancel it at any time"}}},
	{"Roles and responsibilities", []string{"attendant", "entrant", "rescue team", "site manager", "safety officer"},
		[][2]string{{"an attendant", "a trained person who stays outside the space and watches the entrants"}, {"an entrant", "a worker who is authorised to enter the space"}}},
	{"Personal protective equipment", []string{"harness", "respirator", "hard hat", "safety boots", "lifeline"},
		[][2]string{{"a full-body harness", "a set of straps that spreads the force of a fall across the body"}, {"SCBA", "a breathing set that carries its own air supply"}}},
	{"Isolation and lockout", []string{"lockout device", "isolation point", "energy source", "padlock", "blank flange"},
		[][2]string{{"lockout", "the placing of a lock on an energy source so that it cannot be switched on"}, {"a blank flange", "a solid plate that closes a pipe leading into the space"}}},
	{"Communication", []string{"radio check", "hand signal", "voice contact", "alarm horn", "communication plan"},
		[][2]string{{"a radio check", "a short exchange that confirms the radios work before entry"}}},
	{"Emergency and rescue", []string{"rescue plan", "retrieval system", "tripod", "first aid kit", "emergency call"},
		[][2]string{{"a retrieval system", "a winch and a lifeline that lift a worker out without anyone entering"}, {"a rescue plan", "a written plan that says who rescues whom and with what equipment"}}},
	{"Training and competence", []string{"refresher training", "competence record", "practical drill", "training matrix", "assessment form"},
		[][2]string{{"a practical drill", "an exercise in which the team rehearses a rescue from the space"}}},
	{"Review and records", []string{"incident report", "audit", "permit archive", "near miss", "corrective action"},
		[][2]string{{"a near miss", "an event that could have caused harm but did not"}, {"NIOSH", "the institute that researches work-related injury and illness"}}},
}

var (
	sampleUnits     = []string{"minutes", "hours", "metres", "days", "months", "percent", "kilograms", "litres"}
	sampleAcronyms  = []string{"OSHA", "NIOSH", "HSE", "ANSI", "ISO"}
	sampleTemplates = []string{
		"Workers must check the %[1]s at least every %[3]d %[4]s during the task.",
		"The %[1]s should be recorded on the entry permit before work begins.",
		"%[5]s requires employers to review the %[1]s every %[3]d months.",
		"Any %[1]s that is damaged or missing must be reported to the supervisor immediately.",
		"Training on the %[1]s takes about %[3]d hours and is repeated every %[6]d years.",
		"When the %[1]s fails, the attendant stops the work and calls the rescue team.",
		"About %[3]d percent of incidents involve a problem with the %[1]s.",
		"The %[1]s and the %[2]s are inspected together by a competent person.",
		"Each site keeps a written plan that describes how the %[1]s is used.",
		"The %[2]s must never be used in place of the %[1]s.",
		"In %[7]d the site reduced incidents by %[3]d percent after replacing the %[1]s.",
		"Each %[1]s weighs about %[3]d kilograms, so two people carry it to the %[2]s.",
		"Keep the %[1]s at least %[3]d metres away from the %[2]s.",
		"If the %[1]s cannot be checked, entry is not allowed and the permit is cancelled.",
	}
)

func sampleSentence(rng *rand.Rand, sec sampleSection) string {
	t := sampleTemplates[rng.IntN(len(sampleTemplates))]
	a := sec.terms[rng.IntN(len(sec.terms))]
	b := sec.terms[rng.IntN(len(sec.terms))]
	for b == a {
		b = sec.terms[rng.IntN(len(sec.terms))]
	}
	n := 2 + rng.IntN(58)
	unit := sampleUnits[rng.IntN(len(sampleUnits))]
	acr := sampleAcronyms[rng.IntN(len(sampleAcronyms))]
	years := 1 + rng.IntN(5)
	year := 2005 + rng.IntN(19)
	return capitalize(fmt.Sprintf(t, a, b, n, unit, acr, years, year))
}
