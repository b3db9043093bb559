package server

// What a handler knows about an expected error that the error does not say: the record the
// call was about, its own wording of a problem, how its operations word validation. The
// handler wraps the error and returns it; the mapper (problem_map.go) classifies the
// wrapped error as usual — the status, the code and the field errors stay the mapper's —
// and takes the words from the wrapper:
//
//	return nil, about(err, "course chain "+req.ChainId)   // "course chain chn_… not found"
//	return nil, describe(err, store.ErrNotFound, "course "+req.CourseId+" is not assigned to you")

import (
	"errors"
)

// describedError is an error with what its handler knows about it.
type describedError struct {
	err error
	// part and subject: the record the call was about (part ""), or the part of it the
	// store names when that part is missing (a report's "group").
	part, subject string
	// target, detail and code: the handler's own detail (and code) of target's problem.
	target       error
	detail, code string
	// firstViolation: the detail of a validation problem states its first violation.
	firstViolation bool
	// aiWrite: the error of an AI write to a course (see aiWrite).
	aiWrite bool
}

func (e *describedError) Error() string { return e.err.Error() }
func (e *describedError) Unwrap() error { return e.err }

// about says err was about subject, a record ("course chain chn_…"): the mapper names it
// in the problems about that record ("… not found", "… is not deleted", "… has no inline
// questions to answer").
func about(err error, subject string) error {
	if err == nil {
		return nil
	}
	return &describedError{err: err, subject: subject}
}

// aboutPart says subject names the part of the record the store calls part ("group"), for
// the not-found of that part.
func aboutPart(err error, part, subject string) error {
	if err == nil {
		return nil
	}
	return &describedError{err: err, part: part, subject: subject}
}

// describe gives the problem of target (matched with errors.Is) the handler's own detail,
// where naming the record is not enough ("course crs_… is not assigned to you").
func describe(err, target error, detail string) error {
	return describeCode(err, target, "", detail)
}

// describeCode is describe with the problem code too.
func describeCode(err, target error, code, detail string) error {
	if err == nil {
		return nil
	}
	return &describedError{err: err, target: target, detail: detail, code: code}
}

// detailFirstViolation makes the detail of err's validation problem its first violation
// ("/userIds/0: the user is not assigned this course"), as the assignment operations word
// it; the field errors list them all.
func detailFirstViolation(err error) error {
	if err == nil {
		return nil
	}
	return &describedError{err: err, firstViolation: true}
}

// aiWrite marks err as the failure of an AI write to a course. The version such a write
// expects is the one the server read before it called the generator, so a version
// mismatch is a concurrent change (409 course_changed), not a stale precondition; and a
// rule the written content breaks is the generator's failure (502), not the client's.
func aiWrite(err error) error {
	if err == nil {
		return nil
	}
	return &describedError{err: err, aiWrite: true}
}

// described is everything the handlers said about one error, outermost first.
type described struct {
	nodes          []*describedError
	firstViolation bool
	aiWrite        bool
}

// describedOf collects the describedErrors in err's tree.
func describedOf(err error) described {
	var d described
	walkErrors(err, func(e error) {
		if de, ok := e.(*describedError); ok {
			d.nodes = append(d.nodes, de)
			d.firstViolation = d.firstViolation || de.firstViolation
			d.aiWrite = d.aiWrite || de.aiWrite
		}
	})
	return d
}

// subject is what the problem of a missing part (part "" for the record itself) names: the
// part's own subject, else the record's; "" when the handler named neither.
func (d described) subject(part string) string {
	if part != "" {
		for _, n := range d.nodes {
			if n.part == part && n.subject != "" {
				return n.subject
			}
		}
	}
	for _, n := range d.nodes {
		if n.part == "" && n.subject != "" {
			return n.subject
		}
	}
	return ""
}

// subjectOr is the record's subject, else def.
func (d described) subjectOr(def string) string {
	if s := d.subject(""); s != "" {
		return s
	}
	return def
}

// detailFor is the handler's own detail for err, if one's target is err.
func (d described) detailFor(err error) *describedError {
	for _, n := range d.nodes {
		if n.target != nil && errors.Is(err, n.target) {
			return n
		}
	}
	return nil
}

// walkErrors calls f on every error of err's tree, depth first, outermost first.
func walkErrors(err error, f func(error)) {
	for err != nil {
		f(err)
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walkErrors(e, f)
			}
			return
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return
		}
	}
}
