package state

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests were written against the survivors of a mutation run
// (MUTATION.md): each pins a behaviour that a
// mutant changed without any other test noticing.

// A welcome comment's address is written as its id only when the address
// can be rebuilt from the id exactly; any other address is kept whole, and
// either way it reads back unchanged.
func TestCommentAddressesSurviveEncoding(t *testing.T) {
	const pr = "https://github.com/o/r/pull/42"
	for _, tt := range []struct {
		url  string
		want string // the member Encode writes
	}{
		{pr + "#issuecomment-77", `"c":77`},
		{pr + "#issuecomment-1", `"c":1`},
		{pr + "#issuecomment-9", `"c":9`},
		{pr + "#issuecomment-9223372036854775807", `"c":9223372036854775807`},
		// A sign would be dropped by the id: "+5" would come back as "5".
		{pr + "#issuecomment-+5", `"cu":"` + pr + `#issuecomment-+5"`},
		{pr + "#issuecomment--0", `"cu":"` + pr + `#issuecomment--0"`},
		{pr + "#issuecomment--5", `"cu":"` + pr + `#issuecomment--5"`},
		{pr + "#issuecomment-05", `"cu":"` + pr + `#issuecomment-05"`},
		{pr + "#issuecomment-", `"cu":"` + pr + `#issuecomment-"`},
		{pr + "#issuecomment-5x", `"cu":"` + pr + `#issuecomment-5x"`},
		{pr + "#issuecomment-9223372036854775808", `"cu":"` + pr + `#issuecomment-9223372036854775808"`},
		{"https://github.com/o/r/pull/4#issuecomment-5", `"cu":"https://github.com/o/r/pull/4#issuecomment-5"`},
		{"https://github.com/o/s/pull/42#issuecomment-5", `"cu":"https://github.com/o/s/pull/42#issuecomment-5"`},
		{"https://github.com/o/r/issues/42#issuecomment-5", `"cu":"https://github.com/o/r/issues/42#issuecomment-5"`},
		{"https://ghe.example/o/r/pull/42#issuecomment-5", `"cu":"https://ghe.example/o/r/pull/42#issuecomment-5"`},
	} {
		f := New()
		f.Org("o").People[1] = &Person{Login: "x", Status: Invited, At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			PR: &PRRef{Repo: "o/r", Number: 42}, CommentURL: tt.url}
		b, err := Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tt.want+"}") {
			t.Errorf("%s: written as\n%s\nwant %s", tt.url, b, tt.want)
		}
		g, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", tt.url, err)
		}
		if got := g.Orgs["o"].People[1].CommentURL; got != tt.url {
			t.Errorf("%s: read back as %q", tt.url, got)
		}
	}
}

// The fast decoder shares its allocations across an organization's people:
// their pull requests are one slice, not one allocation each
// (BENCHMARKS.md), so that reading a state of 100,000 people stays cheap.
func TestFastDecoderAllocatesPerOrganizationNotPerPerson(t *testing.T) {
	f := New()
	o := f.Org("o")
	for id := int64(1); id <= 1000; id++ {
		o.People[id] = &Person{Login: "x", Status: Invited, At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			PR: &PRRef{Repo: "o/r", Number: int(id)}}
	}
	data, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		if _, ok := decodeFast(data); !ok {
			t.Fatal("the fast decoder refused the canonical form")
		}
	})
	if allocs > 100 {
		t.Errorf("decoding 1000 people took %v allocations, want a few per organization", allocs)
	}
}

// Encode writes every string as encoding/json does, whether or not it
// takes the short cut for plain ASCII: one set of escaping rules, so that
// the same text is always the same bytes; and whatever a string holds,
// the file reads back.
func TestStringsAreWrittenAsEncodingJSONWritesThem(t *testing.T) {
	for _, s := range []string{"", "a", " ", "~", "\x7f", "\x00", "\x1f", "\n", `"`, `\`, "<", ">", "&",
		"\u2028", "\xff", "é", `a"b`, "python-trio/trio"} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("%q written as %s, want %s", s, got, want)
		}
		f := New()
		f.Org("o").People[1] = &Person{Login: s, Status: Skipped, Reason: s + "!",
			PR: &PRRef{Repo: "o/" + s, Number: 1}}
		b, err := Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		g, err := Decode(b)
		if err != nil {
			t.Fatalf("%q: the file does not read back: %v\n%s", s, err, b)
		}
		if p := g.Orgs["o"].People[1]; p.Login != strings.ToValidUTF8(s, "\ufffd") || p.PR.Repo != "o/"+strings.ToValidUTF8(s, "\ufffd") {
			t.Errorf("%q read back as login %q, pull request %q", s, p.Login, p.PR.Repo)
		}
	}
}

