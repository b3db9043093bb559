package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
)

var firstNames = []string{"Sarah", "Marco", "Jamie", "Priya", "Chen", "Amara", "Lukas", "Sofia", "Noah", "Aisha",
	"Mateo", "Hannah", "Kenji", "Fatima", "Oliver", "Elena", "Tariq", "Grace", "Ivan", "Zoe",
	"Diego", "Mia", "Samuel", "Leila", "Finn", "Nora", "Ravi", "Clara", "Omar", "Julia",
	"Ben", "Yuki", "Carlos", "Ines", "Tom", "Anya", "Kofi", "Lena", "Pablo", "Eva",
	"Hugo", "Maria", "Sven", "Dana", "Arjun", "Rosa"}

var lastNames = []string{"Miller", "Rossi", "Lee", "Patel", "Wang", "Okafor", "Becker", "Garcia", "Smith", "Khan",
	"Lopez", "Schmidt", "Tanaka", "Haddad", "Brown", "Petrova", "Aziz", "Kim", "Novak", "Martin",
	"Silva", "Jensen", "Adeyemi", "Farouk", "Murphy", "Berg", "Iyer", "Dubois", "Nasser", "Costa",
	"Clarke", "Sato", "Mendes", "Ferreira", "Walsh", "Volkova", "Mensah", "Wagner", "Ruiz", "Lind",
	"Moreau", "Gomez", "Olsen", "Reyes", "Nair", "Vidal"}

