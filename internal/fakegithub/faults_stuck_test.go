package fakegithub

import (
	"net/http"
	"strings"
	"testing"
)

// StuckPages: a GraphQL connection says there is more, after the cursor it
// gave first; a REST listing's Link says next is the page just read.
func TestFaultStuckPages(t *testing.T) {
	f := newFixture(t)
	fi := f.g.InjectFaults(Faults{StuckPages: true})
	const q = `query($after: String) { organization(login: "acme") { membersWithRole(first: 1, after: $after) { pageInfo { hasNextPage endCursor } nodes { login } } } }`
	var first any
	after := any(nil)
	for i := range 3 {
		resp, body := rawGraphQL(t, f.g, tok, q, map[string]any{"after": after})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("page %d: %d", i, resp.StatusCode)
		}
		pi := body["data"].(map[string]any)["organization"].(map[string]any)["membersWithRole"].(map[string]any)["pageInfo"].(map[string]any)
		if pi["hasNextPage"] != true || pi["endCursor"] == nil {
			t.Fatalf("page %d: pageInfo %v, want more after a cursor", i, pi)
		}
		if i == 0 {
			first = pi["endCursor"]
		} else if pi["endCursor"] != first {
			t.Errorf("page %d: cursor %v, want the first one, %v, again", i, pi["endCursor"], first)
		}
		after = pi["endCursor"]
	}
	resp, _ := rawDo(t, http.MethodGet, f.g.RESTURL()+"repos/acme/widgets/issues/1/comments?per_page=100", tok, nil)
	link := resp.Header.Get("Link")
	if resp.StatusCode != http.StatusOK || !strings.Contains(link, "page=1") || !strings.Contains(link, `rel="next"`) {
		t.Errorf("REST listing: %d, Link %q; want next pointing at page 1 again", resp.StatusCode, link)
	}
	if fi.Counts().Stuck != 4 {
		t.Errorf("counted %d stuck answers, want 4", fi.Counts().Stuck)
	}
}
