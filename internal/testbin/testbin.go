// Package testbin builds the snekomatic binary, once per test process, for
// the tests and benchmarks that run the real thing (cmd's crash and
// secrets tests, the Action's end-to-end tests, the benchmark).
//
// What it may touch: runs `go build` into a temporary directory; tests only.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// Path builds cmd/snekomatic the first time it is called and returns the
// binary's path; a build that failed fails every call, with go's output.
func Path() (string, error) {
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "snekomatic-bin-")
		if err != nil {
			build.err = err
			return
		}
		build.dir = dir
		bin := filepath.Join(dir, "snekomatic")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/python-trio/snekomatic/cmd/snekomatic").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("build snekomatic: %v\n%s", err, out)
			return
		}
		build.path = bin
	})
	return build.path, build.err
}

// Remove removes the binary built, if any: for a TestMain, after the
// tests.
func Remove() {
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
}