func (w *writer) run(d LMS) {
	// People: the fixed demo users, then 46 more (2 admins… mostly learners).
	type person struct {
		id   uuid.UUID
		name string
		role auth.Role
	}
	var people []person
	for _, p := range d.People {
		people = append(people, person{p.ID, p.Name, p.Role})
		w.exec(`INSERT INTO users (tenant_id, id, name, email, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
			w.tenant, p.ID, p.Name, p.Email, string(p.Role), w.days(-400))
	}
	for i := range firstNames {
		role := auth.RoleLearner
		switch {
		case i == 0:
			role = auth.RoleAdmin
		case i%9 == 1:
			role = auth.RoleManager
		}
		id := stableID("user", i)
		name := firstNames[i] + " " + lastNames[i]
		email := strings.ToLower(firstNames[i]+"."+lastNames[i]) + "@acme.example"
		people = append(people, person{id, name, role})
		status, bannedAt := "active", (*time.Time)(nil)
		if i == 45 || i == 38 { // offboarded: banned, history kept
			t := w.days(-20)
			status, bannedAt = "banned", &t
		}
		w.exec(`INSERT INTO users (tenant_id, id, name, email, role, status, banned_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			w.tenant, id, name, email, string(role), status, bannedAt, w.days(-300+i*3))
	}

	// Groups: departments, teams, locations and cohorts (cohort groups back the v1 cohorts).
	groups := []struct {
		name, kind, desc string
		members          []int // indexes into people
	}{
		{"Engineering", "department", "Product and platform engineering", rangeInts(4, 16)},
		{"Sales", "department", "Field and inside sales", rangeInts(16, 26)},
		{"Warehouse", "department", "Phoenix and Rotterdam warehouse staff", rangeInts(26, 40)},
		{"Customer Support", "team", "Tier 1 and tier 2 support", rangeInts(40, 50)},
		{"Phoenix site", "location", "Everyone based at the Phoenix warehouse", rangeInts(26, 33)},
		{"Leadership 2026", "cohort", "Spring 2026 leadership programme participants", []int{2, 5, 13, 22, 31, 40}},
		{"New hires — January", "cohort", "January 2026 onboarding cohort", []int{3, 45, 46, 47, 48, 49}},
	}
	groupIDs := make([]uuid.UUID, len(groups))
	for gi, g := range groups {
		gid := stableID("group", gi)
		groupIDs[gi] = gid
		if g.kind == "cohort" {
			w.cohortGroups = append(w.cohortGroups, gid)
		}
		w.exec(`INSERT INTO groups (tenant_id, id, name, kind, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
			w.tenant, gid, g.name, g.kind, g.desc, w.days(-200))
	}

	// Courses with structure.
	courseIDs := make([]uuid.UUID, len(catalogue))
	courseQuiz := make([][]uuid.UUID, len(catalogue))  // quiz question ids
	courseElems := make([][]uuid.UUID, len(catalogue)) // element ids in order
	owner := d.People[2].ID                            // the demo manager authors most courses
	for ci, c := range catalogue {
		cid := stableID("course", ci)
		courseIDs[ci] = cid
		status, published := "published", (*time.Time)(nil)
		pub := w.days(-150 + ci*10)
		published = &pub
		switch ci {
		case 10:
			status, published = "draft", nil
		case 11:
			status = "archived"
		}
		o := owner
		if ci%4 == 3 {
			o = d.People[1].ID
		}
		settings := map[string]any{"passingScore": 70, "certificateOnCompletion": c.cert, "points": c.points}
		if c.validity > 0 {
			settings["certificateValidityMonths"] = c.validity
		}
		w.exec(`INSERT INTO courses (tenant_id, id, name, annotation, status, tags, owner_id, settings, published_at, created_at, updated_at, created_by, updated_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $7, $7)`, w.tenant, cid, c.name, c.annotation, status, c.tags, o, mustJSON(settings), published, w.days(-160+ci*10))
		pos := 0
		var prev *uuid.UUID
		link := func(e uuid.UUID) {
			if prev != nil {
				w.exec(`INSERT INTO course_transitions (tenant_id, course_id, from_element_id, to_element_id) VALUES ($1, $2, $3, $4)`, w.tenant, cid, *prev, e)
			}
			p := e
			prev = &p
			courseElems[ci] = append(courseElems[ci], e)
		}
		var lastSection uuid.UUID
		for si, sec := range c.sections {
			sid := stableID(fmt.Sprintf("section-%d", ci), si)
			lastSection = sid
			w.exec(`INSERT INTO course_sections (tenant_id, id, course_id, title, position) VALUES ($1, $2, $3, $4, $5)`, w.tenant, sid, cid, sec.title, si)
			for _, l := range sec.lessons {
				eid := stableID(fmt.Sprintf("element-%d", ci), pos)
				brief := map[string]any{"topic": c.name, "title": l.title, "description": l.description, "keyPoints": l.keyPoints, "targetAudience": "All staff"}
				pages := []map[string]string{{"title": l.title, "body": l.description + "\n\n" + strings.Join(l.keyPoints, "\n")}}
				w.exec(`INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, brief, pages, created_at, updated_at) VALUES ($1, $2, $3, $4, 'lesson', $5, $6, $7, $8, $9, $9)`,
					w.tenant, eid, cid, sid, l.title, pos, mustJSON(brief), mustJSON(pages), w.days(-160+ci*10))
				link(eid)
				pos++
			}
		}
		qid := stableID(fmt.Sprintf("element-%d", ci), pos)
		w.exec(`INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, created_at, updated_at) VALUES ($1, $2, $3, $4, 'quiz', 'Final quiz', $5, $6, $6)`,
			w.tenant, qid, cid, lastSection, pos, w.days(-160+ci*10))
		link(qid)
		for qi, q := range c.quiz {
			opts := make([]map[string]any, len(q.options))
			for oi, t := range q.options {
				opts[oi] = map[string]any{"id": fmt.Sprintf("o%d", oi+1), "text": t, "correct": oi == q.correct}
			}
			qsid := stableID(fmt.Sprintf("question-%d", ci), qi)
			courseQuiz[ci] = append(courseQuiz[ci], qsid)
			w.exec(`INSERT INTO quiz_questions (tenant_id, id, course_id, element_id, kind, text, options, weight, position, created_at, updated_at) VALUES ($1, $2, $3, $4, 'single', $5, $6, 1, $7, $8, $8)`,
				w.tenant, qsid, cid, qid, q.text, mustJSON(opts), qi, w.days(-160+ci*10))
		}
	}
	w.exec(`INSERT INTO course_shares (tenant_id, course_id, user_id, created_by) VALUES ($1, $2, $3, $4)`, w.tenant, courseIDs[2], people[5].id, owner)

	// Chains: the new-hire path and the warehouse safety path.
	chains := []struct {
		name    string
		courses []int
	}{
		{"New-hire learning path", []int{0, 1, 2}},
		{"Warehouse safety path", []int{3, 4, 5}},
	}
	for hi, ch := range chains {
		ids := make([]uuid.UUID, len(ch.courses))
		for i, c := range ch.courses {
			ids[i] = courseIDs[c]
		}
		w.exec(`INSERT INTO course_chains (tenant_id, id, name, owner_id, course_ids, created_at, updated_at, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $4, $4)`,
			w.tenant, stableID("chain", hi), ch.name, owner, ids, w.days(-120))
	}

	// Group assignments (members joining later get them through the trigger), then members.
	groupCourses := map[int][]int{0: {6, 7}, 1: {8}, 2: {3, 4}, 3: {9, 7}, 6: {0, 1, 2}, 5: {9}}
	for gi, cs := range groupCourses {
		for k, ci := range cs {
			due := w.days(-10 + 15*k + gi*3)
			var chain *uuid.UUID
			var chainPos *int
			if gi == 6 {
				c := stableID("chain", 0)
				p := k
				chain, chainPos = &c, &p
			}
			w.exec(`INSERT INTO group_course_assignments (tenant_id, group_id, course_id, chain_id, chain_position, due_at, assigned_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				w.tenant, groupIDs[gi], courseIDs[ci], chain, chainPos, due, owner, w.days(-60))
		}
	}
	for gi, g := range groups {
		for _, m := range g.members {
			if m < len(people) {
				w.exec(`INSERT INTO group_members (tenant_id, group_id, user_id, added_at, added_by) VALUES ($1, $2, $3, $4, $5)`,
					w.tenant, groupIDs[gi], people[m].id, w.days(-60), owner)
			}
		}
	}
	// Individual assignments for the demo learner (every status) and a scheduled one.
	leo := d.People[3].ID
	for k, ci := range []int{5, 8, 9} {
		var due, start *time.Time
		switch k {
		case 0:
			t := w.days(-5) // overdue
			due = &t
		case 1:
			t := w.days(20)
			due = &t
		case 2:
			s, t := w.days(7), w.days(37) // scheduled
			start, due = &s, &t
		}
		w.exec(`INSERT INTO assignments (tenant_id, user_id, course_id, due_at, start_at, assigned_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
ON CONFLICT (tenant_id, user_id, course_id) DO NOTHING`, w.tenant, leo, courseIDs[ci], due, start, owner, w.days(-30))
	}

	// Progress: a deterministic spread over every assignment that has started — some
	// completed (with points and, where the course says so, certificates), some in progress.
	w.progress(courseIDs, courseElems, courseQuiz)
	w.exec(`INSERT INTO audit_log (tenant_id, id, created_at, actor_id, surface, action, target_type, target_id, after)
VALUES ($1, $2, $3, $4, 'system', 'tenant.seed', 'tenant', $1, $5)`, w.tenant, stableID("audit", 0), w.now, owner, mustJSON(map[string]any{"users": len(people), "courses": len(courseIDs)}))
}

func rangeInts(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}
