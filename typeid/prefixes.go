package typeid

// Prefixes of the resource types learnd issues.
const (
	Cohort        = "coh"
	Assessment    = "asm"
	Group         = "grp"
	Person        = "per"
	APIKey        = "key"
	Course        = "crs"
	Section       = "sec"
	Element       = "ele" // a course element: lesson, quiz or survey
	Question      = "qst"
	Chain         = "chn"
	Assignment    = "asg"
	Certificate   = "cer"
	Audit         = "aud"
	Response      = "rsp" // an assessment response
	Mail          = "msg"
	SCIMToken     = "stk" // a SCIM provisioning token
	EnrolmentRule = "erl"
	Webhook       = "whk" // a webhook endpoint
	Event         = "evt" // a webhook message (one event, sent to each endpoint it goes to)
	Attempt       = "att" // one try of a webhook delivery
)
