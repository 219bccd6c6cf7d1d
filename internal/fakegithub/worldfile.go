package fakegithub

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	"go.yaml.in/yaml/v3"
)

// A world file describes a fake GitHub in YAML (or JSON, which YAML
// reads too): accounts, organizations with their members, teams and
// invitations, repositories with files and pull requests, tokens and
// faults. `snekomatic fake-github` serves one, and docs/fake-github.md
// documents the format. The file is decoded into World, checked whole
// (Check), and only then built with the same exported methods tests use
// (AddUser, SetMember, AddPR, ...), so a world that loads never trips one
// of their panics and follows the fake as it grows.

// World is the contents of a world file. The zero value is an empty world.
type World struct {
	// Users, Bots and Mannequins are the accounts to create. A bot's login
	// ends in "[bot]", as GitHub's REST API shows it.
	Users      []string `yaml:"users"`
	Bots       []string `yaml:"bots"`
	Mannequins []string `yaml:"mannequins"`
	// DeletedUsers are users who wrote pull requests and then deleted
	// their account: they are created, given their pull requests, then
	// deleted (GraphQL shows author null).
	DeletedUsers []string     `yaml:"deleted_users"`
	Orgs         []WorldOrg   `yaml:"orgs"`
	Repos        []WorldRepo  `yaml:"repos"`
	Tokens       []WorldToken `yaml:"tokens"`
	// Apps are GitHub Apps and their installations (worldfile_apps.go).
	Apps []WorldApp `yaml:"apps"`
	// IndexLag makes search lag behind the world by this long ("90s").
	IndexLag string       `yaml:"index_lag"`
	Faults   *WorldFaults `yaml:"faults"`
}

// WorldOrg is an organization.
type WorldOrg struct {
	Login string `yaml:"login"`
	// Members are users with their role: "member" (the default) or
	// "admin", which is what GitHub's API calls an owner.
	Members []WorldMember `yaml:"members"`
	// Teams are team slugs.
	Teams []string `yaml:"teams"`
	// PendingInvitations are users invited by someone through the web UI
	// who have not answered yet.
	PendingInvitations []string `yaml:"pending_invitations"`
	// ExpiredInvitations are users whose invitation expired unanswered
	// (listed by GET /orgs/{org}/failed_invitations).
	ExpiredInvitations []string `yaml:"expired_invitations"`
	// InvitationCap is how many invitations the organization may create
	// per 24 hours (nil: DefaultInvitationCap; 0: no cap).
	InvitationCap *int `yaml:"invitation_cap"`
}

// WorldMember is a member of an organization.
type WorldMember struct {
	Login string `yaml:"login"`
	Role  string `yaml:"role"`
}

// WorldRepo is a repository.
type WorldRepo struct {
	// Name is "owner/name"; the owner is an organization or a user.
	Name     string `yaml:"name"`
	Private  bool   `yaml:"private"`
	Fork     bool   `yaml:"fork"`
	Archived bool   `yaml:"archived"`
	// Files maps a path to its contents (for example
	// ".github/snekomatic.yml" in an organization's .github repository).
	Files        map[string]string `yaml:"files"`
	PullRequests []WorldPR         `yaml:"pull_requests"`
}

// WorldPR is a pull request.
type WorldPR struct {
	// Author is the login of a user, bot, mannequin or deleted user; empty
	// for a pull request whose author is gone without a trace (ghost).
	Author string `yaml:"author"`
	Title  string `yaml:"title"`
	// State is "merged" (the default), "closed" (without merging) or
	// "open".
	State string `yaml:"state"`
	// At is when it was merged or closed: an RFC 3339 time, or how long
	// before the world is loaded ("3h", "90m", "2d"). Required unless the
	// pull request is open (opened when the world is loaded).
	At string `yaml:"at"`
	// CoAuthors are the Co-authored-by trailers of its one commit (whose
	// git author is Author): the login of a declared user or bot, or
	// "Name <email>" for an address that belongs to no account
	// (GitActor.user is null for it, as for a bot).
	CoAuthors []string `yaml:"co_authors"`
}

