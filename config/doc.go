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
// The package returns plain data, a Policy whose unset settings are nil,
// and knows nothing of what a run does with it: the command fills in
// snekomatic's built-in defaults and builds the run's options (withPolicy
// in package cmd). What a welcome template may name is the caller's too:
// it passes a sample of that data to Parse, and each template is tried on
// it as it is read.
//
// The files: config.go holds the types and the merging, parse.go which
// keys hold what, template.go the checks of a welcome template, yaml.go
// the walk over YAML nodes that lets every error name its line, error.go
// the error and how much of a value it repeats.
package config
