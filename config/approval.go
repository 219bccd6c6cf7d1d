package config

import (
	"regexp"
	"strings"

	"github.com/python-trio/snekomatic/ghname"
	"go.yaml.in/yaml/v3"
)

// The approval setting: `approval: {issue_repo: OWNER/NAME}` asks the
// maintainers before anyone is invited, on one issue in that repository
// (docs/approval.md). Off (nil) by default.

// repoNameRE is what GitHub allows in a repository's name: letters,
// digits, '-', '_' and '.', at most 100.
var repoNameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)

// ValidRepo reports whether s is owner/name with a valid login and
// repository name.
func ValidRepo(s string) bool {
	owner, name, ok := strings.Cut(s, "/")
	return ok && ghname.ValidLogin(owner) && repoNameRE.MatchString(name) && name != "." && name != ".."
}

func (ps *parser) approval(n *yaml.Node, where string) (*string, error) {
	var repo *string
	err := ps.mapping(n, where, []string{"issue_repo"}, func(key string, _, v *yaml.Node) error {
		at := join(where, key)
		s, err := ps.str(v, at)
		if err != nil {
			return err
		}
		if !ValidRepo(s) {
			return ps.errf(v, at, "%s is not a repository (want OWNER/NAME, such as python-trio/.github)", quote(s))
		}
		repo = &s
		return nil
	})
	if err == nil && repo == nil {
		return nil, ps.errf(n, where, "issue_repo is missing (the repository of the approval issue, OWNER/NAME)")
	}
	return repo, err
}