// WorldToken is a personal access token.
type WorldToken struct {
	// Value is the token itself.
	Value string `yaml:"value"`
	// User owns it; to invite people it must be an owner ("admin") of the
	// organization, as on GitHub.
	User string `yaml:"user"`
	// Orgs, if set, limits the token to these organizations (like a
	// fine-grained token).
	Orgs []string `yaml:"orgs"`
}

// WorldFaults are the faults to inject; see Faults.
type WorldFaults struct {
	Seed                    int64   `yaml:"seed"`
	Rate502                 float64 `yaml:"rate_502"`
	AmbiguousWrites         bool    `yaml:"ambiguous_writes"`
	SecondaryEvery          int     `yaml:"secondary_every"`
	GraphQLRateLimitedEvery int     `yaml:"graphql_rate_limited_every"`
	Latency                 string  `yaml:"latency"`
	HangEvery               int     `yaml:"hang_every"`
}

// WorldError is a problem in a world: the file and line when it came from
// a file, and the field, written as a path ("orgs[0].members[2].role").
type WorldError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *WorldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadWorld reads and checks the world file at path.
func LoadWorld(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &WorldError{File: path, Msg: errtext.PathCause(err).Error()}
	}
	return ParseWorld(data, path)
}

// ParseWorld decodes and checks a world file; name is used in errors.
// Unknown keys are refused, so a misspelt key is not silently ignored.
func ParseWorld(data []byte, name string) (*World, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlWorldError(name, err, nil)
	}
	w := &World{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(w); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlWorldError(name, err, &root)
	}
	if err := w.Check(); err != nil {
		var we *WorldError
		if errors.As(err, &we) {
			we.File = name
			we.Line = lineOf(&root, we.Field)
		}
		return nil, err
	}
	return w, nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)

// yamlWorldError turns the decoder's "yaml: unmarshal errors:\n line N:
// msg" into one line naming the file, the line and, when the line holds a
// key, the field.
func yamlWorldError(name string, err error, root *yaml.Node) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	m := yamlLineRE.FindStringSubmatch(msg)
	if m == nil {
		return &WorldError{File: name, Msg: "not valid YAML or JSON: " + errtext.OneLine(msg)}
	}
	line, _ := strconv.Atoi(m[1])
	text := m[2]
	hint := ""
	if f, rest, ok := strings.Cut(text, "field "); ok && f == "" {
		if key, _, ok := strings.Cut(rest, " not found in type"); ok {
			text, hint = fmt.Sprintf("unknown key %q", key), key
		}
	}
	e := &WorldError{File: name, Line: line, Msg: text}
	if root != nil {
		e.Field = pathAtLine(root, line, hint)
	} else {
		e.Msg = "not valid YAML or JSON: " + text
	}
	return e
}

// pathAtLine names the field whose key or scalar value is on line, for
// decoder errors that only give a line; a key named key wins, for a line
// that holds several.
func pathAtLine(root *yaml.Node, line int, key string) string {
	var found string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		if n == nil || found != "" {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if k.Line == line && (key == "" || k.Value == key) {
					found = p
					return
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				if c.Kind == yaml.ScalarNode && c.Line == line {
					found = p
					return
				}
				walk(c, p)
			}
		}
	}
	walk(root, "")
	return found
}

var pathPartRE = regexp.MustCompile(`^([a-z_0-9]+)((?:\[\d+\])*)$`)

// lineOf finds the line of a field path made by Check in the decoded tree;
// 0 if it cannot.
func lineOf(root *yaml.Node, path string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for part := range strings.SplitSeq(path, ".") {
		m := pathPartRE.FindStringSubmatch(part)
		if m == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == m[1] {
				line, next = n.Content[i].Line, n.Content[i+1]
			}
		}
		if next == nil {
			return line
		}
		n = next
		for idx := range strings.SplitSeq(strings.Trim(m[2], "[]"), "][") {
			if idx == "" {
				continue
			}
			i, _ := strconv.Atoi(idx)
			if n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
		}
	}
	return line
}

