package state

import (
	"strings"
	"testing"
	"time"
)

func org1(people map[int64]*Person) *File {
	f := New()
	o := f.Org("o")
	for id, p := range people {
		o.People[id] = p
	}
	return f
}

func pp(login string, s Status, at time.Duration) *Person {
	return &Person{Login: login, Status: s, At: t0.Add(at)}
}

func TestMerge3Rules(t *testing.T) {
	welcomed := pp("a", Invited, 0)
	welcomed.CommentURL = "https://github.com/o/r/pull/1#issuecomment-5"
	for _, tc := range []struct {
		name         string
		b, o, t      *Person
		want         *Person
		wantConflict string
	}{
		{"only ours changed", pp("a", Queued, 0), pp("a", Invited, 1), pp("a", Queued, 0), pp("a", Invited, 1), ""},
		{"only theirs changed", pp("a", Queued, 0), pp("a", Queued, 0), pp("a", Invited, 1), pp("a", Invited, 1), ""},
		{"forgotten there, untouched here", pp("a", Invited, 0), pp("a", Invited, 0), nil, nil, ""},
		{"forgotten here, untouched there", pp("a", Invited, 0), nil, pp("a", Invited, 0), nil, ""},
		{"added on one side", nil, nil, pp("a", Queued, 0), pp("a", Queued, 0), ""},
		{"never back from invited to queued", pp("a", Inviting, 0), pp("a", Invited, 0), pp("a", Queued, time.Hour), pp("a", Invited, 0), ""},
		{"never back from inviting to queued", pp("a", Counting, 0), pp("a", Queued, time.Hour), pp("a", Inviting, 0), pp("a", Inviting, 0), ""},
		{"same rank: later at", pp("a", Queued, 0), pp("a", Queued, time.Hour), pp("a", Queued, 2*time.Hour), pp("a", Queued, 2*time.Hour), ""},
		{"same rank and at: welcomed", pp("a", Inviting, 0), pp("a", Invited, 0), welcomed, welcomed, ""},
		{"approved: proposed moves on to queued", pp("a", Proposed, 0), pp("a", Queued, time.Hour), pp("a", Proposed, 2*time.Hour), pp("a", Queued, time.Hour), ""},
		{"proposed comes after counting", pp("a", Counting, 0), pp("a", Counting, time.Hour), pp("a", Proposed, 0), pp("a", Proposed, 0), ""},
		{"rejected is final: never back to proposed", pp("a", Proposed, 0), pp("a", Rejected, 0), pp("a", Proposed, time.Hour), pp("a", Rejected, 0), ""},
		{"forgotten and changed", pp("a", Invited, 0), nil, welcomed, nil, "forgotten on one side and changed on the other"},
		{"equally far along", pp("a", Queued, 0), pp("b", Invited, time.Hour), pp("c", Invited, time.Hour), pp("b", Invited, time.Hour), "equally far along"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			side := func(p *Person) *File {
				if p == nil {
					return org1(nil)
				}
				return org1(map[int64]*Person{1: p})
			}
			got, conflicts := Merge3(side(tc.b), side(tc.o), side(tc.t), t0)
			p := got.Orgs["o"].People[1]
			if !samePerson(p, tc.want) {
				t.Errorf("merged %+v, want %+v", p, tc.want)
			}
			switch {
			case tc.wantConflict == "" && len(conflicts) > 0:
				t.Errorf("conflicts %v", conflicts)
			case tc.wantConflict != "" && (len(conflicts) != 1 || !strings.Contains(conflicts[0].String(), tc.wantConflict)):
				t.Errorf("conflicts %v, want one saying %q", conflicts, tc.wantConflict)
			}
		})
	}
}

func TestMerge3CursorAndSent(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	b, o, th := New(), New(), New()
	b.Org("o").Cursor = t0
	o.Org("o").Cursor, th.Org("o").Cursor = t0.Add(time.Hour), t0.Add(30*time.Minute)
	old, a, c := now.Add(-61*time.Minute), now.Add(-10*time.Minute), now.Add(-5*time.Minute)
	o.Org("o").ContentRequests = []time.Time{old, a}
	th.Org("o").ContentRequests = []time.Time{a, c}
	o.Org("o").ContentRequestsBy = map[string][]time.Time{"token": {a}}
	th.Org("o").ContentRequestsBy = map[string][]time.Time{"token": {a, c}, "installation:1": {old}}
	got, conflicts := Merge3(b, o, th, now)
	g := got.Orgs["o"]
	if len(conflicts) > 0 || !g.Cursor.Equal(t0.Add(time.Hour)) {
		t.Errorf("cursor %v (conflicts %v), want the later one", g.Cursor, conflicts)
	}
	if len(g.ContentRequests) != 2 || !g.ContentRequests[0].Equal(a) || !g.ContentRequests[1].Equal(c) {
		t.Errorf("sent %v, want the union of the last hour without duplicates", g.ContentRequests)
	}
	if len(g.ContentRequestsBy) != 1 || len(g.ContentRequestsBy["token"]) != 2 {
		t.Errorf("sent_by %v, want token's two of the hour only", g.ContentRequestsBy)
	}
}

// Merge3 reads version 1 files too (people keyed by id) and its result is
// written as version 2.
func TestMerge3ReadsVersion1(t *testing.T) {
	v1 := func(people string) *File {
		f, err := Decode([]byte(`{"version":1,"orgs":{"o":{"people":{` + people + `}}}}`))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	a := `"1":{"login":"a","status":"invited","at":"2026-11-01T00:00:00Z"}`
	bq := `"2":{"login":"b","status":"queued","at":"2026-11-01T00:00:00Z"}`
	bi := `"2":{"login":"b","status":"invited","at":"2026-11-01T01:00:00Z"}`
	got, conflicts := Merge3(v1(a+","+bq), v1(bq), v1(a+","+bi), t0)
	data, err := Encode(got)
	if err != nil || len(conflicts) > 0 {
		t.Fatal(err, conflicts)
	}
	if !strings.HasPrefix(string(data), `{"version":2,`) || strings.Contains(string(data), `"l":"a"`) || !strings.Contains(string(data), `"s":"invited"`) {
		t.Errorf("merged:\n%s\nwant a forgotten, b invited, in version 2", data)
	}
}
