package state

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sample() *File {
	f := New()
	o := f.Org("Python-Trio")
	o.Cursor = time.Date(2026, 11, 26, 10, 0, 0, 123, time.FixedZone("x", 3600))
	o.People[9] = &Person{Login: "nine", Status: Member, At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	o.People[10] = &Person{Login: "ten", Status: Invited, At: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		PR:         &PRRef{Repo: "python-trio/trio", Number: 42, MergedAt: time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC)},
		CommentURL: "https://github.com/python-trio/trio/pull/42#issuecomment-77"}
	o.People[100] = &Person{Login: "hundred", Status: Queued, At: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC),
		PR: &PRRef{Repo: "python-trio/trio", Number: 43}, Reason: `a "quoted" <reason>`}
	o.People[101] = &Person{Login: "ghes", Status: Invited, At: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC),
		PR: &PRRef{Repo: "python-trio/trio", Number: 44}, CommentURL: "https://ghe.example/python-trio/trio/pull/44#issuecomment-5", NoComment: true}
	f.Org("empty")
	return f
}

func TestEncodeIsCanonical(t *testing.T) {
	a, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		b, _ := Encode(sample())
		if string(a) != string(b) {
			t.Fatalf("encoding differs between runs:\n%s\n%s", a, b)
		}
	}
	want := `{"version":2,"orgs":{
"empty":{"people":[]},
"python-trio":{"cursor":"2026-11-26T09:00:00Z","people":[
 {"id":9,"l":"nine","s":"member","at":"2026-11-01T00:00:00Z"}
,{"id":10,"l":"ten","s":"invited","at":"2026-11-02T00:00:00Z","pr":"python-trio/trio#42","m":"2026-11-01T23:00:00Z","c":77}
,{"id":100,"l":"hundred","s":"queued","at":"2026-11-03T00:00:00Z","pr":"python-trio/trio#43","r":"a \"quoted\" \u003creason\u003e"}
,{"id":101,"l":"ghes","s":"invited","at":"2026-11-03T00:00:00Z","pr":"python-trio/trio#44","cu":"https://ghe.example/python-trio/trio/pull/44#issuecomment-5","nc":true}
]}
}}
`
	if diff := cmp.Diff(want, string(a)); diff != "" {
		t.Errorf("encoding (-want +got):\n%s", diff)
	}
	back, err := Decode(a)
	if err != nil {
		t.Fatal(err)
	}
	// The decoded state is the sample with its times normalized.
	exp := sample()
	o := exp.Org("python-trio")
	o.Cursor = normTime(o.Cursor)
	if diff := cmp.Diff(exp, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestPRURL(t *testing.T) {
	pr := &PRRef{Repo: "o/r", Number: 5}
	if got := pr.URL(""); got != "https://github.com/o/r/pull/5" {
		t.Errorf("URL(\"\") = %q", got)
	}
	if got := pr.URL("https://ghe.example/"); got != "https://ghe.example/o/r/pull/5" {
		t.Errorf("URL(ghe) = %q", got)
	}
}

// A version 1 file is read as it is and written back as version 2; its
// pull request addresses are dropped, everything else is kept.
func TestVersion1IsReadAndMigrated(t *testing.T) {
	v1 := `{
  "version": 1,
  "orgs": {
    "python-trio": {
      "cursor": "2026-11-26T09:00:00Z",
      "people": {
        "10": {
          "login": "ten",
          "status": "invited",
          "at": "2026-11-02T00:00:00Z",
          "pr": {
            "repo": "python-trio/trio",
            "number": 42,
            "url": "https://github.com/python-trio/trio/pull/42",
            "merged_at": "2026-11-01T23:00:00Z"
          },
          "comment_url": "https://github.com/python-trio/trio/pull/42#issuecomment-77"
        },
        "9": {
          "login": "nine",
          "status": "skipped",
          "at": "2026-11-01T00:00:00Z",
          "reason": "gone",
          "no_comment": true
        }
      }
    }
  }
}
`
	f, err := Decode([]byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	want := New()
	o := want.Org("python-trio")
	o.Cursor = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	o.People[10] = &Person{Login: "ten", Status: Invited, At: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		PR:         &PRRef{Repo: "python-trio/trio", Number: 42, MergedAt: time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC)},
		CommentURL: "https://github.com/python-trio/trio/pull/42#issuecomment-77"}
	o.People[9] = &Person{Login: "nine", Status: Skipped, At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Reason: "gone", NoComment: true}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("decoded version 1 (-want +got):\n%s", diff)
	}
	v2, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(v2), `{"version":2,`) || len(v2) >= len(v1)/2 {
		t.Errorf("migrated file is not a lean version 2 (%d bytes from %d):\n%s", len(v2), len(v1), v2)
	}
}

