package actiontest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/python-trio/snekomatic/internal/testbin"
)

// cleanup lists directories made for the whole package, removed by TestMain.
var cleanup []string

func TestMain(m *testing.M) {
	code := m.Run()
	testbin.Remove()
	for _, dir := range cleanup {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// scriptDir is the action's script directory, action/ at the module root.
var scriptDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "action")
}()

// needTools skips the test unless every named program is on PATH. Under
// CI (CI=true, as GitHub Actions and .ci/run's callers set) a missing
// program fails the test instead: there a skip would hide that the action's
// scripts were never tested.
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			missingTool(t, os.Getenv, fmt.Sprintf("%s is not installed: the action's shell steps need it (GitHub's runners have it)", n))
		}
	}
}

// skipper is the part of testing.TB that missingTool uses.
type skipper interface {
	Helper()
	Fatal(args ...any)
	Skip(args ...any)
}

// missingTool skips, or fails under CI.
func missingTool(t skipper, getenv func(string) string, why string) {
	t.Helper()
	if getenv("CI") == "true" {
		t.Fatal(why + " (CI=true: not skipping)")
		return
	}
	t.Skip(why)
}

// identity is who the tests' own commits are by. The scripts run without
// it, so that the action's default identity is what they use.
var identity = []string{
	"GIT_AUTHOR_NAME=Test Person", "GIT_AUTHOR_EMAIL=test@example.com",
	"GIT_COMMITTER_NAME=Test Person", "GIT_COMMITTER_EMAIL=test@example.com",
}

// baseEnv is a clean environment: PATH and a private HOME, no git
// configuration from the machine, and nothing of the test process's own
// (which, under Actions, holds GITHUB_* variables and maybe a token).
func baseEnv(t *testing.T) []string {
	t.Helper()
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
		"GIT_TERMINAL_PROMPT=0",
		// A test's plain directory must not be taken for part of a
		// repository that happens to enclose the temp directory.
		"GIT_CEILING_DIRECTORIES=" + os.TempDir(),
		"LC_ALL=C",
		"TZ=UTC",
	}
}

// git runs git in dir as the test person and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitErr(t, dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func gitErr(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(baseEnv(t), identity...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// repo is a bare remote with one commit on main, and a shallow clone of it
// standing in for the runner's checkout.
type repo struct {
	remote string // the bare repository
	url    string // file:// URL of remote (a shallow clone needs one)
	work   string // the checkout the scripts run in
}

// template is a repo made once and copied for each test, which is faster
// than making each from scratch.
var template struct {
	once sync.Once
	root string
	err  error
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	needTools(t, "git", "bash")
	template.once.Do(func() {
		template.root, template.err = makeTemplate(t)
	})
	if template.err != nil {
		t.Fatalf("make the template repository: %v", template.err)
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(template.root)); err != nil {
		t.Fatalf("copy the template repository: %v", err)
	}
	r := &repo{remote: filepath.Join(root, "remote.git"), work: filepath.Join(root, "work")}
	r.url = "file://" + filepath.ToSlash(r.remote)
	git(t, r.work, "remote", "set-url", "origin", r.url)
	return r
}

// makeTemplate makes a bare remote with one commit on main and a shallow
// clone of it, in a directory that TestMain removes.
func makeTemplate(t *testing.T) (string, error) {
	root, err := os.MkdirTemp("", "snekomatic-actiontest-repo-")
	if err != nil {
		return "", err
	}
	cleanup = append(cleanup, root)
	remote := filepath.Join(root, "remote.git")
	url := "file://" + filepath.ToSlash(remote)
	seed := filepath.Join(t.TempDir(), "seed")
	steps := [][]string{
		{root, "init", "--quiet", "--bare", "--initial-branch=main", remote},
		{root, "clone", "--quiet", url, seed},
		{seed, "add", "README.md"},
		{seed, "commit", "--quiet", "-m", "first"},
		{seed, "push", "--quiet", "origin", "HEAD:refs/heads/main"},
		{root, "clone", "--quiet", "--depth=1", "--branch=main", url, filepath.Join(root, "work")},
	}
	for i, s := range steps {
		if i == 2 {
			writeFile(t, filepath.Join(seed, "README.md"), "# the organization's repository\n")
		}
		if out, err := gitErr(t, s[0], s[1:]...); err != nil {
			return "", fmt.Errorf("git %s: %v\n%s", strings.Join(s[1:], " "), err, out)
		}
	}
	return root, nil
}

// pushFromElsewhere commits files in another clone and pushes them to main,
// as a person (or another workflow) would during a run.
func (r *repo) pushFromElsewhere(t *testing.T, files map[string]string) {
	t.Helper()
	other := filepath.Join(t.TempDir(), "other")
	git(t, filepath.Dir(other), "clone", "--quiet", r.url, other)
	for name, content := range files {
		writeFile(t, filepath.Join(other, name), content)
		git(t, other, "add", name)
	}
	git(t, other, "commit", "--quiet", "-m", "a change made elsewhere")
	git(t, other, "push", "--quiet", "origin", "HEAD:refs/heads/main")
}

// commitInWork commits a file in the checkout and pushes it, as if an
// earlier run had.
func (r *repo) commitInWork(t *testing.T, name, content string) {
	t.Helper()
	writeFile(t, filepath.Join(r.work, name), content)
	git(t, r.work, "add", name)
	git(t, r.work, "commit", "--quiet", "-m", "add "+name)
	git(t, r.work, "push", "--quiet", "origin", "HEAD:refs/heads/main")
}

// remoteHead is main's commit on the remote.
func (r *repo) remoteHead(t *testing.T) string {
	t.Helper()
	return git(t, r.remote, "rev-parse", "refs/heads/main")
}

// remoteFile is a file's content on the remote's main, or "" with ok false.
func (r *repo) remoteFile(t *testing.T, name string) (string, bool) {
	t.Helper()
	out, err := gitErr(t, r.remote, "show", "refs/heads/main:"+name)
	if err != nil {
		return "", false
	}
	return out + "\n", true
}

// runner is what GitHub's runner gives a step: its files and temp dir.
type runner struct {
	temp, output, summary string
}

func newRunner(t *testing.T) *runner {
	t.Helper()
	dir := t.TempDir()
	r := &runner{temp: filepath.Join(dir, "tmp"), output: filepath.Join(dir, "output"), summary: filepath.Join(dir, "summary.md")}
	if err := os.Mkdir(r.temp, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{r.output, r.summary} {
		writeFile(t, f, "")
	}
	return r
}

func (rn *runner) env() []string {
	return []string{"RUNNER_TEMP=" + rn.temp, "GITHUB_OUTPUT=" + rn.output, "GITHUB_STEP_SUMMARY=" + rn.summary, "GITHUB_ACTIONS=true"}
}

// outputs reads the step outputs written so far (name=value lines; the
// last value of a name wins), then clears the file for the next step.
func (rn *runner) outputs(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(rn.output)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			out[k] = v
		}
	}
	writeFile(t, rn.output, "")
	return out
}

func (rn *runner) summaryText(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(rn.summary)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// result is how a script ended.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// runScript runs action/<name> with bash in dir, with exactly env.
func runScript(t *testing.T, dir, name string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(scriptDir, name)}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", name, err)
	}
	return res
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
