package state

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSentRoundTripsThroughBothDecoders(t *testing.T) {
	f := New()
	f.Orgs["o"] = &Org{Cursor: t0, People: map[int64]*Person{}, ContentRequests: []time.Time{t0, t0, t0.Add(time.Second)}}
	f.Orgs["empty"] = &Org{People: map[int64]*Person{}, ContentRequests: []time.Time{}}
	f.Orgs["legacy"] = &Org{People: map[int64]*Person{}}
	data, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\"version\":2,\"orgs\":{\n" +
		"\"empty\":{\"sent\":[],\"people\":[]},\n" +
		"\"legacy\":{\"people\":[]},\n" +
		"\"o\":{\"cursor\":\"2026-11-01T00:00:00Z\",\"sent\":[\"2026-11-01T00:00:00Z\",\"2026-11-01T00:00:00Z\",\"2026-11-01T00:00:01Z\"],\"people\":[]}\n}}\n"
	if string(data) != want {
		t.Fatalf("encoded:\n%s\nwant:\n%s", data, want)
	}
	fast, ok := decodeFast(data)
	if !ok {
		t.Fatal("the fast decoder refused what Encode wrote")
	}
	general, err := decodeV2(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]*File{"fast": fast, "general": general} {
		if diff := cmp.Diff(f, d); diff != "" {
			t.Errorf("%s decoder (-want +got):\n%s", name, diff)
		}
		// Nil (not recorded) and empty (recorded, nothing in the hour)
		// differ in meaning, so both survive.
		if d.Orgs["legacy"].ContentRequests != nil || d.Orgs["empty"].ContentRequests == nil {
			t.Errorf("%s decoder: legacy %v, empty %v", name, d.Orgs["legacy"].ContentRequests, d.Orgs["empty"].ContentRequests)
		}
	}
}

func TestBadSentListsAreRefused(t *testing.T) {
	for name, sent := range map[string]string{
		"out of order":    `["2026-01-01T00:00:01Z","2026-01-01T00:00:00Z"]`,
		"not a list":      `"2026-01-01T00:00:00Z"`,
		"not a time":      `["soon"]`,
		"below a second":  `["2026-01-01T00:00:00.5Z"]`,
		"the zero time":   `["0001-01-01T00:00:00Z"]`,
		"a number":        `[5]`,
		"duplicate key":   `[], "sent":[]`,
		"unknown sibling": `[], "sends":[]`,
	} {
		t.Run(name, func(t *testing.T) {
			data := []byte(`{"version":2,"orgs":{"o":{"sent":` + sent + `,"people":[]}}}`)
			if _, err := Decode(data); err == nil {
				t.Errorf("accepted %s", data)
			}
		})
	}
	f := New()
	f.Orgs["o"] = &Org{People: map[int64]*Person{}, ContentRequests: []time.Time{t0.Add(time.Second), t0}}
	if _, err := Encode(f); err == nil {
		t.Error("Encode wrote a list out of order")
	}
}

func TestAddSentRoundsUpAndKeepsAnHour(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s := mustOpen(t, path)
	if s.Org("o").ContentRequests != nil || s.ContentRequestsRecorded("o") {
		t.Fatal("a new organization has a record")
	}
	err := s.Update("o", func(e *Edit) {
		e.AddContentRequest(t0.Add(300 * time.Millisecond)) // rounded up to t0+1s
		e.AddContentRequest(t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Org("o").ContentRequests; !slices.Equal(got, []time.Time{t0, t0.Add(time.Second)}) || !s.ContentRequestsRecorded("O") {
		t.Errorf("sent %v", got)
	}
	// An hour and a second later the first has gone, the second not yet.
	if err := s.Update("o", func(e *Edit) { e.AddContentRequest(t0.Add(time.Hour + time.Second)) }); err != nil {
		t.Fatal(err)
	}
	if got := s.Org("o").ContentRequests; !slices.Equal(got, []time.Time{t0.Add(time.Second), t0.Add(time.Hour + time.Second)}) {
		t.Errorf("after an hour: %v", got)
	}

	// Seeding starts the record once, and only once.
	if err := s.Update("p", func(e *Edit) { e.SeedContentRequests(nil) }); err != nil {
		t.Fatal(err)
	}
	if got := s.Org("p").ContentRequests; got == nil || len(got) != 0 {
		t.Errorf("seeded with nothing: %v, want an empty record", got)
	}
	if err := s.Update("p", func(e *Edit) { e.SeedContentRequests([]time.Time{t0}) }); err != nil {
		t.Fatal(err)
	}
	if got := s.Org("p").ContentRequests; len(got) != 0 {
		t.Errorf("a started record was seeded again: %v", got)
	}
}

func TestSentIsJournaledReplayedAndRolledBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update("o", func(e *Edit) { e.AddContentRequest(t0) }); err != nil {
		t.Fatal(err)
	}
	if lines := readLines(t, path+".journal"); len(lines) != 1 || lines[0] != `{"org":"o","sent":["2026-11-01T00:00:00Z"]}` {
		t.Errorf("journal %q", lines)
	}
	s.Close() // died before Commit

	s2 := mustOpen(t, path)
	if got := s2.Org("o").ContentRequests; !slices.Equal(got, []time.Time{t0}) {
		t.Fatalf("replayed %v", got)
	}
	disk := errors.New("disk full")
	s2.InjectFault(func(string) error { return disk })
	if err := s2.Update("o", func(e *Edit) { e.AddContentRequest(t0.Add(time.Minute)) }); !errors.Is(err, disk) {
		t.Fatalf("Update error %v", err)
	}
	if got := s2.Org("o").ContentRequests; !slices.Equal(got, []time.Time{t0}) {
		t.Errorf("a failed Update stayed in memory: %v", got)
	}
	s2.InjectFault(nil)
	if err := s2.Commit(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"o":{"sent":["2026-11-01T00:00:00Z"],"people":[]}`) {
		t.Errorf("committed:\n%s", data)
	}

	// A journal line with a bad list is refused with its line.
	if err := os.WriteFile(path+".journal", []byte(`{"org":"o","sent":["2026-11-01T00:00:01Z","2026-11-01T00:00:00Z"]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if _, _, err := OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad journal: %v", err)
	}
}

// sent_by is written sorted and read the same by both decoders.
func TestSentByRoundTripsThroughBothDecoders(t *testing.T) {
	f := New()
	f.Org("o").ContentRequestsBy = map[string][]time.Time{"token": {t0, t0.Add(time.Second)}, "installation:7": {t0}}
	data, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"sent_by":{"installation:7":["2026-11-01T00:00:00Z"],"token":["2026-11-01T00:00:00Z","2026-11-01T00:00:01Z"]},`) {
		t.Errorf("encoded:\n%s", data)
	}
	fast, ok := decodeFast(data)
	slow, err := decodeV2(data)
	if !ok || err != nil {
		t.Fatalf("fast ok=%v, general err=%v", ok, err)
	}
	for _, g := range []*File{fast, slow} {
		if by := g.Orgs["o"].ContentRequestsBy; len(by) != 2 || len(by["token"]) != 2 || !by["token"][1].Equal(t0.Add(time.Second)) {
			t.Errorf("decoded %v", by)
		}
	}
	if _, err := Decode([]byte(`{"version":2,"orgs":{"o":{"sent_by":{"token":[]},"people":[]}}}`)); err == nil {
		t.Errorf("an empty identity list was accepted")
	}
}