// A JSON error is worded by what is wrong: a file cut short is truncated,
// a stray character at its end is not, and the line is the one that holds
// the fault.
func TestJSONErrorsNameTheFault(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{`{"version": 1, "orgs": {`, "not valid JSON: the file is truncated"},
		{`{"version": 1, "orgs": {"o`, "not valid JSON: the file is truncated"},
		{`{"version": 1, "orgs": {}}}`, "not valid JSON (line 1): invalid character '}' after top-level value"},
		{"{\n\"version\": 1,\n\"orgs\": {}}\n}", "not valid JSON (line 4): invalid character '}' after top-level value"},
		{"{\n\"version\": 1,\n\"orgs\": x}", "not valid JSON (line 3): invalid character 'x' looking for beginning of value"},
		{" \n\t", "the file is empty"},
	} {
		_, err := Decode([]byte(tt.data))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Decode(%q) = %v, want %q", tt.data, err, tt.want)
		}
	}
}

// fill, given a pull request already parsed (the fast decoder's way),
// refuses what parsePR refuses: a number that is not positive, a
// repository that is not owner/name.
func TestFillRefusesAParsedPullRequestParsePRWould(t *testing.T) {
	for _, pr := range []PRRef{{Repo: "o/r", Number: 0}, {Repo: "o/r", Number: -1}, {Repo: "r", Number: 1}} {
		rp := personV2{ID: 1, Login: "x", Status: Invited, PR: pr.Repo + "#" + strconv.Itoa(pr.Number)}
		if _, err := parsePR(rp.PR); err == nil {
			t.Fatalf("parsePR(%q) accepted it", rp.PR)
		}
		var p Person
		if err := rp.fill(&p, &pr); err == nil {
			t.Errorf("fill accepted %+v", pr)
		}
	}
	rp := personV2{ID: 1, Login: "x", Status: Invited, PR: "o/r#1"}
	var p Person
	if err := rp.fill(&p, &PRRef{Repo: "o/r", Number: 1}); err != nil || p.PR.Number != 1 {
		t.Errorf("fill refused o/r#1: %v", err)
	}
}

// Merge3 keeps an organization that either side still has and drops one
// that both dropped; the lists of sent requests stay absent when neither
// side has one and present (if empty) when either has.
func TestMerge3OrganizationsAndSentLists(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	base, ours, theirs := New(), New(), New()
	base.Org("gone")
	base.Org("ours-only")
	ours.Org("ours-only")
	theirs.Org("theirs-only")
	ours.Org("plain")
	theirs.Org("plain")
	ours.Org("sent").ContentRequests = []time.Time{}
	theirs.Org("sent").ContentRequestsBy = map[string][]time.Time{}
	theirs.Org("sent-theirs").ContentRequests = []time.Time{now}
	theirs.Org("sent-theirs").ContentRequestsBy = map[string][]time.Time{"token": {now}}
	got, conflicts := Merge3(base, ours, theirs, now)
	if len(conflicts) > 0 {
		t.Fatalf("conflicts %v", conflicts)
	}
	var names []string
	for name := range got.Orgs {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"ours-only", "plain", "sent", "sent-theirs", "theirs-only"}; !slices.Equal(names, want) {
		t.Errorf("organizations %q, want %q", names, want)
	}
	if o := got.Orgs["plain"]; o.ContentRequests != nil || o.ContentRequestsBy != nil {
		t.Errorf("neither side had sent lists, merged %v %v", o.ContentRequests, o.ContentRequestsBy)
	}
	if o := got.Orgs["sent"]; o.ContentRequests == nil || len(o.ContentRequests) != 0 || o.ContentRequestsBy == nil || len(o.ContentRequestsBy) != 0 {
		t.Errorf("one side had empty sent lists, merged %#v %#v", o.ContentRequests, o.ContentRequestsBy)
	}
	if o := got.Orgs["sent-theirs"]; len(o.ContentRequests) != 1 || len(o.ContentRequestsBy["token"]) != 1 {
		t.Errorf("theirs had sent lists, merged %v %v", o.ContentRequests, o.ContentRequestsBy)
	}
}

