package cmd

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/python-trio/snekomatic/report"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/internal/buildinfo"
	"github.com/python-trio/snekomatic/reconcile"
)

// TestVersionCommand checks that `snekomatic version` and `--version`
// print the same line, that --output json is the build information, and
// that a wrong call is a usage error.
func TestVersionCommand(t *testing.T) {
	want := buildinfo.Get().String() + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		d, out, errb := testDeps(nil)
		if code := Main(context.Background(), args, d); code != ExitOK || out.String() != want || errb.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want stdout %q", args, code, out, errb, want)
		}
	}

	d, out, _ := testDeps(nil)
	if code := Main(context.Background(), []string{"version", "--output", "json"}, d); code != ExitOK {
		t.Fatalf("version --output json: exit %d", code)
	}
	var got buildinfo.Info
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("version --output json: %v\n%s", err, out)
	}
	if diff := cmp.Diff(buildinfo.Get(), got); diff != "" {
		t.Errorf("version --output json (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"version", "--output", "yaml"}, `--output "yaml": want text or json`},
		{[]string{"version", "extra"}, `unknown command "extra"`},
	} {
		d, out, errb := testDeps(nil)
		code := Main(context.Background(), tt.args, d)
		if code != ExitUsage || out.Len() != 0 || !strings.Contains(errb.String(), tt.wantErr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.args, code, out, errb, tt.wantErr)
		}
	}
}

// TestVersionInReportAndSummary checks that the run report carries the
// version and the step summary shows it.
func TestVersionInReportAndSummary(t *testing.T) {
	rr := &RunReport{Version: "1.2.3", Mode: "token", State: "s.json", Orgs: []*report.Org{report.NewOrg(&reconcile.Report{Org: "trio"}, nil)}}
	var b strings.Builder
	if err := report.WriteSummary(&b, rr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "snekomatic `1.2.3`") {
		t.Errorf("the step summary does not give the version:\n%s", b.String())
	}
	data, err := json.Marshal(rr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"version":"1.2.3"`) {
		t.Errorf("the JSON report does not give the version: %s", data)
	}
}

// TestVersionStampedBinary builds snekomatic with the -ldflags a release
// uses (.goreleaser.yaml) and checks --version prints what they set, so a
// renamed variable cannot silently turn every release into "(devel)".
func TestVersionStampedBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	goreleaser, err := os.ReadFile(filepath.Join("..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const pkg = "github.com/python-trio/snekomatic/internal/buildinfo"
	for _, v := range []string{"version", "commit", "date"} {
		if !strings.Contains(string(goreleaser), "-X "+pkg+"."+v+"=") {
			t.Errorf(".goreleaser.yaml does not set %s.%s", pkg, v)
		}
	}
	bin := filepath.Join(t.TempDir(), "snekomatic")
	ldflags := "-X " + pkg + ".version=9.8.7 -X " + pkg + ".commit=abcdef0123456789abcdef0123456789abcdef01 -X " + pkg + ".date=2026-12-01T08:00:00Z"
	// The flags of a release (and of the Action's build), so that the three
	// share Go's build cache.
	build := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, "github.com/python-trio/snekomatic/cmd/snekomatic")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "snekomatic 9.8.7 (commit abcdef012345, 2026-12-01T08:00:00Z, go"
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("--version printed %q, want it to start %q", out, want)
	}
}

// TestVersionInRun checks a real run: its JSON report and its first log
// line give the version.
func TestVersionInRun(t *testing.T) {
	w := newWorld(t)
	w.merged(t, w.gh.AddUser("alice"), time.Hour)
	code, out, errOut := w.run(t, "--org", "trio", "--output", "json", "-v")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var rr RunReport
	if err := json.Unmarshal([]byte(out), &rr); err != nil {
		t.Fatal(err)
	}
	want := buildinfo.Get().Version
	if rr.Version != want {
		t.Errorf("the report's version is %q, want %q", rr.Version, want)
	}
	first, _, _ := strings.Cut(errOut, "\n")
	if !strings.Contains(first, "snekomatic "+want) {
		t.Errorf("the first log line %q does not give the version %s", first, want)
	}
}
