// Package schematest judges what snekomatic sends and what the fake GitHub
// answers against GitHub's own descriptions, vendored in
// internal/githubdesc: every GraphQL document against GitHub's full public
// schema (the fake validates against its own smaller copy), and every REST
// request and answer against GitHub's OpenAPI description (CheckREST).
// Both are always present, so nothing here ever skips.
package schematest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/python-trio/snekomatic/internal/githubdesc"
)

var (
	once    sync.Once
	schema  *ast.Schema
	loadErr error
)

// Load returns GitHub's schema, parsed once.
func Load() (*ast.Schema, error) {
	once.Do(func() {
		schema, loadErr = parse(githubdesc.GraphQLSchema)
		if loadErr != nil {
			loadErr = fmt.Errorf("load GitHub's GraphQL schema: %w", loadErr)
		}
	})
	return schema, loadErr
}

// parse loads GitHub's schema. The published file defines a few fields twice
// in the same type (EnterpriseOwnerInfo.repositoryDeployKeySetting, for
// one), which gqlparser rightly refuses; the first definition is kept.
func parse(sdl string) (*ast.Schema, error) {
	doc, err := parser.ParseSchemas(validator.Prelude, &ast.Source{Name: "github-schema.graphql", Input: sdl})
	if err != nil {
		return nil, err
	}
	for _, defs := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, def := range defs {
			seen := map[string]bool{}
			kept := def.Fields[:0]
			for _, f := range def.Fields {
				if !seen[f.Name] {
					seen[f.Name] = true
					kept = append(kept, f)
				}
			}
			def.Fields = kept
		}
	}
	return validator.ValidateSchemaDocument(doc)
}

// Validate reports the first problem with doc under GitHub's schema.
func Validate(s *ast.Schema, doc string) error {
	// nil rules: the GraphQL specification's default set.
	if _, errs := gqlparser.LoadQueryWithRules(s, doc, nil); len(errs) > 0 {
		return errs
	}
	return nil
}

// ValidateDocuments fails t for every document GitHub's schema rejects.
func ValidateDocuments(t testing.TB, docs []string) {
	t.Helper()
	s := Require(t)
	for _, d := range docs {
		if err := Validate(s, d); err != nil {
			t.Errorf("GitHub's schema rejects a document the project sent: %v\n%s", err, d)
		}
	}
}

// Require loads the schema or fails the test: the schema is vendored, so
// failing to load it is a bug, never a reason to skip.
func Require(t testing.TB) *ast.Schema {
	t.Helper()
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
