//go:build linux

package bench

// The state file's costs as the number of remembered people grows: load,
// save, size and memory in process, and the CPU and peak memory of the real
// binary on a no-op run, on `state show`, and on backfills of growing size.
// The binary runs as a child process so that its CPU time and peak resident
// memory (getrusage) are its own, not the in-process fake's. Run with:
//
//	go test ./internal/bench -run '^$' -bench 'State' -benchtime 1x
//
// BENCHMARKS.md ("The state file") records the numbers.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	jsonexp "github.com/go-json-experiment/json"

	"github.com/python-trio/snekomatic/internal/fakegithub"
	"github.com/python-trio/snekomatic/internal/testbin"
	"github.com/python-trio/snekomatic/state"
)

// stateSizes are the numbers of people measured; CI's -short run keeps to
// the smallest, so that the benchmark cannot rot without slowing CI.
func stateSizes() []int {
	if testing.Short() {
		return []int{10_000}
	}
	return []int{10_000, 100_000}
}

// rememberedState is an organization that has been using snekomatic for
// years: n people, most of them members or invitees who were welcomed,
// recorded on pull requests of a handful of repositories. Nobody is queued,
// so that a run with nothing merged has nothing to do.
func rememberedState(org string, n int, cursor time.Time) *state.File {
	f := state.New()
	o := f.Org(org)
	o.Cursor = cursor
	repos := []string{"python-trio/trio", "python-trio/pytest-trio", "python-trio/trio-websocket", "python-trio/snekomatic"}
	at := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := int64(1_000_000 + i*397)
		when := at.Add(time.Duration(i) * 17 * time.Minute)
		pr := &state.PRRef{Repo: repos[i%len(repos)], Number: 1 + i%3000, MergedAt: when.Add(-3 * time.Hour)}
		p := &state.Person{Login: fmt.Sprintf("contrib-%d", i), At: when, PR: pr}
		switch i % 10 {
		case 0, 1, 2, 3, 4:
			p.Status = state.Member
		case 5, 6, 7:
			p.Status = state.Invited
			p.CommentURL = pr.URL("") + "#issuecomment-" + strconv.Itoa(2_000_000_000+i)
		case 8:
			p.Status = state.Adopted
			p.Reason = "adopted: merged pull requests since 2019-01-01T00:00:00Z"
		default:
			p.Status = state.Pending
		}
		o.People[id] = p
	}
	return f
}

// v1 is the version 1 layout, for comparing sizes and decoders.
type v1File struct {
	Version int               `json:"version"`
	Orgs    map[string]*v1Org `json:"orgs"`
}
type v1Org struct {
	Cursor time.Time           `json:"cursor,omitzero"`
	People map[int64]*v1Person `json:"people"`
}
type v1Person struct {
	Login      string       `json:"login"`
	Status     state.Status `json:"status"`
	At         time.Time    `json:"at"`
	PR         *v1PR        `json:"pr,omitempty"`
	Reason     string       `json:"reason,omitempty"`
	CommentURL string       `json:"comment_url,omitempty"`
	NoComment  bool         `json:"no_comment,omitempty"`
}
type v1PR struct {
	Repo     string    `json:"repo"`
	Number   int       `json:"number"`
	URL      string    `json:"url,omitempty"`
	MergedAt time.Time `json:"merged_at,omitzero"`
}

