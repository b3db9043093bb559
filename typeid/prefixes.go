package typeid

// Prefixes of the resource types learnd issues.
const (
	Cohort     = "coh"
	Assessment = "asm"
	Group      = "grp"
	Person     = "per"
)
