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
		PR: &PRRef{Repo: "python-trio/trio", Number: 42, URL: "https://github.com/python-trio/trio/pull/42"}, CommentURL: "https://x/c/1"}
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
	want := `{
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
            "url": "https://github.com/python-trio/trio/pull/42"
          },
          "comment_url": "https://x/c/1"
        },
        "9": {
          "login": "nine",
          "status": "member",
          "at": "2026-11-01T00:00:00Z"
        }
      }
    }
  }
}
`
	if diff := cmp.Diff(want, string(a)); diff != "" {
		t.Errorf("encoding (-want +got):\n%s", diff)
	}
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
	tests := []struct {
		name, content, wantErr string
	}{
		{"empty", "", "the file is empty"},
		{"garbage", "not json", "not valid JSON (line 1)"},
		{"truncated", `{"version": 1, "orgs": {`, "truncated"},
		{"no version", `{"orgs": {}}`, `no "version" field`},
		{"future version", `{"version": 2, "orgs": {}}`, "schema version 2 is not supported"},
		{"unknown field", `{"version": 1, "orgs": {}, "extra": true}`, `unknown field "extra"`},
		{"bad status", `{"version": 1, "orgs": {"o": {"people": {"5": {"login": "x", "status": "maybe", "at": "2026-01-01T00:00:00Z"}}}}}`, `unknown status "maybe"`},
		{"bad id", `{"version": 1, "orgs": {"o": {"people": {"-5": {"login": "x", "status": "member", "at": "2026-01-01T00:00:00Z"}}}}}`, "not a GitHub user id"},
		{"upper-case org", `{"version": 1, "orgs": {"O": {"people": {}}}}`, "lower-case login"},
		{"wrong type", `{"version": 1, "orgs": {"o": {"people": 5}}}`, "wrong type"},
		{"bad time", `{"version": 1, "orgs": {"o": {"cursor": "yesterday"}}}`, "not valid"},
		{"trailing data", `{"version": 1, "orgs": {}} {}`, "after top-level value"},
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
	if !strings.Contains(string(data), `"no_comment": true`) {
		t.Errorf("no_comment not written:\n%s", data)
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
