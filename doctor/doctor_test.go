package doctor

import (
	"strings"
	"testing"
)

// verdict: an ignored account never fails the report, a skipped check
// fails its organization without being listed as an error of its own.
func TestVerdict(t *testing.T) {
	rep := Report{Checks: []Check{pass("state_file", "")}, Orgs: []Org{
		{Account: "user", Checks: []Check{{Name: CheckToken, OK: true, Skipped: true}}},
		{Account: "good", Needed: true, Checks: []Check{pass(CheckToken, ""), pass(CheckConfig, "")}},
		{Account: "bad", Needed: true, Checks: []Check{fail(CheckToken, "refused"), skip(CheckConfig)}},
	}}
	verdict(&rep)
	if rep.OK || !rep.Orgs[1].OK || rep.Orgs[2].OK {
		t.Errorf("verdict %+v", rep)
	}
	if len(rep.Errors) != 1 || rep.Errors[0] != "bad: credentials: refused" {
		t.Errorf("errors %q", rep.Errors)
	}
	none := Report{}
	if verdict(&none); none.OK {
		t.Error("no organization at all is not ready")
	}
}

// WriteText: the reasons go below their row, wrapped to the width.
func TestWriteTextWrapsReasonsBelowTheRow(t *testing.T) {
	long := strings.Repeat("word ", 40)
	rep := Report{Mode: ModeToken, Checks: []Check{pass("state_file", "s.json")}, Orgs: []Org{
		{Account: "trio", Type: "Organization", Needed: true, Checks: []Check{pass(CheckToken, "user x"), fail(CheckInvite, long)}},
	}, Errors: []string{"trio: can_invite: " + long}}
	var b strings.Builder
	if err := WriteText(&b, rep, "GH_TOKEN", 80); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 80 {
			t.Errorf("line of %d columns: %q", len(line), line)
		}
	}
	for _, want := range []string{"mode: token (from GH_TOKEN)", "trio     Organization  yes          no", "    can_invite: word", "not ready: 1 problem(s) above"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
}
