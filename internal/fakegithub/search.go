package fakegithub

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Issue and pull request search, as served by GraphQL's
// search(query:, type: ISSUE, ...).
//
// Supported syntax (case-insensitive keys):
//
//	is:pr is:issue type:pr type:issue     kind
//	is:open is:closed state:open|closed    state
//	is:merged is:unmerged                  (pull requests only)
//	is:public is:private archived:true|false draft:true|false
//	org:LOGIN user:LOGIN repo:OWNER/NAME   scope; several are OR-ed
//	author:LOGIN author:app/NAME           several are OR-ed
//	created: merged: closed: updated:      dates, see parseDateRange
//	in:title|body|comments                 accepted, free text matches titles
//	sort:created-asc|created-desc|updated-asc|updated-desc
//	-qualifier:value, NOT word             negation
//	"quoted phrase", key:"quoted value"
//	bare words                             case-insensitive substring of the title
//
// A key that is not a qualifier (e.g. "fix:typo") is free text, as on
// GitHub. Qualifiers GitHub has but the fake does not model (label:,
// assignee:, ...) and malformed dates are errors, so tests notice them.
// Only type: ISSUE is modelled; the other search types (REPOSITORY, USER,
// DISCUSSION) answer no results. A restricted token (AddToken with orgs)
// only finds items of its organizations; an org: or repo: naming something
// unknown or invisible matches nothing rather than failing.
// Results come in a deterministic but meaningless order (a hash of the
// node id) unless sort: is given; only the first 1,000 are reachable,
// while issueCount is the true total.

// searchCap is how many results GitHub lets a client page through.
const searchCap = 1000

// unsupportedQualifiers are real GitHub qualifiers the fake rejects.
var unsupportedQualifiers = map[string]bool{
	"label": true, "assignee": true, "mentions": true, "involves": true, "commenter": true,
	"review": true, "reviewed-by": true, "review-requested": true, "team": true, "team-review-requested": true,
	"base": true, "head": true, "language": true, "comments": true, "interactions": true, "reactions": true,
	"milestone": true, "project": true, "status": true, "linked": true, "no": true, "reason": true,
	"sha": true, "topic": true, "license": true,
}

// indexed is an item as the search index sees it (possibly stale, see
// SetIndexLag).
type indexed struct {
	it                                       *item
	merged, closed                           bool
	createdAt, mergedAt, closedAt, updatedAt time.Time
}

type searchPred func(x *indexed) bool

type searchQuery struct {
	preds []searchPred
	scope []searchPred // OR-ed
	auth  []searchPred // OR-ed
	sort  string
}

func (q *searchQuery) matches(x *indexed) bool {
	for _, p := range q.preds {
		if !p(x) {
			return false
		}
	}
	anyOf := func(ps []searchPred) bool {
		if len(ps) == 0 {
			return true
		}
		for _, p := range ps {
			if p(x) {
				return true
			}
		}
		return false
	}
	return anyOf(q.scope) && anyOf(q.auth)
}

type searchToken struct {
	neg        bool
	key, value string // key "" for free text
}

// tokenizeSearch splits a query on spaces, keeping quoted parts together.
func tokenizeSearch(s string) []searchToken {
	var toks []searchToken
	rs := []rune(s)
	negNext := false
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		neg := false
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			neg = true
			i++
		}
		var raw []rune
		inQuote := false
		for ; i < len(rs) && (inQuote || !unicode.IsSpace(rs[i])); i++ {
			if rs[i] == '"' {
				inQuote = !inQuote
			}
			raw = append(raw, rs[i])
		}
		word := string(raw)
		if word == "AND" {
			continue
		}
		if word == "NOT" {
			negNext = true
			continue
		}
		neg = neg != negNext
		negNext = false
		t := searchToken{neg: neg, value: strings.Trim(word, `"`)}
		if k, v, ok := strings.Cut(word, ":"); ok && !strings.HasPrefix(word, `"`) && isQualifierKey(k) {
			t.key, t.value = strings.ToLower(k), strings.Trim(v, `"`)
		}
		toks = append(toks, t)
	}
	return toks
}

func isQualifierKey(k string) bool {
	switch strings.ToLower(k) {
	case "is", "type", "state", "org", "user", "repo", "author", "created", "merged", "closed",
		"updated", "in", "sort", "archived", "draft":
		return true
	}
	return unsupportedQualifiers[strings.ToLower(k)]
}

func searchError(format string, args ...any) *GraphQLError {
	return &GraphQLError{Type: "INVALID_SEARCH_QUERY", Message: fmt.Sprintf(format, args...)}
}

