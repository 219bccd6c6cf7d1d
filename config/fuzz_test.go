package config

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: whatever the file holds, Parse returns a policy or an *Error
// of one line that does not repeat more than a bounded part of the file.
func FuzzParse(f *testing.F) {
	f.Add(full)
	f.Add("defaults:\n  role: owner\n")
	f.Add("defaults:\n  \"a\\nb\": 1\n")
	f.Add("orgs:\n  \"x\\ny\": {}\n")
	f.Add("defaults:\n  lookback: \"0\\nh\"\n")
	f.Add("defaults:\n  repos:\n    skip_forks: !!bool \"a\\nb\"\n")
	f.Add("defaults:\n  comment:\n    template: \"{{.X}}\\n\"\n")
	f.Fuzz(func(t *testing.T, input string) {
		_, err := Parse(strings.NewReader(input), "c.yml", sample)
		if err == nil {
			return
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("error %T %q is not an *Error", err, err)
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r") {
			t.Errorf("error is not one line: %q", msg)
		}
		if len(msg) > 2000 {
			t.Errorf("error is %d bytes long", len(msg))
		}
	})
}
