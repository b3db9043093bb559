package demo

// catalogue is the demo tenant's course catalogue: twelve courses with sections,
// lessons (briefs and key points) and a final quiz each.
var catalogue = []course{
	{name: "Welcome to Acme", annotation: "Who we are, how we work and where to find help.", tags: []string{"onboarding"}, points: 50,
		sections: []section{{"Our company", []lesson{
			{"Mission and values", "What Acme is for and the values we hire and promote on.", []string{"Customers first", "Own the outcome", "Say it plainly"}},
			{"How we are organised", "Departments, teams and who to ask.", []string{"Four departments", "Every team has an on-call lead"}}}}},
		quiz: []question{{"Which value means taking responsibility for results?", []string{"Own the outcome", "Say it plainly", "Customers first"}, 0}}},
	{name: "Tools and accounts", annotation: "Set up your laptop, accounts and two-factor authentication.", tags: []string{"onboarding", "security"}, points: 40,
		sections: []section{{"Getting set up", []lesson{
			{"Your laptop", "Enrol the laptop in device management before first use.", []string{"Enrol within 24 hours", "Disk encryption is mandatory"}},
			{"Two-factor authentication", "Every account uses an authenticator app or a security key.", []string{"SMS codes are not accepted", "Register two factors"}}}}},
		quiz: []question{{"Which second factor is NOT accepted?", []string{"SMS codes", "Security key", "Authenticator app"}, 0}}},
	{name: "Working with customers", annotation: "Service standards for every customer conversation.", tags: []string{"onboarding", "customer"}, points: 60, cert: true,
		sections: []section{{"Service standards", []lesson{
			{"First response", "Answer every customer within one business day.", []string{"Acknowledge quickly", "Set expectations"}},
			{"Escalation", "When and how to escalate to tier 2.", []string{"Escalate after two failed fixes", "Include reproduction steps"}}}}},
		quiz: []question{{"What is the first-response target?", []string{"One business day", "One week", "One hour"}, 0}}},
	{name: "Forklift Safety", annotation: "Safe operation of counterbalance forklifts in the warehouse.", tags: []string{"safety", "warehouse", "compliance"}, points: 80, cert: true, validity: 12,
		sections: []section{{"Before you drive", []lesson{
			{"Pre-use inspection", "Inspect forks, chains, tyres, brakes and horn before each shift.", []string{"Use the daily checklist", "Tag out a faulty truck"}},
			{"Load capacity", "Read the data plate; never exceed rated capacity.", []string{"Centre of gravity matters", "Tilt back before travelling"}}}},
			{"On the floor", []lesson{{"Pedestrians", "Pedestrians have right of way in marked aisles.", []string{"Horn at intersections", "Make eye contact"}}}}},
		quiz: []question{{"When is the pre-use inspection done?", []string{"Before each shift", "Once a month", "After an accident"}, 0},
			{"Who has right of way in marked aisles?", []string{"Pedestrians", "Forklifts", "Whoever is faster"}, 0}}},
	{name: "OSHA Confined Spaces Refresher", annotation: "Permit-required confined spaces: hazards, permits, rescue.", tags: []string{"safety", "osha", "compliance"}, points: 100, cert: true, validity: 12,
		sections: []section{{"Hazards and permits", []lesson{
			{"Recognising confined spaces", "Limited entry, not designed for occupancy, large enough to enter.", []string{"Tanks, pits, silos", "Atmospheric hazards"}},
			{"Entry permits", "A permit lists hazards, controls, attendants and rescue.", []string{"Test the atmosphere first", "An attendant stays outside"}}}}},
		quiz: []question{{"What must be tested before entry?", []string{"The atmosphere", "The lighting", "The radio"}, 0}}},
	{name: "Hazard Communication", annotation: "Labels, safety data sheets and chemical handling.", tags: []string{"safety", "compliance"}, points: 60, cert: true, validity: 24,
		sections: []section{{"Chemicals", []lesson{
			{"Safety data sheets", "Every chemical has an SDS with 16 sections.", []string{"Section 8: protection", "Keep SDS accessible"}}}}},
		quiz: []question{{"How many sections does an SDS have?", []string{"16", "8", "4"}, 0}}},
	{name: "Secure Coding Fundamentals", annotation: "The OWASP top risks and how to avoid them.", tags: []string{"security", "engineering"}, points: 120, cert: true, validity: 12,
		sections: []section{{"Injection and access", []lesson{
			{"Injection", "Never build queries from strings; use parameters.", []string{"Parameterised queries", "Validate input"}},
			{"Broken access control", "Check authorisation on every request, server side.", []string{"Deny by default", "Test as another tenant"}}}}},
		quiz: []question{{"What prevents SQL injection?", []string{"Parameterised queries", "Longer passwords", "HTTPS"}, 0}}},
	{name: "Security Awareness 2026", annotation: "Phishing, passwords and reporting incidents (SOC 2).", tags: []string{"security", "soc2", "compliance"}, points: 50, cert: true, validity: 12,
		sections: []section{{"Everyday security", []lesson{
			{"Phishing", "Check the sender, hover links, report suspicious mail.", []string{"Use the report button", "Never share codes"}},
			{"Passwords", "Use the password manager and unique passphrases.", []string{"One password per site", "Passphrases beat complexity"}}}}},
		quiz: []question{{"What do you do with a suspicious email?", []string{"Report it", "Forward it to friends", "Reply to ask"}, 0}}},
	{name: "Consultative Selling", annotation: "Discovery questions and value-based proposals.", tags: []string{"sales"}, points: 70,
		sections: []section{{"Discovery", []lesson{
			{"Asking good questions", "Open questions uncover the customer's real problem.", []string{"Listen more than you talk", "Quantify the pain"}}}}},
		quiz: []question{{"What kind of question opens discovery?", []string{"Open questions", "Yes/no questions", "Price questions"}, 0}}},
	{name: "Giving Feedback", annotation: "Situation–behaviour–impact feedback for managers and peers.", tags: []string{"leadership"}, points: 60,
		sections: []section{{"SBI model", []lesson{
			{"Situation, behaviour, impact", "Describe the situation, the behaviour you saw and its impact.", []string{"Be specific", "Talk about behaviour, not character"}}}}},
		quiz: []question{{"What does the B in SBI stand for?", []string{"Behaviour", "Belief", "Budget"}, 0}}},
	{name: "Data Privacy Basics (draft)", annotation: "GDPR principles for everyday work. Work in progress.", tags: []string{"privacy", "compliance"}, points: 40,
		sections: []section{{"Principles", []lesson{
			{"Lawful basis", "Process personal data only with a lawful basis.", []string{"Consent is one of six", "Minimise data"}}}}},
		quiz: []question{{"How many lawful bases does GDPR define?", []string{"Six", "Two", "Ten"}, 0}}},
	{name: "Legacy Expense Policy", annotation: "Replaced by the 2026 travel policy; kept for records.", tags: []string{"finance"}, points: 10,
		sections: []section{{"Expenses", []lesson{
			{"Submitting expenses", "Submit receipts within 30 days.", []string{"Attach receipts", "Manager approves"}}}}},
		quiz: []question{{"Within how many days are receipts submitted?", []string{"30", "90", "7"}, 0}}},
}
