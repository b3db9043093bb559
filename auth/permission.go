package auth

// Permission is one of the LMS core's permissions (seed 003). A role grants a fixed set;
// some actions also need the role hierarchy (the target ranks below the caller) or
// ownership (course owner or share, chain owner), which the API checks per record.
type Permission string

// The permissions of seed 003.
const (
	PermUserView    Permission = "user_view"
	PermUserEdit    Permission = "user_edit"
	PermUserBan     Permission = "user_ban"
	PermUserAssign  Permission = "user_assign"
	PermGroupAssign Permission = "group_assign"
	PermCourseView  Permission = "course_view"
	PermCourseEdit  Permission = "course_edit"
	PermCommonStat  Permission = "common_stat"
	PermAuditView   Permission = "audit_view"
)

// Permissions lists every permission, in the seed's order.
var Permissions = []Permission{PermUserView, PermUserEdit, PermUserBan, PermUserAssign,
	PermGroupAssign, PermCourseView, PermCourseEdit, PermCommonStat, PermAuditView}

// rolePermissions: owners and admins hold all; managers run training (view people,
// assign, author courses, read statistics) but cannot edit or ban people or read the
// audit log; learners hold none — they see only their own assignments, certificates and
// the courses assigned to them.
var rolePermissions = map[Role]map[Permission]bool{
	RoleOwner: all(),
	RoleAdmin: all(),
	RoleManager: {PermUserView: true, PermUserAssign: true, PermGroupAssign: true,
		PermCourseView: true, PermCourseEdit: true, PermCommonStat: true},
	RoleLearner: {},
}

func all() map[Permission]bool {
	m := make(map[Permission]bool, len(Permissions))
	for _, p := range Permissions {
		m[p] = true
	}
	return m
}

// Can reports whether role r grants permission p.
func (r Role) Can(p Permission) bool { return rolePermissions[r][p] }

// Can reports whether the caller's role grants p.
func (p Principal) Can(perm Permission) bool { return p.Role.Can(perm) }

// Licence is a tenant's licence as the API enforces it.
type Licence struct {
	Tier        string // starter, business, enterprise
	MCPAccess   string // none, read, full
	MCPAIAccess bool
}

// Licence tiers and MCP access levels.
const (
	TierStarter    = "starter"
	TierBusiness   = "business"
	TierEnterprise = "enterprise"
	MCPNone        = "none"
	MCPRead        = "read"
	MCPFull        = "full"
)
