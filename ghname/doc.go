// Package ghname says which strings are well-formed GitHub names: account
// logins (of people and organizations) and team slugs.
//
// The checks guard more than typos: a login goes into search queries and a
// slug into URL paths, where a space, a colon or a slash could add a
// qualifier or a path segment nobody asked for. So every name is checked
// before it is used, when the configuration is read (package config), when
// a flag is parsed (package cmd) and before a request is built (package
// ghapi). The package has no dependencies beyond the standard library, so
// that each of those can share this one definition without pulling in the
// others.
package ghname
