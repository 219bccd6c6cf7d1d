// Package githubdesc holds GitHub's own machine-readable descriptions of
// its APIs, copied unchanged into testdata/ with their licence: the public
// GraphQL schema and the part of the REST OpenAPI description that
// snekomatic uses. Only tests import it; it is how they judge both the
// client and the fake against what GitHub documents rather than against
// the project's own guesses.
package githubdesc

import _ "embed"

// GraphQLSchema is GitHub's public GraphQL schema (SDL).
//
//go:embed testdata/schema.graphql
var GraphQLSchema string

// RESTOpenAPI is GitHub's REST API description (OpenAPI 3.0.3, JSON),
// limited to the operations snekomatic calls or fakes.
//
//go:embed testdata/rest-openapi.json
var RESTOpenAPI []byte
