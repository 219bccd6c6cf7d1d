package ghperm

import "testing"

func TestGrants(t *testing.T) {
	for _, tt := range []struct {
		have, want string
		ok         bool
	}{
		{"read", "read", true},
		{"write", "read", true},
		{"admin", "write", true},
		{"read", "write", false},
		{"write", "admin", false},
		{"", "read", false},
		{"none", "read", false},
		{"admin", "", false},
		{"admin", "owner", false},
	} {
		if got := Grants(tt.have, tt.want); got != tt.ok {
			t.Errorf("Grants(%q, %q) = %v, want %v", tt.have, tt.want, got, tt.ok)
		}
	}
}
