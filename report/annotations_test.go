package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/python-trio/snekomatic/internal/ghactions"
	"github.com/python-trio/snekomatic/reconcile"
)

func TestWriteAnnotations(t *testing.T) {
	var b bytes.Buffer
	WriteAnnotations(&b, sampleRun(false))
	want := strings.Join([]string{
		"::warning title=snekomatic%3A trio-archive::not reconciled: the App lacks Members: read and write; an owner can grant it under the installation's settings",
		"::warning title=snekomatic%3A python-trio::GitHub's invitation limit for the organization was reached; the rest wait in the queue",
		"::warning title=snekomatic%3A python-trio::2 people wait in the queue for the next run (dave, erin): --max-invites 2 reached for this run",
		"::warning title=snekomatic%3A python-trio::1 person waits in the queue for the next run (frank): membership could not be checked: GET https://api.github.com/orgs/python-trio/memberships/frank: 502 | <b>bad gateway</b>",
		"",
	}, "\n")
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}

	b.Reset()
	WriteAnnotations(&b, sampleRun(true))
	if !strings.Contains(b.String(), "::warning title=snekomatic%3A python-trio (dry run)::2 people would wait in the queue") {
		t.Errorf("dry-run annotations do not say so:\n%s", b.String())
	}
}

func TestWriteAnnotationsNamesAFewOfALongQueue(t *testing.T) {
	r := &reconcile.Report{Org: "big"}
	for i := range 8 {
		r.Queued = append(r.Queued, reconcile.Entry{Login: fmt.Sprintf("u%d", i), Reason: "--max-invites 0 reached for this run"})
	}
	var b bytes.Buffer
	WriteAnnotations(&b, &Run{Orgs: []*Org{NewOrg(r, nil)}})
	want := "::warning title=snekomatic%3A big::8 people wait in the queue for the next run (u0, u1, u2, u3, u4 and 3 more): --max-invites 0 reached for this run\n"
	if got := b.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// A message can neither end its command early nor start a command of its
// own: GitHub's runner splits on "::" only before the message, and reads
// one command per line.
func TestWorkflowCommandEscaping(t *testing.T) {
	for _, tc := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100% done", "100%25 done", "100%25 done"},
		{"%0A is not a newline", "%250A is not a newline", "%250A is not a newline"},
		{"line1\nline2\r\n", "line1%0Aline2%0D%0A", "line1%0Aline2%0D%0A"},
		{"a: b, c", "a: b, c", "a%3A b%2C c"},
		{"x\n::error::injected", "x%0A::error::injected", "x%0A%3A%3Aerror%3A%3Ainjected"},
	} {
		if got := ghactions.EscapeData(tc.in); got != tc.data {
			t.Errorf("ghactions.EscapeData(%q) = %q, want %q", tc.in, got, tc.data)
		}
		if got := ghactions.EscapeProperty(tc.in); got != tc.prop {
			t.Errorf("ghactions.EscapeProperty(%q) = %q, want %q", tc.in, got, tc.prop)
		}
	}

	var b bytes.Buffer
	r := &reconcile.Report{Org: "o", Warnings: []string{"evil\n::error::injected"}}
	WriteAnnotations(&b, &Run{Orgs: []*Org{NewOrg(r, nil)}})
	if lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n"); len(lines) != 1 {
		t.Errorf("one warning became %d lines: %q", len(lines), lines)
	}
}
