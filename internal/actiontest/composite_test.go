package actiontest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// This file runs action.yml's own steps, read from the file, the way
// GitHub's runner runs a composite action: each step's `if:` is evaluated,
// `${{ }}` expressions in `env:` and `with:` are filled in from the inputs
// and the earlier steps' outputs, `run:` steps run with bash and write
// their outputs to a fresh GITHUB_OUTPUT, and the few actions the composite
// uses are stood in for by what they do to the machine:
//
//   - actions/cache/restore and actions/cache/save keep entries in a
//     directory that outlives one simulated job, keyed and versioned by
//     the paths as the real cache is; an entry can never be overwritten,
//     and trying is the warning the real action prints;
//   - actions/setup-go puts the machine's Go on PATH (a job starts without
//     it, so a step that needs Go without setting it up fails), and with
//     its cache on prints the warning the real one prints when the
//     dependency file is outside the workspace.
//
// A job can be cancelled while a step runs, as GitHub's runner cancels one
// (cancelStep). Only the expression syntax action.yml uses is understood
// (context references, string literals, ==, !=, &&, ||, !, parentheses,
// the status checks always(), cancelled() and success()); anything
// else fails the test, so that a new construct is noticed here.

// compositeStep is one step of action.yml.
type compositeStep struct {
	ID    string            `yaml:"id"`
	Name  string            `yaml:"name"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string          `yaml:"using"`
		Steps []compositeStep `yaml:"steps"`
	} `yaml:"runs"`
}

// actionDir is the action's directory: the module root, where action.yml is.
var actionDir = filepath.Dir(scriptDir)

func readAction(t *testing.T) actionFile {
	t.Helper()
	var a actionFile
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(actionDir, "action.yml"))), &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("action.yml runs using %q, want composite", a.Runs.Using)
	}
	return a
}

// job is one simulated job on a runner: a fresh RUNNER_TEMP (at the same
// path each time, as on GitHub's hosted runners), a PATH without Go, and
// the cache shared by every job of a test.
type job struct {
	t       *testing.T
	action  actionFile
	inputs  map[string]string
	github  map[string]string // github.* contexts (action_ref, token, ...)
	env     []string          // the job's environment before any step
	path    []string          // PATH entries added by steps (GITHUB_PATH)
	temp    string
	cache   *simCache
	dir     string // the action's directory (GITHUB_ACTION_PATH); actionDir if empty
	work    string // the workspace (GITHUB_WORKSPACE), each step's directory; a fresh one if empty
	steps   map[string]stepResult
	log     bytes.Buffer // everything the steps printed
	skipped []string     // names of the steps whose if: was false

	// cancel, when its step is set, cancels the job while that step runs
	// (see cancelStep); cancelled is then true for the steps after it.
	cancel    cancelAt
	cancelled bool
}

// cancelAt says when a simulated job is cancelled: while the step with id
// step runs, once ready says so.
type cancelAt struct {
	step  string
	ready func() bool
}

type stepResult struct {
	outcome string // success, failure or skipped
	outputs map[string]string
}

// simCache is the Actions cache of one repository: entries by key, each
// with the paths it was saved with, in the order they were saved.
type simCache struct {
	dir     string
	entries []simEntry
}

type simEntry struct {
	key   string
	paths []string
	dir   string
}

func newSimCache(t *testing.T) *simCache { return &simCache{dir: t.TempDir()} }

// runUntil runs action.yml's steps in order up to and including the step
// with id last (every step if last is ""), and fails the test if a step
// that ran failed.
func (j *job) runUntil(last string) {
	t := j.t
	t.Helper()
	j.steps = map[string]stepResult{}
	for _, s := range j.action.Runs.Steps {
		// A step without if: runs on success(), as on GitHub.
		cond := "success()"
		if s.If != "" {
			cond = strings.TrimSpace(unwrap(s.If))
		}
		if !truthy(j.eval(cond)) {
			j.skipped = append(j.skipped, s.Name)
			if s.ID != "" {
				j.steps[s.ID] = stepResult{outcome: "skipped"}
			}
		} else {
			res := j.runStep(s)
			if s.ID != "" {
				j.steps[s.ID] = res
			}
			if res.outcome == "cancelled" {
				j.cancelled = true
			} else if res.outcome != "success" {
				t.Fatalf("step %q failed; the job's log:\n%s", s.Name, j.log.String())
			}
		}
		if s.ID == last && last != "" {
			return
		}
	}
	if last == "" {
		return
	}
	t.Fatalf("action.yml has no step with id %q", last)
}

func (j *job) runStep(s compositeStep) stepResult {
	t := j.t
	t.Helper()
	fmt.Fprintf(&j.log, "##[group]%s\n", s.Name)
	with := map[string]string{}
	for k, v := range s.With {
		with[k] = j.interpolate(v)
	}
	switch {
	case s.Run != "":
		return j.runShell(s)
	case strings.HasPrefix(s.Uses, "actions/cache/restore@"):
		return j.cache.restore(j, with)
	case strings.HasPrefix(s.Uses, "actions/cache/save@"):
		return j.cache.save(j, with)
	case strings.HasPrefix(s.Uses, "actions/setup-go@"):
		return j.setupGo(with)
	}
	t.Fatalf("step %q uses %q, which this simulated runner does not know", s.Name, s.Uses)
	return stepResult{}
}

func (j *job) runShell(s compositeStep) stepResult {
	t := j.t
	t.Helper()
	if s.Shell != "bash" {
		t.Fatalf("step %q: shell %q, want bash", s.Name, s.Shell)
	}
	output := filepath.Join(t.TempDir(), "output")
	writeFile(t, output, "")
	env := append([]string{}, j.env...)
	for i, e := range env {
		if strings.HasPrefix(e, "PATH=") && len(j.path) > 0 {
			env[i] = "PATH=" + strings.Join(j.path, string(os.PathListSeparator)) + string(os.PathListSeparator) + e[len("PATH="):]
		}
	}
	dir := j.dir
	if dir == "" {
		dir = actionDir
	}
	env = append(env, "GITHUB_ACTION_PATH="+dir, "RUNNER_TEMP="+j.temp, "GITHUB_OUTPUT="+output, "GITHUB_WORKSPACE="+j.workspace())
	for k, v := range s.Env {
		env = append(env, k+"="+j.interpolate(v))
	}
	// As the runner does: the script in a file, run as
	// bash --noprofile --norc -eo pipefail {0}, so that bash is the
	// step's entry process (not a command bash -c would exec).
	script := filepath.Join(t.TempDir(), "step.sh")
	writeFile(t, script, j.interpolate(s.Run)+"\n")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Dir = j.workspace()
	cmd.Env = env
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	res := stepResult{outcome: "success", outputs: map[string]string{}}
	var err error
	if s.ID != "" && s.ID == j.cancel.step {
		err = j.cancelStep(cmd)
		res.outcome = "cancelled"
	} else if err = cmd.Run(); err != nil {
		res.outcome = "failure"
	}
	j.log.Write(log.Bytes())
	if err != nil {
		fmt.Fprintf(&j.log, "##[error]%v\n", err)
	}
	for _, line := range strings.Split(readFile(t, output), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			res.outputs[k] = v
		}
	}
	return res
}

// workspace is the job's workspace, made on first use.
func (j *job) workspace() string {
	if j.work == "" {
		j.work = j.t.TempDir()
	}
	return j.work
}

// runnerSIGINTGrace and runnerSIGTERMGrace are how long GitHub's runner
// waits after SIGINT, then after SIGTERM, for a cancelled step's entry
// process to exit before it sends the next signal, then kills the process
// tree: 7500 ms and 2500 ms ("Workflow cancellation reference",
// https://docs.github.com/en/actions/reference/workflow-cancellation-reference).
const (
	runnerSIGINTGrace  = 7500 * time.Millisecond
	runnerSIGTERMGrace = 2500 * time.Millisecond
)

// cancelStep runs cmd and cancels it as GitHub's runner cancels a step:
// once j.cancel.ready() is true, SIGINT to the entry process, SIGTERM if it
// has not exited runnerSIGINTGrace later, and runnerSIGTERMGrace after that
// its whole process group is killed. It returns how the process ended.
func (j *job) cancelStep(cmd *exec.Cmd) error {
	t := j.t
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); !j.cancel.ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Fatalf("the step to cancel never got ready: %v", <-done)
		}
	}
	for _, sig := range []struct {
		s     syscall.Signal
		grace time.Duration
	}{{syscall.SIGINT, runnerSIGINTGrace}, {syscall.SIGTERM, runnerSIGTERMGrace}} {
		cmd.Process.Signal(sig.s)
		select {
		case err := <-done:
			return err
		case <-time.After(sig.grace):
		}
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	return <-done
}

// setupGo stands in for actions/setup-go: the machine's Go, at the version
// asked for, goes on PATH.
func (j *job) setupGo(with map[string]string) stepResult {
	t := j.t
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	out, err := exec.Command(goTool, "env", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	if have := strings.TrimPrefix(strings.TrimSpace(string(out)), "go"); with["go-version"] != have {
		t.Skipf("setup-go is asked for Go %q; this machine has %s", with["go-version"], have)
	}
	if with["cache"] != "false" {
		// What setup-go prints when cache-dependency-path is outside the
		// caller's workspace, as it is for an action's own go.sum.
		fmt.Fprintf(&j.log, "::warning::Restore cache failed: Dependencies file is not found in %s. Supported file pattern: go.sum\n", t.TempDir())
	}
	j.path = append(j.path, filepath.Dir(goTool))
	return stepResult{outcome: "success", outputs: map[string]string{"go-version": with["go-version"]}}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func samePaths(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

func (c *simCache) restore(j *job, with map[string]string) stepResult {
	paths, key := lines(with["path"]), with["key"]
	res := stepResult{outcome: "success", outputs: map[string]string{"cache-hit": "false", "cache-primary-key": key}}
	var found *simEntry
	for i := range c.entries {
		if e := &c.entries[i]; e.key == key && samePaths(e.paths, paths) {
			found = e
		}
	}
	if found == nil {
		// A restore key matches by prefix; the newest entry wins.
		for _, prefix := range lines(with["restore-keys"]) {
			for i := len(c.entries) - 1; i >= 0 && found == nil; i-- {
				if e := &c.entries[i]; strings.HasPrefix(e.key, prefix) && samePaths(e.paths, paths) {
					found = e
				}
			}
		}
	}
	if found == nil {
		fmt.Fprintf(&j.log, "Cache not found for input keys: %s\n", strings.Join(append([]string{key}, lines(with["restore-keys"])...), ", "))
		return res
	}
	for i, p := range paths {
		copyTree(j.t, filepath.Join(found.dir, fmt.Sprint(i)), j.abs(p))
	}
	fmt.Fprintf(&j.log, "Cache restored from key: %s\n", found.key)
	res.outputs["cache-matched-key"] = found.key
	if found.key == key {
		res.outputs["cache-hit"] = "true"
	}
	return res
}

func (c *simCache) save(j *job, with map[string]string) stepResult {
	paths, key := lines(with["path"]), with["key"]
	for _, e := range c.entries {
		if e.key == key && samePaths(e.paths, paths) {
			fmt.Fprintf(&j.log, "::warning::Failed to save: Unable to reserve cache with key %s, another job may be creating this cache.\n", key)
			return stepResult{outcome: "success"}
		}
	}
	e := simEntry{key: key, paths: paths, dir: filepath.Join(c.dir, fmt.Sprint(len(c.entries)))}
	for i, p := range paths {
		if _, err := os.Lstat(j.abs(p)); err != nil {
			fmt.Fprintf(&j.log, "::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.\n")
			return stepResult{outcome: "success"}
		}
		copyTree(j.t, j.abs(p), filepath.Join(e.dir, fmt.Sprint(i)))
	}
	c.entries = append(c.entries, e)
	fmt.Fprintf(&j.log, "Cache saved with key: %s\n", key)
	return stepResult{outcome: "success"}
}

// abs is a cache path as actions/cache takes it: relative to the workspace.
func (j *job) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(j.workspace(), p)
}

// copyTree copies a file or directory, keeping modes and keeping symbolic
// links as links (as the cache's tar does).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				return err
			}
			return os.Symlink(target, to)
		case info.IsDir():
			return os.MkdirAll(to, 0o755)
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				return err
			}
			return os.WriteFile(to, data, info.Mode().Perm())
		}
	})
	if err != nil {
		t.Fatalf("copy %s to %s: %v", src, dst, err)
	}
}

// unwrap removes the ${{ }} around an if: (which may be written with or
// without it).
func unwrap(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "${{") && strings.HasSuffix(s, "}}") {
		return s[3 : len(s)-2]
	}
	return s
}

// interpolate fills in each ${{ expression }} of s.
func (j *job) interpolate(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := strings.Index(s[i:], "}}")
		if end < 0 {
			j.t.Fatalf("unterminated expression in %q", s)
		}
		b.WriteString(s[:i])
		b.WriteString(str(j.eval(s[i+3 : i+end])))
		s = s[i+end+2:]
	}
}

// eval evaluates an expression: a string, or a bool for a comparison.
func (j *job) eval(expr string) any {
	p := &exprParser{j: j, toks: tokenize(j.t, expr), expr: expr}
	v := p.or()
	if p.pos != len(p.toks) {
		j.t.Fatalf("expression %q: unexpected %q", expr, p.toks[p.pos])
	}
	return v
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return v != ""
	}
	return false
}

func str(v any) string {
	if b, ok := v.(bool); ok {
		return fmt.Sprint(b)
	}
	return v.(string)
}

func tokenize(t *testing.T, s string) []string {
	t.Helper()
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case unicode.IsSpace(rune(c)):
			i++
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				t.Fatalf("unterminated string in %q", s)
			}
			toks = append(toks, s[i:i+end+2])
			i += end + 2
		case strings.HasPrefix(s[i:], "==") || strings.HasPrefix(s[i:], "!=") || strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||"):
			toks = append(toks, s[i:i+2])
			i += 2
		case c == '!' || c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(s) && (s[j] == '.' || s[j] == '-' || s[j] == '_' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			if j == i {
				t.Fatalf("expression %q: unexpected %q", s, s[i:])
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

type exprParser struct {
	j    *job
	toks []string
	pos  int
	expr string
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) or() any {
	v := p.and()
	for p.peek() == "||" {
		p.pos++
		r := p.and()
		if !truthy(v) {
			v = r
		}
	}
	return v
}

func (p *exprParser) and() any {
	v := p.cmp()
	for p.peek() == "&&" {
		p.pos++
		r := p.cmp()
		if truthy(v) {
			v = r
		}
	}
	return v
}

func (p *exprParser) cmp() any {
	v := p.unary()
	if op := p.peek(); op == "==" || op == "!=" {
		p.pos++
		r := p.unary()
		// GitHub compares strings ignoring case.
		eq := strings.EqualFold(str(v), str(r))
		return eq == (op == "==")
	}
	return v
}

func (p *exprParser) unary() any {
	if p.peek() == "!" {
		p.pos++
		return !truthy(p.unary())
	}
	return p.primary()
}

func (p *exprParser) primary() any {
	t := p.j.t
	tok := p.peek()
	p.pos++
	switch {
	case tok == "(":
		v := p.or()
		if p.peek() != ")" {
			t.Fatalf("expression %q: missing )", p.expr)
		}
		p.pos++
		return v
	case strings.HasPrefix(tok, "'"):
		return tok[1 : len(tok)-1]
	case tok == "true" || tok == "false":
		return tok == "true"
	case p.peek() == "(":
		// A status check function: always(), cancelled(), success().
		p.pos++
		if p.peek() != ")" {
			t.Fatalf("expression %q: the simulated runner knows only functions without arguments", p.expr)
		}
		p.pos++
		switch tok {
		case "always":
			return true
		case "cancelled":
			return p.j.cancelled
		case "success":
			return !p.j.cancelled
		}
		t.Fatalf("expression %q: the simulated runner does not know %s()", p.expr, tok)
	}
	return p.j.context(tok)
}

// context resolves a context reference: inputs.*, github.*, runner.*,
// steps.<id>.outputs.<name> and steps.<id>.outcome.
func (j *job) context(ref string) string {
	t := j.t
	parts := strings.Split(ref, ".")
	switch {
	case len(parts) == 2 && parts[0] == "inputs":
		if v, ok := j.inputs[parts[1]]; ok {
			return v
		}
		in, ok := j.action.Inputs[parts[1]]
		if !ok {
			t.Fatalf("action.yml refers to an input %q it does not declare", parts[1])
		}
		return in.Default
	case len(parts) == 2 && parts[0] == "github":
		return j.github[parts[1]]
	case len(parts) == 2 && parts[0] == "runner" && parts[1] == "temp":
		return j.temp
	case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
		return j.steps[parts[1]].outputs[parts[3]]
	case len(parts) == 3 && parts[0] == "steps" && parts[2] == "outcome":
		return j.steps[parts[1]].outcome
	}
	t.Fatalf("the simulated runner does not know the expression %q", ref)
	return ""
}