// A person is one line of the file: changing one person changes one line,
// and adding one adds one line.
func TestOnePersonALine(t *testing.T) {
	f := sample()
	a, _ := Encode(f)
	f.Org("python-trio").People[10].Login = "renamed"
	b, _ := Encode(f)
	f.Org("python-trio").People[50] = &Person{Login: "new", Status: Member, At: t0}
	c, _ := Encode(f)
	if d := lineDiff(a, b); d != 1 {
		t.Errorf("one changed person changed %d lines", d)
	}
	la, lc := strings.Split(string(b), "\n"), strings.Split(string(c), "\n")
	if len(lc) != len(la)+1 || lineDiff(c, b) != 1 || lineDiff(b, c) != 0 {
		t.Errorf("adding a person should add exactly one line:\n%s\n%s", b, c)
	}
}

// lineDiff counts the lines of a not found among the lines of b.
func lineDiff(a, b []byte) int {
	count := map[string]int{}
	for _, l := range strings.Split(string(a), "\n") {
		count[l]++
	}
	for _, l := range strings.Split(string(b), "\n") {
		count[l]--
	}
	n := 0
	for _, c := range count {
		n += max(c, 0)
	}
	return n
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := Save(path, sample()); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	got, fresh, err := Load(path)
	if err != nil || fresh {
		t.Fatalf("Load: fresh=%v err=%v", fresh, err)
	}
	if got.Org("python-trio").People[10].PR.Number != 42 {
		t.Errorf("round trip lost data: %+v", got.Org("python-trio").People[10])
	}
	if err := Save(path, got); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(path)
	if string(first) != string(second) {
		t.Errorf("load+save changed the file:\n%s\n%s", first, second)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestLoadMissingIsFresh(t *testing.T) {
	f, fresh, err := Load(filepath.Join(t.TempDir(), "nope.json"))
	if err != nil || !fresh || f.Version != Version || len(f.Orgs) != 0 {
		t.Fatalf("Load(missing) = %+v, %v, %v", f, fresh, err)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	const p = `{"version":2,"orgs":{"o":{"people":[%s]}}}`
	person := func(s string) string { return strings.Replace(p, "%s", s, 1) }
	tests := []struct {
		name, content, wantErr string
	}{
		{"empty", "", "the file is empty"},
		{"garbage", "not json", "not valid JSON (line 1)"},
		{"truncated", `{"version": 2, "orgs": {`, "truncated"},
		{"no version", `{"orgs": {}}`, `no "version" field`},
		{"future version", `{"version": 3, "orgs": {}}`, "schema version 3 is not supported"},
		{"unknown field", `{"version": 2, "orgs": {}, "extra": true}`, `unknown field "extra"`},
		{"unknown person field", person(`{"id":5,"l":"x","s":"member","url":"u"}`), `unknown field "url"`},
		{"bad status", person(`{"id":5,"l":"x","s":"maybe"}`), `unknown status "maybe"`},
		{"bad id", person(`{"id":-5,"l":"x","s":"member"}`), "not a GitHub user id"},
		{"no id", person(`{"l":"x","s":"member"}`), "id 0 is not a GitHub user id"},
		{"twice", person(`{"id":5,"l":"x","s":"member"},{"id":5,"l":"y","s":"member"}`), "person 5 is listed twice"},
		{"null person", person(`null`), "id 0 is not a GitHub user id"},
		{"bad pr", person(`{"id":5,"l":"x","s":"member","pr":"o/r"}`), `pull request "o/r" is not owner/name#number`},
		{"bad pr number", person(`{"id":5,"l":"x","s":"member","pr":"o/r#0"}`), "is not owner/name#number"},
		{"comment twice", person(`{"id":5,"l":"x","s":"invited","pr":"o/r#1","c":3,"cu":"https://x"}`), `both "c" and "cu"`},
		{"comment without pr", person(`{"id":5,"l":"x","s":"invited","c":3}`), `need "pr"`},
		{"bad time", `{"version": 2, "orgs": {"o": {"cursor": "yesterday", "people": []}}}`, "not valid"},
		{"time out of range", `{"version": 2, "orgs": {"o": {"cursor": "0000-01-01T00:00:00+01:00", "people": []}}}`, "out of range"},
		{"upper-case org", `{"version": 2, "orgs": {"O": {"people": []}}}`, "lower-case login"},
		{"null org", `{"version": 2, "orgs": {"o": null}}`, `organization "o" is null`},
		{"wrong type", `{"version": 2, "orgs": {"o": {"people": 5}}}`, "wrong type"},
		{"trailing data", `{"version": 2, "orgs": {}} {}`, "after top-level value"},
		{"v1 unknown field", `{"version": 1, "orgs": {}, "extra": true}`, `unknown field "extra"`},
		{"v1 bad status", `{"version": 1, "orgs": {"o": {"people": {"5": {"login": "x", "status": "maybe", "at": "2026-01-01T00:00:00Z"}}}}}`, `unknown status "maybe"`},
		{"v1 bad id", `{"version": 1, "orgs": {"o": {"people": {"-5": {"login": "x", "status": "member", "at": "2026-01-01T00:00:00Z"}}}}}`, "not a GitHub user id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q should name the file and contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error should be one line: %q", err)
			}
			after, _ := os.ReadFile(path)
			if string(after) != tt.content {
				t.Errorf("file was modified")
			}
		})
	}
}

