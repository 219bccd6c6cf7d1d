package config

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLongValuesAreClipped: an error repeats at most the first echoLimit
// characters of a bad value, wherever the value is, so that a pasted blob
// does not become a line of megabytes.
func TestLongValuesAreClipped(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	// YAML allows no simple key over 1024 characters.
	longKey := strings.Repeat("k", 1000)
	tests := []struct {
		name, input, wantErr string
	}{
		{"role", "defaults:\n  role: " + huge + "\n", `c.yml:2: defaults.role: "xxxxxxxxxx`},
		{"team", "defaults:\n  teams: [" + huge + "]\n", `is not a team slug`},
		{"exclude", "defaults:\n  exclude: [\"a/" + huge + "\"]\n", `a pattern may not contain /`},
		{"repo pattern", "defaults:\n  repos:\n    include: [\"[" + huge + "\"]\n", `is not a valid pattern`},
		{"unknown key", "defaults:\n  " + longKey + ": 1\n", `c.yml:2: defaults.kkkkkkkkkk`},
		{"org login", "orgs:\n  " + longKey + ": {}\n", `is not a GitHub organization login`},
		{"number", "defaults:\n  role: 1." + strings.Repeat("0", 1<<20) + "\n", `want a string, found the number 1.000`},
		{"bool wanted", "defaults:\n  repos:\n    skip_forks: " + huge + "\n", `want true or false, found "xxxx`},
		{"duration", "defaults:\n  overlap: " + huge + "\n", `is not a duration such as 90m`},
		{"negative duration", "defaults:\n  overlap: -" + strings.Repeat("0", 1<<20) + "1h\n", `must not be negative`},
		{"template", "defaults:\n  comment:\n    template: \"{{." + huge + "}}\"\n", `executing "comment" at <.xxxx`},
		{"template syntax", "defaults:\n  comment:\n    template: \"{{" + huge + "}}\"\n", `defaults.comment.template: template: comment:1: function "xxxx`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.input), "c.yml", sample)
			if err == nil {
				t.Fatalf("Parse succeeded, want an error containing %q", tt.wantErr)
			}
			msg := err.Error()
			if len(msg) > 600 {
				t.Errorf("error is %d bytes long: %.300s…", len(msg), msg)
			}
			if !strings.Contains(msg, tt.wantErr) {
				t.Errorf("error %.600q\nwant it to contain %q", msg, tt.wantErr)
			}
		})
	}
}

func TestClip(t *testing.T) {
	short := strings.Repeat("é", echoLimit)
	if got := clip(short); got != short {
		t.Errorf("clip of %d characters changed it: %q", echoLimit, got)
	}
	if got, want := quote("a\"b"), `"a\"b"`; got != want {
		t.Errorf("quote = %s, want %s", got, want)
	}
	long := short + "tail"
	got := clip(long)
	want := short + "… (" + "204 bytes)"
	if got != want {
		t.Errorf("clip = %q, want %q", got, want)
	}
	if !utf8.ValidString(clip(strings.Repeat("日本", 80))) {
		t.Errorf("clip cut a character in two")
	}
	if got, want := quote(long), `"`+short+`"… (204 bytes)`; got != want {
		t.Errorf("quote = %q, want %q", got, want)
	}
}
