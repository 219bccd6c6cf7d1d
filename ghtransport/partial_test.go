package ghtransport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/shurcooL/githubv4"

	"github.com/python-trio/snekomatic/ghtransport"
)

// partialQuery asks for one organization twice, the second time for its
// pending invitations, which the answers below refuse.
type partialQuery struct {
	Organization *struct{ Login string } `graphql:"organization(login: \"acme\")"`
	Invitations  *struct {
		PendingMembers struct{ TotalCount int }
	} `graphql:"invitations: organization(login: \"acme\")"`
}

const (
	partialAnswer = `{"data":{"organization":{"login":"acme"},"invitations":null},` +
		`"errors":[{"type":"FORBIDDEN","path":["invitations","pendingMembers"],"message":"not for you"}]}`
	nullAnswer = `{"data":null,"errors":[{"type":"FORBIDDEN","path":["invitations","pendingMembers"],"message":"not for you"}]}`
	pathless   = `{"data":{"organization":{"login":"acme"},"invitations":null},"errors":[{"type":"FORBIDDEN","message":"not for you"}]}`
)

func TestPartialDataIsKeptOnlyWhenAskedFor(t *testing.T) {
	srv := serve(t, ok(partialAnswer), ok(partialAnswer), ok(nullAnswer), ok(pathless))
	gql := githubv4.NewEnterpriseClient(srv.URL("/graphql"), &http.Client{Transport: ghtransport.NewGraphQLErrorTypes(nil, ghtransport.Options{})})

	// Not asked for: the round trip fails with the typed errors, as before.
	var q partialQuery
	err := gql.Query(context.Background(), &q, nil)
	var ge ghtransport.GraphQLErrors
	if !errors.As(err, &ge) || ge.Type() != "FORBIDDEN" || q.Organization != nil {
		t.Errorf("without WithPartialData: %v, organization %v; want GraphQLErrors and no data", err, q.Organization)
	}

	// Asked for: githubv4 decodes the data, the typed errors are kept.
	ctx, pd := ghtransport.WithPartialData(context.Background())
	q = partialQuery{}
	err = gql.Query(ctx, &q, nil)
	if err == nil || q.Organization == nil || q.Organization.Login != "acme" || q.Invitations != nil {
		t.Errorf("with WithPartialData: %v, %+v; want the organization decoded and the invitations null", err, q)
	}
	if pd.Errors.Type() != "FORBIDDEN" || len(pd.Errors) != 1 || fmt.Sprint(pd.Errors[0].Path) != "[invitations pendingMembers]" {
		t.Errorf("kept errors %v", pd.Errors)
	}

	// No data, or an error that names no field: nothing partial to keep.
	for _, what := range []string{"null data", "an error without a path"} {
		ctx, pd := ghtransport.WithPartialData(context.Background())
		err := gql.Query(ctx, &partialQuery{}, nil)
		if !errors.As(err, &ge) || ge.Type() != "FORBIDDEN" || pd.Errors != nil {
			t.Errorf("%s: %v, kept %v; want the round trip to fail with GraphQLErrors", what, err, pd.Errors)
		}
	}
}
