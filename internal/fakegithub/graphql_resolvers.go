package fakegithub

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// GraphQL resolvers. Each object type maps field names to resolvers; the
// Go values behind the types are:
//
//	Query                         struct{}{} (the root)
//	User, Bot, Mannequin,
//	Organization                  *account
//	Repository                    *Repo
//	PullRequest, Issue            *item
//	PullRequestCommit, Commit     *prCommit (commits.go)
//	connections, edges, PageInfo,
//	RateLimit                     map[string]any (no resolvers needed)
//
// To add a field: copy its definition from GitHub's schema into
// schema.graphql, then add a resolver below (or, for a map-backed type,
// put the value in the map). Resolvers run with g.mu held, so they read
// g.w directly and must not call exported methods of GitHub. Fields that
// are in the schema but have no resolver answer an error naming them.

// graphqlTypeOf names the concrete GraphQL type of a resolved value; it
// resolves interfaces (Actor, Node, RepositoryOwner, ...) and unions
// (SearchResultItem).
func (g *GitHub) graphqlTypeOf(v any) string {
	switch x := v.(type) {
	case *account:
		return x.Type
	case *Repo:
		return "Repository"
	case *item:
		if x.isIssue {
			return "Issue"
		}
		return "PullRequest"
	case map[string]any:
		s, _ := x["__typename"].(string)
		return s
	}
	return ""
}

// notFound builds GitHub's NOT_FOUND error.
func notFound(format string, args ...any) *GraphQLError {
	return &GraphQLError{Type: "NOT_FOUND", Message: fmt.Sprintf(format, args...)}
}

