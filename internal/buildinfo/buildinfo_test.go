package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	vcs := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/python-trio/snekomatic", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-11-30T12:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/python-trio/snekomatic", Version: "v1.2.3"},
	}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
		wantString            string
	}{
		{
			name:    "release build: the flags win over what the toolchain saw",
			version: "v1.2.3", commit: "fedcba9876543210fedcba9876543210fedcba98", date: "2026-12-01T08:00:00Z",
			bi:         vcs,
			want:       Info{Version: "1.2.3", Commit: "fedcba9876543210fedcba9876543210fedcba98", Date: "2026-12-01T08:00:00Z", GoVersion: "go1.26.8"},
			wantString: "snekomatic 1.2.3 (commit fedcba987654, 2026-12-01T08:00:00Z, go1.26.8)",
		},
		{
			name:       "go build in a checkout: devel, with the VCS stamp",
			bi:         vcs,
			want:       Info{Version: "(devel)", Commit: "0123456789abcdef0123456789abcdef01234567", Dirty: true, Date: "2026-11-30T12:00:00Z", GoVersion: "go1.26.8"},
			wantString: "snekomatic (devel) (commit 0123456789ab, modified, 2026-11-30T12:00:00Z, go1.26.8)",
		},
		{
			name:       "go install of a tag: the module version",
			bi:         installed,
			want:       Info{Version: "1.2.3", GoVersion: "go1.26.8"},
			wantString: "snekomatic 1.2.3 (go1.26.8)",
		},
		{
			name:    "the Action's source build: a version flag but no commit",
			version: "v1.2.3", bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want:       Info{Version: "1.2.3", GoVersion: "go1.26.8"},
			wantString: "snekomatic 1.2.3 (go1.26.8)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.version, tt.commit, tt.date, tt.bi)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("resolve (-want +got):\n%s", diff)
			}
			if s := got.String(); s != tt.wantString {
				t.Errorf("String() = %q, want %q", s, tt.wantString)
			}
		})
	}
}

// TestResolveWithoutBuildInfo covers a binary the toolchain recorded
// nothing in: still a version and the running Go.
func TestResolveWithoutBuildInfo(t *testing.T) {
	got := resolve("", "", "", nil)
	if got.Version != "(devel)" || !strings.HasPrefix(got.GoVersion, "go") {
		t.Errorf("resolve without build info = %+v", got)
	}
}

// TestGet checks the test binary's own information is filled in: a test
// binary has build information, with the toolchain's version.
func TestGet(t *testing.T) {
	got := Get()
	if got.Version == "" || !strings.HasPrefix(got.GoVersion, "go") {
		t.Errorf("Get() = %+v", got)
	}
}