func encodeV1(f *state.File) []byte {
	out := v1File{Version: 1, Orgs: map[string]*v1Org{}}
	for name, o := range f.Orgs {
		vo := &v1Org{Cursor: o.Cursor, People: map[int64]*v1Person{}}
		for id, p := range o.People {
			vp := &v1Person{Login: p.Login, Status: p.Status, At: p.At, Reason: p.Reason, CommentURL: p.CommentURL, NoComment: p.NoComment}
			if p.PR != nil {
				vp.PR = &v1PR{Repo: p.PR.Repo, Number: p.PR.Number, URL: p.PR.URL(""), MergedAt: p.PR.MergedAt}
			}
			vo.People[id] = vp
		}
		out.Orgs[name] = vo
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(data, '\n')
}

// The version 2 layout as the state package decodes it (mirrored here to
// time decoders against each other on the same bytes).
type v2File struct {
	Version int               `json:"version"`
	Orgs    map[string]*v2Org `json:"orgs"`
}
type v2Org struct {
	Cursor time.Time   `json:"cursor,omitzero"`
	People []*v2Person `json:"people"`
}
type v2Person struct {
	ID         int64        `json:"id"`
	Login      string       `json:"l"`
	Status     state.Status `json:"s"`
	At         time.Time    `json:"at"`
	PR         string       `json:"pr,omitempty"`
	MergedAt   time.Time    `json:"m,omitzero"`
	Reason     string       `json:"r,omitempty"`
	Comment    int64        `json:"c,omitempty"`
	CommentURL string       `json:"cu,omitempty"`
	NoComment  bool         `json:"nc,omitempty"`
}

// heapAfter runs f, timing only f, and returns the live heap it leaves
// (after a GC) and what it allocated in all.
func heapAfter(b *testing.B, f func()) (live, total uint64) {
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.StartTimer()
	f()
	b.StopTimer()
	runtime.ReadMemStats(&after)
	total = after.TotalAlloc - before.TotalAlloc
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.StartTimer()
	return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc), total
}