// A write that fails leaves no temporary file behind, and the file it
// was to replace untouched.
func TestWriteAtomicCleansUpAfterAFailure(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "state.json")
	// A directory that is not empty cannot be renamed over.
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(target, []byte("x")); err == nil {
		t.Fatal("writeAtomic over a directory succeeded")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "state.json" || !entries[0].IsDir() {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left %q, want only the directory", names)
	}
}

// A journal adopted after a crash is rewritten as the facts it replayed,
// sorted by organization and id, each once; and a second crash before the
// commit loses none of them: people of every organization, the cursor,
// the sent lists.
func TestAdoptedJournalSurvivesASecondCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	now := time.Now().UTC().Truncate(time.Second)
	s := mustOpen(t, path)
	for _, step := range []struct {
		org string
		fn  func(e *Edit)
	}{
		{"b", put(2, "two", Queued)},
		{"a", put(9, "nine", Queued)},
		{"b", put(1, "one", Queued)},
		{"a", put(3, "three", Queued)},
		{"b", put(2, "two", Inviting)},
		{"c", func(e *Edit) { e.SetCursor(now); e.AddContentRequest(now); e.AddContentRequestBy("token", now) }},
		{"d", func(e *Edit) { e.AddContentRequestBy("token", now) }},
	} {
		if err := s.Update(step.org, step.fn); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()                              // died before Commit
	mustOpen(t, path).Close()              // adopted the journal, then died too
	facts := readLines(t, path+".journal") // (the header left out)
	want := []string{`{"org":"a","p":{"id":3,`, `{"org":"a","p":{"id":9,`, `{"org":"b","p":{"id":1,`, `{"org":"b","p":{"id":2,`,
		`{"org":"c","cursor":`, `{"org":"c","sent":`, `{"org":"c","sent_by":`, `{"org":"d","sent_by":`}
	ok := len(facts) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.HasPrefix(facts[i], want[i])
	}
	if !ok {
		t.Errorf("rewritten journal:\n%s\nwant lines starting\n%s", strings.Join(facts, "\n"), strings.Join(want, "\n"))
	}
	f, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Org("b").People[2]; p == nil || p.Status != Inviting || f.Org("a").People[3] == nil || f.Org("a").People[9] == nil || f.Org("b").People[1] == nil {
		t.Errorf("people lost: a %v, b %v", f.Org("a").People, f.Org("b").People)
	}
	c := f.Org("c")
	if !c.Cursor.Equal(now) || len(c.ContentRequests) != 1 || len(c.ContentRequestsBy["token"]) != 1 {
		t.Errorf("organization c lost its cursor or sent lists: %v %v %v", c.Cursor, c.ContentRequests, c.ContentRequestsBy)
	}
	if d := f.Org("d"); d.ContentRequests != nil || len(d.ContentRequestsBy["token"]) != 1 {
		t.Errorf("organization d: sent %v, sent_by %v, want only sent_by", d.ContentRequests, d.ContentRequestsBy)
	}
}

// SentRecorded is true once either list of sent requests is recorded.
func TestSentRecorded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	defer s.Close()
	now := time.Now().UTC()
	for org, fn := range map[string]func(e *Edit){
		"neither": put(1, "x", Queued),
		"sent":    func(e *Edit) { e.AddContentRequest(now) },
		"sent-by": func(e *Edit) { e.AddContentRequestBy("token", now) },
	} {
		if err := s.Update(org, fn); err != nil {
			t.Fatal(err)
		}
	}
	for org, want := range map[string]bool{"missing": false, "neither": false, "sent": true, "sent-by": true} {
		if got := s.ContentRequestsRecorded(org); got != want {
			t.Errorf("ContentRequestsRecorded(%q) = %v, want %v", org, got, want)
		}
	}
	// And Org's copy carries each list as it is, absent ones absent.
	if o := s.Org("neither"); o.ContentRequests != nil || o.ContentRequestsBy != nil {
		t.Errorf("Org(neither): sent %v, sent_by %v, want neither", o.ContentRequests, o.ContentRequestsBy)
	}
	if o := s.Org("sent-by"); o.ContentRequests != nil || len(o.ContentRequestsBy["token"]) != 1 {
		t.Errorf("Org(sent-by): sent %v, sent_by %v", o.ContentRequests, o.ContentRequestsBy)
	}
	if o := s.Org("sent"); len(o.ContentRequests) != 1 || o.ContentRequestsBy != nil {
		t.Errorf("Org(sent): sent %v, sent_by %v", o.ContentRequests, o.ContentRequestsBy)
	}
}

