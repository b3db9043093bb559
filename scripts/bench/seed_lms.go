package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The LMS core's dataset (store/migrations/00006_lms.sql), per tenant, in SQL: the tenant
// and its licence, the token subjects as admin users, `users` people with searchable
// names and emails (a few managers and admins, about 1% banned), 20 groups with every
// user in one or two, `courses` courses (mostly published, 2% deleted, some shared) with 3
// sections, 10 elements (7 lessons with a brief and three pages, 2 quizzes, 1 optional
// survey), 5 quiz questions and the 9 transitions in order, course chains over the
// first courses, about 20 assignments per user in a mix of statuses (scheduled,
// completed, overdue, in progress, assigned; some through a group or a chain) and element
// progress for the started ones.
//
// Ids are deterministic (md5 of tenant, kind and number, with the UUIDv7 version and
// variant bits) so later statements can refer to earlier rows without lookups;
// assignment ids are real UUIDv7s of their created_at (lists are newest first by id).

// lmsSeedFuncs are session-local helpers (pg_temp).
var lmsSeedFuncs = []string{
	// bid: a deterministic id from a text.
	`CREATE FUNCTION pg_temp.bid(s text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(set_byte(set_byte(b, 6, (get_byte(b, 6) & 15) | 112), 8, (get_byte(b, 8) & 63) | 128), 'hex')::uuid
  FROM (SELECT decode(md5(s), 'hex') AS b) x $$`,
	// bid7: a UUIDv7 of ts with deterministic random bits.
	`CREATE FUNCTION pg_temp.bid7(ts timestamptz, s text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(set_byte(set_byte(overlay(b PLACING substring(int8send(floor(extract(epoch FROM ts) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
    6, (get_byte(b, 6) & 15) | 112), 8, (get_byte(b, 8) & 63) | 128), 'hex')::uuid
  FROM (SELECT decode(md5(s), 'hex') AS b) x $$`,
}

// firstNames and lastNames make the people's names (and emails); find_user searches
// substrings of them.
var firstNames = []string{"Sarah", "James", "Maria", "David", "Aisha", "Chen", "Olivia", "Liam", "Fatima", "Noah",
	"Emma", "Lucas", "Sofia", "Mateo", "Hana", "Ethan", "Amara", "Oscar", "Ingrid", "Ravi",
	"Chloe", "Daniel", "Yuki", "Samuel", "Priya", "Jonas", "Elena", "Marcus", "Leila", "Tomas",
	"Grace", "Henry", "Nadia", "Felix", "Zara", "Victor", "Mila", "Arjun", "Clara", "Hugo",
	"Isabel", "Kofi", "Lena", "Omar", "Ruth", "Stefan", "Tara", "Viktor", "Wendy", "Xavier",
	"Yara", "Zoe", "Adrian", "Bianca", "Carlos", "Diana", "Erik", "Freya", "Gabriel", "Helen",
	"Ivan", "Julia", "Kenji", "Laura"}

var lastNames = []string{"Connor", "Smith", "Garcia", "Nguyen", "Khan", "Wang", "Johnson", "Müller", "Rossi", "Kowalski",
	"Silva", "Andersen", "Okafor", "Tanaka", "Patel", "Dubois", "Novak", "Jensen", "Haddad", "Lopez",
	"Brown", "Schmidt", "Ivanova", "Murphy", "Fischer", "Costa", "Larsen", "Moreau", "Yilmaz", "Kim",
	"Williams", "Becker", "Santos", "O'Brien", "Nakamura", "Svensson", "Mensah", "Rahman", "Ferrari", "Weber",
	"Taylor", "Hoffmann", "Martin", "Kaur", "Lindqvist", "Cohen", "Papadopoulos", "Ali", "Reyes", "Walsh",
	"Baker", "Wagner", "Sato", "Horvat", "Eriksen", "Mendes", "Chowdhury", "Park", "Fontaine", "Adeyemi",
	"Gruber", "Bianchi", "Lee", "Young"}

// findTerms are find_user's query values: parts of first and last names, whole names and
// email fragments, most matching a full page, a few matching little or nothing.
var findTerms = []string{"sar", "james", "mar", "dav", "ais", "chen", "oli", "liam", "fat", "noah",
	"emma", "luc", "sof", "hana", "eth", "oscar", "ravi", "chl", "yuki", "priya",
	"con", "smi", "garc", "nguy", "khan", "wang", "john", "rossi", "silva", "patel",
	"novak", "lopez", "brown", "kim", "lee", "park", "walsh", "taylor", "weber", "santos",
	"sarah connor", "maria garcia", "chen wang", "an", "el", "ar", "in", "son",
	"acme.example", "t01.", "james.smith", "zz", "qx", "xavier", "o'brien", "müller"}