// BenchmarkStateFile measures loading and saving the file in process, and
// the decoders and encoders that were weighed for it.
func BenchmarkStateFile(b *testing.B) {
	for _, n := range stateSizes() {
		f := rememberedState("python-trio", n, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		v2, err := state.Encode(f)
		if err != nil {
			b.Fatal(err)
		}
		v1 := encodeV1(f)
		b.Run(fmt.Sprintf("people=%d/size", n), func(b *testing.B) {
			for b.Loop() {
			}
			b.ReportMetric(float64(len(v2))/(1<<20), "v2-MiB")
			b.ReportMetric(float64(len(v2))/float64(n), "v2-bytes/person")
			b.ReportMetric(float64(len(v1))/(1<<20), "v1-MiB")
			b.ReportMetric(float64(len(v1))/float64(n), "v1-bytes/person")
		})
		path := filepath.Join(b.TempDir(), "state.json")
		if err := os.WriteFile(path, v2, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("people=%d/load", n), func(b *testing.B) {
			var live, total uint64
			for b.Loop() {
				live, total = heapAfter(b, func() {
					if _, _, err := state.Load(path); err != nil {
						b.Fatal(err)
					}
				})
			}
			_ = live
			b.ReportMetric(float64(total)/(1<<20), "alloc-MiB")
		})
		b.Run(fmt.Sprintf("people=%d/load-held", n), func(b *testing.B) {
			// The memory a loaded state keeps while a run uses it.
			var keep *state.File
			var live uint64
			for b.Loop() {
				keep = nil
				live, _ = heapAfter(b, func() { keep, _, _ = state.Load(path) })
			}
			runtime.KeepAlive(keep)
			b.ReportMetric(float64(live)/(1<<20), "live-MiB")
		})
		b.Run(fmt.Sprintf("people=%d/save", n), func(b *testing.B) {
			for b.Loop() {
				if err := state.Save(path, f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("people=%d/encode=hand", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := state.Encode(f); err != nil {
					b.Fatal(err)
				}
			}
		})
		var raw v2File
		if err := json.Unmarshal(v2, &raw); err != nil {
			b.Fatal(err)
		}
		// The same one-person-a-line layout, each line from a library.
		for _, enc := range []struct {
			name    string
			marshal func(any) ([]byte, error)
		}{{"encoding-json", json.Marshal}, {"json-experiment", func(v any) ([]byte, error) { return jsonexp.Marshal(v) }}} {
			b.Run(fmt.Sprintf("people=%d/encode=%s-per-line", n, enc.name), func(b *testing.B) {
				for b.Loop() {
					var buf bytes.Buffer
					for _, p := range raw.Orgs["python-trio"].People {
						line, _ := enc.marshal(p)
						buf.Write(line)
						buf.WriteString("\n,")
					}
				}
			})
		}
		b.Run(fmt.Sprintf("people=%d/decode=hand-written-lines", n), func(b *testing.B) {
			// state.Decode reads its own canonical layout line by line.
			for b.Loop() {
				if _, err := state.Decode(v2); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("people=%d/decode=encoding-json", n), func(b *testing.B) {
			for b.Loop() {
				dec := json.NewDecoder(bytes.NewReader(v2))
				dec.DisallowUnknownFields()
				var out v2File
				if err := dec.Decode(&out); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("people=%d/decode=json-experiment", n), func(b *testing.B) {
			for b.Loop() {
				var out v2File
				if err := jsonexp.Unmarshal(v2, &out, jsonexp.RejectUnknownMembers(true)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("people=%d/decode=v1-encoding-json", n), func(b *testing.B) {
			for b.Loop() {
				var out v1File
				if err := json.Unmarshal(v1, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// snekomaticBinary builds the binary once (testbin), or takes
// $SNEKOMATIC_BIN, to measure another build.
func snekomaticBinary(b *testing.B) string {
	if p := os.Getenv("SNEKOMATIC_BIN"); p != "" {
		return p
	}
	p, err := testbin.Path()
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// usage is what one child process cost.
type usage struct {
	cpu    time.Duration // user + system
	maxRSS uint64        // bytes
	wall   time.Duration
}

// runChild runs the binary under GNU time, which reports its peak resident
// memory. The child's own getrusage cannot be used for that: Linux counts
// the memory of the process that started it (this benchmark, which has just
// built a state of 100,000 people) in a child's peak.
func runChild(b *testing.B, env []string, args ...string) usage {
	gnuTime := "/usr/bin/time"
	if _, err := os.Stat(gnuTime); err != nil {
		b.Skip("needs GNU time at /usr/bin/time to measure peak memory")
	}
	out := filepath.Join(b.TempDir(), "time.txt")
	c := exec.Command(gnuTime, append([]string{"-f", "%U %S %M", "-o", out, snekomaticBinary(b)}, args...)...)
	c.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	var errb bytes.Buffer
	c.Stderr = &errb
	start := time.Now()
	if err := c.Run(); err != nil {
		b.Fatalf("snekomatic %v: %v\n%s", args, err, errb.String())
	}
	wall := time.Since(start)
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	var user, sys float64
	var rssKB uint64
	if _, err := fmt.Sscanf(string(data), "%f %f %d", &user, &sys, &rssKB); err != nil {
		b.Fatalf("GNU time wrote %q: %v", data, err)
	}
	return usage{cpu: time.Duration((user + sys) * float64(time.Second)), maxRSS: rssKB * 1024, wall: wall}
}

func reportUsage(b *testing.B, u usage) {
	b.ReportMetric(u.cpu.Seconds(), "cpu-s")
	b.ReportMetric(float64(u.maxRSS)/(1<<20), "maxrss-MiB")
	b.ReportMetric(u.wall.Seconds(), "wall-s")
}

// stateWorld is a fake GitHub (without added latency: this measures the
// binary's own work) with one organization, and a state file remembering
// `remembered` people of it.
func stateWorld(b *testing.B, remembered int) (gh *fakegithub.GitHub, env []string, path string) {
	gh = fakegithub.New(b)
	gh.AddToken(token)
	gh.AddOrg("trio")
	gh.MakeOwner("trio", gh.TokenOwner().ID) // GitHub lets only owners invite
	gh.SetInvitationCap("trio", 0)
	gh.SetRateLimit(token, "core", 1_000_000)
	path = filepath.Join(b.TempDir(), "state.json")
	f := rememberedState("trio", remembered, time.Now().UTC().Add(-time.Hour))
	var data []byte
	if os.Getenv("SNEKOMATIC_STATE_V1") != "" {
		data = encodeV1(f) // for measuring a build that reads only version 1
	} else {
		var err error
		if data, err = state.Encode(f); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return gh, stateEnv(gh), path
}

// stateEnv is the child's environment: the fake's token and address, and
// no pacing. These benchmarks measure the binary's own work on the state,
// so the client's pacing and content caps (which keep a real backfill to
// 500 content-creating requests an hour, at most one write a second) are
// off, as are the fake's limits.
func stateEnv(gh *fakegithub.GitHub) []string {
	gh.SetContentLimits(0, 0)
	return []string{"GITHUB_TOKEN=" + token, "GITHUB_API_URL=" + gh.RESTURL(),
		"SNEKOMATIC_TEST_UNPACED=1"}
}

// BenchmarkStateNoopRun is a scheduled run that finds nothing merged since
// the cursor, on a state remembering many people; and `state show` on it.
func BenchmarkStateNoopRun(b *testing.B) {
	for _, n := range stateSizes() {
		b.Run(fmt.Sprintf("people=%d/reconcile", n), func(b *testing.B) {
			var u usage
			for b.Loop() {
				b.StopTimer()
				_, env, path := stateWorld(b, n)
				b.StartTimer()
				u = runChild(b, env, "reconcile", "--org", "trio", "--state", path)
			}
			reportUsage(b, u)
		})
		b.Run(fmt.Sprintf("people=%d/state-show", n), func(b *testing.B) {
			var u usage
			for b.Loop() {
				b.StopTimer()
				_, env, path := stateWorld(b, n)
				b.StartTimer()
				u = runChild(b, env, "state", "show", "--state", path)
			}
			reportUsage(b, u)
		})
	}
}

// BenchmarkStateBackfill invites 1,000, 2,000 and 4,000 new people in one
// run, on a state that already remembers 10,000: the CPU should grow in
// proportion to the invitees, not to invitees × people remembered.
func BenchmarkStateBackfill(b *testing.B) {
	for _, invitees := range []int{1000, 2000, 4000} {
		if testing.Short() && invitees > 1000 {
			continue
		}
		b.Run(fmt.Sprintf("invitees=%d", invitees), func(b *testing.B) {
			var u usage
			for b.Loop() {
				b.StopTimer()
				gh, env, path := stateWorld(b, 10_000)
				repo := gh.AddRepo("trio", "trio")
				now := time.Now().UTC()
				for i := range invitees {
					u := gh.AddUser(fmt.Sprintf("newcomer%d", i))
					gh.AddPR(repo, u.ID, "change", now.Add(-time.Duration(i+1)*(72*time.Hour/time.Duration(invitees+1))))
				}
				b.StartTimer()
				u = runChild(b, env, "reconcile", "--org", "trio", "--state", path, "--since", "4d",
					"--daily-invite-limit", "0", "--output", "json")
				b.StopTimer()
				if got := len(gh.CreatedInvitations("trio")); got != invitees {
					b.Fatalf("%d invitations, want %d", got, invitees)
				}
				b.StartTimer()
			}
			reportUsage(b, u)
			b.ReportMetric(u.cpu.Seconds()*1000/float64(invitees), "cpu-ms/invitee")
		})
	}
}

// BenchmarkStateManyOrgs is an App installed on 50 organizations that share
// one state file of 2,000 people each (100,000 in all); each organization has
// 20 new merged pull requests, 2 of them by new people. Before the journal,
// each organization's saves rewrote the whole shared file under its lock.
func BenchmarkStateManyOrgs(b *testing.B) {
	orgs, remembered, fresh := 50, 2000, 2
	if testing.Short() {
		orgs = 5
	}
	var u usage
	for b.Loop() {
		b.StopTimer()
		gh := fakegithub.New(b)
		gh.AddToken(token)
		f := state.New()
		now := time.Now().UTC()
		args := []string{"reconcile", "--daily-invite-limit", "0"}
		for o := range orgs {
			org := fmt.Sprintf("org%d", o)
			gh.AddOrg(org)
			gh.MakeOwner(org, gh.TokenOwner().ID)
			gh.SetInvitationCap(org, 0)
			repo := gh.AddRepo(org, "main")
			f.Orgs[org] = rememberedState(org, remembered, now.Add(-time.Hour)).Orgs[org]
			for i := range 20 {
				u := gh.AddUser(fmt.Sprintf("%s-author%d", org, i))
				if i >= fresh {
					gh.SetMember(org, u.ID, "member")
				}
				gh.AddPR(repo, u.ID, "change", now.Add(-time.Duration(i+1)*time.Minute))
			}
			args = append(args, "--org", org)
		}
		gh.SetRateLimit(token, "core", 1_000_000)
		path := filepath.Join(b.TempDir(), "state.json")
		var data []byte
		if os.Getenv("SNEKOMATIC_STATE_V1") != "" {
			data = encodeV1(f)
		} else {
			var err error
			if data, err = state.Encode(f); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		u = runChild(b, stateEnv(gh), append(args, "--state", path)...)
		b.StopTimer()
		n := 0
		for o := range orgs {
			n += len(gh.CreatedInvitations(fmt.Sprintf("org%d", o)))
		}
		if n != orgs*fresh {
			b.Fatalf("%d invitations, want %d", n, orgs*fresh)
		}
		b.StartTimer()
	}
	reportUsage(b, u)
}
