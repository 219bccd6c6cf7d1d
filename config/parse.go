package config

import (
	"bytes"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"go.yaml.in/yaml/v3"

	"github.com/python-trio/snekomatic/ghname"
)

// Load reads and checks the configuration file at path. sample is what
// comment templates are tried with, as for Parse.
func Load(path string, sample any) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: errtext.PathCause(err).Error()}
	}
	return Parse(bytes.NewReader(data), path, sample)
}

// LoadOrDefault reads the configuration a command runs under: the file
// named (given: the flag was set, and then it must exist), else DefaultPath
// when a file is there, else none (path "" and an empty File, the
// defaults).
func LoadOrDefault(name string, given bool, sample any) (path string, f *File, err error) {
	if !given {
		if _, err := os.Stat(DefaultPath); err != nil {
			return "", &File{}, nil
		}
		name = DefaultPath
	}
	f, err = Load(name, sample)
	if err != nil {
		return "", nil, err
	}
	return name, f, nil
}

// Parse reads and checks a configuration file; name is used in errors.
//
// sample is a value of the type welcome comment templates are rendered
// with (the caller's business: this package does not know what a welcome
// holds). Each template is executed with it as it is read, so that one
// naming a field the type lacks fails here, with its line, rather than
// when someone is being welcomed.
func Parse(r io.Reader, name string, sample any) (*File, error) {
	ps := &parser{file: name, sample: sample}
	root, err := ps.document(r)
	if err != nil || root == nil {
		return &File{Orgs: map[string]Policy{}}, err
	}
	f := &File{Orgs: map[string]Policy{}}
	err = ps.mapping(root, "", []string{"defaults", "orgs"}, func(key string, k, v *yaml.Node) error {
		switch key {
		case "defaults":
			p, err := ps.policy(v, "defaults", false)
			f.Defaults = p
			return err
		default: // orgs
			return ps.orgs(v, f)
		}
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ParseOrg reads an organization's own configuration (snekomatic.yml in
// its .github repository): the keys of one policy at the top level. It may
// not ask for the admin role, which hands out ownership of the whole
// organization: anyone who can push to that repository could otherwise
// have the bot make owners. sample is as for Parse.
func ParseOrg(r io.Reader, name string, sample any) (*Policy, error) {
	ps := &parser{file: name, sample: sample}
	root, err := ps.document(r)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return &Policy{}, nil
	}
	p, err := ps.policy(root, "", true)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

var policyKeys = []string{"role", "teams", "exclude", "min_merged_prs", "repos", "comment",
	"lookback", "overlap", "max_invites", "daily_invite_limit", "reinvite_expired_after",
	"renew_expired", "approval", "credit"}

func (ps *parser) orgs(n *yaml.Node, f *File) error {
	n = deref(n)
	if n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return ps.errf(n, "orgs", "want a mapping of organization logins to settings, found %s", describe(n))
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || !ghname.ValidLogin(k.Value) {
			return ps.errf(k, "orgs", "%s is not a GitHub organization login", describe(k))
		}
		key := strings.ToLower(k.Value)
		if line, dup := lines[key]; dup {
			return ps.errf(k, "orgs."+k.Value, "set twice (first on line %d; logins ignore case)", line)
		}
		lines[key] = k.Line
		p, err := ps.policy(v, "orgs."+k.Value, false)
		if err != nil {
			return err
		}
		f.Orgs[key] = p
		f.OrgOrder = append(f.OrgOrder, key)
		if f.OrgLines == nil {
			f.OrgLines = map[string]int{}
		}
		f.OrgLines[key] = k.Line
	}
	return nil
}

// policy reads the keys of one policy. orgFile marks an organization's own
// file, which may not ask for the admin role.
func (ps *parser) policy(n *yaml.Node, where string, orgFile bool) (Policy, error) {
	var p Policy
	err := ps.mapping(n, where, policyKeys, func(key string, k, v *yaml.Node) error {
		at := join(where, key)
		var err error
		switch key {
		case "role":
			var s string
			if s, err = ps.str(v, at); err != nil {
				return err
			}
			switch {
			case s != RoleDirectMember && s != RoleAdmin:
				return ps.errf(v, at, "%s is not a role snekomatic invites with: want %s or %s", quote(s), RoleDirectMember, RoleAdmin)
			case s == RoleAdmin && orgFile:
				return ps.errf(v, at, "admin (organization owner) can only be set in snekomatic's own configuration, not in an organization's .github repository")
			}
			p.Role = &s
		case "teams":
			var ts []string
			if ts, err = ps.strs(v, at); err != nil {
				return err
			}
			for i, t := range ts {
				if !ghname.ValidTeamSlug(t) {
					return ps.errf(deref(v).Content[i], at, "%s is not a team slug (the team's name as it appears in its URL, such as core-devs)", quote(t))
				}
			}
			p.Teams = &ts
		case "exclude":
			p.Exclude, err = ps.patterns(v, at, false)
		case "min_merged_prs":
			var i int
			if i, err = ps.int(v, at, 1, "at least 1"); err != nil {
				return err
			}
			p.MinMergedPRs = &i
		case "repos":
			p.Repos, err = ps.repos(v, at)
		case "comment":
			p.Comment, err = ps.comment(v, at)
		case "credit":
			p.Credit, err = ps.credit(v, at)
		case "lookback", "overlap", "reinvite_expired_after":
			var d time.Duration
			if d, err = ps.duration(v, at); err != nil {
				return err
			}
			switch key {
			case "lookback":
				if d <= 0 {
					return ps.errf(v, at, "%s must be positive", clip(v.Value))
				}
				p.Lookback = &d
			case "overlap":
				p.Overlap = &d
			default:
				p.ReinviteExpiredAfter = &d
			}
		case "max_invites":
			var i int
			if i, err = ps.int(v, at, -1, "-1 (no limit) or more"); err != nil {
				return err
			}
			p.MaxInvites = &i
		case "daily_invite_limit":
			var i int
			if i, err = ps.int(v, at, 0, "0 (not tracked) or more"); err != nil {
				return err
			}
			p.DailyInviteLimit = &i
		case "renew_expired":
			p.RenewExpired, err = ps.renewExpired(v, at)
		case "approval":
			p.ApprovalRepo, err = ps.approval(v, at)
		}
		return err
	})
	return p, err
}

// renewExpired reads renew_expired: never or once.
func (ps *parser) renewExpired(v *yaml.Node, at string) (*string, error) {
	s, err := ps.str(v, at)
	if err != nil {
		return nil, err
	}
	if s != RenewNever && s != RenewOnce {
		return nil, ps.errf(v, at, "%s is not a choice: want %s or %s", quote(s), RenewNever, RenewOnce)
	}
	return &s, nil
}

func (ps *parser) repos(n *yaml.Node, where string) (Repos, error) {
	var r Repos
	known := []string{"include", "exclude", "skip_forks", "skip_archived", "skip_private"}
	err := ps.mapping(n, where, known, func(key string, _, v *yaml.Node) error {
		at := join(where, key)
		switch key {
		case "include", "exclude":
			pats, err := ps.patterns(v, at, true)
			if err != nil {
				return err
			}
			if key == "include" {
				r.Include = &pats
			} else {
				r.Exclude = &pats
			}
		default:
			b, err := ps.bool(v, at)
			if err != nil {
				return err
			}
			switch key {
			case "skip_forks":
				r.SkipForks = &b
			case "skip_archived":
				r.SkipArchived = &b
			default:
				r.SkipPrivate = &b
			}
		}
		return nil
	})
	return r, err
}

func (ps *parser) comment(n *yaml.Node, where string) (Comment, error) {
	var c Comment
	err := ps.mapping(n, where, []string{"enabled", "template", "max_age"}, func(key string, _, v *yaml.Node) error {
		at := join(where, key)
		switch key {
		case "enabled":
			b, err := ps.bool(v, at)
			c.Enabled = &b
			return err
		case "max_age":
			d, err := ps.duration(v, at)
			c.MaxAge = &d
			return err
		}
		src, err := ps.str(v, at)
		if err != nil {
			return err
		}
		t, err := ps.welcomeTemplate(v, at, src)
		if err != nil {
			return err
		}
		c.Template = t
		return nil
	})
	return c, err
}

func (ps *parser) credit(n *yaml.Node, where string) (Credit, error) {
	var c Credit
	err := ps.mapping(n, where, []string{"co_authors"}, func(key string, _, v *yaml.Node) error {
		b, err := ps.bool(v, join(where, key))
		c.CoAuthors = &b
		return err
	})
	return c, err
}

// patterns reads a list of path.Match patterns; repo patterns may name
// owner/name.
func (ps *parser) patterns(n *yaml.Node, at string, repo bool) ([]string, error) {
	pats, err := ps.strs(n, at)
	if err != nil {
		return nil, err
	}
	for i, p := range pats {
		item := deref(n).Content[i]
		if strings.TrimSpace(p) == "" {
			return nil, ps.errf(item, at, "an empty pattern matches nothing")
		}
		if _, err := path.Match(p, ""); err != nil {
			return nil, ps.errf(item, at, "%s is not a valid pattern (*, ? and [...] as in shell globs): %v", quote(p), err)
		}
		if slashes := strings.Count(p, "/"); slashes > 1 || (slashes > 0 && !repo) {
			return nil, ps.errf(item, at, "%s: a pattern may not contain %s", quote(p), map[bool]string{true: "more than one /", false: "/"}[repo])
		}
	}
	return pats, nil
}