func TestEncodeRefusesWhatCannotBeRead(t *testing.T) {
	for name, p := range map[string]*Person{
		"bad status": {Login: "x", Status: "maybe"},
		"bad pr":     {Login: "x", Status: Member, PR: &PRRef{Repo: "norepo", Number: 1}},
		"pr zero":    {Login: "x", Status: Member, PR: &PRRef{Repo: "o/r"}},
		"year 0":     {Login: "x", Status: Member, At: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		f := New()
		f.Org("o").People[1] = p
		if _, err := Encode(f); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
	f := New()
	f.Org("o").People[0] = &Person{Login: "x", Status: Member}
	if _, err := Encode(f); err == nil || !strings.Contains(err.Error(), "not a GitHub user id") {
		t.Errorf("id 0: error %v", err)
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	// A directory where the file should be cannot be read as one.
	_, _, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Load(dir) error = %v, want one naming %s", err, dir)
	}
}

func TestSaveIntoMissingDirectoryFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "state.json")
	err := Save(path, sample())
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Save error = %v, want one naming the path", err)
	}
}

func TestNewStatusesAndNoCommentRoundTrip(t *testing.T) {
	f := New()
	o := f.Org("o")
	o.People[1] = &Person{Login: "c", Status: Counting, At: t0, Reason: "1 of the 2 merged pull requests min_merged_prs asks for"}
	o.People[2] = &Person{Login: "a", Status: Adopted, At: t0}
	o.People[3] = &Person{Login: "i", Status: Invited, At: t0, NoComment: true}
	data, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"nc":true`) {
		t.Errorf("no comment not written:\n%s", data)
	}
	g, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, g); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if Counting.Final() || !Adopted.Final() {
		t.Errorf("counting must not be final, adopted must be")
	}
}

// The approval statuses are read by both decoders; proposed waits (not
// final), rejected is final.
func TestApprovalStatusesRoundTrip(t *testing.T) {
	f := New()
	o := f.Org("o")
	o.People[1] = &Person{Login: "p", Status: Proposed, At: t0, Reason: "first merged pull request"}
	o.People[2] = &Person{Login: "r", Status: Rejected, At: t0, Reason: "declined on o/admin#1"}
	data, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	fast, ok := decodeFast(data)
	if !ok {
		t.Fatalf("the fast decoder refused:\n%s", data)
	}
	general, err := decodeV2(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]*File{"fast": fast, "general": general} {
		if diff := cmp.Diff(f, g); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", name, diff)
		}
	}
	if Proposed.Final() || !Rejected.Final() {
		t.Errorf("proposed must not be final, rejected must be")
	}
}

func TestAppendTimeMatchesRFC3339(t *testing.T) {
	for _, tm := range []time.Time{
		{},
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("x", -7*3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		want := `"` + normTime(tm).Format(time.RFC3339) + `"`
		if got := string(appendTime(nil, tm)); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
		}
	}
	for _, s := range Statuses {
		if !s.valid() {
			t.Errorf("%s is not valid", s)
		}
	}
	if len(Statuses) != 13 || Status("Member").valid() {
		t.Errorf("statuses and valid disagree")
	}
}

// The fast decoder reads every file Encode writes, the same as the general
// one.
func TestFastDecoderReadsWhatEncodeWrites(t *testing.T) {
	f := sample()
	f.Org("python-trio").People[7] = &Person{Login: "x", Status: Skipped, At: t0, Reason: "gone"}
	f.Org("python-trio").People[100].Reason = "plain" // an escape is left to the general decoder
	f.Org("zz").Cursor = t0
	data, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	fast, ok := decodeFast(data)
	if !ok {
		t.Fatalf("the fast decoder refused a canonical file:\n%s", data)
	}
	general, err := decodeV2(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(general, fast); diff != "" {
		t.Errorf("(-general +fast):\n%s", diff)
	}
	// Anything else goes to the general decoder.
	for _, other := range []string{
		strings.Replace(string(data), `"l":"ten"`, `"l":"t\u00e9n"`, 1),
		strings.Replace(string(data), `{"id":9,`, `{"id": 9,`, 1),
		strings.Replace(string(data), `"s":"member"`, `"s":"maybe"`, 1),
		strings.Replace(string(data), `2026-11-02T00:00:00Z`, `2026-02-30T00:00:00Z`, 1),
		strings.Replace(string(data), `"r":"plain"`, `"r":"a "quoted" reason"`, 1),
	} {
		if _, ok := decodeFast([]byte(other)); ok {
			t.Errorf("the fast decoder accepted a file it should leave to the general one:\n%s", other)
		}
	}
}
