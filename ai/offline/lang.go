package offline

import "strings"

// The offline generator has no model, so it writes no new prose in other languages: it
// keeps the source text's own sentences and localises what it writes itself (labels here,
// outline objectives and points in outline_text.go) for the languages below. Any other
// language gets the English labels around text in its own language.

// stopwords per language (short lists: enough for term weighting and language detection).
var stopwords = map[string]map[string]bool{
	"en": set(`a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could did do does doing don't down during each either
else etc even ever every few for from further get gets got had has have having he her here hers herself
him himself his how however i if in into is isn't it it's its itself just least less let like made make
many may me might more most much must my myself neither no nor not now of off often on once one only
onto or other others otherwise our ours ourselves out over own per perhaps rather same shall she should
since so some such than that the their theirs them themselves then there therefore these they this
those though through thus to too toward towards under until up upon us use used uses using very via
was wasn't we well were weren't what when where whether which while who whom whose why will with
within without would yet you your yours yourself yourselves also always another around back become
becomes come comes different does done given go goes keep kept know known
next put said enough really quite say says see seen several take taken tell three two four five whose without`),
	"es": set(`a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
ella ellas ellos en entre era es esa ese eso esta estas este esto estos fue ha hay la las le les lo los
más me mi mis muy no nos o os otra otro para pero poco por porque que quien se ser si sin sobre son su
sus también tanto te tiene todo todos tu un una uno unos y ya cada debe deben puede pueden así`),
	"fr": set(`à au aux avec ce ces cette dans de des du elle elles en est et eux il ils je la le les leur leurs
lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sont
sur ta te tes toi ton tu un une vos votre vous y été être avoir ont peut doit doivent chaque aussi
ainsi comme plus sans tout tous toute toutes entre`),
	"de": set(`aber alle allem allen aller alles als also am an auch auf aus bei bin bis bist da damit dann das
dass dein deine dem den der des dich die dir doch dort du durch ein eine einem einen einer eines er es
für hat hatte ich ihr ihre im in ist ja jede jeder jedes kann kein keine man mit muss müssen nach nicht
noch nur oder ohne sein seine sich sie sind so soll sollte um und uns unter vom von vor war wenn werden
wie wir wird wo zu zum zur über`),
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// languages are the languages the offline generator labels itself (and detects).
var languages = []string{"en", "es", "fr", "de"}

// orDetect is the language asked for (ISO 639-1), else the one text is written in.
func orDetect(lang, text string) string {
	if l := normLanguage(lang); l != "" {
		return l
	}
	return detectLanguage(text)
}

// detectLanguage guesses the language of text from its stopwords; "en" when unsure.
func detectLanguage(text string) string {
	counts := map[string]int{}
	n := 0
	for _, f := range strings.Fields(strings.ToLower(text)) {
		f = strings.Trim(f, ".,;:!?()\"'«»“”¿¡")
		for _, l := range languages {
			if stopwords[l][f] {
				counts[l]++
			}
		}
		if n++; n > 3000 {
			break
		}
	}
	best, bestN := "en", counts["en"]
	for _, l := range languages[1:] {
		if counts[l] > bestN {
			best, bestN = l, counts[l]
		}
	}
	return best
}

// normLanguage turns an ISO 639-1 option ("en", "ES", "fr-CA") into a code.
func normLanguage(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	return s
}

// stopwordsFor is the stopword list for a language, English for the unknown ones.
func stopwordsFor(lang string) map[string]bool {
	if m, ok := stopwords[lang]; ok {
		return m
	}
	return stopwords["en"]
}

// label keys.
const (
	lFinalQuiz         = "finalQuiz"
	lFinalQuizTitle    = "finalQuizTitle"
	lFillBlank         = "fillBlank"
	lCompletes         = "completes"
	lChooseCorrect     = "chooseCorrect"
	lKeyTerms          = "keyTerms"
	lAllLearners       = "allLearners"
	lAnd               = "and"
	lPart              = "part"
	lBasedOn           = "basedOn"
	lKeyPointOf        = "keyPointOf"
	lWhichModule       = "whichModule"
	lCourse            = "course"
	lPractice          = "practice"
	lPracticeQuiz      = "practiceQuiz"
	lFeedback          = "feedback"
	lFeedbackSurvey    = "feedbackSurvey"
	lIntroduction      = "introduction"
	lCoreConcepts      = "coreConcepts"
	lProcedures        = "procedures"
	lRisks             = "risks"
	lPracticeModule    = "practiceModule"
	lReview            = "review"
	lRegulations       = "regulations"
	lRoles             = "roles"
	lTools             = "tools"
	lCaseStudies       = "caseStudies"
	lCommunication     = "communication"
	lMeasuring         = "measuring"
	lAdvanced          = "advanced"
	lOverview          = "overview"
	lInPractice        = "inPractice"
	lAnnotationDoc     = "annotationDoc"
	lAnnotationTopic   = "annotationTopic"
	lSelectOne         = "selectOne"
	lQuizOn            = "quizOn"
	lPracticalNote     = "practicalNote"
	lWorkedExample     = "workedExample"
	lTrueFalse         = "trueFalse"
	lTrue              = "true"
	lFalse             = "false"
	lFirstStep         = "firstStep"
	lNextStep          = "nextStep"
	lTableMatch        = "tableMatch"
	lWhatIs            = "whatIs"
	lWhichStatement    = "whichStatement"
	lLearners          = "learners"
	lContentNeeded     = "contentNeeded"
	lMustCover         = "mustCover"
	lAnnotationOutline = "annotationOutline"
	lTermPoint         = "termPoint"
	lAndMore           = "andMore"
	lRightFeedback     = "rightFeedback"
	lWrongFeedback     = "wrongFeedback"
)

// labels localises the generator's fixed texts. %s stands for the topic (or the title).
var labels = map[string]map[string]string{
	"en": {
		lRightFeedback: "Right: the source says “%s”", lWrongFeedback: "Not quite: the source says “%s”",
		lAndMore:           "%s and %d more",
		lTermPoint:         "%s: what it is and why it matters",
		lAnnotationOutline: "An outline of a course on %s for %s: %d modules whose lessons say what they must cover, ready for content.",
		lLearners:          "learners", lContentNeeded: "Content needed", lMustCover: "This lesson needs content: no language model wrote it, and there were no source materials to take it from. Objective: %s It must cover:",
		"audience-lead": "For %s: what to check, enforce and record so that the team applies this lesson.", "audience-novice": "For %s: the essential terms and steps, from the start.", "audience-expert": "For %s: the technical details, settings and exceptions.",
		lWhichStatement: "Which of these statements is correct?",
		lTrueFalse:      "True or false?", lTrue: "True", lFalse: "False",
		lFirstStep: "What is the first step of the procedure in “%s”?", lNextStep: "In the procedure in “%s”, which step comes right after “%s”?",
		lTableMatch: "Which %s matches this %s: “%s”?", lWhatIs: "Which of these describes “%s”?",
		lQuizOn: "Quiz: %s", lPracticalNote: "The lesson is practical: each point comes with a concrete example from work.", lWorkedExample: "Worked example: %s",
		lFinalQuiz: "Final quiz", lFinalQuizTitle: "Final quiz", lFillBlank: "Fill in the blank:",
		lCompletes: "Which option correctly completes this statement?", lChooseCorrect: "Choose the correct answer:",
		lKeyTerms: "Key terms", lAllLearners: "All learners", lAnd: "and", lPart: "part", lBasedOn: "Based on",
		lKeyPointOf: "Which of these is a key point of the lesson “%s”?", lWhichModule: "Which module of this course covers “%s”?",
		lCourse: "Course", lPractice: "Practice", lPracticeQuiz: "Practice quiz", lFeedback: "Course feedback",
		lFeedbackSurvey: "Course feedback survey", lIntroduction: "Introduction to %s", lCoreConcepts: "Core concepts of %s",
		lProcedures: "Procedures and best practices", lRisks: "Risks and common mistakes", lPracticeModule: "Practice: applying %s",
		lReview: "Review and next steps", lRegulations: "Rules, regulations and standards", lRoles: "Roles and responsibilities",
		lTools: "Tools and resources", lCaseStudies: "Case studies", lCommunication: "Communication and reporting",
		lMeasuring: "Measuring success", lAdvanced: "Advanced topics in %s", lOverview: "%s: overview", lInPractice: "%s in practice",
		lAnnotationDoc: "A course built from %s.", lAnnotationTopic: "A course on %s for %s: %d modules and a final quiz.",
		lSelectOne: "(Select one answer.)",
	},
	"es": {
		lRightFeedback: "Correcto: el texto dice «%s»", lWrongFeedback: "No exactamente: el texto dice «%s»",
		lAndMore:           "%s y %d más",
		lTermPoint:         "%s: qué es y por qué importa",
		lAnnotationOutline: "Esquema de un curso sobre %s para %s: %d módulos cuyas lecciones indican qué deben tratar, listos para el contenido.",
		lLearners:          "los participantes", lContentNeeded: "Contenido pendiente", lMustCover: "Esta lección necesita contenido: ningún modelo de lenguaje la redactó y no había materiales de origen de los que tomarlo. Objetivo: %s Debe tratar:",
		"audience-lead": "Para %s: qué comprobar, exigir y registrar para que el equipo aplique esta lección.", "audience-novice": "Para %s: los términos y pasos esenciales, desde el principio.", "audience-expert": "Para %s: los detalles técnicos, ajustes y excepciones.",
		lWhichStatement: "¿Cuál de estas afirmaciones es correcta?",
		lTrueFalse:      "¿Verdadero o falso?", lTrue: "Verdadero", lFalse: "Falso",
		lFirstStep: "¿Cuál es el primer paso del procedimiento de «%s»?", lNextStep: "En el procedimiento de «%s», ¿qué paso viene justo después de «%s»?",
		lTableMatch: "¿Qué %s corresponde a este %s: «%s»?", lWhatIs: "¿Cuál de estas opciones describe «%s»?",
		lQuizOn: "Cuestionario: %s", lPracticalNote: "La lección es práctica: cada punto viene con un ejemplo concreto del trabajo.", lWorkedExample: "Ejemplo práctico: %s",
		lFinalQuiz: "Evaluación final", lFinalQuizTitle: "Evaluación final", lFillBlank: "Completa la frase:",
		lCompletes: "¿Qué opción completa correctamente esta afirmación?", lChooseCorrect: "Elige la respuesta correcta:",
		lKeyTerms: "Términos clave", lAllLearners: "Todos los participantes", lAnd: "y", lPart: "parte", lBasedOn: "Basado en",
		lKeyPointOf: "¿Cuál de estos es un punto clave de la lección «%s»?", lWhichModule: "¿Qué módulo de este curso trata «%s»?",
		lCourse: "Curso", lPractice: "Práctica", lPracticeQuiz: "Cuestionario de práctica", lFeedback: "Opinión sobre el curso",
		lFeedbackSurvey: "Encuesta de opinión del curso", lIntroduction: "Introducción a %s", lCoreConcepts: "Conceptos básicos de %s",
		lProcedures: "Procedimientos y buenas prácticas", lRisks: "Riesgos y errores frecuentes", lPracticeModule: "Práctica: aplicar %s",
		lReview: "Repaso y próximos pasos", lRegulations: "Normas, reglamentos y estándares", lRoles: "Funciones y responsabilidades",
		lTools: "Herramientas y recursos", lCaseStudies: "Casos prácticos", lCommunication: "Comunicación e informes",
		lMeasuring: "Medir el éxito", lAdvanced: "Temas avanzados de %s", lOverview: "%s: visión general", lInPractice: "%s en la práctica",
		lAnnotationDoc: "Un curso elaborado a partir de %s.", lAnnotationTopic: "Un curso sobre %s para %s: %d módulos y una evaluación final.",
		lSelectOne: "(Elige una respuesta.)",
	},
	"fr": {
		lRightFeedback: "Exact : le texte dit « %s »", lWrongFeedback: "Pas tout à fait : le texte dit « %s »",
		lAndMore:           "%s et %d autres",
		lTermPoint:         "%s : ce que c’est et pourquoi c’est important",
		lAnnotationOutline: "Plan d’un cours sur %s pour %s : %d modules dont les leçons indiquent ce qu’elles doivent couvrir, prêts à être rédigés.",
		lLearners:          "les apprenants", lContentNeeded: "Contenu à rédiger", lMustCover: "Cette leçon doit être rédigée : aucun modèle de langage ne l’a écrite et aucun document source ne la fournissait. Objectif : %s Elle doit couvrir :",
		"audience-lead": "Pour %s : ce qu’il faut vérifier, faire respecter et consigner pour que l’équipe applique cette leçon.", "audience-novice": "Pour %s : les termes et étapes essentiels, depuis le début.", "audience-expert": "Pour %s : les détails techniques, réglages et exceptions.",
		lWhichStatement: "Laquelle de ces affirmations est correcte ?",
		lTrueFalse:      "Vrai ou faux ?", lTrue: "Vrai", lFalse: "Faux",
		lFirstStep: "Quelle est la première étape de la procédure « %s » ?", lNextStep: "Dans la procédure « %s », quelle étape vient juste après « %s » ?",
		lTableMatch: "Quel %s correspond à ce %s : « %s » ?", lWhatIs: "Laquelle de ces propositions décrit « %s » ?",
		lQuizOn: "Quiz : %s", lPracticalNote: "La leçon est pratique : chaque point s’accompagne d’un exemple concret tiré du travail.", lWorkedExample: "Exemple concret : %s",
		lFinalQuiz: "Quiz final", lFinalQuizTitle: "Quiz final", lFillBlank: "Complétez la phrase :",
		lCompletes: "Quelle option complète correctement cette affirmation ?", lChooseCorrect: "Choisissez la bonne réponse :",
		lKeyTerms: "Termes clés", lAllLearners: "Tous les apprenants", lAnd: "et", lPart: "partie", lBasedOn: "D’après",
		lKeyPointOf: "Lequel de ces éléments est un point clé de la leçon « %s » ?", lWhichModule: "Quel module de ce cours traite « %s » ?",
		lCourse: "Cours", lPractice: "Pratique", lPracticeQuiz: "Quiz d’entraînement", lFeedback: "Avis sur le cours",
		lFeedbackSurvey: "Questionnaire d’avis sur le cours", lIntroduction: "Introduction : %s", lCoreConcepts: "Notions essentielles : %s",
		lProcedures: "Procédures et bonnes pratiques", lRisks: "Risques et erreurs fréquentes", lPracticeModule: "Mise en pratique : %s",
		lReview: "Révision et prochaines étapes", lRegulations: "Règles, réglementations et normes", lRoles: "Rôles et responsabilités",
		lTools: "Outils et ressources", lCaseStudies: "Études de cas", lCommunication: "Communication et signalement",
		lMeasuring: "Mesurer les progrès", lAdvanced: "Sujets avancés : %s", lOverview: "%s : vue d’ensemble", lInPractice: "%s en pratique",
		lAnnotationDoc: "Un cours construit à partir de %s.", lAnnotationTopic: "Un cours sur %s pour %s : %d modules et un quiz final.",
		lSelectOne: "(Une seule réponse.)",
	},
	"de": {
		lRightFeedback: "Richtig: Im Text steht „%s“", lWrongFeedback: "Nicht ganz: Im Text steht „%s“",
		lAndMore:           "%s und %d weitere",
		lTermPoint:         "%s: was es ist und warum es wichtig ist",
		lAnnotationOutline: "Gliederung eines Kurses zu %s für %s: %d Module, deren Lektionen angeben, was sie behandeln müssen, bereit für Inhalte.",
		lLearners:          "Lernende", lContentNeeded: "Inhalt fehlt", lMustCover: "Diese Lektion braucht Inhalt: Kein Sprachmodell hat sie geschrieben, und es gab keine Quellmaterialien dafür. Ziel: %s Sie muss behandeln:",
		"audience-lead": "Für %s: was zu prüfen, durchzusetzen und zu dokumentieren ist, damit das Team diese Lektion anwendet.", "audience-novice": "Für %s: die wichtigsten Begriffe und Schritte, von Anfang an.", "audience-expert": "Für %s: die technischen Details, Einstellungen und Ausnahmen.",
		lWhichStatement: "Welche dieser Aussagen ist richtig?",
		lTrueFalse:      "Richtig oder falsch?", lTrue: "Richtig", lFalse: "Falsch",
		lFirstStep: "Was ist der erste Schritt des Verfahrens in „%s“?", lNextStep: "Welcher Schritt folgt im Verfahren in „%s“ direkt auf „%s“?",
		lTableMatch: "Welcher Wert der Spalte „%s“ gehört zu %s „%s“?", lWhatIs: "Was davon beschreibt „%s“?",
		lQuizOn: "Quiz: %s", lPracticalNote: "Die Lektion ist praxisnah: Zu jedem Punkt gibt es ein konkretes Beispiel aus der Arbeit.", lWorkedExample: "Praxisbeispiel: %s",
		lFinalQuiz: "Abschlussquiz", lFinalQuizTitle: "Abschlussquiz", lFillBlank: "Ergänzen Sie den Satz:",
		lCompletes: "Welche Option ergänzt diese Aussage richtig?", lChooseCorrect: "Wählen Sie die richtige Antwort:",
		lKeyTerms: "Schlüsselbegriffe", lAllLearners: "Alle Lernenden", lAnd: "und", lPart: "Teil", lBasedOn: "Nach",
		lKeyPointOf: "Welcher dieser Punkte ist ein Kernpunkt der Lektion „%s“?", lWhichModule: "Welches Modul dieses Kurses behandelt „%s“?",
		lCourse: "Kurs", lPractice: "Übung", lPracticeQuiz: "Übungsquiz", lFeedback: "Feedback zum Kurs",
		lFeedbackSurvey: "Umfrage zum Kurs", lIntroduction: "Einführung: %s", lCoreConcepts: "Grundbegriffe: %s",
		lProcedures: "Abläufe und bewährte Verfahren", lRisks: "Risiken und häufige Fehler", lPracticeModule: "Praxis: %s anwenden",
		lReview: "Wiederholung und nächste Schritte", lRegulations: "Regeln, Vorschriften und Normen", lRoles: "Rollen und Verantwortlichkeiten",
		lTools: "Werkzeuge und Hilfsmittel", lCaseStudies: "Fallstudien", lCommunication: "Kommunikation und Meldewege",
		lMeasuring: "Erfolg messen", lAdvanced: "Vertiefung: %s", lOverview: "%s: Überblick", lInPractice: "%s in der Praxis",
		lAnnotationDoc: "Ein Kurs auf Grundlage von %s.", lAnnotationTopic: "Ein Kurs zu %s für %s: %d Module und ein Abschlussquiz.",
		lSelectOne: "(Eine Antwort auswählen.)",
	},
}

// label returns a localised label (English when the language has none).
func label(lang, key string) string {
	if m, ok := labels[lang]; ok {
		if s, ok := m[key]; ok {
			return s
		}
	}
	return labels["en"][key]
}
