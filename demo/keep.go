package demo

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
)

// CheckKeep refuses, before anything runs, a --keep directory that already
// holds one of the demo's files (rather than overwrite an earlier demo's,
// or anybody's) or that is not a directory. A directory that does not
// exist yet is fine: the demo creates it.
func CheckKeep(dir string) error {
	for _, name := range []string{StateFile, LogFile, RunLog} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("--keep %s: %s already exists; choose another directory or remove it", dir, p)
		}
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("--keep %s is not a directory", dir)
	}
	return nil
}

// Env is the whole environment the demo's runs see: the user's own
// GITHUB_TOKEN or App credentials must never be picked up (nor GitHub
// Actions' step summary written).
func Env(key string) string {
	if key == "GITHUB_TOKEN" {
		return Token
	}
	return ""
}

// Transport never uses a proxy: the fake is on 127.0.0.1 and the demo
// promises that nothing leaves the machine.
func Transport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	return t
}
