// Package ghurl knows where a GitHub instance serves its APIs: github.com's
// REST base, the GraphQL endpoint and the web host that go with a REST base
// (github.com or a GitHub Enterprise Server), and what a usable base URL
// looks like. It has no dependencies beyond the standard library, so that
// the App client (ghapp), the adapter (ghapi) and the command line share
// one copy.
package ghurl