func (g *GitHub) newResolvers() resolverMap {
	actor := g.actorResolvers()
	with := func(base map[string]resolver, extra map[string]resolver) map[string]resolver {
		m := map[string]resolver{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	acct := func(obj any) *account { return obj.(*account) }
	return resolverMap{
		"Query": g.queryResolvers(),
		"User": with(actor, map[string]resolver{
			"bio":             constant(nil),
			"company":         constant(nil),
			"email":           constant(""),
			"isSiteAdmin":     constant(false),
			"location":        constant(nil),
			"name":            constant(nil),
			"twitterUsername": constant(nil),
			"websiteUrl":      constant(nil),
			"isViewer": func(rc *resolveCtx, obj any, _ map[string]any) (any, error) {
				return acct(obj).ID == rc.tok.ownerID, nil
			},
			"organization": func(rc *resolveCtx, obj any, args map[string]any) (any, error) {
				o := g.w.orgByLogin(argString(args, "login"))
				if o == nil || o.members[acct(obj).ID] == "" || !rc.tok.allows(g.w, o.acct.Login) {
					return nil, nil
				}
				return o.acct, nil
			},
			"repository": g.ownerRepository,
		}),
		"Bot":       actor,
		"Mannequin": with(actor, map[string]resolver{"claimant": constant(nil), "email": constant(nil)}),
		"Organization": with(actor, map[string]resolver{
			"description":     constant(nil),
			"email":           constant(nil),
			"isVerified":      constant(false),
			"location":        constant(nil),
			"name":            constant(nil),
			"twitterUsername": constant(nil),
			"websiteUrl":      constant(nil),
			"repository":      g.ownerRepository,
			"viewerIsAMember": func(rc *resolveCtx, obj any, _ map[string]any) (any, error) {
				return g.w.orgs[acct(obj).ID].members[rc.tok.ownerID] != "", nil
			},
			"viewerCanAdminister": func(rc *resolveCtx, obj any, _ map[string]any) (any, error) {
				return g.w.orgs[acct(obj).ID].members[rc.tok.ownerID] == "admin", nil
			},
			"membersWithRole": g.membersWithRole,
			"pendingMembers":  g.pendingMembers,
		}),
		"Repository":  g.repositoryResolvers(),
		"PullRequest": g.itemResolvers(false),
		"Issue":       g.itemResolvers(true),
		// commits.go
		"PullRequestCommit": g.commitResolvers(true),
		"Commit":            g.commitResolvers(false),
	}
}

func constant(v any) resolver {
	return func(*resolveCtx, any, map[string]any) (any, error) { return v, nil }
}

// ---- Query -------------------------------------------------------------------

func (g *GitHub) queryResolvers() map[string]resolver {
	return map[string]resolver{
		"id": constant("Q_kgDOAAAAAA"),
		"viewer": func(rc *resolveCtx, _ any, _ map[string]any) (any, error) {
			return g.w.accounts[rc.tok.ownerID], nil
		},
		"organization": func(rc *resolveCtx, _ any, args map[string]any) (any, error) {
			login := argString(args, "login")
			o := g.w.orgByLogin(login)
			if o == nil || !rc.tok.allows(g.w, o.acct.Login) {
				return nil, notFound("Could not resolve to an Organization with the login of '%s'.", login)
			}
			return o.acct, nil
		},
		"user": func(rc *resolveCtx, _ any, args map[string]any) (any, error) {
			login := argString(args, "login")
			a := g.w.liveAccount(login)
			if a == nil || a.Type != "User" {
				return nil, notFound("Could not resolve to a User with the login of '%s'.", login)
			}
			return a, nil
		},
		"repository": func(rc *resolveCtx, _ any, args map[string]any) (any, error) {
			owner, name := argString(args, "owner"), argString(args, "name")
			rp := g.w.reposByKey[strings.ToLower(owner+"/"+name)]
			if rp == nil || !rc.tok.seesRepo(g.w, rp) {
				return nil, notFound("Could not resolve to a Repository with the name '%s/%s'.", owner, name)
			}
			return rp, nil
		},
		"node": func(rc *resolveCtx, _ any, args map[string]any) (any, error) {
			id := fmt.Sprint(args["id"])
			if v := g.lookupNode(rc, id); v != nil {
				return v, nil
			}
			return nil, notFound("Could not resolve to a node with the global id of '%s'", id)
		},
		"nodes": func(rc *resolveCtx, _ any, args map[string]any) (any, error) {
			ids, _ := args["ids"].([]any)
			out := make([]any, len(ids))
			for i, raw := range ids {
				id := fmt.Sprint(raw)
				if v := g.lookupNode(rc, id); v != nil {
					out[i] = v
				} else {
					rc.addError(notFound("Could not resolve to a node with the global id of '%s'", id), i)
				}
			}
			return out, nil
		},
		"rateLimit": func(rc *resolveCtx, _ any, _ map[string]any) (any, error) {
			rw := g.window(rc.tok, "graphql")
			return map[string]any{
				"cost": rc.ex.cost.cost, "limit": rw.limit, "nodeCount": rc.ex.cost.nodeCount,
				"remaining": rw.remaining(), "resetAt": rw.reset, "used": rw.used,
			}, nil
		},
		"search": g.resolveSearch,
	}
}

// lookupNode resolves a global id to a value the token may see, or nil.
func (g *GitHub) lookupNode(rc *resolveCtx, id string) any {
	prefix, dbID, ok := parseNodeID(id)
	if !ok {
		return nil
	}
	switch prefix {
	case "U", "BOT", "MQ", "O":
		a := g.w.accounts[dbID]
		if a == nil || a.deleted || a.NodeID != id {
			return nil
		}
		if a.Type == "Organization" && !rc.tok.allows(g.w, a.Login) {
			return nil
		}
		return a
	case "R":
		rp := g.w.repos[dbID]
		if rp == nil || !rc.tok.seesRepo(g.w, rp) {
			return nil
		}
		return rp
	case "PR", "I":
		it := g.w.items[dbID]
		if it == nil || it.NodeID != id || !rc.tok.seesRepo(g.w, it.repo) {
			return nil
		}
		return it
	}
	return nil
}

// ---- actors ----------------------------------------------------------------------

// actorLogin is the login GraphQL shows: bots lose their "[bot]" suffix.
func actorLogin(a *account) string {
	if a.Type == "Bot" {
		return strings.TrimSuffix(a.Login, "[bot]")
	}
	return a.Login
}

func actorPath(a *account) string {
	if a.Type == "Bot" {
		return "/apps/" + actorLogin(a)
	}
	return "/" + a.Login
}

// actorResolvers serve the fields every account type shares.
func (g *GitHub) actorResolvers() map[string]resolver {
	acct := func(obj any) *account { return obj.(*account) }
	return map[string]resolver{
		"id":         func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return acct(obj).NodeID, nil },
		"databaseId": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return acct(obj).ID, nil },
		"login":      func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return actorLogin(acct(obj)), nil },
		"createdAt":  func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return acct(obj).createdAt, nil },
		"updatedAt":  func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return acct(obj).createdAt, nil },
		"resourcePath": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return actorPath(acct(obj)), nil
		},
		"url": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return g.URL() + actorPath(acct(obj)), nil
		},
		"avatarUrl": func(_ *resolveCtx, obj any, args map[string]any) (any, error) {
			u := g.avatarURL(acct(obj).ID)
			if n, ok := argInt(args, "size"); ok {
				u += "&s=" + strconv.Itoa(n)
			}
			return u, nil
		},
	}
}

