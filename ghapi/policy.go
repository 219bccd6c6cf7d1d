package ghapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"

	"github.com/google/go-github/v88/github"
	"github.com/shurcooL/githubv4"

	"github.com/python-trio/snekomatic/ghname"
	"github.com/python-trio/snekomatic/reconcile"
)

// TeamID implements reconcile.PolicyReader with
// GET /orgs/{org}/teams/{team_slug}.
func (c *Client) TeamID(ctx context.Context, org, slug string) (int64, error) {
	if !ghname.ValidTeamSlug(slug) {
		return 0, fmt.Errorf("team slug %q: %w", slug, reconcile.ErrNoSuchTeam)
	}
	t, _, err := c.rest.Teams.GetTeamBySlug(ctx, org, slug)
	if isStatus(err, http.StatusNotFound) {
		return 0, reconcile.ErrNoSuchTeam
	}
	if err != nil {
		return 0, restError(err)
	}
	return t.GetID(), nil
}

// FailedInvitations implements reconcile.PolicyReader with
// GET /orgs/{org}/failed_invitations, 100 a page.
func (c *Client) FailedInvitations(ctx context.Context, org string) ([]reconcile.FailedInvitation, error) {
	var out []reconcile.FailedInvitation
	opts := &github.ListOptions{PerPage: 100}
	pages := restPages{what: "the failed invitations of " + org, max: maxRESTPages}
	for {
		invs, resp, err := c.rest.Organizations.ListFailedOrgInvitations(ctx, org, opts)
		if err != nil {
			return nil, restError(err)
		}
		for _, inv := range invs {
			if inv.GetLogin() == "" {
				continue // an invitation by email
			}
			out = append(out, reconcile.FailedInvitation{Login: inv.GetLogin(), FailedAt: inv.GetFailedAt().Time, Reason: inv.GetFailedReason()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		if err := pages.next(opts.Page, resp.NextPage); err != nil {
			return nil, err
		}
		opts.Page = resp.NextPage
	}
}

// countBatch is how many people one counting request asks about: each is
// one aliased search of one result, so fifty cost a single GraphQL point.
const countBatch = 50

// CountMerged implements reconcile.PolicyReader. It asks for the number of
// results of "is:pr is:merged org:ORG author:LOGIN" for up to fifty people
// per GraphQL request, each search under its own alias. githubv4 builds a
// query from a struct type, so the struct is made at run time with one
// field per alias; the document goes through the same client (and
// transport) as every other query. Logins that are not well-formed are
// left out of the result.
func (c *Client) CountMerged(ctx context.Context, org string, logins []string) (map[string]int, error) {
	if !ghname.ValidLogin(org) {
		return nil, fmt.Errorf("%q is not a valid GitHub organization login", org)
	}
	var valid []string
	for _, l := range logins {
		if ghname.ValidLogin(l) {
			valid = append(valid, l)
		}
	}
	out := map[string]int{}
	for start := 0; start < len(valid); start += countBatch {
		batch := valid[start:min(start+countBatch, len(valid))]
		fields := make([]reflect.StructField, 0, len(batch)+1)
		vars := map[string]any{}
		for i, login := range batch {
			n := strconv.Itoa(i)
			fields = append(fields, reflect.StructField{
				Name: "C" + n,
				Type: reflect.TypeFor[struct{ IssueCount int }](),
				Tag:  reflect.StructTag(`graphql:"c` + n + `: search(query: $q` + n + `, type: ISSUE, first: 1)"`),
			})
			vars["q"+n] = githubv4.String(fmt.Sprintf("is:pr is:merged org:%s author:%s", org, login))
		}
		fields = append(fields, reflect.StructField{Name: "RateLimit", Type: reflect.TypeFor[rateLimit]()})
		res := reflect.New(reflect.StructOf(fields))
		if err := c.gql.Query(ctx, res.Interface(), vars); err != nil {
			return nil, graphQLError(err)
		}
		v := res.Elem()
		for i, login := range batch {
			out[login] = int(v.Field(i).Field(0).Int())
		}
		c.points.Add(int64(v.Field(len(batch)).Interface().(rateLimit).Cost))
	}
	return out, nil
}

// OrgConfigRepo and OrgConfigPath say where an organization keeps its own
// snekomatic configuration: snekomatic.yml at the root of its .github
// repository.
const (
	OrgConfigRepo = ".github"
	OrgConfigPath = "snekomatic.yml"
)

// ErrNoAccess is returned for a file the credentials may not read (403).
var ErrNoAccess = errors.New("not accessible with these credentials")

// OrgConfig reads the organization's own configuration file. found is
// false when the organization has none (no .github repository, or no file
// in it).
func (c *Client) OrgConfig(ctx context.Context, org string) (data []byte, found bool, err error) {
	file, _, _, err := c.rest.Repositories.GetContents(ctx, org, OrgConfigRepo, OrgConfigPath, nil)
	switch {
	case isStatus(err, http.StatusNotFound):
		return nil, false, nil
	case isStatus(err, http.StatusForbidden):
		return nil, false, fmt.Errorf("%w (%v)", ErrNoAccess, shortError(err))
	case err != nil:
		return nil, false, restError(err)
	case file == nil:
		return nil, false, errors.New("it is a directory, not a file")
	}
	text, err := file.GetContent()
	if err != nil {
		return nil, false, err
	}
	return []byte(text), true, nil
}

func isStatus(err error, code int) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == code
}
