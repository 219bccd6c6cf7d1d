// Package config reads snekomatic's YAML configuration: defaults and
// per-organization overrides of whom to invite and how.
//
// A file looks like this (every key is optional):
//
//	defaults:
//	  role: direct_member
//	  teams: [contributors]
//	  exclude: [a-login, "*-bot"]
//	  min_merged_prs: 1
//	  repos:
//	    include: ["*"]
//	    exclude: ["sandbox-*"]
//	    skip_forks: true
//	    skip_archived: true
//	    skip_private: false
//	  comment:
//	    enabled: true
//	    template: |
//	      Thanks @{{.Login}}! Accept your invitation to {{.Org}} at {{.AcceptURL}}.
//	  lookback: 7d
//	  overlap: 1h
//	  max_invites: -1
//	  daily_invite_limit: 50
//	  reinvite_expired_after: 365d
//	  renew_expired: never
//	orgs:
//	  python-trio:
//	    teams: [contributors]
//
// An organization can also keep its own file, snekomatic.yml in its .github
// repository, holding the keys of one policy at the top level (no defaults:
// or orgs:); ParseOrg reads it.
//
// Decoding is strict and happens before any request: an unknown key, a
// value of the wrong type or out of range, a bad pattern or a template that
// does not render is an *Error naming the file, the line and the key. An
// error repeats at most the first hundred characters of a bad value.
// Welcome templates may not loop (no range, no template calls), so that
// rendering one takes time in proportion to its length.
//
// Policies merge field by field, the more specific winning: the file's
// defaults, then the organization's own file, then the file's orgs entry
// for it, then the command line flags that were given explicitly (For and
// Overlay). A list replaces the list of a less specific level, except
// exclude, whose patterns add up: someone excluded anywhere is never
// invited.
//
// Resolve is the one place an organization's policy is decided, for a run
// and for doctor alike: the merged levels over snekomatic's built-in
// defaults (DefaultLookback and the others, which live here and nowhere
// else), as a Resolved of plain values. The package returns plain data and
// imports neither reconcile nor ghapi: reading the organization's own file
// from GitHub is the command's (it hands the bytes to ParseOrg), and
// reconcile.PolicyFrom turns a Resolved into reconcile's Policy. That
// conversion sits in reconcile, beside the type it builds, rather than in
// the command, so that both callers (the run, and doctor through the same
// function of the command) get one conversion, and a new setting is added
// in two places that name each other: a field here, a line in PolicyFrom.
// What a welcome template may name is the caller's too: it passes a sample
// of that data to Parse, and each template is tried on it as it is read.
//
// The files: config.go holds the types and the merging, resolve.go the
// built-in defaults and Resolve, parse.go which
// keys hold what, template.go the checks of a welcome template, yaml.go
// the walk over YAML nodes that lets every error name its line, error.go
// the error and how much of a value it repeats.
package config