// Two records are equal only when every field is.
func TestPersonEqualComparesEveryField(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := func() *Person {
		return &Person{Login: "x", Status: Invited, At: at, Reason: "r", CommentURL: "u", NoComment: true,
			PR: &PRRef{Repo: "o/r", Number: 1, MergedAt: at}}
	}
	if !base().equal(base()) {
		t.Fatal("a record is not equal to its copy")
	}
	for name, change := range map[string]func(p *Person){
		"login":      func(p *Person) { p.Login = "y" },
		"status":     func(p *Person) { p.Status = Queued },
		"at":         func(p *Person) { p.At = at.Add(time.Second) },
		"reason":     func(p *Person) { p.Reason = "s" },
		"comment":    func(p *Person) { p.CommentURL = "v" },
		"no comment": func(p *Person) { p.NoComment = false },
		"no pr":      func(p *Person) { p.PR = nil },
		"repo":       func(p *Person) { p.PR.Repo = "o/s" },
		"number":     func(p *Person) { p.PR.Number = 2 },
		"merged":     func(p *Person) { p.PR.MergedAt = at.Add(time.Second) },
	} {
		q := base()
		change(q)
		if base().equal(q) || q.equal(base()) {
			t.Errorf("records differing in %s are equal", name)
		}
	}
}

// Opening a state with nothing to settle (no time from the future) warns
// of nothing, and Close
// lets go of the journal's file.
func TestPlainOpenWarnsOfNothingAndCloseReleasesTheJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	if err := s.Update("o", put(1, "x", Queued)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	fds := func() int {
		entries, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd to count open files")
		}
		return len(entries)
	}
	before := fds()
	for range 5 {
		s := mustOpen(t, path)
		s.DropFutureSent(time.Now())
		if w := s.Warnings(); len(w) > 0 {
			t.Errorf("warnings on a plain open: %q", w)
		}
		if err := s.Update("o", put(2, "y", Queued)); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	if after := fds(); after > before {
		t.Errorf("%d files open after five Open/Update/Close, %d before", after, before)
	}
}

// Merged into a newer file, a stale journal's record that is only as far
// along as the file's leaves the file's in place.
func TestStaleJournalDoesNotReplaceAnEquallyFarRecord(t *testing.T) {
	one, two := filepath.Join(t.TempDir(), "state.json"), filepath.Join(t.TempDir(), "state.json")
	withReason := func(r string) func(e *Edit) {
		return func(e *Edit) { e.Put(4, &Person{Login: "dave", Status: Queued, At: t0, Reason: r}) }
	}
	s := mustOpen(t, one)
	if err := s.Update("o", put(1, "alice", Invited)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.Update("o", withReason("journal")); err != nil {
		t.Fatal(err)
	}
	s.Close() // killed
	copyFile(t, one, two)
	copyFile(t, one+".journal", two+".journal")
	s1 := mustOpen(t, one)
	if err := s1.Update("o", withReason("file")); err != nil {
		t.Fatal(err)
	}
	if err := s1.Commit(); err != nil {
		t.Fatal(err)
	}
	s1.Close()
	copyFile(t, one, two)
	s2 := mustOpen(t, two)
	defer s2.Close()
	if p := s2.Org("o").People[4]; p == nil || p.Reason != "file" {
		t.Errorf("dave = %+v, want the file's record", p)
	}
}

// A journal with no complete line (empty, or only a torn one) holds
// nothing to replay.
func TestJournalWithoutACompleteLine(t *testing.T) {
	for _, content := range []string{"", `{"org":"o","p":{"id":8,"l":"eig`} {
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path+".journal", []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		s, _, err := Open(path)
		if err != nil {
			t.Fatalf("journal %q: %v", content, err)
		}
		if n := len(s.Org("o").People); n != 0 {
			t.Errorf("journal %q: %d people replayed", content, n)
		}
		s.Close()
	}
}

// The writer a lock file and a journal header name is this host (its
// name as the system gives it), and the advice for a live journal depends
// on whether its writer runs here.
func TestWriterIsThisHost(t *testing.T) {
	if h, err := os.Hostname(); err == nil && h != "" && self.Host != h {
		t.Errorf("self.Host = %q, want %q", self.Host, h)
	}
	if msg := liveJournalError(Writer{Host: self.Host, PID: 1}).Error(); !strings.Contains(msg, "wait for it to finish") {
		t.Errorf("a live writer on this host: %q", msg)
	}
	if msg := liveJournalError(Writer{Host: self.Host + "-elsewhere", PID: 1}).Error(); !strings.Contains(msg, "put its .lock file back") {
		t.Errorf("a live writer on another host: %q", msg)
	}
}
