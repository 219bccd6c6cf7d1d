package demo

import (
	"fmt"
	"time"

	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// DefaultOrg is the sample organization's login when none is asked for.
const DefaultOrg = "snekomatic-demo"

// Token is the token the fake accepts in the demo; it is not a GitHub
// token and is only ever sent to 127.0.0.1.
const Token = "ghp_snekomaticDEMOnotARealToken000000"

// person is one author in the sample organization; the world is built
// from this list and the introduction printed from it, so they agree.
type person struct {
	login string
	kind  string // users, bots or deleted_users
	// ago are the merge times of their pull requests, before now.
	ago  []time.Duration
	role string // "member" or "admin" for members
	// pending marks an invitation someone sent by hand earlier.
	pending bool
	note    string
}

const owner = "demo-owner"

var people = []person{
	{login: "alice", kind: "users", ago: []time.Duration{30 * time.Hour, 5 * time.Hour}, note: "new: two merged pull requests (welcomed on the first)"},
	{login: "bob", kind: "users", ago: []time.Duration{20 * time.Hour}, note: "new: will decline his invitation between the two runs"},
	{login: "chen", kind: "users", ago: []time.Duration{30 * time.Minute}, note: "new: merged half an hour ago, so the second run reads it again"},
	{login: "mia", kind: "users", ago: []time.Duration{26 * time.Hour}, role: "member", note: "already a member"},
	{login: "pat", kind: "users", ago: []time.Duration{10 * time.Hour}, pending: true, note: "invited earlier by a maintainer, by hand; has not answered yet"},
	{login: "dependabot[bot]", kind: "bots", ago: []time.Duration{8 * time.Hour}, note: "a bot: never invited"},
	{login: "gone-account", kind: "deleted_users", ago: []time.Duration{12 * time.Hour}, note: "account deleted since: GitHub shows no author"},
	{login: owner, kind: "users", role: "admin", note: "an owner of the organization: the token's user (GitHub lets only owners invite)"},
}

// World is the sample organization, with the teams the policy names
// so that a configuration asking for teams works.
func World(org string, teams []string) *fakegithub.World {
	w := &fakegithub.World{
		Orgs:   []fakegithub.WorldOrg{{Login: org, Teams: teams}},
		Tokens: []fakegithub.WorldToken{{Value: Token, User: owner}},
	}
	repos := []fakegithub.WorldRepo{{Name: org + "/widgets"}, {Name: org + "/docs"}}
	n := 0
	for _, p := range people {
		switch p.kind {
		case "users":
			w.Users = append(w.Users, p.login)
		case "bots":
			w.Bots = append(w.Bots, p.login)
		case "deleted_users":
			w.DeletedUsers = append(w.DeletedUsers, p.login)
		}
		if p.role != "" {
			w.Orgs[0].Members = append(w.Orgs[0].Members, fakegithub.WorldMember{Login: p.login, Role: p.role})
		}
		if p.pending {
			w.Orgs[0].PendingInvitations = append(w.Orgs[0].PendingInvitations, p.login)
		}
		for _, ago := range p.ago {
			r := &repos[n%len(repos)]
			n++
			r.PullRequests = append(r.PullRequests, fakegithub.WorldPR{
				Author: p.login, Title: "A change by " + p.login, At: fmt.Sprintf("%ds", int(ago.Seconds())),
			})
		}
	}
	w.Repos = repos
	return w
}