// ownerRepository serves User.repository and Organization.repository.
func (g *GitHub) ownerRepository(rc *resolveCtx, obj any, args map[string]any) (any, error) {
	a := obj.(*account)
	rp := g.w.reposByKey[strings.ToLower(a.Login+"/"+argString(args, "name"))]
	if rp == nil || !rc.tok.seesRepo(g.w, rp) {
		return nil, nil
	}
	return rp, nil
}

// ---- connections -------------------------------------------------------------------

// cursorCodec turns positions into opaque cursors and back.
type cursorCodec struct {
	encode func(i int) string
	// after returns the index of the first element after the cursor;
	// before the index just past the last element before it.
	after, before func(c string) (int, bool)
}

// offsetCursors encode the 1-based position, like GitHub's search cursors
// (base64 "cursor:N").
func offsetCursors() cursorCodec {
	dec := func(c string) (int, bool) {
		b, err := base64.StdEncoding.DecodeString(c)
		if err != nil || !strings.HasPrefix(string(b), "cursor:") {
			return 0, false
		}
		n, err := strconv.Atoi(strings.TrimPrefix(string(b), "cursor:"))
		return n, err == nil && n >= 0
	}
	return cursorCodec{
		encode: func(i int) string { return base64.StdEncoding.EncodeToString([]byte("cursor:" + strconv.Itoa(i+1))) },
		after:  dec,
		before: func(c string) (int, bool) { n, ok := dec(c); return n - 1, ok },
	}
}

// idCursors encode the element's id (base64 "cursor:v2:ID") over a list
// sorted by id, so that cursors survive insertions and removals.
func idCursors(ids []int64) cursorCodec {
	dec := func(c string) (int64, bool) {
		b, err := base64.StdEncoding.DecodeString(c)
		if err != nil || !strings.HasPrefix(string(b), "cursor:v2:") {
			return 0, false
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(string(b), "cursor:v2:"), 10, 64)
		return n, err == nil
	}
	firstAbove := func(id int64, inclusive bool) int {
		for i, x := range ids {
			if x > id || (inclusive && x == id) {
				return i
			}
		}
		return len(ids)
	}
	return cursorCodec{
		encode: func(i int) string {
			return base64.StdEncoding.EncodeToString([]byte("cursor:v2:" + strconv.FormatInt(ids[i], 10)))
		},
		after: func(c string) (int, bool) {
			id, ok := dec(c)
			return firstAbove(id, false), ok
		},
		before: func(c string) (int, bool) {
			id, ok := dec(c)
			return firstAbove(id, true), ok
		},
	}
}

func invalidCursor(c string) *GraphQLError {
	return &GraphQLError{Type: "INVALID_CURSOR_ARGUMENTS", Message: fmt.Sprintf("`%s` does not appear to be a valid cursor.", c)}
}

// connPage applies first/after/last/before to n elements.
func connPage(n int, args map[string]any, cc cursorCodec) (lo, hi int, pageInfo map[string]any, err error) {
	lo, hi = 0, n
	if c := argString(args, "after"); c != "" {
		x, ok := cc.after(c)
		if !ok {
			return 0, 0, nil, invalidCursor(c)
		}
		lo = min(max(lo, x), n)
	}
	if c := argString(args, "before"); c != "" {
		x, ok := cc.before(c)
		if !ok {
			return 0, 0, nil, invalidCursor(c)
		}
		hi = max(min(hi, x), 0)
	}
	hi = max(hi, lo)
	if first, ok := argInt(args, "first"); ok && hi-lo > first {
		hi = lo + first
	}
	if last, ok := argInt(args, "last"); ok && hi-lo > last {
		lo = hi - last
	}
	pageInfo = map[string]any{
		"hasNextPage":     hi < n,
		"hasPreviousPage": lo > 0,
		"startCursor":     nil,
		"endCursor":       nil,
	}
	if hi > lo {
		pageInfo["startCursor"] = cc.encode(lo)
		pageInfo["endCursor"] = cc.encode(hi - 1)
	}
	return lo, hi, pageInfo, nil
}

// Organization.membersWithRole: members in id order.
func (g *GitHub) membersWithRole(_ *resolveCtx, obj any, args map[string]any) (any, error) {
	o := g.w.orgs[obj.(*account).ID]
	ids := sortedMembers(o, "all")
	lo, hi, pi, err := connPage(len(ids), args, idCursors(ids))
	if err != nil {
		return nil, err
	}
	cc := idCursors(ids)
	nodes := []any{}
	edges := []any{}
	for i := lo; i < hi; i++ {
		a := g.w.accounts[ids[i]]
		nodes = append(nodes, a)
		edges = append(edges, map[string]any{
			"cursor": cc.encode(i), "node": a, "role": strings.ToUpper(o.members[ids[i]]), "hasTwoFactorEnabled": nil,
		})
	}
	return map[string]any{"totalCount": len(ids), "pageInfo": pi, "nodes": nodes, "edges": edges}, nil
}

