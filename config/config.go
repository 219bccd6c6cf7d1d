package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/python-trio/snekomatic/ghapi"
	"github.com/python-trio/snekomatic/internal/duration"
	"github.com/python-trio/snekomatic/reconcile"
)

// DefaultPath is where snekomatic looks for its configuration, relative to
// the working directory, when --config is not given.
const DefaultPath = ".github/snekomatic.yml"

// DefaultDailyInviteLimit is GitHub's invitation allowance for a young
// organization on the free plan.
const DefaultDailyInviteLimit = 50

// File is a whole configuration file.
type File struct {
	// Defaults apply to every organization.
	Defaults Policy
	// Orgs override the defaults for one organization, keyed by its
	// lower-case login.
	Orgs map[string]Policy
}

// Policy is one level of configuration. A nil pointer (or nil slice) is a
// setting this level leaves to the level below.
type Policy struct {
	// Role is "direct_member" or "admin".
	Role *string
	// Teams are team slugs.
	Teams *[]string
	// Exclude are login patterns (path.Match syntax, case-insensitive).
	Exclude []string
	// MinMergedPRs is at least 1.
	MinMergedPRs *int
	Repos        Repos
	Comment      Comment
	Lookback     *time.Duration
	Overlap      *time.Duration
	// MaxInvites is -1 (no limit) or more.
	MaxInvites *int
	// DailyInviteLimit is 0 (not tracked) or more.
	DailyInviteLimit *int
	// ReinviteExpiredAfter is 0 (never) or more.
	ReinviteExpiredAfter *time.Duration
}

// Repos is the repository filter of a Policy.
type Repos struct {
	Include, Exclude                     *[]string
	SkipForks, SkipArchived, SkipPrivate *bool
}

// Comment is the welcome comment setting of a Policy.
type Comment struct {
	Enabled *bool
	// Template renders reconcile.WelcomeData.
	Template *template.Template
}

// Error is a problem in a configuration file, at a line, under a key
// (dotted, as in "orgs.python-trio.teams").
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and checks the configuration file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return Parse(bytes.NewReader(data), path)
}

