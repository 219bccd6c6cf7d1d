package demo

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/python-trio/snekomatic/internal/errtext"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// This file tells, from the fake's request log, what each demo run did on
// GitHub (demo.go runs them).

// narrator says in a few lines what a run's requests would have done on
// GitHub: reads counted by purpose, each change on its own line.
type narrator struct {
	gh  *fakegithub.GitHub
	org string
	// invitations counts the invitations created so far: the fake creates
	// them in the order the requests arrive, so the n-th successful POST
	// made the n-th invitation CreatedInvitations lists.
	invitations int
}

func (n *narrator) describe(w io.Writer, reqs []fakegithub.Request) {
	var gql, reads, writes int
	for _, r := range reqs {
		switch r.Kind {
		case fakegithub.KindGraphQL:
			gql++
		case fakegithub.KindRESTRead:
			reads++
		default:
			writes++
		}
	}
	fmt.Fprintf(w, "  %d GraphQL %s (%s), %d REST %s, %d %s\n", gql, plural(gql, "query", "queries"), graphQLPurposes(reqs),
		reads, plural(reads, "read", "reads"), writes, plural(writes, "change", "changes"))
	created := n.gh.CreatedInvitations(n.org)
	for _, r := range reqs {
		if r.Kind != fakegithub.KindRESTWrite {
			continue
		}
		path := strings.TrimPrefix(r.Path, fakegithub.RESTPrefix)
		what := ""
		switch parts := strings.Split(strings.Trim(path, "/"), "/"); {
		case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "orgs" && parts[2] == "invitations":
			what = "an invitation"
			if r.Status == http.StatusCreated {
				if n.invitations < len(created) {
					what = fmt.Sprintf("invite %s (user id %d) to join %s", created[n.invitations].Login, created[n.invitations].InviteeID, parts[1])
				}
				n.invitations++
			}
		case r.Method == http.MethodPost && len(parts) == 6 && parts[0] == "repos" && parts[5] == "comments":
			what = fmt.Sprintf("welcome comment on %s/%s#%s", parts[1], parts[2], parts[4])
		default:
			what = issueWrite(r.Method, parts)
		}
		fmt.Fprintf(w, "  %s %s -> %d  %s\n", r.Method, path, r.Status, what)
	}
	if writes == 0 {
		fmt.Fprintf(w, "  nothing changed on GitHub: no invitation, no comment\n")
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// graphQLPurposes names the top-level fields the GraphQL requests asked
// for, in order of first use ("search, organization").
func graphQLPurposes(reqs []fakegithub.Request) string {
	var names []string
	for _, r := range reqs {
		if r.GraphQL == "" {
			continue
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: r.GraphQL})
		if err != nil {
			continue
		}
		for _, op := range doc.Operations {
			for _, sel := range op.SelectionSet {
				if f, ok := sel.(*ast.Field); ok && !slices.Contains(names, f.Name) && f.Name != "rateLimit" {
					names = append(names, f.Name)
				}
			}
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// writeRequestLog appends a run's requests to the log kept with --keep:
// one line per request, and the document and variables of each GraphQL
// query, enough to replay it against the fake or GitHub.
func writeRequestLog(b *strings.Builder, run int, reqs []fakegithub.Request) {
	fmt.Fprintf(b, "# run %d: %d requests\n", run, len(reqs))
	for _, r := range reqs {
		b.WriteString(requestLine(r))
		b.WriteString("\n")
		if r.GraphQL != "" {
			fmt.Fprintf(b, "    query: %s\n", errtext.OneLine(r.GraphQL))
			if len(r.Variables) > 0 {
				vars, _ := json.Marshal(r.Variables)
				fmt.Fprintf(b, "    variables: %s\n", vars)
			}
		}
	}
}

// requestLine is one request as the demo's log and fake-github print it.
// The token is never shown.
func requestLine(r fakegithub.Request) string {
	target := r.Path
	if r.Query != "" {
		target += "?" + r.Query
	}
	return fmt.Sprintf("%s %s -> %d (%s)", r.Method, target, r.Status, r.Kind)
}
