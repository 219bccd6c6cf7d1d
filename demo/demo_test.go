package demo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keepFiles writes all of its files or none: one that appeared meanwhile
// is left alone, and the ones written before it are taken back.
func TestKeepFilesIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "b"), []byte("someone else's"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := keepFiles(dir, map[string][]byte{"a": []byte("1"), "b": []byte("2"), "c": []byte("3")})
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("error %v, want one about b", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left: %v, want only b", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b")); string(b) != "someone else's" {
		t.Errorf("b was changed: %q", b)
	}
}