// Parse reads and checks a configuration file; name is used in errors.
func Parse(r io.Reader, name string) (*File, error) {
	ps := &parser{file: name}
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
// have the bot make owners.
func ParseOrg(r io.Reader, name string) (*Policy, error) {
	ps := &parser{file: name}
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

// For is the policy of one organization: the file's defaults, overridden by
// the organization's own file (own, may be nil), overridden by the file's
// entry for the organization.
func (f *File) For(org string, own *Policy) Policy {
	p := f.Defaults
	if own != nil {
		p = p.Overlay(*own)
	}
	if o, ok := f.Orgs[strings.ToLower(org)]; ok {
		p = p.Overlay(o)
	}
	return p
}

// Overlay returns p with every setting q makes replacing p's, except that
// exclusions add up.
func (p Policy) Overlay(q Policy) Policy {
	r := p
	over(&r.Role, q.Role)
	over(&r.Teams, q.Teams)
	r.Exclude = nil
	for _, e := range append(slices.Clone(p.Exclude), q.Exclude...) {
		if !slices.Contains(r.Exclude, e) {
			r.Exclude = append(r.Exclude, e)
		}
	}
	over(&r.MinMergedPRs, q.MinMergedPRs)
	over(&r.Repos.Include, q.Repos.Include)
	over(&r.Repos.Exclude, q.Repos.Exclude)
	over(&r.Repos.SkipForks, q.Repos.SkipForks)
	over(&r.Repos.SkipArchived, q.Repos.SkipArchived)
	over(&r.Repos.SkipPrivate, q.Repos.SkipPrivate)
	over(&r.Comment.Enabled, q.Comment.Enabled)
	over(&r.Comment.Template, q.Comment.Template)
	over(&r.Lookback, q.Lookback)
	over(&r.Overlap, q.Overlap)
	over(&r.MaxInvites, q.MaxInvites)
	over(&r.DailyInviteLimit, q.DailyInviteLimit)
	over(&r.ReinviteExpiredAfter, q.ReinviteExpiredAfter)
	return r
}

func over[T any](dst **T, src *T) {
	if src != nil {
		*dst = src
	}
}

func val[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// Apply writes the policy into a run's options, with snekomatic's built-in
// default for every setting no level made.
func (p Policy) Apply(o *reconcile.Options) {
	o.Lookback = val(p.Lookback, reconcile.DefaultLookback)
	o.Overlap = val(p.Overlap, reconcile.DefaultOverlap)
	o.MaxInvites = val(p.MaxInvites, -1)
	o.DailyInviteLimit = val(p.DailyInviteLimit, DefaultDailyInviteLimit)
	o.Policy = reconcile.Policy{
		Role:         val(p.Role, reconcile.RoleDirectMember),
		Teams:        slices.Clone(val(p.Teams, nil)),
		Exclude:      slices.Clone(p.Exclude),
		MinMergedPRs: val(p.MinMergedPRs, 1),
		Repos: reconcile.RepoFilter{
			Include:      slices.Clone(val(p.Repos.Include, nil)),
			Exclude:      slices.Clone(val(p.Repos.Exclude, nil)),
			SkipForks:    val(p.Repos.SkipForks, false),
			SkipArchived: val(p.Repos.SkipArchived, false),
			SkipPrivate:  val(p.Repos.SkipPrivate, false),
		},
		NoComment:            !val(p.Comment.Enabled, true),
		Comment:              p.Comment.Template,
		ReinviteExpiredAfter: val(p.ReinviteExpiredAfter, 0),
	}
}

// ParseDuration reads a duration the way every snekomatic duration is
// read ("90m", "36h", "14d"): see package internal/duration.
func ParseDuration(s string) (time.Duration, error) { return duration.Parse(s) }

// parser walks the YAML tree itself, rather than decoding into structs, so
// that every error can name its key and line.
type parser struct{ file string }

func (ps *parser) errf(n *yaml.Node, key, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: ps.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// document reads the single YAML document of r; nil for an empty file.
func (ps *parser) document(r io.Reader) (*yaml.Node, error) {
	dec := yaml.NewDecoder(r)
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, ps.yamlError(err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, ps.yamlError(err)
		}
		return nil, ps.errf(&more, "", "holds more than one YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil
		}
		root = root.Content[0]
	}
	root = deref(root)
	if root.ShortTag() == "!!null" {
		return nil, nil
	}
	return root, nil
}

// yamlError rewrites the parser's "yaml: line N: msg" as FILE:N: msg.
func (ps *parser) yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				return &Error{File: ps.file, Line: n, Msg: "not valid YAML: " + text}
			}
		}
	}
	return &Error{File: ps.file, Msg: "not valid YAML: " + msg}
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// mapping calls fn for each key of a mapping node, refusing keys that are
// not in known or that appear twice. A null node is an empty mapping.
func (ps *parser) mapping(n *yaml.Node, where string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	n = deref(n)
	if n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		what := "want"
		if where == "" {
			what = "the top level must be"
		}
		return ps.errf(n, where, "%s a mapping of keys (%s), found %s", what, strings.Join(known, ", "), describe(n))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return ps.errf(k, where, "a key must be a plain word, found %s", describe(k))
		}
		key := k.Value
		if !slices.Contains(known, key) {
			return ps.errf(k, join(where, key), "unknown key (known keys here: %s)", strings.Join(known, ", "))
		}
		if line, dup := seen[key]; dup {
			return ps.errf(k, join(where, key), "set twice (first on line %d)", line)
		}
		seen[key] = k.Line
		if err := fn(key, k, v); err != nil {
			return err
		}
	}
	return nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!bool":
		return "true/false " + n.Value
	case "!!int", "!!float":
		return "the number " + n.Value
	}
	return fmt.Sprintf("%q", n.Value)
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
		if k.Kind != yaml.ScalarNode || !ghapi.ValidLogin(k.Value) {
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
			case s != reconcile.RoleDirectMember && s != reconcile.RoleAdmin:
				return ps.errf(v, at, "%q is not a role snekomatic invites with: want direct_member or admin", s)
			case s == reconcile.RoleAdmin && orgFile:
				return ps.errf(v, at, "admin (organization owner) can only be set in snekomatic's own configuration, not in an organization's .github repository")
			}
			p.Role = &s
		case "teams":
			var ts []string
			if ts, err = ps.strs(v, at); err != nil {
				return err
			}
			for i, t := range ts {
				if !ghapi.ValidTeamSlug(t) {
					return ps.errf(deref(v).Content[i], at, "%q is not a team slug (the team's name as it appears in its URL, such as core-devs)", t)
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
					return ps.errf(v, at, "%s must be positive", v.Value)
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
			return ps.errf(v, at, "%v", err)
		}
		// Try it now, so that a field that does not exist ({{.Name}})
		// fails here rather than when someone is being welcomed.
		var b strings.Builder
		if err := t.Execute(&b, reconcile.SampleWelcomeData); err != nil {
			return ps.errf(v, at, "%v (the fields are .Login, .Org, .PR.Repo, .PR.Number, .PR.URL and .AcceptURL)", err)
		}
		if strings.TrimSpace(b.String()) == "" {
			return ps.errf(v, at, "the template renders an empty comment")
		}
		c.Template = t
		return nil
	})
	return c, err
}

