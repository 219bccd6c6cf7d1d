package actiontest

import "testing"

type recordTB struct{ fatal, skip bool }

func (r *recordTB) Helper()      {}
func (r *recordTB) Fatal(...any) { r.fatal = true }
func (r *recordTB) Skip(...any)  { r.skip = true }

// A missing program fails the tests under CI and skips them elsewhere.
func TestMissingToolFailsUnderCI(t *testing.T) {
	for _, tt := range []struct {
		ci          string
		fatal, skip bool
	}{{"true", true, false}, {"", false, true}} {
		r := &recordTB{}
		missingTool(r, func(k string) string {
			if k == "CI" {
				return tt.ci
			}
			return ""
		}, "jq is not installed")
		if r.fatal != tt.fatal || r.skip != tt.skip {
			t.Errorf("CI=%q: fatal %v skip %v, want %v %v", tt.ci, r.fatal, r.skip, tt.fatal, tt.skip)
		}
	}
}