var courseTopics = []string{"OSHA Confined Spaces Refresher", "Security Awareness", "Anti-Bribery and Corruption",
	"Data Protection Essentials", "Forklift Safety", "Code of Conduct", "Manual Handling", "Fire Warden Training",
	"Phishing Defence", "Inclusive Leadership", "First Aid at Work", "Export Controls", "Harassment Prevention",
	"Working at Height", "SOC 2 Controls for Engineers", "Customer Data Handling", "Hazardous Substances (COSHH)",
	"New Manager Essentials", "Incident Response Basics", "Food Hygiene Level 2"}

const lmsSeedTenant = `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access, created_at, updated_at)
VALUES (@tenant, 'Bench ' || @tenant, 'business', 'full', true, @anchor::timestamptz - interval '400 days', @anchor::timestamptz - interval '400 days')`

const lmsSeedUsers = `
INSERT INTO users (tenant_id, id, name, email, role, status, banned_at, banned_by, created_at, updated_at, created_by, updated_by, version)
SELECT @tenant, a.id, 'Bench Admin ' || a.n, 'bench.admin' || a.n || '@' || @tenant || '.acme.example', 'admin', 'active', NULL, NULL,
  @anchor::timestamptz - interval '400 days', @anchor::timestamptz - interval '400 days', NULL, NULL, 1
FROM unnest(@admins::uuid[]) WITH ORDINALITY AS a(id, n);

INSERT INTO users (tenant_id, id, name, email, role, status, banned_at, banned_by, created_at, updated_at, created_by, updated_by, version)
SELECT @tenant, pg_temp.bid(@tenant || ':u:' || i), f || ' ' || l,
  lower(replace(f || '.' || l, '''', '')) || i || '@' || @tenant || '.acme.example',
  CASE WHEN i % 500 = 1 THEN 'admin' WHEN i % 50 = 0 THEN 'manager' ELSE 'learner' END,
  CASE WHEN i % 97 = 5 THEN 'banned' ELSE 'active' END,
  CASE WHEN i % 97 = 5 THEN ts + interval '30 days' END,
  CASE WHEN i % 97 = 5 THEN (@admins::uuid[])[1] END,
  ts, ts + (i % 30) * interval '1 day', (@admins::uuid[])[1], (@admins::uuid[])[1], 1 + i % 3
FROM (SELECT i, @anchor::timestamptz - interval '360 days' + i * interval '1 minute' AS ts,
        (@first::text[])[1 + (i * 7) % cardinality(@first::text[])] AS f,
        (@last::text[])[1 + (i * 13 + i / 64) % cardinality(@last::text[])] AS l
      FROM generate_series(0, @users::int - 1) AS i) g`

const lmsSeedGroups = `
INSERT INTO groups (tenant_id, id, name, kind, description, created_at, updated_at, created_by, updated_by, version)
SELECT @tenant, pg_temp.bid(@tenant || ':g:' || g),
  (ARRAY['Warehouse','Engineering','Sales EMEA','Sales AMER','Customer Success','Finance','People Ops','Legal',
         'Berlin Office','London Office','Austin Office','Night Shift','Drivers','Managers','Security Champions',
         'Graduates 2026','Product','Marketing','Facilities','Project Atlas'])[1 + g % 20] || CASE WHEN g >= 20 THEN ' ' || (g / 20 + 1) ELSE '' END,
  (ARRAY['department','department','team','team','department','department','department','department',
         'location','location','location','team','team','other','project','cohort','department','department','department','project'])[1 + g % 20],
  CASE WHEN g % 3 = 0 THEN 'Everyone in ' || (ARRAY['the warehouse','engineering','sales','support'])[1 + g % 4] END,
  @anchor::timestamptz - interval '380 days' + g * interval '1 day', @anchor::timestamptz - interval '100 days', (@admins::uuid[])[1], (@admins::uuid[])[1], 1
FROM generate_series(0, @groups::int - 1) AS g;

INSERT INTO group_members (tenant_id, group_id, user_id, added_at, added_by)
SELECT @tenant, pg_temp.bid(@tenant || ':g:' || m.g), pg_temp.bid(@tenant || ':u:' || m.i), @anchor::timestamptz - interval '300 days' + m.i * interval '1 minute', (@admins::uuid[])[1]
FROM (SELECT i, i % @groups::int AS g FROM generate_series(0, @users::int - 1) AS i
      UNION SELECT i, (i * 7 + 3) % @groups::int FROM generate_series(0, @users::int - 1) AS i WHERE i % 2 = 0) m`

