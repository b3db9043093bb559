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
)
