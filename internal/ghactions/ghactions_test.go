package ghactions

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"50% done\r\nnext", "50%25 done%0D%0Anext", "50%25 done%0D%0Anext"},
		{"a: b, c", "a: b, c", "a%3A b%2C c"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	} {
		if got := EscapeData(tc.in); got != tc.data {
			t.Errorf("EscapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := EscapeProperty(tc.in); got != tc.prop {
			t.Errorf("EscapeProperty(%q) = %q, want %q", tc.in, got, tc.prop)
		}
	}
}

func TestCommands(t *testing.T) {
	var b bytes.Buffer
	Mask(&b, "s3cr%t\n")
	Mask(&b, "")
	end := Group(&b, "log: a")
	Error(&b, "snekomatic: trio", "line one\n::warning::two")
	Warning(&b, "t,1", "w")
	end()
	want := "::add-mask::s3cr%25t%0A\n::group::log: a\n::error title=snekomatic%3A trio::line one%0A::warning::two\n" +
		"::warning title=t%2C1::w\n::endgroup::\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestAppendSummaryAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	env := map[string]string{"GITHUB_STEP_SUMMARY": path}
	for _, s := range []string{"one\n", "two\n"} {
		if err := AppendSummary(func(k string) string { return env[k] }, func(w io.Writer) error {
			_, err := io.WriteString(w, s)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(path)
	if string(got) != "one\ntwo\n" {
		t.Errorf("summary %q, want both writes", got)
	}
	if err := AppendSummary(func(string) string { return "" }, func(io.Writer) error { t.Error("written without a file"); return nil }); err != nil {
		t.Error(err)
	}
	if !Enabled(func(k string) string { return map[string]string{"GITHUB_ACTIONS": "true"}[k] }) || Enabled(func(string) string { return "" }) {
		t.Error("Enabled wrong")
	}
}
