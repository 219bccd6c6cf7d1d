package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// welcomeTemplate reads the welcome comment template src, found at node v under
// key at, and tries it with the sample: it must parse, must not loop, must
// render with the sample's fields, and must render something, but no more
// than GitHub takes in a comment.
func (ps *parser) welcomeTemplate(v *yaml.Node, at, src string) (*template.Template, error) {
	t, err := template.New("comment").Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, ps.errf(v, at, "%s", clipMsg(err.Error()))
	}
	if err := linear(t); err != nil {
		return nil, ps.errf(v, at, "%s", clipMsg(err.Error()))
	}
	// Try it now, so that a field that does not exist ({{.Name}})
	// fails here rather than when someone is being welcomed.
	b := &cappedBuilder{limit: maxCommentChars}
	if err := t.Execute(b, ps.sample); errors.Is(err, errTooLong) {
		return nil, ps.errf(v, at, "the template renders more than %d characters, more than GitHub accepts in a comment", maxCommentChars)
	} else if err != nil {
		msg := clipMsg(err.Error())
		if fields := fieldNames(ps.sample); len(fields) > 0 {
			msg += " (the fields are " + list(fields) + ")"
		}
		return nil, ps.errf(v, at, "%s", msg)
	}
	if strings.TrimSpace(b.String()) == "" {
		return nil, ps.errf(v, at, "the template renders an empty comment")
	}
	return t, nil
}

// linear refuses the actions that let a template run far longer than it is
// long: range, which loops over a number as many times as it says (three
// billion empty turns took three minutes), and template, define and block,
// with which k templates that each call the next twice run 2^k times. A
// welcome comment has no list to loop over and no need for either; without
// them every action runs at most once. An organization's own file, which
// anyone who can push to its .github repository may edit, is read by the
// same run as every other organization's, so it must not be able to stall
// it.
func linear(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("define and block are not allowed in a welcome template (chains of templates could stall the run)")
	}
	if t.Tree == nil {
		return nil
	}
	var bad parse.Node
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode, *parse.TemplateNode:
			if bad == nil {
				bad = n
			}
		}
	}
	walk(t.Tree.Root)
	if bad == nil {
		return nil
	}
	what := "range"
	if _, ok := bad.(*parse.TemplateNode); ok {
		what = "template"
	}
	loc, _ := t.ErrorContext(bad)
	return fmt.Errorf("%s: %s is not allowed in a welcome template (it has nothing to loop over, and loops and chains of templates could stall the run)", loc, what)
}

// maxCommentChars is the longest comment body GitHub accepts ("Body is
// too long (maximum is 65536 characters)", a 422 from
// POST /repos/{owner}/{repo}/issues/{number}/comments).
const maxCommentChars = 65536

var errTooLong = errors.New("too long")

// cappedBuilder collects a rendering and fails once more than limit
// characters are written, which stops the template: one that loops
// ({{range 100000000000}}) ends with an error instead of filling memory.
// It has no WriteString, so every write goes through Write.
type cappedBuilder struct {
	b        strings.Builder
	limit, n int
}

func (c *cappedBuilder) Write(p []byte) (int, error) {
	c.n += utf8.RuneCount(p)
	if c.n > c.limit {
		return 0, errTooLong
	}
	return c.b.Write(p)
}

func (c *cappedBuilder) String() string { return c.b.String() }

// fieldNames lists the fields a template can name in v, as .A and .B.C,
// for an error to suggest.
func fieldNames(v any) []string {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return structFields(t, "")
}

// structFields lists the exported fields of t when it is a struct, the
// fields of a struct field in turn. A struct cannot hold itself but through
// a pointer, which this does not follow, so it ends.
func structFields(t reflect.Type, prefix string) []string {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name := prefix + "." + f.Name
		if sub := structFields(f.Type, name); len(sub) > 0 {
			out = append(out, sub...)
		} else {
			out = append(out, name)
		}
	}
	return out
}

// list is "a", "a and b", "a, b and c".
func list(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
