// Package ghperm ranks the levels of a GitHub App's permissions, the one
// ranking shared by the App client (ghapp) and the fake GitHub that judges
// it, so that the two cannot disagree about what a level implies.
//
// An installation's permissions map names ("members", "issues", ...) to
// "read", "write" or "admin" (the "permissions" object of the installation
// schema in GitHub's REST description, rest-openapi.json:
// app-permissions), and a higher level includes the lower ones ("Choosing
// permissions for a GitHub App",
// https://docs.github.com/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app).
package ghperm

// Rank orders a permission level: "read" 1, "write" 2, "admin" 3, and 0
// for anything else (no access, or a level GitHub does not use).
func Rank(level string) int {
	switch level {
	case "read":
		return 1
	case "write":
		return 2
	case "admin":
		return 3
	}
	return 0
}

// Grants reports whether holding a permission at level have allows what
// needs it at level want; an unknown want is never granted.
func Grants(have, want string) bool {
	w := Rank(want)
	return w > 0 && Rank(have) >= w
}
