package doclinks

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// repoRoot is the module root, two levels up from this package.
const repoRoot = "../.."

// userDocs are the documents whose links must hold: the ones GitHub shows
// at the top of the repository, and every page under docs/.
func userDocs(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"README.md", "CONTRIBUTING.md", "SECURITY.md", "CHANGELOG.md", "BENCHMARKS.md", "MUTATION.md"}
	for _, p := range pages {
		rel, err := filepath.Rel(repoRoot, p)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.ToSlash(rel))
	}
	return paths
}

// TestRepositoryLinks: every relative link and anchor in README.md,
// CONTRIBUTING.md, SECURITY.md, CHANGELOG.md and docs/*.md points at
// something that exists.
func TestRepositoryLinks(t *testing.T) {
	broken, err := Check(repoRoot, userDocs(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range broken {
		t.Error(b)
	}
}

// TestEveryDocsPageIsLinkedFromTheReadme: a page under docs/ that the
// README does not link is a page nobody finds.
func TestEveryDocsPageIsLinkedFromTheReadme(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, l := range Parse("README.md", string(b)).Links {
		path, _, _ := strings.Cut(l.Target, "#")
		linked[path] = true
	}
	for _, p := range userDocs(t) {
		if strings.HasPrefix(p, "docs/") && !linked[p] {
			t.Errorf("README.md does not link %s", p)
		}
	}
}

// TestCheckFindsBrokenLinks: the checker reports each kind of broken link in
// a fixture, and nothing else (not code, not other sites, not good links).
func TestCheckFindsBrokenLinks(t *testing.T) {
	broken, err := Check("testdata/site", []string{"README.md", "docs/guide.md"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range broken {
		got = append(got, b.Error())
	}
	sort.Strings(got)
	want := []string{
		`README.md:10: link "#Usage": no heading in README.md has the anchor #Usage`,
		`README.md:13: link "docs/gone.md": no such file docs/gone.md`,
		`README.md:7: link "docs/missing.md": no such file docs/missing.md`,
		`README.md:8: link "docs/guide.md#no-such-section": no heading in docs/guide.md has the anchor #no-such-section`,
		`README.md:9: link "#usage-2": no heading in README.md has the anchor #usage-2`,
		`docs/guide.md:5: link "../README.md#nope": no heading in README.md has the anchor #nope`,
		`docs/guide.md:6: link "../../outside.md": points outside the repository`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("broken links (-want +got):\n%s", diff)
	}
}

// TestCheckMissingDocument: a document that cannot be read is an error, not
// a clean result.
func TestCheckMissingDocument(t *testing.T) {
	if _, err := Check("testdata/site", []string{"NOPE.md"}); err == nil {
		t.Fatal("no error for a missing document")
	}
}

// TestSlug follows GitHub's rules: lower case, spaces to '-', punctuation
// dropped except '-' and '_', code and link markup gone.
func TestSlug(t *testing.T) {
	for _, tc := range []struct{ heading, want string }{
		{"Quick start", "quick-start"},
		{"Quick start: a GitHub App, state committed to the repository", "quick-start-a-github-app-state-committed-to-the-repository"},
		{"`snekomatic doctor`", "snekomatic-doctor"},
		{"The fake GitHub: `snekomatic demo` and `snekomatic fake-github`", "the-fake-github-snekomatic-demo-and-snekomatic-fake-github"},
		{"Errors & exit codes", "errors--exit-codes"},
		{"state_file and cursor-commit-hours", "state_file-and-cursor-commit-hours"},
		{"See [the docs](docs/x.md) **now**", "see-the-docs-now"},
		{"Settings → Developer settings", "settings--developer-settings"},
		{"1.0.0 (2026-12-01)", "100-2026-12-01"},
		{"Café über", "café-über"},
	} {
		if got := Slug(tc.heading); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.heading, got, tc.want)
		}
	}
}

// TestDuplicateHeadings get -1, -2 in order.
func TestDuplicateHeadings(t *testing.T) {
	d := Parse("x.md", "# A\n## Usage\n## Usage\n### Usage\n")
	for _, a := range []string{"a", "usage", "usage-1", "usage-2"} {
		if !d.Anchors[a] {
			t.Errorf("no anchor %q in %v", a, d.Anchors)
		}
	}
}
