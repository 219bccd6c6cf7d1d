package config

import (
	"strings"
	"testing"
)

// TestTemplateTriedWithTheSample: a template is checked against the data the
// caller says it will be rendered with, and the error lists that data's
// fields.
func TestTemplateTriedWithTheSample(t *testing.T) {
	input := "defaults:\n  comment:\n    template: \"Hi {{.Name}}\"\n"
	_, err := Parse(strings.NewReader(input), "c.yml", sample)
	want := "(the fields are .Login, .Org, .PR.Repo, .PR.Number, .PR.URL and .AcceptURL)"
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error = %v\nwant it to end with %q", err, want)
	}
	// Two fields are "a and b".
	type two struct{ A, B string }
	_, err = Parse(strings.NewReader(input), "c.yml", two{})
	if want := "(the fields are .A and .B)"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error = %v\nwant it to end with %q", err, want)
	}
	// The same template is fine with data that has the field.
	type named struct{ Name string }
	if _, err := Parse(strings.NewReader(input), "c.yml", named{Name: "x"}); err != nil {
		t.Errorf("with a sample that has .Name: %v", err)
	}
	// With no sample a template that names any field is refused, not
	// let through unchecked.
	_, err = Parse(strings.NewReader(input), "c.yml", nil)
	if err == nil {
		t.Fatalf("with no sample: no error")
	}
	// Nor does its error offer an empty list of fields.
	if strings.Contains(err.Error(), "the fields are") {
		t.Errorf("with no sample: %v", err)
	}
}

func TestFieldNames(t *testing.T) {
	type inner struct {
		B, c int
	}
	type outer struct {
		A      string
		In     inner
		Ptr    *outer
		hidden bool
	}
	// A template cannot name unexported fields, so they are left out.
	v := &outer{In: inner{c: 1}, hidden: true}
	if got, want := list(fieldNames(v)), ".A, .In.B and .Ptr"; got != want {
		t.Errorf("fieldNames = %q, want %q", got, want)
	}
	if got := fieldNames(42); got != nil {
		t.Errorf("fieldNames(42) = %q, want none", got)
	}
	if got := list([]string{".A"}); got != ".A" {
		t.Errorf("list of one = %q", got)
	}
}

// TestTemplateOutputIsCapped: a template that renders more than GitHub
// accepts in a comment fails at load.
func TestTemplateOutputIsCapped(t *testing.T) {
	for _, tmpl := range []string{
		`{{printf \"%0999999d\" 1}}`,
		strings.Repeat("é", maxCommentChars+1),
	} {
		input := "defaults:\n  comment:\n    template: \"" + tmpl + "\"\n"
		_, err := Parse(strings.NewReader(input), "c.yml", sample)
		want := "c.yml:3: defaults.comment.template: the template renders more than 65536 characters"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("template %.40q: error = %v, want %q", tmpl, err, want)
		}
	}
	// Exactly the limit, counted in characters rather than bytes, passes.
	input := "defaults:\n  comment:\n    template: \"" + strings.Repeat("é", maxCommentChars) + "\"\n"
	if _, err := Parse(strings.NewReader(input), "c.yml", sample); err != nil {
		t.Errorf("a template of %d characters: %v", maxCommentChars, err)
	}
}

// TestTemplateMayNotLoop: range and template calls are refused before the
// template is tried, so that neither this run nor a later welcome can spend
// hours in one.
func TestTemplateMayNotLoop(t *testing.T) {
	for tmpl, want := range map[string]string{
		"{{range 100000000000}}{{end}}hi":                               `c.yml:3: defaults.comment.template: comment:1:8: range is not allowed in a welcome template`,
		"hi{{if .Login}}{{range $.Org}}x{{end}}{{end}}":                 `range is not allowed`,
		"hi{{with .PR}}{{else}}{{range 9}}x{{end}}{{end}}":              `range is not allowed`,
		`hi{{template \"x\"}}`:                                          `comment:1:13: template is not allowed in a welcome template`,
		`hi{{define \"x\"}}{{template \"x\"}}{{template \"x\"}}{{end}}`: `define and block are not allowed`,
		`hi{{block \"x\" .}}y{{end}}`:                                   `define and block are not allowed`,
	} {
		input := "defaults:\n  comment:\n    template: \"" + tmpl + "\"\n"
		_, err := Parse(strings.NewReader(input), "c.yml", sample)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("template %q: error = %v, want %q", tmpl, err, want)
		}
	}
	// if, with, else and functions stay allowed.
	ok := `{{if .Login}}Hi {{.Login}}{{else}}Hi{{end}}{{with .PR}} for #{{.Number}}{{end}} {{printf \"%s\" .Org | len}}`
	if _, err := Parse(strings.NewReader("defaults:\n  comment:\n    template: \""+ok+"\"\n"), "c.yml", sample); err != nil {
		t.Errorf("an allowed template: %v", err)
	}
}