// parseSearch turns a query string into predicates.
func (g *GitHub) parseSearch(query string) (*searchQuery, error) {
	q := &searchQuery{}
	for _, t := range tokenizeSearch(query) {
		var p searchPred
		group := &q.preds
		v := strings.ToLower(t.value)
		switch t.key {
		case "":
			if t.value == "" {
				continue
			}
			p = func(x *indexed) bool { return strings.Contains(strings.ToLower(x.it.Title), v) }
		case "is", "type", "state":
			switch v {
			case "pr", "pull-request", "pullrequest":
				p = func(x *indexed) bool { return !x.it.isIssue }
			case "issue":
				p = func(x *indexed) bool { return x.it.isIssue }
			case "open":
				p = func(x *indexed) bool { return !x.closed }
			case "closed":
				p = func(x *indexed) bool { return x.closed }
			case "merged":
				p = func(x *indexed) bool { return !x.it.isIssue && x.merged }
			case "unmerged":
				p = func(x *indexed) bool { return !x.it.isIssue && !x.merged }
			case "public":
				p = func(x *indexed) bool { return !x.it.repo.Private }
			case "private":
				p = func(x *indexed) bool { return x.it.repo.Private }
			default:
				return nil, searchError("%s:%s is not supported by the fake GitHub", t.key, t.value)
			}
			if t.key == "type" && v != "pr" && v != "issue" && v != "pull-request" {
				return nil, searchError("type:%s is not a valid type", t.value)
			}
		case "archived", "draft":
			if v != "true" && v != "false" {
				return nil, searchError("%s:%s must be true or false", t.key, t.value)
			}
			want := v == "true"
			if t.key == "archived" {
				p = func(x *indexed) bool { return x.it.repo.Archived == want }
			} else {
				p = func(x *indexed) bool { return !want }
			}
		case "org", "user":
			p = func(x *indexed) bool { return strings.EqualFold(x.it.repo.Owner, v) }
			if !t.neg {
				group = &q.scope
			}
		case "repo":
			p = func(x *indexed) bool { return strings.EqualFold(x.it.repo.FullName(), v) }
			if !t.neg {
				group = &q.scope
			}
		case "author":
			p = func(x *indexed) bool {
				a := g.w.accounts[x.it.AuthorID]
				if a == nil || a.deleted {
					return false
				}
				l := strings.ToLower(a.Login)
				if a.Type == "Bot" && v == "app/"+strings.TrimSuffix(l, "[bot]") {
					return true
				}
				return l == v
			}
			if !t.neg {
				group = &q.auth
			}
		case "created", "merged", "closed", "updated":
			lo, hi, err := parseDateRange(t.value)
			if err != nil {
				return nil, searchError("Invalid search query: %s:%s: %v", t.key, t.value, err)
			}
			in := func(tm time.Time) bool {
				return !tm.IsZero() && (lo.IsZero() || !tm.Before(lo)) && (hi.IsZero() || !tm.After(hi))
			}
			switch t.key {
			case "created":
				p = func(x *indexed) bool { return in(x.createdAt) }
			case "merged":
				p = func(x *indexed) bool { return !x.it.isIssue && x.merged && in(x.mergedAt) }
			case "closed":
				p = func(x *indexed) bool { return x.closed && in(x.closedAt) }
			case "updated":
				p = func(x *indexed) bool { return in(x.updatedAt) }
			}
		case "in":
			continue
		case "sort":
			switch v {
			case "created-asc", "created-desc", "updated-asc", "updated-desc", "created", "updated":
				q.sort = v
			default:
				return nil, searchError("sort:%s is not supported by the fake GitHub", t.value)
			}
			continue
		default:
			return nil, searchError("the %s: qualifier is not supported by the fake GitHub", t.key)
		}
		if t.neg {
			inner := p
			p = func(x *indexed) bool { return !inner(x) }
		}
		*group = append(*group, p)
	}
	return q, nil
}

