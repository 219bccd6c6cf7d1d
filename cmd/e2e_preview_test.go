package cmd

import (
	"encoding/json"
	"strings"
	"testing"
)

// A dry run shows the welcome comment a run would post, once, with a word
// on the others; --output json carries each person's; and the real run
// then posts exactly that.
func TestDryRunPreviewsTheWelcome(t *testing.T) {
	w, fresh := newcomersWorld(t, 3)
	code, out, errOut := w.run(t, "--org", "trio", "--dry-run")
	mustCode(t, code, 0, out, errOut)
	if n := strings.Count(out, "thank you for this contribution"); n != 1 {
		t.Errorf("the welcome is shown %d times, want once:\n%s", n, out)
	}
	for _, want := range []string{
		"(the 2 others differ only in name, pull request and links; --output json has each):\n    | Hi @new",
		"    | <!-- snekomatic:welcome org=trio user=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run report lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = w.run(t, "--org", "trio", "--dry-run", "--output", "json")
	mustCode(t, code, 0, out, errOut)
	var rep RunReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	previewed := map[string]string{}
	for _, e := range rep.Orgs[0].Invited {
		previewed[e.Login] = e.Welcome
	}
	for _, e := range rep.Orgs[0].Members {
		if e.Welcome != "" {
			t.Errorf("member %s has a welcome in the preview", e.Login)
		}
	}

	code, out, errOut = w.run(t, "--org", "trio")
	mustCode(t, code, 0, out, errOut)
	for _, u := range fresh {
		var posted []string
		for _, c := range w.gh.AllComments() {
			if strings.Contains(c.Body, "@"+u.Login+",") {
				posted = append(posted, c.Body)
			}
		}
		if len(posted) != 1 || posted[0] != previewed[u.Login] {
			t.Errorf("%s: posted %q, previewed %q", u.Login, posted, previewed[u.Login])
		}
	}
}
