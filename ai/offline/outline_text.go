package offline

// outlineTexts are the objectives and the points each module of a prompt outline must
// cover, per language: %[1]s is the topic, %[2]s the audience (either optional). Keys are
// the archetypes of outline.go; "sub" is a subtopic the prompt lists (%[3]s), "lesson2"
// the second lesson of a module (%[3]s is the module title), "refine" a section added on
// a topic the materials do not cover (%[3]s is the course title).
// The topic and the audience are inserted as bare noun phrases, so translations avoid
// agreement with them: "en %[1]s" / "para %[2]s", "en matière de %[1]s" / "pour %[2]s",
// "zum Thema %[1]s" / "für %[2]s". outline_text_test.go checks that every language has
// the keys, point counts and placeholders of English.
var outlineTexts = map[string]map[string]outlineText{
	"en": {
		"intro":         {"Why %[1]s matters for %[2]s, what this course covers and what you will be able to do at the end.", []string{"What %[1]s means in everyday work", "Why %[1]s matters for %[2]s", "The scope of this course and how it is organised"}},
		"regulations":   {"The rules, regulations and standards that apply to %[1]s and what they require of %[2]s.", []string{"The rules and regulations that apply to %[1]s", "What they require of %[2]s", "The consequences of non-compliance", "Records and evidence of compliance"}},
		"core":          {"The essential ideas, terms and principles of %[1]s that the rest of the course builds on.", []string{"The essential terms of %[1]s and what they mean", "The principles behind %[1]s", "How the parts of %[1]s fit together"}},
		"roles":         {"Who is responsible for what in %[1]s: %[2]s, supervisors and specialists.", []string{"The responsibilities of %[2]s", "The role of supervisors and managers", "When and how to involve specialists"}},
		"procedures":    {"The step-by-step procedures of %[1]s, who does what, and the checks and records that go with them.", []string{"The procedures of %[1]s, step by step", "Who is responsible for each step", "Checks, checklists and records to keep", "What to do when a procedure cannot be followed"}},
		"tools":         {"The tools, equipment and resources that support %[1]s.", []string{"The tools and equipment used in %[1]s", "How to choose and check them", "Where to find templates and references"}},
		"risks":         {"The main risks of %[1]s, the mistakes %[2]s most often make, and how to prevent, spot and report them.", []string{"The main hazards and risks related to %[1]s", "Common mistakes and why they happen", "Warning signs to watch for", "How to prevent, stop and report problems"}},
		"communication": {"How %[2]s communicate about %[1]s: reporting, handovers and asking for help.", []string{"What to report about %[1]s, to whom and when", "Clear handovers and instructions", "Speaking up about concerns"}},
		"cases":         {"Real-world cases of %[1]s: what happened, why, and what to learn from them.", []string{"Cases where %[1]s went well", "Cases where it went wrong, and why", "Lessons %[2]s can apply in their own work"}},
		"practice":      {"Realistic scenarios in which %[2]s apply %[1]s, with feedback on the choices made.", []string{"Scenarios from the daily work of %[2]s", "Deciding what to do, step by step", "Feedback on the most common wrong choices"}},
		"measuring":     {"How to tell whether %[1]s works: indicators, reviews and continuous improvement.", []string{"Indicators that show %[1]s is working", "Reviewing results and incidents", "Improving %[1]s continuously"}},
		"advanced":      {"Deeper and less common aspects of %[1]s for %[2]s who have mastered the basics.", []string{"Less common situations in %[1]s", "Going beyond the basics of %[1]s", "Where to continue learning"}},
		"review":        {"A summary of the course, a self-check of what you have learned, and where to go next.", []string{"The key ideas of %[1]s in summary", "A self-check of what you have learned", "Where to find help, references and further training"}},
		"sub":           {"What %[3]s involves in %[1]s, and how %[2]s apply it.", []string{"What %[3]s is and why it matters for %[1]s", "How %[2]s deal with %[3]s in practice", "Common questions and misconceptions about %[3]s"}},
		"lesson2":       {"How %[2]s apply %[3]s in their daily work, with worked examples.", []string{"Worked example: %[3]s"}},
		"refine":        {"What %[1]s involves in %[3]s, and how %[2]s apply it.", []string{"What %[1]s is and why it matters", "How %[2]s deal with %[1]s in practice", "Common questions and mistakes about %[1]s"}},
	},
	"es": {
		"intro":         {"Por qué la formación en %[1]s es importante para %[2]s, qué abarca este curso y qué sabrás hacer al terminarlo.", []string{"Qué se entiende por %[1]s en el trabajo diario", "Por qué la formación en %[1]s es clave para %[2]s", "El alcance de este curso y cómo está organizado"}},
		"regulations":   {"Las normas, reglamentos y estándares aplicables en %[1]s y las obligaciones que suponen para %[2]s.", []string{"Las normas y reglamentos aplicables en %[1]s", "Las obligaciones que suponen para %[2]s", "Las consecuencias del incumplimiento", "Registros y pruebas del cumplimiento"}},
		"core":          {"Las ideas, los términos y los principios esenciales en %[1]s, sobre los que se construye el resto del curso.", []string{"Los términos esenciales en %[1]s y su significado", "Los principios fundamentales en %[1]s", "Cómo se relacionan entre sí los distintos aspectos de %[1]s"}},
		"roles":         {"Quién es responsable de qué en %[1]s: %[2]s, supervisores y especialistas.", []string{"Las responsabilidades que corresponden a %[2]s", "La función de los supervisores y los mandos", "Cuándo y cómo recurrir a especialistas"}},
		"procedures":    {"Los procedimientos de %[1]s paso a paso, quién hace qué y las comprobaciones y registros que los acompañan.", []string{"Los procedimientos de %[1]s, paso a paso", "Quién es responsable de cada paso", "Comprobaciones, listas de verificación y registros que deben conservarse", "Qué hacer cuando no se puede seguir un procedimiento"}},
		"tools":         {"Las herramientas, los equipos y los recursos que sirven de apoyo en %[1]s.", []string{"Las herramientas y los equipos que se utilizan en %[1]s", "Cómo elegirlos y revisarlos", "Dónde encontrar plantillas y documentos de referencia"}},
		"risks":         {"Los principales riesgos en %[1]s, los errores más frecuentes entre %[2]s y cómo prevenirlos, detectarlos y notificarlos.", []string{"Los principales peligros y riesgos en %[1]s", "Errores frecuentes y por qué se producen", "Señales de alerta a las que prestar atención", "Cómo prevenir, detener y notificar los problemas"}},
		"communication": {"Pautas de comunicación en materia de %[1]s para %[2]s: notificar, hacer traspasos y pedir ayuda.", []string{"Qué notificar en materia de %[1]s, a quién y cuándo", "Traspasos de turno e instrucciones claras", "Cómo plantear dudas y preocupaciones"}},
		"cases":         {"Casos reales en %[1]s: qué ocurrió, por qué y qué se puede aprender de ellos.", []string{"Casos de buenas prácticas en %[1]s", "Casos en los que algo salió mal, y por qué", "Lecciones aplicables al trabajo diario de %[2]s"}},
		"practice":      {"Situaciones realistas para aplicar lo aprendido en %[1]s, pensadas para %[2]s, con comentarios sobre cada decisión.", []string{"Situaciones del trabajo diario de %[2]s", "Decidir qué hacer, paso a paso", "Comentarios sobre las decisiones erróneas más frecuentes"}},
		"measuring":     {"Cómo comprobar la eficacia de las medidas en %[1]s: indicadores, revisiones y mejora continua.", []string{"Indicadores de eficacia en %[1]s", "Revisión de resultados e incidentes", "Mejora continua en %[1]s"}},
		"advanced":      {"Aspectos avanzados y menos habituales en %[1]s, para %[2]s con dominio de los fundamentos.", []string{"Situaciones menos habituales en %[1]s", "Más allá de lo básico en %[1]s", "Dónde seguir aprendiendo"}},
		"review":        {"Un resumen del curso, una autoevaluación de lo que has aprendido y cómo seguir avanzando.", []string{"Resumen de las ideas clave en %[1]s", "Autoevaluación de lo aprendido", "Dónde encontrar ayuda, documentos de referencia y más formación"}},
		"sub":           {"%[3]s en el ámbito de %[1]s: en qué consiste y cómo se aplica en el trabajo de %[2]s.", []string{"Qué se entiende por %[3]s y por qué es importante en %[1]s", "Pautas prácticas sobre %[3]s para %[2]s", "Preguntas frecuentes y conceptos erróneos sobre %[3]s"}},
		"lesson2":       {"Cómo aplicar «%[3]s» en el trabajo diario, con ejemplos prácticos para %[2]s.", []string{"Ejemplo práctico: %[3]s"}},
		"refine":        {"%[1]s en el marco de «%[3]s»: en qué consiste y cómo se aplica en el trabajo de %[2]s.", []string{"Qué se entiende por %[1]s y por qué es importante", "Pautas prácticas sobre %[1]s para %[2]s", "Preguntas frecuentes y errores habituales sobre %[1]s"}},
	},
	"fr": {
		"intro":         {"Les enjeux en matière de %[1]s pour %[2]s, ce que couvre ce cours et ce que vous saurez faire à la fin.", []string{"Ce que signifient au quotidien les exigences en matière de %[1]s", "Pourquoi les enjeux en matière de %[1]s sont essentiels pour %[2]s", "Le périmètre de ce cours et son organisation"}},
		"regulations":   {"Les règles, réglementations et normes applicables en matière de %[1]s et les obligations qui en découlent pour %[2]s.", []string{"Les règles et réglementations applicables en matière de %[1]s", "Les obligations qui en découlent pour %[2]s", "Les conséquences en cas de non-conformité", "Les enregistrements et preuves de conformité"}},
		"core":          {"Les idées, termes et principes essentiels en matière de %[1]s, sur lesquels repose la suite du cours.", []string{"Les termes essentiels en matière de %[1]s et leur signification", "Les principes fondamentaux en matière de %[1]s", "Les liens entre les différentes notions en matière de %[1]s"}},
		"roles":         {"Qui est responsable de quoi en matière de %[1]s : %[2]s, l’encadrement et les spécialistes.", []string{"Les responsabilités attendues pour %[2]s", "Le rôle de l’encadrement et de la direction", "Quand et comment faire appel à des spécialistes"}},
		"procedures":    {"Les procédures en matière de %[1]s étape par étape, qui fait quoi, et les contrôles et enregistrements qui les accompagnent.", []string{"Les procédures en matière de %[1]s, étape par étape", "Qui est responsable de chaque étape", "Contrôles, listes de vérification et enregistrements à conserver", "Que faire lorsqu’une procédure ne peut pas être suivie"}},
		"tools":         {"Les outils, équipements et ressources utiles en matière de %[1]s.", []string{"Les outils et équipements utilisés en matière de %[1]s", "Comment les choisir et les vérifier", "Où trouver des modèles et des documents de référence"}},
		"risks":         {"Les principaux risques en matière de %[1]s, les erreurs les plus fréquentes chez %[2]s, et comment les prévenir, les repérer et les signaler.", []string{"Les principaux dangers et risques en matière de %[1]s", "Les erreurs courantes et leurs causes", "Les signaux d’alerte à surveiller", "Comment prévenir, stopper et signaler les problèmes"}},
		"communication": {"Comment communiquer en matière de %[1]s, pour %[2]s : signaler, assurer les passations de consignes et demander de l’aide.", []string{"Ce qu’il faut signaler en matière de %[1]s, à qui et quand", "Des passations et des consignes claires", "Oser exprimer ses inquiétudes"}},
		"cases":         {"Des cas réels en matière de %[1]s : ce qui s’est passé, pourquoi, et les enseignements à en tirer.", []string{"Des cas réussis en matière de %[1]s", "Des cas qui ont mal tourné, et pourquoi", "Les enseignements à appliquer au quotidien, pour %[2]s"}},
		"practice":      {"Des mises en situation réalistes pour appliquer les acquis en matière de %[1]s, conçues pour %[2]s, avec un retour sur les choix effectués.", []string{"Des situations tirées du quotidien professionnel, pour %[2]s", "Choisir la conduite à tenir, étape par étape", "Un retour sur les mauvais choix les plus fréquents"}},
		"measuring":     {"Comment évaluer l’efficacité de la démarche en matière de %[1]s : indicateurs, revues et amélioration continue.", []string{"Les indicateurs d’efficacité en matière de %[1]s", "L’analyse des résultats et des incidents", "L’amélioration continue en matière de %[1]s"}},
		"advanced":      {"Des aspects plus approfondis et moins courants en matière de %[1]s, pour %[2]s ayant déjà acquis les bases.", []string{"Les situations moins courantes en matière de %[1]s", "Aller au-delà des bases en matière de %[1]s", "Où poursuivre son apprentissage"}},
		"review":        {"Une synthèse du cours, une auto-évaluation de vos acquis et les prochaines étapes.", []string{"Synthèse des idées clés en matière de %[1]s", "Une auto-évaluation de vos acquis", "Où trouver de l’aide, des références et des formations complémentaires"}},
		"sub":           {"Le thème « %[3]s » en matière de %[1]s : ce qu’il recouvre et comment l’appliquer, pour %[2]s.", []string{"Le thème « %[3]s » : de quoi il s’agit et pourquoi c’est important en matière de %[1]s", "La mise en pratique du thème « %[3]s », pour %[2]s", "Questions fréquentes et idées reçues sur le thème « %[3]s »"}},
		"lesson2":       {"Comment mettre en œuvre « %[3]s » au quotidien, avec des exemples concrets pour %[2]s.", []string{"Exemple concret : %[3]s"}},
		"refine":        {"Le thème « %[1]s » dans le cadre du cours « %[3]s » : ce qu’il recouvre et comment l’appliquer, pour %[2]s.", []string{"Le thème « %[1]s » : de quoi il s’agit et pourquoi c’est important", "La mise en pratique en matière de %[1]s, pour %[2]s", "Questions fréquentes et erreurs courantes en matière de %[1]s"}},
	},
	"de": {
		"intro":         {"Warum das Thema %[1]s für %[2]s wichtig ist, was dieser Kurs behandelt und was Sie am Ende können.", []string{"Was das Thema %[1]s im Arbeitsalltag bedeutet", "Warum das Thema %[1]s für %[2]s wichtig ist", "Was dieser Kurs umfasst und wie er aufgebaut ist"}},
		"regulations":   {"Die Regeln, Vorschriften und Normen im Bereich %[1]s und die Pflichten, die sich daraus für %[2]s ergeben.", []string{"Die Regeln und Vorschriften im Bereich %[1]s", "Die Pflichten, die sich daraus für %[2]s ergeben", "Die Folgen bei Verstößen", "Die Dokumentation und Nachweise der Einhaltung"}},
		"core":          {"Die wesentlichen Ideen, Begriffe und Grundsätze zum Thema %[1]s, auf denen der restliche Kurs aufbaut.", []string{"Die wichtigsten Begriffe zum Thema %[1]s und ihre Bedeutung", "Die grundlegenden Prinzipien zum Thema %[1]s", "Wie die einzelnen Aspekte zum Thema %[1]s zusammenhängen"}},
		"roles":         {"Wer im Bereich %[1]s wofür verantwortlich ist: %[2]s, Vorgesetzte und Fachleute.", []string{"Die Aufgaben und Pflichten für %[2]s", "Die Rolle von Vorgesetzten und Führungskräften", "Wann und wie Fachleute hinzuzuziehen sind"}},
		"procedures":    {"Die Abläufe im Bereich %[1]s Schritt für Schritt, wer was tut, und die zugehörigen Kontrollen und Aufzeichnungen.", []string{"Die Abläufe im Bereich %[1]s, Schritt für Schritt", "Wer für welchen Schritt verantwortlich ist", "Kontrollen, Checklisten und zu führende Aufzeichnungen", "Was zu tun ist, wenn ein Ablauf nicht eingehalten werden kann"}},
		"tools":         {"Die Werkzeuge, Geräte und Hilfsmittel für den Bereich %[1]s.", []string{"Die Werkzeuge und Geräte im Bereich %[1]s", "Wie man sie auswählt und prüft", "Wo es Vorlagen und Referenzmaterial gibt"}},
		"risks":         {"Die wichtigsten Risiken im Bereich %[1]s, die für %[2]s typischen Fehler und wie man sie verhindert, erkennt und meldet.", []string{"Die wichtigsten Gefahren und Risiken im Bereich %[1]s", "Häufige Fehler und ihre Ursachen", "Die Warnzeichen, auf die zu achten ist", "Wie man Probleme verhindert, stoppt und meldet"}},
		"communication": {"Kommunikation zum Thema %[1]s für %[2]s: Meldungen, Übergaben und das Einholen von Hilfe.", []string{"Was zum Thema %[1]s wem und wann zu melden ist", "Klare Übergaben und Anweisungen", "Wie man Bedenken offen anspricht"}},
		"cases":         {"Praxisfälle zum Thema %[1]s: was passiert ist, warum und was sich daraus lernen lässt.", []string{"Wo es beim Thema %[1]s gut gelaufen ist", "Wo etwas schiefgelaufen ist – und warum", "Was sich für %[2]s auf die eigene Arbeit übertragen lässt"}},
		"practice":      {"Realistische Szenarien für %[2]s zur Anwendung des Themas %[1]s, mit Feedback zu den getroffenen Entscheidungen.", []string{"Die typischen Situationen aus dem Arbeitsalltag für %[2]s", "Wie man Schritt für Schritt entscheidet, was zu tun ist", "Die häufigsten Fehlentscheidungen – mit Feedback"}},
		"measuring":     {"Woran man erkennt, ob die Maßnahmen zum Thema %[1]s wirken: Kennzahlen, Überprüfungen und kontinuierliche Verbesserung.", []string{"Welche Kennzahlen zeigen, ob die Maßnahmen im Bereich %[1]s wirken", "Wie Ergebnisse und Vorfälle ausgewertet werden", "Die kontinuierliche Verbesserung im Bereich %[1]s"}},
		"advanced":      {"Vertiefende und seltenere Aspekte zum Thema %[1]s für %[2]s mit soliden Grundkenntnissen.", []string{"Weniger häufige Situationen im Bereich %[1]s", "Über die Grundlagen zum Thema %[1]s hinaus", "Wo man weiterlernen kann"}},
		"review":        {"Eine Zusammenfassung des Kurses, ein Selbsttest zum Gelernten und die nächsten Schritte.", []string{"Die wichtigsten Punkte zum Thema %[1]s im Überblick", "Ein kurzer Selbsttest zum Gelernten", "Wo es Hilfe, Referenzen und weiterführende Schulungen gibt"}},
		"sub":           {"Worum es beim Thema %[3]s im Bereich %[1]s geht und wie es für %[2]s in der Praxis umgesetzt wird.", []string{"Was hinter dem Thema %[3]s steckt und warum es für den Bereich %[1]s wichtig ist", "Wie das Thema %[3]s für %[2]s in der Praxis aussieht", "Die häufigsten Fragen und Missverständnisse zum Thema %[3]s"}},
		"lesson2":       {"Wie sich „%[3]s“ im Arbeitsalltag umsetzen lässt – mit Praxisbeispielen für %[2]s.", []string{"Praxisbeispiel: %[3]s"}},
		"refine":        {"Worum es beim Thema %[1]s im Rahmen von „%[3]s“ geht und wie es für %[2]s in der Praxis umgesetzt wird.", []string{"Was hinter dem Thema %[1]s steckt und warum es wichtig ist", "Wie das Thema %[1]s für %[2]s in der Praxis aussieht", "Die häufigsten Fragen und Fehler zum Thema %[1]s"}},
	},
}

// outlineText is one module's objective and what its lessons must cover.
type outlineText struct {
	desc   string
	points []string
}

// outlineTextFor returns the texts of key in lang (English when lang has none).
func outlineTextFor(lang, key string) outlineText {
	if m, ok := outlineTexts[lang]; ok {
		if t, ok := m[key]; ok {
			return t
		}
	}
	return outlineTexts["en"][key]
}
