package cmd

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/python-trio/snekomatic/demo"
	"github.com/python-trio/snekomatic/internal/fakegithub"
)

// `snekomatic fake-github` serves the fake the tests use, on a port, with
// a world read from a file: to try a workflow, a configuration or a
// backfill with --api-url before trusting snekomatic with real credentials,
// or to reproduce a bug report.

// FakeGitHubOptions are the parsed and validated inputs of
// `snekomatic fake-github`.
type FakeGitHubOptions struct {
	// WorldPath is the world file ("": the demo's sample organization).
	WorldPath string
	World     *fakegithub.World
	// Addr is the address to listen on.
	Addr string
	// KeysDir is where the Apps' private keys are written ("": a
	// temporary directory); they are removed when the server stops.
	KeysDir string

	Deps *Deps
	// ready, if set, is called with the server's root URL once it serves
	// (for tests, which listen on a free port).
	ready func(url string)
}

// NewCmdFakeGitHub builds `snekomatic fake-github`. runF replaces the run
// function in tests; nil means fakeGitHubRun.
func NewCmdFakeGitHub(d *Deps, runF func(context.Context, *FakeGitHubOptions) error) *cobra.Command {
	o := &FakeGitHubOptions{Deps: d}
	c := &cobra.Command{
		Use:   "fake-github",
		Short: "Serve a fake GitHub (REST and GraphQL) with a world read from a file, for trying snekomatic safely",
		Long: `Serves the in-memory fake GitHub that snekomatic's own tests use, with the
organizations, people, pull requests, tokens and faults of a world file
(YAML or JSON; see docs/fake-github.md). It prints the REST and GraphQL URLs
and a token to use, and logs every request to stderr. Point snekomatic at it
with --api-url; nothing reaches GitHub. The world lives in memory: stop the
server (Ctrl-C) and it is gone.

Without --world it serves the sample organization of 'snekomatic demo'.`,
		Example: `  snekomatic fake-github --world examples/world.yaml --addr 127.0.0.1:8080
  GITHUB_TOKEN=ghp_fakeOwnerToken snekomatic reconcile --org acme \
    --api-url http://127.0.0.1:8080/api/v3/ --state /tmp/state.json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.complete(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(c.Context(), o)
			}
			return fakeGitHubRun(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.WorldPath, "world", "", "world file, YAML or JSON (default: the sample organization of 'snekomatic demo')")
	f.StringVar(&o.Addr, "addr", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	f.StringVar(&o.KeysDir, "keys-dir", "", "directory for the private keys of the world's Apps (default: a temporary one); removed on exit")
	return c
}

func (o *FakeGitHubOptions) complete(c *cobra.Command) error {
	if c.Flags().Changed("world") && o.WorldPath == "" {
		return usagef("--world must not be empty")
	}
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return usagef("--addr %q is not host:port (such as 127.0.0.1:8080)", o.Addr)
	}
	if o.WorldPath == "" {
		o.World = demo.World(demo.DefaultOrg, nil)
		return nil
	}
	w, err := fakegithub.LoadWorld(o.WorldPath)
	if err != nil {
		return &UsageError{err}
	}
	o.World = w
	return nil
}

func fakeGitHubRun(ctx context.Context, o *FakeGitHubOptions) error {
	d := o.Deps
	if d.logs == nil || (!d.logs.verbose && d.logs.level == "") {
		// The request log is what this server is for: shown unless asked
		// for less.
		shown := *d
		shown.logs = &logOptions{level: "info"}
		d = &shown
	}
	log := newLogger(d)
	l, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.Addr, err)
	}
	gh := fakegithub.NewServerOn(l)
	defer gh.Close()
	gh.SetClock(d.Now)
	// The logger goes first so that it is outermost and also sees the
	// requests the world's faults answer.
	gh.Use(requestLogger(log))
	built, err := gh.AddWorld(o.World, d.Now().UTC())
	if err != nil {
		return err
	}
	keys, err := writeAppKeys(o, built, log)
	if err != nil {
		return err
	}
	defer keys.remove()
	tokens := built.Tokens
	if len(tokens) == 0 {
		tok, err := randomToken()
		if err != nil {
			return err
		}
		gh.AddToken(tok)
		tokens = []fakegithub.WorldToken{{Value: tok, User: fakegithub.DefaultTokenOwner}}
	}

	out := d.Stdout
	src := o.WorldPath
	if src == "" {
		src = "the demo's sample organization"
	}
	fmt.Fprintf(out, "Fake GitHub serving %s at %s (in memory; not GitHub: nothing leaves this machine)\n", src, gh.URL())
	fmt.Fprintf(out, "  REST API:  %s\n", gh.RESTURL())
	fmt.Fprintf(out, "  GraphQL:   %s\n", gh.GraphQLURL())
	for _, t := range tokens {
		fmt.Fprintf(out, "  token:     %s  (user %s%s)\n", t.Value, t.User, tokenScope(o.World, t))
	}
	printApps(out, built.Apps, keys)
	org := demo.DefaultOrg
	if len(o.World.Orgs) > 0 {
		org = o.World.Orgs[0].Login
	}
	fmt.Fprintf(out, "Try:\n  GITHUB_TOKEN=%s snekomatic reconcile --org %s --api-url %s --state fake-state.json\n",
		tokens[0].Value, org, gh.RESTURL())
	printAppMode(out, built.Apps, keys, gh.RESTURL())
	fmt.Fprintf(out, "Every request is logged to stderr. Stop with Ctrl-C.\n")
	if o.ready != nil {
		o.ready(gh.URL())
	}
	// Ctrl-C closes the gate at once (a run's context ends only after a
	// grace for the requests in flight, which a server need not wait for).
	var interrupted <-chan struct{}
	if d.gate != nil {
		interrupted = d.gate.stopped()
	}
	select {
	case <-ctx.Done():
	case <-interrupted:
	}
	return nil
}

// tokenScope says what a token's user owns, so the user knows whether it
// can invite (only organization owners can).
func tokenScope(w *fakegithub.World, t fakegithub.WorldToken) string {
	var owns []string
	for _, o := range w.Orgs {
		if slices.ContainsFunc(o.Members, func(m fakegithub.WorldMember) bool {
			return strings.EqualFold(m.Login, t.User) && m.Role == "admin"
		}) {
			owns = append(owns, o.Login)
		}
	}
	s := ", owner of no organization: it cannot invite"
	if len(owns) > 0 {
		s = ", owner of " + strings.Join(owns, ", ")
	}
	if len(t.Orgs) > 0 {
		s += "; limited to " + strings.Join(t.Orgs, ", ")
	}
	return s
}

func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return "ghp_fake" + hex.EncodeToString(b), nil
}

// requestLogger logs each request once it is answered: method, path,
// status, kind and, for GraphQL, the top-level fields and variables. The
// token is never logged.
func requestLogger(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			attrs := []any{"method", r.Method, "path", r.URL.Path}
			if r.URL.RawQuery != "" {
				attrs = append(attrs, "query", r.URL.RawQuery)
			}
			attrs = append(attrs, "kind", fakegithub.KindOf(r).String())
			if fakegithub.KindOf(r) == fakegithub.KindGraphQL && r.Body != nil {
				body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
				r.Body = io.NopCloser(bytes.NewReader(body))
				attrs = append(attrs, graphQLAttrs(body)...)
			}
			sw := &fakegithub.StatusWriter{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					// A hung-response fault drops the connection by panicking
					// with http.ErrAbortHandler; log it, then let it through.
					log.Info("request", append(attrs, "status", "no answer (connection dropped)")...)
					panic(p)
				}
				log.Info("request", append(attrs, "status", sw.Status())...)
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// graphQLAttrs describes a GraphQL request body for the log.
func graphQLAttrs(body []byte) []any {
	var req struct {
		Query     string          `json:"query"`
		Variables json.RawMessage `json:"variables"`
	}
	if json.Unmarshal(body, &req) != nil {
		return nil
	}
	var attrs []any
	if doc, err := parser.ParseQuery(&ast.Source{Input: req.Query}); err == nil {
		var fields []string
		for _, op := range doc.Operations {
			for _, sel := range op.SelectionSet {
				if f, ok := sel.(*ast.Field); ok {
					fields = append(fields, f.Name)
				}
			}
		}
		attrs = append(attrs, "fields", strings.Join(fields, ","))
	}
	if len(req.Variables) > 0 && string(req.Variables) != "null" {
		var compact bytes.Buffer
		if json.Compact(&compact, req.Variables) == nil {
			attrs = append(attrs, "variables", compact.String())
		}
	}
	return attrs
}

// The Apps of a `snekomatic fake-github` world: their private keys are
// written to files for the session to read, and the banner says how to run
// snekomatic in App mode with them.

// appKeys are the key files of the world's Apps (none: a nil files).
type appKeys struct {
	files *fakegithub.AppKeyFiles
	log   *slog.Logger
}

func writeAppKeys(o *FakeGitHubOptions, built *fakegithub.Built, log *slog.Logger) (appKeys, error) {
	if len(built.Apps) == 0 {
		return appKeys{}, nil
	}
	f, err := fakegithub.WriteAppKeys(o.KeysDir, built.Apps)
	if err != nil {
		return appKeys{}, err
	}
	return appKeys{files: f, log: log}, nil
}

func (k appKeys) remove() {
	if k.files == nil {
		return
	}
	if err := k.files.Remove(); err != nil {
		k.log.Warn("could not remove the Apps' private keys", "err", err)
	}
}

// printApps adds the Apps to the banner: each App, its key file and its
// installations.
func printApps(out io.Writer, apps []fakegithub.BuiltApp, keys appKeys) {
	for _, a := range apps {
		fmt.Fprintf(out, "  App:       %d %s (%q), bot %s\n", a.App.ID, a.App.Slug, a.App.Name, a.App.BotLogin)
		fmt.Fprintf(out, "    private key: %s (removed on exit)\n", keys.files.Paths[a.App.ID])
		for _, in := range a.Installations {
			fmt.Fprintf(out, "    installed on %s: %s\n", in.Account, permissionList(in.Permissions))
		}
	}
}

// printAppMode says how to run snekomatic in App mode with the first App.
func printAppMode(out io.Writer, apps []fakegithub.BuiltApp, keys appKeys, restURL string) {
	if len(apps) == 0 {
		return
	}
	a := apps[0]
	env := fmt.Sprintf("GITHUB_APP_ID=%d GITHUB_APP_PRIVATE_KEY_FILE=%s GITHUB_API_URL=%s", a.App.ID, keys.files.Paths[a.App.ID], restURL)
	fmt.Fprintf(out, "Try App mode (every organization App %d is installed on, each with its own .github/snekomatic.yml):\n", a.App.ID)
	fmt.Fprintf(out, "  %s snekomatic doctor --state fake-state.json\n", env)
	fmt.Fprintf(out, "  %s snekomatic reconcile --dry-run --state fake-state.json\n", env)
}

func permissionList(p map[string]string) string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, n := range names {
		names[i] = n + ": " + p[n]
	}
	return strings.Join(names, ", ")
}
