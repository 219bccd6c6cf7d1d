package ghname

import "regexp"

// MaxLoginLen is the longest login GitHub allows.
const MaxLoginLen = 39

// loginRE is the shape of a GitHub account login: letters, digits and single
// hyphens, not at either end (underscores too, for Enterprise managed users).
var loginRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9_]|-[A-Za-z0-9_]){0,38}$`)

// ValidLogin reports whether s is a well-formed GitHub login.
func ValidLogin(s string) bool { return len(s) <= MaxLoginLen && loginRE.MatchString(s) }

// MaxTeamSlugLen is the longest team slug accepted. GitHub derives a slug
// from the team's name, which is at most 100 characters here too.
const MaxTeamSlugLen = 100

// ValidTeamSlug reports whether s can be a team slug: letters, digits,
// hyphens, underscores and dots, at most MaxTeamSlugLen characters, and not
// "." or "..". Whatever passes stays a single segment in a URL path.
func ValidTeamSlug(s string) bool {
	if s == "" || len(s) > MaxTeamSlugLen {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return s != "." && s != ".."
}
