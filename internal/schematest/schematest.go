// Package schematest checks GraphQL documents against GitHub's full public
// schema, which lives outside this repository in ../shared/github/schema.graphql
// (or wherever SNEKOMATIC_GITHUB_SCHEMA points). The fake GitHub validates
// against its own smaller copy; this is the check that the project sends
// nothing the real GitHub would reject.
package schematest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// EnvVar overrides where the schema is read from.
const EnvVar = "SNEKOMATIC_GITHUB_SCHEMA"

var (
	once    sync.Once
	schema  *ast.Schema
	loadErr error
	where   string
)

// Path returns where the full schema is expected.
func Path() string {
	if p := os.Getenv(EnvVar); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "github", "schema.graphql")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Load returns GitHub's schema, or an error saying why it is unavailable.
func Load() (*ast.Schema, error) {
	once.Do(func() {
		where = Path()
		data, err := os.ReadFile(where)
		if err != nil {
			loadErr = fmt.Errorf("GitHub's public schema is not at %s (set %s to its path): %w", where, EnvVar, err)
			return
		}
		s, err := parse(string(data))
		if err != nil {
			loadErr = fmt.Errorf("load %s: %w", where, err)
			return
		}
		schema = s
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

// ValidateDocuments fails t for every document GitHub's schema rejects. When
// the schema file is absent it only logs why nothing was checked (the
// dedicated schema test skips with the same message).
func ValidateDocuments(t testing.TB, docs []string) {
	t.Helper()
	s, err := Load()
	if err != nil {
		t.Logf("GraphQL documents not checked against GitHub's schema: %v", err)
		return
	}
	for _, d := range docs {
		if err := Validate(s, d); err != nil {
			t.Errorf("GitHub's schema rejects a document the project sent: %v\n%s", err, d)
		}
	}
}

// Require loads the schema or skips the test with a clear message.
func Require(t testing.TB) *ast.Schema {
	t.Helper()
	s, err := Load()
	if err != nil {
		t.Skipf("skipping: %v", err)
	}
	return s
}