// loginRE is GitHub's login syntax: letters, digits and single hyphens,
// not at either end.
var loginRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9])*$`)

func validLogin(s string) bool { return len(s) <= 39 && loginRE.MatchString(s) }

var repoNameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)

var teamSlugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// kinds of accounts a world declares.
const (
	kindUser      = "user"
	kindBot       = "bot"
	kindMannequin = "mannequin"
	kindDeleted   = "deleted user"
	kindOrg       = "organization"
)

// worldChecker collects the declared accounts while checking.
type worldChecker struct {
	kinds map[string]string // lower-case login → kind
}

func werr(field, format string, args ...any) error {
	return &WorldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Check reports the first problem in w, as a *WorldError naming the field;
// a world that passes builds without error.
func (w *World) Check() error {
	c := &worldChecker{kinds: map[string]string{}}
	declare := func(field string, logins []string, kind string) error {
		for i, l := range logins {
			f := fmt.Sprintf("%s[%d]", field, i)
			base := l
			if kind == kindBot {
				var ok bool
				if base, ok = strings.CutSuffix(l, "[bot]"); !ok {
					return werr(f, "bot login %q must end in [bot], as in dependabot[bot]", l)
				}
			}
			if !validLogin(base) {
				return werr(f, "%q is not a GitHub login (letters, digits and single hyphens, at most 39)", l)
			}
			if k, dup := c.kinds[strings.ToLower(l)]; dup {
				return werr(f, "login %q is declared twice (already a %s; logins ignore case)", l, k)
			}
			c.kinds[strings.ToLower(l)] = kind
		}
		return nil
	}
	for _, d := range []struct {
		field  string
		logins []string
		kind   string
	}{
		{"users", w.Users, kindUser}, {"bots", w.Bots, kindBot},
		{"mannequins", w.Mannequins, kindMannequin}, {"deleted_users", w.DeletedUsers, kindDeleted},
	} {
		if err := declare(d.field, d.logins, d.kind); err != nil {
			return err
		}
	}
	if err := c.declareApps(w.Apps); err != nil {
		return err
	}
	for i, o := range w.Orgs {
		f := fmt.Sprintf("orgs[%d].login", i)
		if o.Login == "" {
			return werr(f, "missing: every organization needs a login")
		}
		if err := declare(f[:len(f)-len(".login")], []string{o.Login}, kindOrg); err != nil {
			var we *WorldError
			if errors.As(err, &we) {
				we.Field = f
			}
			return err
		}
	}
	for i, o := range w.Orgs {
		if err := c.checkOrg(fmt.Sprintf("orgs[%d]", i), &o); err != nil {
			return err
		}
	}
	repos := map[string]bool{}
	for i, r := range w.Repos {
		f := fmt.Sprintf("repos[%d]", i)
		if err := c.checkRepo(f, &r); err != nil {
			return err
		}
		if repos[strings.ToLower(r.Name)] {
			return werr(f+".name", "repository %q is declared twice", r.Name)
		}
		repos[strings.ToLower(r.Name)] = true
	}
	if err := c.checkInstallations(w.Apps, repos); err != nil {
		return err
	}
	tokens := map[string]bool{}
	for i, t := range w.Tokens {
		f := fmt.Sprintf("tokens[%d]", i)
		switch {
		case strings.TrimSpace(t.Value) == "" || strings.ContainsAny(t.Value, " \t\r\n"):
			return werr(f+".value", "want a token without spaces, such as ghp_fake123")
		case tokens[t.Value]:
			return werr(f+".value", "the same token is declared twice")
		}
		tokens[t.Value] = true
		if err := c.want(f+".user", t.User, kindUser, "a user (who owns the token)"); err != nil {
			return err
		}
		for j, o := range t.Orgs {
			if err := c.want(fmt.Sprintf("%s.orgs[%d]", f, j), o, kindOrg, "an organization"); err != nil {
				return err
			}
		}
	}
	if w.IndexLag != "" {
		if d, err := parseWorldDuration(w.IndexLag); err != nil || d < 0 {
			return werr("index_lag", "%q is not a duration such as 90s or 5m", w.IndexLag)
		}
	}
	if f := w.Faults; f != nil {
		switch {
		case f.Rate502 < 0 || f.Rate502 > 1:
			return werr("faults.rate_502", "%v is not a share between 0 and 1", f.Rate502)
		case f.SecondaryEvery < 0:
			return werr("faults.secondary_every", "%d must not be negative", f.SecondaryEvery)
		case f.GraphQLRateLimitedEvery < 0:
			return werr("faults.graphql_rate_limited_every", "%d must not be negative", f.GraphQLRateLimitedEvery)
		case f.HangEvery < 0:
			return werr("faults.hang_every", "%d must not be negative", f.HangEvery)
		}
		if f.Latency != "" {
			if d, err := parseWorldDuration(f.Latency); err != nil || d < 0 {
				return werr("faults.latency", "%q is not a duration such as 200ms", f.Latency)
			}
		}
	}
	return nil
}

// want checks that login was declared as an account of kind.
func (c *worldChecker) want(field, login, kind, what string) error {
	if login == "" {
		return werr(field, "missing: want %s", what)
	}
	k, ok := c.kinds[strings.ToLower(login)]
	switch {
	case !ok:
		return werr(field, "%q is not declared (declare it under users, bots, mannequins, deleted_users or orgs)", login)
	case k != kind:
		return werr(field, "%q is a %s; want %s", login, k, what)
	}
	return nil
}

func (c *worldChecker) checkOrg(f string, o *WorldOrg) error {
	seen := map[string]string{} // lower-case login → where it is used
	use := func(field, login string) error {
		if where, dup := seen[strings.ToLower(login)]; dup {
			return werr(field, "%q is already listed at %s: a person is a member or invited, not both", login, where)
		}
		seen[strings.ToLower(login)] = field
		return nil
	}
	for i, m := range o.Members {
		mf := fmt.Sprintf("%s.members[%d]", f, i)
		if err := c.want(mf+".login", m.Login, kindUser, "a user"); err != nil {
			return err
		}
		if m.Role != "" && m.Role != "member" && m.Role != "admin" {
			return werr(mf+".role", "%q is not a role: want member or admin (an owner)", m.Role)
		}
		if err := use(mf+".login", m.Login); err != nil {
			return err
		}
	}
	for _, list := range []struct {
		name   string
		logins []string
	}{{"pending_invitations", o.PendingInvitations}, {"expired_invitations", o.ExpiredInvitations}} {
		for i, l := range list.logins {
			lf := fmt.Sprintf("%s.%s[%d]", f, list.name, i)
			if err := c.want(lf, l, kindUser, "a user"); err != nil {
				return err
			}
			if err := use(lf, l); err != nil {
				return err
			}
		}
	}
	teams := map[string]bool{}
	for i, t := range o.Teams {
		tf := fmt.Sprintf("%s.teams[%d]", f, i)
		if !teamSlugRE.MatchString(t) || len(t) > 100 {
			return werr(tf, "%q is not a team slug (lower case, as in the team's URL: core-devs)", t)
		}
		if teams[t] {
			return werr(tf, "team %q is declared twice", t)
		}
		teams[t] = true
	}
	if o.InvitationCap != nil && *o.InvitationCap < 0 {
		return werr(f+".invitation_cap", "%d must not be negative (0: no cap)", *o.InvitationCap)
	}
	return nil
}

func (c *worldChecker) checkRepo(f string, r *WorldRepo) error {
	owner, name, ok := strings.Cut(r.Name, "/")
	if !ok || !repoNameRE.MatchString(name) || name == "." || name == ".." {
		return werr(f+".name", "%q is not owner/name", r.Name)
	}
	k := c.kinds[strings.ToLower(owner)]
	if k != kindOrg && k != kindUser {
		return werr(f+".name", "owner %q is not a declared organization or user", owner)
	}
	for p := range r.Files {
		if strings.Trim(p, "/") == "" {
			return werr(f+".files", "a file needs a path")
		}
	}
	for i, pr := range r.PullRequests {
		pf := fmt.Sprintf("%s.pull_requests[%d]", f, i)
		if pr.Author != "" {
			k, ok := c.kinds[strings.ToLower(pr.Author)]
			switch {
			case !ok:
				return werr(pf+".author", "%q is not declared (declare it under users, bots, mannequins or deleted_users)", pr.Author)
			case k == kindOrg:
				return werr(pf+".author", "%q is an organization, which cannot author a pull request", pr.Author)
			}
		}
		switch pr.State {
		case "", "merged", "closed":
			if pr.At == "" {
				return werr(pf+".at", "missing: when it was merged or closed (such as 3h, 2d or 2026-01-02T15:04:05Z)")
			}
		case "open":
			if pr.At != "" {
				return werr(pf+".at", "an open pull request has no merge or close time")
			}
		default:
			return werr(pf+".state", "%q is not a state: want merged, closed or open", pr.State)
		}
		if pr.At != "" {
			if _, err := worldTime(pr.At, time.Now()); err != nil {
				return werr(pf+".at", "%v", err)
			}
		}
		for j, ca := range pr.CoAuthors {
			if _, _, ok := trailerAddress(ca); ok {
				continue
			}
			if k, ok := c.kinds[strings.ToLower(ca)]; !ok || k == kindOrg {
				return werr(fmt.Sprintf("%s.co_authors[%d]", pf, j), "%q is neither a declared user or bot nor \"Name <email>\"", ca)
			}
		}
	}
	return nil
}

// trailerAddress splits "Name <email>", the form of a Co-authored-by
// trailer.
func trailerAddress(s string) (name, email string, ok bool) {
	name, rest, found := strings.Cut(s, " <")
	email, end, closed := strings.Cut(rest, ">")
	if !found || !closed || end != "" || strings.TrimSpace(name) == "" || !strings.Contains(email, "@") {
		return "", "", false
	}
	return strings.TrimSpace(name), email, true
}

// coAuthorCommit is the one commit of a pull request with co-authors:
// its git author, then a trailer each.
func (g *GitHub) coAuthorCommit(b *Built, pr WorldPR, author int64) []Commit {
	c := Commit{Headline: pr.Title, Authors: []CommitAuthor{{Name: "ghost", Email: "ghost@example.com"}}}
	if author != 0 {
		c.Authors[0] = g.AuthorOf(author)
	}
	for _, ca := range pr.CoAuthors {
		if name, email, ok := trailerAddress(ca); ok {
			c.Authors = append(c.Authors, CommitAuthor{Name: name, Email: email})
			continue
		}
		c.Authors = append(c.Authors, g.AuthorOf(b.Accounts[strings.ToLower(ca)].ID))
	}
	return []Commit{c}
}

// parseWorldDuration reads a Go duration or a number of days ("2d").
func parseWorldDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 36500 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// worldTime reads an RFC 3339 time or a duration before now.
func worldTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := parseWorldDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a duration ago such as 3h or 2d", s)
	}
	return now.Add(-d), nil
}

// Built is what AddWorld made.
type Built struct {
	// Accounts maps each declared login, in lower case, to its account.
	Accounts map[string]*Account
	// Repos maps each "owner/name", in lower case, to its repository.
	Repos map[string]*Repo
	// Tokens are the tokens declared, in order.
	Tokens []WorldToken
	// Faults is the injector of the world's faults, nil without any.
	Faults *FaultInjector
	// Apps are the Apps declared, in order, with their private keys.
	Apps []BuiltApp
}

// AddWorld checks w and adds it to the fake; relative times count back
// from now. Nothing is added when the check fails. It uses only the
// exported building methods, in an order they accept: accounts, teams,
// repositories and pull requests, memberships and invitations, then
// deletions, tokens and faults.
func (g *GitHub) AddWorld(w *World, now time.Time) (*Built, error) {
	if err := w.Check(); err != nil {
		return nil, err
	}
	others := make([]string, 0, len(w.Orgs)+len(w.Apps))
	for _, o := range w.Orgs {
		others = append(others, o.Login)
	}
	for _, a := range w.Apps {
		others = append(others, a.appSlug()+"[bot]")
	}
	for _, list := range [][]string{w.Users, w.Bots, w.Mannequins, w.DeletedUsers, others} {
		for _, l := range list {
			if g.Lookup(l) != nil {
				return nil, werr("", "login %q already exists in the fake", l)
			}
		}
	}
	if err := g.appsFree(w.Apps); err != nil {
		return nil, err
	}
	keys, err := newAppKeys(w.Apps)
	if err != nil {
		return nil, err
	}
	b := &Built{Accounts: map[string]*Account{}, Repos: map[string]*Repo{}, Tokens: slices.Clone(w.Tokens)}
	id := func(login string) int64 { return b.Accounts[strings.ToLower(login)].ID }
	add := func(logins []string, mk func(string) *Account) {
		for _, l := range logins {
			b.Accounts[strings.ToLower(l)] = mk(l)
		}
	}
	add(w.Users, g.AddUser)
	add(w.DeletedUsers, g.AddUser)
	add(w.Bots, g.AddBot)
	add(w.Mannequins, g.AddMannequin)
	g.addApps(b, w.Apps, keys)
	for _, o := range w.Orgs {
		b.Accounts[strings.ToLower(o.Login)] = g.AddOrg(o.Login)
		for _, t := range o.Teams {
			g.AddTeam(o.Login, t)
		}
		if o.InvitationCap != nil {
			g.SetInvitationCap(o.Login, *o.InvitationCap)
		}
	}
	for _, r := range w.Repos {
		owner, name, _ := strings.Cut(r.Name, "/")
		repo := g.AddRepo(b.Accounts[strings.ToLower(owner)].Login, name)
		if r.Private || r.Fork || r.Archived {
			g.UpdateRepo(repo.ID, func(x *Repo) { x.Private, x.Fork, x.Archived = r.Private, r.Fork, r.Archived })
		}
		paths := make([]string, 0, len(r.Files))
		for p := range r.Files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			g.AddFile(repo, p, r.Files[p])
		}
		for _, pr := range r.PullRequests {
			var author int64
			if pr.Author != "" {
				author = id(pr.Author)
			}
			title := pr.Title
			if title == "" {
				title = "A change"
			}
			var made *PR
			switch pr.State {
			case "open":
				made = g.AddPR(repo, author, title, time.Time{})
			case "closed":
				at, _ := worldTime(pr.At, now)
				made = g.AddClosedPR(repo, author, title, at)
			default:
				at, _ := worldTime(pr.At, now)
				made = g.AddPR(repo, author, title, at)
			}
			if len(pr.CoAuthors) > 0 {
				pr.Title = title
				g.SetCommits(made.ID, g.coAuthorCommit(b, pr, author))
			}
		}
		b.Repos[strings.ToLower(r.Name)] = repo
	}
	for _, o := range w.Orgs {
		for _, m := range o.Members {
			role := m.Role
			if role == "" {
				role = "member"
			}
			g.SetMember(o.Login, id(m.Login), role)
		}
		for _, l := range o.PendingInvitations {
			g.AddPendingInvitation(o.Login, id(l))
		}
		for _, l := range o.ExpiredInvitations {
			g.AddPendingInvitation(o.Login, id(l))
			g.ExpireInvitation(o.Login, id(l))
		}
	}
	g.installApps(b, w.Apps)
	for _, l := range w.DeletedUsers {
		g.DeleteUser(id(l))
	}
	for _, t := range w.Tokens {
		g.AddTokenFor(t.Value, id(t.User), t.Orgs...)
	}
	if w.IndexLag != "" {
		d, _ := parseWorldDuration(w.IndexLag)
		g.SetIndexLag(d)
	}
	if f := w.Faults; f != nil {
		var lat time.Duration
		if f.Latency != "" {
			lat, _ = parseWorldDuration(f.Latency)
		}
		b.Faults = g.InjectFaults(Faults{
			Seed: f.Seed, Rate502: f.Rate502, AmbiguousWrites: f.AmbiguousWrites, SecondaryEvery: f.SecondaryEvery,
			GraphQLRateLimitedEvery: f.GraphQLRateLimitedEvery, Latency: lat, HangEvery: f.HangEvery,
		})
	}
	return b, nil
}
