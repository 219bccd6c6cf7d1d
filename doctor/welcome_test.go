package doctor

import (
	"strings"
	"testing"
)

// The welcome preview goes below its organization's row, each line after
// a bar, blank lines kept, long lines wrapped to the width.
func TestWriteTextShowsTheWelcomePreview(t *testing.T) {
	cfg := pass(CheckConfig, "")
	cfg.Welcome = "Hi @octocat, " + strings.Repeat("welcome ", 12) + "\n\n<!-- marker -->\n"
	rep := Report{Mode: ModeToken, OK: true, Orgs: []Org{
		{Account: "trio", Type: "Organization", Needed: true, OK: true, Checks: []Check{pass(CheckToken, "user x"), cfg}},
	}}
	var b strings.Builder
	if err := WriteText(&b, rep, "GH_TOKEN", 60); err != nil {
		t.Fatal(err)
	}
	want := "    welcome comment, with sample data (long lines wrapped here):\n" +
		"      | Hi @octocat, welcome welcome welcome welcome welcome\n" +
		"      |   welcome welcome welcome welcome welcome welcome\n" +
		"      |   welcome\n" +
		"      |\n" +
		"      | <!-- marker -->\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("lacks\n%s\nin:\n%s", want, b.String())
	}
}
