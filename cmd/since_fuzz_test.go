package cmd

import (
	"strings"
	"testing"
)

// FuzzParseSince checks that --since either gives a one-line error naming
// the flag or a time that is not after now.
func FuzzParseSince(f *testing.F) {
	for _, s := range []string{"2026-11-01T12:00:00Z", "2026-11-01", "72h", "14d", "-3h", "", "99999999999d", "1e9h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseSince(s, fixedNow)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--since") || strings.Contains(err.Error(), "\n") && !strings.Contains(s, "\n") {
				t.Fatalf("error %q does not name --since on one line", err)
			}
			return
		}
		if got.After(fixedNow) || got.Year() < 2008 {
			t.Fatalf("ParseSince(%q) = %v", s, got)
		}
	})
}
