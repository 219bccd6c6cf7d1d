package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

var fixedNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func testDeps(env map[string]string) (*Deps, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Deps{
		Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return fixedNow },
		// Pacing and waits on a clock of their own: no real sleeping.
		Resilience: newSimClock().resilience,
	}, &out, &errb
}

// parseReconcile runs flag parsing only and returns the options it produced.
func parseReconcile(t *testing.T, env map[string]string, args ...string) (*ReconcileOptions, error) {
	t.Helper()
	d, _, _ := testDeps(env)
	var got *ReconcileOptions
	c := NewCmdReconcile(d, func(_ context.Context, o *ReconcileOptions) error { got = o; return nil })
	c.SetArgs(args)
	c.SetOut(d.Stdout)
	c.SetErr(d.Stderr)
	c.SilenceUsage, c.SilenceErrors = true, true
	err := c.Execute()
	return got, err
}

func TestReconcileFlags(t *testing.T) {
	env := map[string]string{"GITHUB_TOKEN": "t0ken"}
	o, err := parseReconcile(t, env, "--org", "python-trio", "--org", "Python-Trio", "--org", "other", "--dry-run",
		"--since", "72h", "--max-invites", "5", "--output", "json", "--state", "s.json", "--overlap", "2h")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Orgs, ",") != "python-trio,other" {
		t.Errorf("orgs = %v (duplicates differing in case should fold)", o.Orgs)
	}
	if !o.DryRun || o.MaxInvites != 5 || o.Output != "json" || o.StatePath != "s.json" || o.Overlap != 2*time.Hour {
		t.Errorf("options not parsed: %+v", o)
	}
	if o.Since == nil || !o.Since.Equal(fixedNow.Add(-72*time.Hour)) {
		t.Errorf("since = %v", o.Since)
	}
	if o.APIURL != "https://api.github.com" || o.GraphQLURL != "https://api.github.com/graphql" || o.WebURL != "https://github.com" {
		t.Errorf("urls = %s %s %s", o.APIURL, o.GraphQLURL, o.WebURL)
	}
	if o.Token != "t0ken" {
		t.Errorf("token not read from GITHUB_TOKEN")
	}
}

func TestReconcileURLsFromEnvironment(t *testing.T) {
	env := map[string]string{"GITHUB_TOKEN": "x", "GITHUB_API_URL": "https://ghe.example.com/api/v3"}
	o, err := parseReconcile(t, env, "--org", "o")
	if err != nil {
		t.Fatal(err)
	}
	if o.GraphQLURL != "https://ghe.example.com/api/graphql" || o.WebURL != "https://ghe.example.com" {
		t.Errorf("GHES urls = %s %s", o.GraphQLURL, o.WebURL)
	}
	env["GITHUB_GRAPHQL_URL"] = "https://gql.example.com/x"
	o, _ = parseReconcile(t, env, "--org", "o")
	if o.GraphQLURL != "https://gql.example.com/x" {
		t.Errorf("GITHUB_GRAPHQL_URL ignored: %s", o.GraphQLURL)
	}
	o, _ = parseReconcile(t, env, "--org", "o", "--api-url", "https://api.github.com", "--graphql-url", "https://api.github.com/graphql")
	if o.APIURL != "https://api.github.com" || o.GraphQLURL != "https://api.github.com/graphql" {
		t.Errorf("flags should beat the environment: %s %s", o.APIURL, o.GraphQLURL)
	}
}

func TestReconcileUsageErrors(t *testing.T) {
	tok := map[string]string{"GITHUB_TOKEN": "x"}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
	}{
		{"no token", nil, []string{"--org", "o"}, "no credentials: set GH_TOKEN"},
		{"no org", tok, nil, "--org is required"},
		{"org with a search qualifier", tok, []string{"--org", "foo is:issue"}, `--org "foo is:issue" is not a valid`},
		{"org with a colon", tok, []string{"--org", "repo:x/y"}, "is not a valid GitHub organization login"},
		{"org too long", tok, []string{"--org", strings.Repeat("a", 40)}, "is not a valid"},
		{"bad since", tok, []string{"--org", "o", "--since", "last tuesday"}, `--since "last tuesday": want an RFC 3339 time`},
		{"future since", tok, []string{"--org", "o", "--since", "2030-01-01"}, "is in the future"},
		{"bad output", tok, []string{"--org", "o", "--output", "yaml"}, `--output "yaml": want text or json`},
		{"negative overlap", tok, []string{"--org", "o", "--overlap", "-1h"}, "--overlap -1h must not be negative"},
		{"bad max invites", tok, []string{"--org", "o", "--max-invites", "-5"}, "--max-invites -5"},
		{"bad api url", tok, []string{"--org", "o", "--api-url", "api.github.com"}, `--api-url "api.github.com" is not an absolute`},
		{"zero concurrency", tok, []string{"--org", "o", "--concurrency", "0"}, "--concurrency 0 must be at least 1"},
		{"argument", tok, []string{"--org", "o", "extra"}, `unknown command "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseReconcile(t, tt.env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestMainExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"unknown flag", nil, []string{"reconcile", "--frobnicate"}, ExitUsage, "unknown flag: --frobnicate"},
		{"unknown command", nil, []string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{"missing token", nil, []string{"reconcile", "--org", "o"}, ExitAuth, "no credentials: set GH_TOKEN"},
		{"bad org", map[string]string{"GITHUB_TOKEN": "x"}, []string{"reconcile", "--org", "a b"}, ExitUsage, "not a valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, out, errb := testDeps(tt.env)
			code := Main(context.Background(), tt.args, d)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tt.wantErr) {
				t.Errorf("stderr = %q, want one line containing %q", errb.String(), tt.wantErr)
			}
			if out.Len() != 0 {
				t.Errorf("stdout should be empty on a usage error, got %q", out.String())
			}
		})
	}
}

func TestParseSince(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{"2026-11-01T12:00:00Z", time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), ""},
		{"2026-11-01T12:00:00+02:00", time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), ""},
		{"2026-11-01", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ""},
		{"72h", fixedNow.Add(-72 * time.Hour), ""},
		{"14d", fixedNow.Add(-14 * 24 * time.Hour), ""},
		{"0s", fixedNow, ""},
		{"-3h", time.Time{}, "must not be negative"},
		{"", time.Time{}, "empty"},
		{"2026-13-01", time.Time{}, "want an RFC 3339"},
		{"1999-01-01", time.Time{}, "before GitHub existed"},
		{"2027-01-01", time.Time{}, "in the future"},
		{"99999999d", time.Time{}, "want an RFC 3339"},
	}
	for _, tt := range tests {
		got, err := ParseSince(tt.in, fixedNow)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSince(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseSince(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}