func (ps *parser) scalar(n *yaml.Node, at, want string) (*yaml.Node, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return nil, ps.errf(n, at, "want %s, found %s", want, describe(n))
	}
	return n, nil
}

func (ps *parser) str(n *yaml.Node, at string) (string, error) {
	s, err := ps.scalar(n, at, "a string")
	if err != nil {
		return "", err
	}
	if s.ShortTag() != "!!str" {
		return "", ps.errf(s, at, "want a string, found %s (quote it if it is meant as text)", describe(s))
	}
	return s.Value, nil
}

func (ps *parser) strs(n *yaml.Node, at string) ([]string, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, ps.errf(n, at, "want a list, found %s", describe(n))
	}
	out := []string{}
	for _, item := range n.Content {
		s, err := ps.str(item, at)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
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
			return nil, ps.errf(item, at, "%q is not a valid pattern (*, ? and [...] as in shell globs): %v", p, err)
		}
		if slashes := strings.Count(p, "/"); slashes > 1 || (slashes > 0 && !repo) {
			return nil, ps.errf(item, at, "%q: a pattern may not contain %s", p, map[bool]string{true: "more than one /", false: "/"}[repo])
		}
	}
	return pats, nil
}

func (ps *parser) int(n *yaml.Node, at string, least int, want string) (int, error) {
	s, err := ps.scalar(n, at, "a whole number, "+want)
	if err != nil {
		return 0, err
	}
	var i int
	if s.ShortTag() != "!!int" || s.Decode(&i) != nil {
		return 0, ps.errf(s, at, "want a whole number, %s; found %s", want, describe(s))
	}
	if i < least {
		return 0, ps.errf(s, at, "%d is out of range: want %s", i, want)
	}
	return i, nil
}

func (ps *parser) bool(n *yaml.Node, at string) (bool, error) {
	s, err := ps.scalar(n, at, "true or false")
	if err != nil {
		return false, err
	}
	var b bool
	if s.ShortTag() != "!!bool" || s.Decode(&b) != nil {
		return false, ps.errf(s, at, "want true or false, found %s", describe(s))
	}
	return b, nil
}

func (ps *parser) duration(n *yaml.Node, at string) (time.Duration, error) {
	s, err := ps.scalar(n, at, "a duration such as 90m, 36h or 14d")
	if err != nil {
		return 0, err
	}
	if s.ShortTag() == "!!int" && s.Value == "0" {
		return 0, nil
	}
	if s.ShortTag() != "!!str" {
		return 0, ps.errf(s, at, "want a duration such as 90m, 36h or 14d, found %s", describe(s))
	}
	d, err := ParseDuration(s.Value)
	if err != nil {
		return 0, ps.errf(s, at, "%v", err)
	}
	if d < 0 {
		return 0, ps.errf(s, at, "%s must not be negative", s.Value)
	}
	return d, nil
}
