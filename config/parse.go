package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"reflect"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/python-trio/snekomatic/ghname"
)

// Load reads and checks the configuration file at path. sample is what
// comment templates are tried with, as for Parse.
func Load(path string, sample any) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return Parse(bytes.NewReader(data), path, sample)
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
			return ps.orgs(v, f.Orgs)
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
	"lookback", "overlap", "max_invites", "daily_invite_limit", "reinvite_expired_after"}

func (ps *parser) orgs(n *yaml.Node, out map[string]Policy) error {
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
		out[key] = p
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
			if p.Exclude, err = ps.patterns(v, at, false); err != nil {
				return err
			}
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
		}
		return err
	})
	return p, err
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
	err := ps.mapping(n, where, []string{"enabled", "template"}, func(key string, _, v *yaml.Node) error {
		at := join(where, key)
		if key == "enabled" {
			b, err := ps.bool(v, at)
			c.Enabled = &b
			return err
		}
		src, err := ps.str(v, at)
		if err != nil {
			return err
		}
		t, err := template.New("comment").Option("missingkey=error").Parse(src)
		if err != nil {
			return ps.errf(v, at, "%s", clipMsg(err.Error()))
		}
		if err := linear(t); err != nil {
			return ps.errf(v, at, "%s", clipMsg(err.Error()))
		}
		// Try it now, so that a field that does not exist ({{.Name}})
		// fails here rather than when someone is being welcomed.
		b := &cappedBuilder{limit: maxCommentChars}
		if err := t.Execute(b, ps.sample); errors.Is(err, errTooLong) {
			return ps.errf(v, at, "the template renders more than %d characters, more than GitHub accepts in a comment", maxCommentChars)
		} else if err != nil {
			msg := clipMsg(err.Error())
			if fields := fieldNames(ps.sample); len(fields) > 0 {
				msg += " (the fields are " + list(fields) + ")"
			}
			return ps.errf(v, at, "%s", msg)
		}
		if strings.TrimSpace(b.String()) == "" {
			return ps.errf(v, at, "the template renders an empty comment")
		}
		c.Template = t
		return nil
	})
	return c, err
}

// linear refuses the actions that let a template run far longer than it is
// long: range, which loops over a number as many times as it says (three
// billion empty turns took three minutes), and template, define and block,
// with which k templates that each call the next twice run 2^k times. A
// welcome comment has no list to loop over and no need for either; without
// them every action runs at most once. An organization's own file, which
// anyone who can push to its .github repository may edit, is read by the
// same run as every other organization's, so it must not be able to stall
// it.
func linear(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("define and block are not allowed in a welcome template (chains of templates could stall the run)")
	}
	if t.Tree == nil {
		return nil
	}
	var bad parse.Node
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode, *parse.TemplateNode:
			if bad == nil {
				bad = n
			}
		}
	}
	walk(t.Tree.Root)
	if bad == nil {
		return nil
	}
	what := "range"
	if _, ok := bad.(*parse.TemplateNode); ok {
		what = "template"
	}
	loc, _ := t.ErrorContext(bad)
	return fmt.Errorf("%s: %s is not allowed in a welcome template (it has nothing to loop over, and loops and chains of templates could stall the run)", loc, what)
}

// maxCommentChars is the longest comment body GitHub accepts ("Body is
// too long (maximum is 65536 characters)", a 422 from
// POST /repos/{owner}/{repo}/issues/{number}/comments).
const maxCommentChars = 65536

var errTooLong = errors.New("too long")

// cappedBuilder collects a rendering and fails once more than limit
// characters are written, which stops the template: one that loops
// ({{range 100000000000}}) ends with an error instead of filling memory.
// It has no WriteString, so every write goes through Write.
type cappedBuilder struct {
	b        strings.Builder
	limit, n int
}

func (c *cappedBuilder) Write(p []byte) (int, error) {
	c.n += utf8.RuneCount(p)
	if c.n > c.limit {
		return 0, errTooLong
	}
	return c.b.Write(p)
}

func (c *cappedBuilder) String() string { return c.b.String() }

// fieldNames lists the fields a template can name in v, as .A and .B.C,
// for an error to suggest.
func fieldNames(v any) []string {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return structFields(t, "")
}

// structFields lists the exported fields of t when it is a struct, the
// fields of a struct field in turn. A struct cannot hold itself but through
// a pointer, which this does not follow, so it ends.
func structFields(t reflect.Type, prefix string) []string {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name := prefix + "." + f.Name
		if sub := structFields(f.Type, name); len(sub) > 0 {
			out = append(out, sub...)
		} else {
			out = append(out, name)
		}
	}
	return out
}

// list is "a", "a and b", "a, b and c".
func list(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
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
