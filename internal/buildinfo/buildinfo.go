// Package buildinfo says which snekomatic this is: the version, commit and
// build date a release build stamps in with -ldflags, or, for a build from
// source (go build, go install), what the Go toolchain recorded in the
// binary (runtime/debug.ReadBuildInfo: the module version for go install
// of a tagged version, the VCS revision and time when built in a git
// checkout).
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by a release build (see .goreleaser.yaml):
//
//	-X github.com/python-trio/snekomatic/internal/buildinfo.version=1.2.3
//	-X github.com/python-trio/snekomatic/internal/buildinfo.commit=<sha>
//	-X github.com/python-trio/snekomatic/internal/buildinfo.date=<RFC 3339>
//
// They are variables, not constants, because -X can only set variables.
var (
	version string
	commit  string
	date    string
)

// Info is what `snekomatic version` prints and the report carries.
type Info struct {
	// Version is the release version without a leading "v" ("1.2.3"), the
	// module version go install recorded, or "(devel)" for a build from a
	// checkout.
	Version string `json:"version"`
	// Commit is the full commit hash, or "" when unknown; Dirty says the
	// working tree had changes when it was built from a checkout.
	Commit string `json:"commit,omitempty"`
	Dirty  bool   `json:"dirty,omitempty"`
	// Date is when the commit was made (RFC 3339), "" when unknown. A
	// release uses the commit's date, not the build's, so that building the
	// same commit twice gives the same binary.
	Date string `json:"date,omitempty"`
	// GoVersion is the toolchain that built the binary ("go1.26.8").
	GoVersion string `json:"go"`
}

// Get returns this binary's build information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(version, commit, date, bi)
}

// resolve prefers what -ldflags set, and fills the rest from the build
// information the toolchain recorded (nil when it recorded none).
func resolve(version, commit, date string, bi *debug.BuildInfo) Info {
	info := Info{Version: strings.TrimPrefix(version, "v"), Commit: commit, Date: date, GoVersion: runtime.Version()}
	if bi == nil {
		if info.Version == "" {
			info.Version = "(devel)"
		}
		return info
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	if info.Version == "" {
		// "(devel)" for a build inside the module's own checkout; the
		// module version (v1.2.3, or a pseudo-version) for go install.
		info.Version = strings.TrimPrefix(bi.Main.Version, "v")
		if info.Version == "" {
			info.Version = "(devel)"
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if info.Commit == "" {
				info.Commit = s.Value
			}
		case "vcs.time":
			if info.Date == "" {
				info.Date = s.Value
			}
		case "vcs.modified":
			// Only trust the dirty flag when the commit is the one the
			// toolchain saw, not one set by -ldflags.
			if commit == "" {
				info.Dirty = s.Value == "true"
			}
		}
	}
	return info
}

// String is the one-line form: "snekomatic 1.2.3 (commit 0123abc,
// 2026-11-30T12:00:00Z, go1.26.8)".
func (i Info) String() string {
	var parts []string
	if i.Commit != "" {
		c := i.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if i.Dirty {
			c += ", modified"
		}
		parts = append(parts, "commit "+c)
	}
	if i.Date != "" {
		parts = append(parts, i.Date)
	}
	parts = append(parts, i.GoVersion)
	return fmt.Sprintf("snekomatic %s (%s)", i.Version, strings.Join(parts, ", "))
}
