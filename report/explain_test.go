package report

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/python-trio/snekomatic/reconcile"
)

// statusErr stands for ghapi.StatusError: an answer's status as a value.
type statusErr int

func (e statusErr) Error() string   { return fmt.Sprintf("GitHub answered %d", int(e)) }
func (e statusErr) HTTPStatus() int { return int(e) }

func TestExplainByTypeNotText(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		err      error
		wantCode int
		want     string
	}{
		{"no URL", fmt.Errorf("search: %w", &url.Error{Op: "Post", URL: "https://api.github.com/graphql", Err: fmt.Errorf("connection reset")}),
			ExitError, "search: connection reset"},
		{"401 as a value", fmt.Errorf("search: %w", statusErr(401)), ExitAuth, "GitHub refused the token from GH_TOKEN (401 Unauthorized)"},
		{"403 as a value", fmt.Errorf("invite a: %w", statusErr(403)), ExitError, "lacks a permission in trio; snekomatic doctor --org trio says which"},
		{"revoked mid-run", reconcile.Terminal(fmt.Errorf("%w: x", reconcile.ErrCredentialsRefused)), ExitAuth, "GitHub refused the token"},
		{"interrupted", fmt.Errorf("x: %w", context.Canceled), ExitInterrupted, "interrupted"},
	}
	for _, tt := range tests {
		f := Explain(ctx, tt.err, "trio", Auth{TokenVar: "GH_TOKEN"})
		if f.Code != tt.wantCode || !strings.Contains(f.Msg, tt.want) || strings.Contains(f.Msg, "https://") {
			t.Errorf("%s: %d %q, want %d and %q", tt.name, f.Code, f.Msg, tt.wantCode, tt.want)
		}
		if len(f.Msg) > 160 {
			t.Errorf("%s: %d characters: %s", tt.name, len(f.Msg), f.Msg)
		}
	}
}

func TestSayOnceAndCount(t *testing.T) {
	fs := SayOnce([]Failure{{Org: "a", Msg: "x", Code: ExitInterrupted}, {Org: "b", Msg: "x", Code: ExitInterrupted}, {Org: "a", Msg: "y", Code: ExitError}, {Org: "a", Msg: "y", Code: ExitError}})
	if len(fs) != 2 || fs[0].Line() != "x" || fs[1].Line() != "a: y" || ExitCode(fs) != ExitInterrupted {
		t.Errorf("%+v", fs)
	}
	o := NewOrg(&reconcile.Report{Queued: []reconcile.Entry{{}, {}}}, []string{"e"})
	if n := Count(o); n.Queued != 2 || n.Errors != 1 {
		t.Errorf("%+v", n)
	}
}