const lmsSeedCourses = `
INSERT INTO courses (tenant_id, id, name, annotation, status, tags, owner_id, settings, published_at, created_at, updated_at,
  created_by, updated_by, version, is_deleted, deleted_at, deleted_by)
SELECT @tenant, pg_temp.bid(@tenant || ':c:' || n),
  (@topics::text[])[1 + n % cardinality(@topics::text[])] || ' ' || (2024 + n % 3) || CASE WHEN n >= cardinality(@topics::text[]) THEN ' — part ' || (n / cardinality(@topics::text[]) + 1) ELSE '' END,
  CASE WHEN n % 4 <> 3 THEN 'Mandatory annual training: ' || lower((@topics::text[])[1 + n % cardinality(@topics::text[])]) ||
    '. Covers the policy, the common risks, and what to do when something goes wrong. About 45 minutes, with two short quizzes.' END,
  CASE WHEN n % 10 = 8 THEN 'draft' WHEN n % 10 = 9 THEN 'archived' ELSE 'published' END,
  ARRAY[(ARRAY['compliance','safety','security','onboarding','leadership','legal'])[1 + n % 6],
        (ARRAY['annual','mandatory','2026','emea','all-staff'])[1 + n % 5]],
  CASE WHEN n % 3 = 0 THEN (@admins::uuid[])[1] ELSE pg_temp.bid(@tenant || ':u:' || (50 * (n % (@users::int / 50)))) END,
  jsonb_build_object('passingScore', 60 + 10 * (n % 4), 'certificateOnCompletion', n % 2 = 0, 'points', 10 * (n % 5))
    || CASE WHEN n % 4 = 0 THEN jsonb_build_object('certificateValidityMonths', 12) ELSE '{}'::jsonb END,
  CASE WHEN n % 10 < 8 THEN ts + interval '3 days' END,
  ts, ts + interval '5 days', (@admins::uuid[])[1], (@admins::uuid[])[1], 2 + n % 5,
  n % 50 = 49, CASE WHEN n % 50 = 49 THEN ts + interval '20 days' END, CASE WHEN n % 50 = 49 THEN (@admins::uuid[])[1] END
FROM (SELECT n, @anchor::timestamptz - interval '350 days' + n * interval '1 hour' AS ts FROM generate_series(0, @courses::int - 1) AS n) g;

INSERT INTO course_shares (tenant_id, course_id, user_id, created_at, created_by)
SELECT @tenant, pg_temp.bid(@tenant || ':c:' || n), pg_temp.bid(@tenant || ':u:' || (50 * ((n + 1) % (@users::int / 50)))), @anchor::timestamptz - interval '200 days', (@admins::uuid[])[1]
FROM generate_series(0, @courses::int - 1) AS n
WHERE n % 4 = 0 AND (n % 3 = 0 OR (n + 1) % (@users::int / 50) <> n % (@users::int / 50));

INSERT INTO course_sections (tenant_id, id, course_id, title, position)
SELECT @tenant, pg_temp.bid(@tenant || ':s:' || n || ':' || s), pg_temp.bid(@tenant || ':c:' || n),
  (ARRAY['Why it matters','Doing it right','Check your understanding'])[1 + s], s
FROM generate_series(0, @courses::int - 1) AS n, generate_series(0, 2) AS s;

INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, required, brief, pages, settings, created_at, updated_at)
SELECT @tenant, pg_temp.bid(@tenant || ':e:' || n || ':' || e), pg_temp.bid(@tenant || ':c:' || n),
  pg_temp.bid(@tenant || ':s:' || n || ':' || (CASE WHEN e < 4 THEN 0 WHEN e < 7 THEN 1 ELSE 2 END)),
  k,
  CASE k WHEN 'quiz' THEN 'Quiz ' || (e / 3) WHEN 'survey' THEN 'How was this course?'
    ELSE (ARRAY['Introduction','The rules','Common risks','Real cases','Your responsibilities','Reporting a concern','Summary','Further reading','Scenarios','Wrap-up'])[1 + e] END,
  CASE WHEN e < 4 THEN e WHEN e < 7 THEN e - 4 ELSE e - 7 END,
  k <> 'survey',
  CASE WHEN k = 'lesson' THEN jsonb_build_object('topic', t, 'title', 'Lesson ' || (e + 1) || ' of ' || t,
    'description', 'What every employee needs to know about ' || lower(t) || ', with examples from real incidents.',
    'keyPoints', jsonb_build_array('Know the policy', 'Spot the risk early', 'Report it the same day', 'Ask when unsure'),
    'targetAudience', 'All staff') END,
  CASE WHEN k = 'lesson' THEN (SELECT jsonb_agg(jsonb_build_object('title', 'Page ' || p,
      'body', repeat('This page explains ' || lower(t) || ' step by step: what the rule says, why it exists, and how to apply it on a normal working day. ', 5)))
    FROM generate_series(1, 3) AS p) ELSE '[]'::jsonb END,
  CASE WHEN k = 'quiz' THEN '{"shuffle": true}'::jsonb ELSE '{}'::jsonb END,
  @anchor::timestamptz - interval '340 days' + n * interval '1 hour', @anchor::timestamptz - interval '300 days' + n * interval '1 hour'
FROM (SELECT n, e, (@topics::text[])[1 + n % cardinality(@topics::text[])] AS t,
        CASE WHEN e IN (3, 9) THEN 'quiz' WHEN e = 6 THEN 'survey' ELSE 'lesson' END AS k
      FROM generate_series(0, @courses::int - 1) AS n, generate_series(0, 9) AS e) g;

INSERT INTO quiz_questions (tenant_id, id, course_id, element_id, kind, text, options, weight, position, source_chunk_id, created_at, updated_at)
SELECT @tenant, pg_temp.bid(@tenant || ':q:' || n || ':' || q), pg_temp.bid(@tenant || ':c:' || n),
  pg_temp.bid(@tenant || ':e:' || n || ':' || CASE WHEN q < 3 THEN 3 ELSE 9 END),
  CASE WHEN q % 2 = 0 THEN 'single' ELSE 'multiple' END,
  'Question ' || (q + 1) || ': which of these is the right thing to do when you notice a problem?',
  jsonb_build_array(
    jsonb_build_object('id', 'o1', 'text', 'Report it to your manager the same day', 'correct', true),
    jsonb_build_object('id', 'o2', 'text', 'Wait and see whether it happens again', 'correct', false),
    jsonb_build_object('id', 'o3', 'text', 'Write it down in the incident log', 'correct', q % 2 = 1),
    jsonb_build_object('id', 'o4', 'text', 'Ignore it if nobody was hurt', 'correct', false)),
  1 + q % 2, CASE WHEN q < 3 THEN q ELSE q - 3 END, NULL,
  @anchor::timestamptz - interval '340 days', @anchor::timestamptz - interval '300 days'
FROM generate_series(0, @courses::int - 1) AS n, generate_series(0, 4) AS q;

INSERT INTO course_transitions (tenant_id, course_id, from_element_id, to_element_id)
SELECT @tenant, pg_temp.bid(@tenant || ':c:' || n), pg_temp.bid(@tenant || ':e:' || n || ':' || e), pg_temp.bid(@tenant || ':e:' || n || ':' || (e + 1))
FROM generate_series(0, @courses::int - 1) AS n, generate_series(0, 8) AS e;

INSERT INTO course_chains (tenant_id, id, name, description, owner_id, course_ids, created_at, updated_at, created_by, updated_by, version)
SELECT @tenant, pg_temp.bid(@tenant || ':ch:' || j), 'Learning path ' || (j + 1), 'Four courses in order',
  (@admins::uuid[])[1], ARRAY(SELECT pg_temp.bid(@tenant || ':c:' || (5 * j + k)) FROM generate_series(0, 3) AS k ORDER BY k),
  @anchor::timestamptz - interval '200 days', @anchor::timestamptz - interval '200 days', (@admins::uuid[])[1], (@admins::uuid[])[1], 1
FROM generate_series(0, least(10, @courses::int / 5) - 1) AS j`

