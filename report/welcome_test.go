package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/python-trio/snekomatic/reconcile"
)

// A dry run's text report shows the welcome comment once, the first
// person's, with a word on the others; the JSON document has each
// person's; nobody's is shown when nobody would be welcomed.
func TestDryRunShowsTheWelcomeOnce(t *testing.T) {
	body := func(login string) string {
		return reconcile.WelcomeComment(login, "python-trio", 1, "https://github.com/orgs/python-trio/invitation")
	}
	rep := &reconcile.Report{Org: "python-trio", DryRun: true,
		Invited: []reconcile.Entry{
			{Login: "alice", ID: 1, PR: reportPR("python-trio/trio", 42), Welcome: body("alice")},
			{Login: "bob", ID: 2, PR: reportPR("python-trio/trio", 43)}, // archived, say: none
			{Login: "carol", ID: 3, PR: reportPR("python-trio/trio", 44), Welcome: body("carol")},
		},
		Welcomed: []reconcile.Entry{{Login: "erin", ID: 5, PR: reportPR("python-trio/trio", 7), Welcome: body("erin")}},
	}
	run := NewRun("test", true, "token", "state.json")
	run.Orgs = append(run.Orgs, NewOrg(rep, nil))
	var text bytes.Buffer
	if err := WriteText(&text, run); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	want := "  welcome comment that would be posted for alice on python-trio/trio#42 (the 2 others differ only in name, pull request and links; --output json has each):\n" +
		"    | Hi @alice, thank you for this contribution"
	if !strings.Contains(out, want) {
		t.Errorf("text report lacks\n%s\nin:\n%s", want, out)
	}
	if n := strings.Count(out, "thank you for this contribution"); n != 1 {
		t.Errorf("the comment is shown %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "    | <!-- snekomatic:welcome org=python-trio user=1 -->\n") || strings.Contains(out, " \n") {
		t.Errorf("the comment is not shown whole, as posted, without trailing blanks:\n%s", out)
	}

	var js bytes.Buffer
	if err := WriteJSON(&js, run); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Orgs []struct {
			Invited  []map[string]any `json:"invited"`
			Welcomed []map[string]any `json:"welcomed"`
		} `json:"orgs"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	o := doc.Orgs[0]
	for _, c := range []struct {
		e     map[string]any
		login string
	}{{o.Invited[0], "alice"}, {o.Invited[2], "carol"}, {o.Welcomed[0], "erin"}} {
		if c.e["welcome"] != body(c.login) {
			t.Errorf("%s's welcome in the JSON: %v", c.login, c.e["welcome"])
		}
	}
	if _, ok := o.Invited[1]["welcome"]; ok {
		t.Errorf("bob, who would get no welcome, has one in the JSON: %v", o.Invited[1])
	}

	rep.Invited, rep.Welcomed = rep.Invited[1:2], nil
	text.Reset()
	if err := WriteText(&text, run); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "welcome comment") {
		t.Errorf("a welcome is shown though nobody would be welcomed:\n%s", text.String())
	}
}