// Organization.pendingMembers: users with a pending invitation, oldest
// invitation first (email-only invitations have no user and are left out).
func (g *GitHub) pendingMembers(_ *resolveCtx, obj any, args map[string]any) (any, error) {
	o := g.w.orgs[obj.(*account).ID]
	var users []*account
	for _, inv := range o.pending {
		if a := g.w.accounts[inv.InviteeID]; a != nil && !a.deleted {
			users = append(users, a)
		}
	}
	cc := offsetCursors()
	lo, hi, pi, err := connPage(len(users), args, cc)
	if err != nil {
		return nil, err
	}
	nodes := []any{}
	edges := []any{}
	for i := lo; i < hi; i++ {
		nodes = append(nodes, users[i])
		edges = append(edges, map[string]any{"cursor": cc.encode(i), "node": users[i]})
	}
	return map[string]any{"totalCount": len(users), "pageInfo": pi, "nodes": nodes, "edges": edges}, nil
}

// ---- repositories, pull requests, issues ------------------------------------------------

func (g *GitHub) repositoryResolvers() map[string]resolver {
	repo := func(obj any) *Repo { return obj.(*Repo) }
	created := func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
		if a := g.w.byLogin[strings.ToLower(repo(obj).Owner)]; a != nil {
			return a.createdAt, nil
		}
		return time.Unix(0, 0), nil
	}
	return map[string]resolver{
		"id":          func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return repo(obj).NodeID, nil },
		"databaseId":  func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return repo(obj).ID, nil },
		"name":        func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return repo(obj).Name, nil },
		"description": constant(nil),
		"pushedAt":    constant(nil),
		"createdAt":   created,
		"updatedAt":   created,
		"nameWithOwner": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return repo(obj).FullName(), nil
		},
		"isArchived": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return repo(obj).Archived, nil },
		"isFork":     func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return repo(obj).Fork, nil },
		"isPrivate":  func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return repo(obj).Private, nil },
		"visibility": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			if repo(obj).Private {
				return "PRIVATE", nil
			}
			return "PUBLIC", nil
		},
		"isInOrganization": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return g.w.orgByLogin(repo(obj).Owner) != nil, nil
		},
		"owner": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return g.w.byLogin[strings.ToLower(repo(obj).Owner)], nil
		},
		"resourcePath": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return "/" + repo(obj).FullName(), nil
		},
		"url": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return g.webURL("%s", repo(obj).FullName()), nil
		},
	}
}

// itemPath is the web path of a pull request or issue.
func itemPath(it *item) string {
	kind := "pull"
	if it.isIssue {
		kind = "issues"
	}
	return fmt.Sprintf("/%s/%s/%d", it.repo.FullName(), kind, it.Number)
}

func (g *GitHub) itemResolvers(issue bool) map[string]resolver {
	get := func(obj any) *item { return obj.(*item) }
	url := func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return g.URL() + itemPath(get(obj)), nil }
	m := map[string]resolver{
		"id":         func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).NodeID, nil },
		"databaseId": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).ID, nil },
		"number":     func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).Number, nil },
		"title":      func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).Title, nil },
		"body":       constant(""),
		"locked":     constant(false),
		"url":        url,
		"resourcePath": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return itemPath(get(obj)), nil
		},
		"createdAt":  func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).CreatedAt, nil },
		"updatedAt":  func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).updatedAt(), nil },
		"closed":     func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return !get(obj).ClosedAt.IsZero(), nil },
		"closedAt":   func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).ClosedAt, nil },
		"repository": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).repo, nil },
		"author": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			a := g.w.accounts[get(obj).AuthorID]
			if a == nil || a.deleted {
				return nil, nil
			}
			return a, nil
		},
		"state": func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			it := get(obj)
			switch {
			case !it.MergedAt.IsZero():
				return "MERGED", nil
			case !it.ClosedAt.IsZero():
				return "CLOSED", nil
			}
			return "OPEN", nil
		},
	}
	if !issue {
		m["merged"] = func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return !get(obj).MergedAt.IsZero(), nil }
		m["mergedAt"] = func(_ *resolveCtx, obj any, _ map[string]any) (any, error) { return get(obj).MergedAt, nil }
		m["mergedBy"] = constant(nil)
		m["commits"] = g.prCommits
		m["permalink"] = url
		m["isDraft"] = constant(false)
		m["baseRefName"] = constant("main")
		m["headRefName"] = func(_ *resolveCtx, obj any, _ map[string]any) (any, error) {
			return fmt.Sprintf("patch-%d", get(obj).Number), nil
		}
	}
	return m
}
