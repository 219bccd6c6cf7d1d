package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLoadOrDefault: the file named, else DefaultPath when it is there,
// else none; a named file that is missing is an error.
func TestLoadOrDefault(t *testing.T) {
	t.Chdir(t.TempDir())
	path, f, err := LoadOrDefault("", false, nil)
	if err != nil || path != "" || f == nil || len(f.OrgOrder) != 0 {
		t.Fatalf("no file: %q %+v %v", path, f, err)
	}
	if err := os.MkdirAll(filepath.Dir(DefaultPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(DefaultPath, []byte("orgs:\n  trio: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, f, err = LoadOrDefault("", false, nil)
	if err != nil || path != DefaultPath || len(f.OrgOrder) != 1 {
		t.Fatalf("default file: %q %+v %v", path, f, err)
	}
	if _, _, err := LoadOrDefault("missing.yml", true, nil); err == nil {
		t.Fatal("a named file that is missing must be an error")
	}
}