// lmsAssignmentGen enumerates a user's assignments: user i, slot k, course n, a hash h
// that picks the status, and created_at.
const lmsAssignmentGen = `SELECT i, k, (i * 7 + k * 13) % @courses::int AS n, (i * 17 + k * 7) % 100 AS h,
  @anchor::timestamptz - ((i * 31 + k * 977) % 129600) * interval '1 minute' - interval '1 day' AS ts
FROM generate_series(0, @users::int - 1) AS i, generate_series(0, @per_user::int - 1) AS k`

const lmsSeedAssignments = `
INSERT INTO assignments (tenant_id, id, user_id, course_id, group_id, chain_id, chain_position, due_at, start_at, assigned_by,
  created_at, updated_at, started_at, completed_at, score, points_awarded)
SELECT @tenant, pg_temp.bid7(ts, @tenant || ':a:' || i || ':' || k), pg_temp.bid(@tenant || ':u:' || i), pg_temp.bid(@tenant || ':c:' || n),
  CASE WHEN h % 3 = 0 THEN pg_temp.bid(@tenant || ':g:' || (i % @groups::int)) END,
  CASE WHEN ch THEN pg_temp.bid(@tenant || ':ch:' || (n / 5)) END,
  CASE WHEN ch THEN n % 5 + 1 END,
  CASE WHEN h < 5 THEN @anchor::timestamptz + (31 + h) * interval '1 day'
       WHEN h < 40 THEN ts + interval '30 days'
       WHEN h < 55 THEN @anchor::timestamptz - (1 + h % 20) * interval '1 day'
       WHEN h < 75 THEN @anchor::timestamptz + (5 + h % 30) * interval '1 day'
       WHEN h % 3 = 0 THEN NULL
       ELSE @anchor::timestamptz + (10 + h % 60) * interval '1 day' END,
  CASE WHEN h < 5 THEN @anchor::timestamptz + (1 + h) * interval '1 day' END,
  (@admins::uuid[])[1], ts,
  CASE WHEN h >= 5 AND h < 40 THEN least(@anchor::timestamptz, ts + (2 + h % 10) * interval '1 hour') ELSE ts END,
  CASE WHEN h >= 5 AND h < 40 OR h >= 40 AND h < 75 AND h % 2 = 0 OR h >= 55 AND h < 75 THEN least(@anchor::timestamptz, ts + interval '1 hour') END,
  CASE WHEN h >= 5 AND h < 40 THEN least(@anchor::timestamptz, ts + (2 + h % 10) * interval '1 hour') END,
  CASE WHEN h >= 5 AND h < 40 THEN 60 + h % 40 END,
  CASE WHEN h >= 5 AND h < 40 THEN 10 * (h % 5) ELSE 0 END
FROM (SELECT g.*, g.n < 5 * least(10, @courses::int / 5) AND g.n % 5 < 4 AND g.i % 4 = 0 AS ch FROM (` + lmsAssignmentGen + `) g) x
ON CONFLICT (tenant_id, user_id, course_id) DO NOTHING;

INSERT INTO element_progress (tenant_id, user_id, course_id, element_id, completed_at, best_score, attempts, last_answers, updated_at)
SELECT @tenant, pg_temp.bid(@tenant || ':u:' || i), pg_temp.bid(@tenant || ':c:' || n), pg_temp.bid(@tenant || ':e:' || n || ':' || e),
  least(@anchor::timestamptz, ts + interval '1 hour' + e * interval '5 minutes'),
  CASE WHEN e IN (3, 9) THEN 60 + (h + e) % 41 END,
  CASE WHEN e IN (3, 9) THEN 1 + h % 3 ELSE 0 END,
  CASE WHEN e IN (3, 9) THEN '[{"questionId":"qst_bench","optionIds":["o1"]}]'::jsonb END,
  least(@anchor::timestamptz, ts + interval '1 hour' + e * interval '5 minutes')
FROM (` + lmsAssignmentGen + `) g,
  generate_series(0, CASE WHEN h >= 5 AND h < 40 AND h % 4 = 0 THEN 9
                          WHEN h >= 55 AND h < 75 OR h >= 40 AND h < 55 AND h % 2 = 0 THEN h % 5
                          ELSE -1 END) AS e
ON CONFLICT DO NOTHING`

// lmsSizes are the LMS seed's knobs.
type lmsSizes struct {
	users, courses, groups, perUser int
}

// seedLMS loads one tenant's LMS dataset; admins are the token subjects (admin users).
// The statements take named arguments (@tenant, @anchor, …); each step may hold several
// statements, separated by a blank line.
func seedLMS(ctx context.Context, tx pgx.Tx, tenant string, anchor time.Time, admins []uuid.UUID, sz lmsSizes) error {
	args := pgx.NamedArgs{
		"tenant": tenant, "anchor": anchor, "admins": admins, "users": sz.users, "courses": sz.courses,
		"groups": sz.groups, "per_user": sz.perUser, "first": firstNames, "last": lastNames, "topics": courseTopics,
	}
	for _, step := range []struct{ name, sql string }{
		{"tenant", lmsSeedTenant}, {"users", lmsSeedUsers}, {"groups", lmsSeedGroups},
		{"courses", lmsSeedCourses}, {"assignments", lmsSeedAssignments},
	} {
		for _, q := range strings.Split(step.sql, ";\n\n") {
			if _, err := tx.Exec(ctx, q, args); err != nil {
				return fmt.Errorf("%s: %w", step.name, err)
			}
		}
	}
	return nil
}
