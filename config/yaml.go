package config

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/python-trio/snekomatic/internal/duration"
)

// parser walks the YAML tree itself, rather than decoding into structs, so
// that every error can name its key and line. This file holds the walk and
// the readers of plain values; schema.go says which keys hold what.
type parser struct {
	file string
	// sample is what comment templates are tried with (see Parse).
	sample any
}

func (ps *parser) errf(n *yaml.Node, key, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: ps.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// document reads the single YAML document of r; nil for an empty file.
func (ps *parser) document(r io.Reader) (*yaml.Node, error) {
	dec := yaml.NewDecoder(r)
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, ps.yamlError(err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, ps.yamlError(err)
		}
		return nil, ps.errf(&more, "", "holds more than one YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil
		}
		root = root.Content[0]
	}
	root = deref(root)
	if root.ShortTag() == "!!null" {
		return nil, nil
	}
	return root, nil
}

// yamlError rewrites the parser's "yaml: line N: msg" as FILE:N: msg.
func (ps *parser) yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				return &Error{File: ps.file, Line: n, Msg: "not valid YAML: " + clipMsg(text)}
			}
		}
	}
	return &Error{File: ps.file, Msg: "not valid YAML: " + clipMsg(msg)}
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// mapping calls fn for each key of a mapping node, refusing keys that are
// not in known or that appear twice. A null node is an empty mapping.
func (ps *parser) mapping(n *yaml.Node, where string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	n = deref(n)
	if n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		what := "want"
		if where == "" {
			what = "the top level must be"
		}
		return ps.errf(n, where, "%s a mapping of keys (%s), found %s", what, strings.Join(known, ", "), describe(n))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return ps.errf(k, where, "a key must be a plain word, found %s", describe(k))
		}
		key := k.Value
		if !slices.Contains(known, key) {
			return ps.errf(k, join(where, clip(key)), "unknown key (known keys here: %s)", strings.Join(known, ", "))
		}
		if line, dup := seen[key]; dup {
			return ps.errf(k, join(where, key), "set twice (first on line %d)", line)
		}
		seen[key] = k.Line
		if err := fn(key, k, v); err != nil {
			return err
		}
	}
	return nil
}

// describe says what a node is, for "want X, found Y".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!bool":
		return "true/false " + clip(n.Value)
	case "!!int", "!!float":
		return "the number " + clip(n.Value)
	}
	return quote(n.Value)
}

func (ps *parser) scalar(n *yaml.Node, at, want string) (*yaml.Node, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return nil, ps.errf(n, at, "want %s, found %s", want, describe(n))
	}
	return n, nil
}

func (ps *parser) str(n *yaml.Node, at string) (string, error) {
	s, err := ps.scalar(n, at, "a string")
	if err != nil {
		return "", err
	}
	if s.ShortTag() != "!!str" {
		return "", ps.errf(s, at, "want a string, found %s (quote it if it is meant as text)", describe(s))
	}
	return s.Value, nil
}

func (ps *parser) strs(n *yaml.Node, at string) ([]string, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, ps.errf(n, at, "want a list, found %s", describe(n))
	}
	out := []string{}
	for _, item := range n.Content {
		s, err := ps.str(item, at)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (ps *parser) int(n *yaml.Node, at string, least int, want string) (int, error) {
	s, err := ps.scalar(n, at, "a whole number, "+want)
	if err != nil {
		return 0, err
	}
	var i int
	if s.ShortTag() != "!!int" || s.Decode(&i) != nil {
		return 0, ps.errf(s, at, "want a whole number, %s; found %s", want, describe(s))
	}
	if i < least {
		return 0, ps.errf(s, at, "%d is out of range: want %s", i, want)
	}
	return i, nil
}

func (ps *parser) bool(n *yaml.Node, at string) (bool, error) {
	s, err := ps.scalar(n, at, "true or false")
	if err != nil {
		return false, err
	}
	var b bool
	if s.ShortTag() != "!!bool" || s.Decode(&b) != nil {
		return false, ps.errf(s, at, "want true or false, found %s", describe(s))
	}
	return b, nil
}

// duration reads a duration of 0 or more (the forms of package
// internal/duration, or a bare 0).
func (ps *parser) duration(n *yaml.Node, at string) (time.Duration, error) {
	const want = "a duration such as 90m, 36h or 14d"
	s, err := ps.scalar(n, at, want)
	if err != nil {
		return 0, err
	}
	if s.ShortTag() == "!!int" && s.Value == "0" {
		return 0, nil
	}
	if s.ShortTag() != "!!str" {
		return 0, ps.errf(s, at, "want %s, found %s", want, describe(s))
	}
	d, err := duration.Parse(s.Value)
	if err != nil {
		// Not duration.Parse's message, which repeats the whole value.
		return 0, ps.errf(s, at, "%s is not %s", quote(s.Value), want)
	}
	if d < 0 {
		return 0, ps.errf(s, at, "%s must not be negative", clip(s.Value))
	}
	return d, nil
}