// Date syntax: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM], as a single
// value (the whole day, or that second), a range A..B (inclusive; either
// side may be *), or >A, >=A, <A, <=A. Date-only bounds cover whole UTC
// days. The zero time in a result means "unbounded".
func parseDateRange(s string) (lo, hi time.Time, err error) {
	point := func(p string) (start, end time.Time, err error) {
		if t, err := time.Parse("2006-01-02", p); err == nil {
			return t, t.Add(24*time.Hour - time.Second), nil
		}
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
			if t, err := time.Parse(layout, p); err == nil {
				t = t.UTC().Truncate(time.Second)
				return t, t, nil
			}
		}
		return time.Time{}, time.Time{}, fmt.Errorf("%q is not a date", p)
	}
	switch {
	case strings.Contains(s, ".."):
		a, b, _ := strings.Cut(s, "..")
		if a != "*" {
			if lo, _, err = point(a); err != nil {
				return
			}
		}
		if b != "*" {
			if _, hi, err = point(b); err != nil {
				return
			}
		}
		if a == "*" && b == "*" {
			err = fmt.Errorf("*..* is not a range")
		}
		return
	case strings.HasPrefix(s, ">="):
		lo, _, err = point(s[2:])
	case strings.HasPrefix(s, "<="):
		_, hi, err = point(s[2:])
	case strings.HasPrefix(s, ">"):
		_, hi, err = point(s[1:])
		lo, hi = hi.Add(time.Second), time.Time{}
	case strings.HasPrefix(s, "<"):
		lo, _, err = point(s[1:])
		lo, hi = time.Time{}, lo.Add(-time.Second)
	default:
		lo, hi, err = point(s)
	}
	return
}

// searchItems runs a query over the index and returns every match in
// result order (caller holds g.mu).
func (g *GitHub) searchItems(tok *tokenState, query string) ([]*item, error) {
	q, err := g.parseSearch(query)
	if err != nil {
		return nil, err
	}
	lag := g.settings.indexLag
	cutoff := g.now().Add(-lag)
	asOf := func(t time.Time) time.Time {
		if t.IsZero() || (lag > 0 && t.After(cutoff)) {
			return time.Time{}
		}
		return t
	}
	var out []*indexed
	for _, it := range g.w.items {
		if it.Hidden || !tok.seesRepo(g.w, it.repo) {
			continue
		}
		x := &indexed{it: it, createdAt: asOf(it.CreatedAt), mergedAt: asOf(it.MergedAt), closedAt: asOf(it.ClosedAt)}
		if x.createdAt.IsZero() {
			continue // not indexed yet
		}
		x.merged, x.closed = !x.mergedAt.IsZero(), !x.closedAt.IsZero()
		x.updatedAt = x.createdAt
		for _, t := range []time.Time{x.mergedAt, x.closedAt} {
			if t.After(x.updatedAt) {
				x.updatedAt = t
			}
		}
		if q.matches(x) {
			out = append(out, x)
		}
	}
	hash := func(x *indexed) uint64 {
		h := fnv.New64a()
		h.Write([]byte("fakegithub-search:" + x.it.NodeID))
		return h.Sum64()
	}
	slices.SortFunc(out, func(a, b *indexed) int {
		var c int
		switch q.sort {
		case "created-asc":
			c = a.createdAt.Compare(b.createdAt)
		case "created-desc", "created":
			c = b.createdAt.Compare(a.createdAt)
		case "updated-asc":
			c = a.updatedAt.Compare(b.updatedAt)
		case "updated-desc", "updated":
			c = b.updatedAt.Compare(a.updatedAt)
		}
		if c != 0 {
			return c
		}
		ha, hb := hash(a), hash(b)
		switch {
		case ha < hb:
			return -1
		case ha > hb:
			return 1
		}
		return int(a.it.ID - b.it.ID)
	})
	items := make([]*item, len(out))
	for i, x := range out {
		items[i] = x.it
	}
	return items, nil
}

// resolveSearch serves Query.search.
func (g *GitHub) resolveSearch(rc *resolveCtx, _ any, args map[string]any) (any, error) {
	var items []*item
	if argString(args, "type") == "ISSUE" {
		var err error
		if items, err = g.searchItems(rc.tok, argString(args, "query")); err != nil {
			return nil, err
		}
	}
	reachable := items[:min(len(items), searchCap)]
	cc := offsetCursors()
	lo, hi, pi, err := connPage(len(reachable), args, cc)
	if err != nil {
		return nil, err
	}
	nodes := []any{}
	edges := []any{}
	for i := lo; i < hi; i++ {
		nodes = append(nodes, reachable[i])
		edges = append(edges, map[string]any{"cursor": cc.encode(i), "node": reachable[i]})
	}
	return map[string]any{
		"issueCount": len(items), "codeCount": 0, "discussionCount": 0, "repositoryCount": 0,
		"userCount": 0, "wikiCount": 0, "nodes": nodes, "edges": edges, "pageInfo": pi,
	}, nil
}

// Search runs an issue search as the GraphQL endpoint would for an
// unrestricted token and returns the matching pull requests and issues
// (issues have an empty MergedAt), all of them, in result order. It is a
// test helper; it records no request.
func (g *GitHub) Search(query string) ([]*PR, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	items, err := g.searchItems(&tokenState{}, query)
	if err != nil {
		return nil, err
	}
	out := make([]*PR, len(items))
	for i, it := range items {
		out[i] = g.prCopy(it)
	}
	return out, nil
}
