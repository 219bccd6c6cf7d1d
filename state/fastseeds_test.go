package state

import (
	"testing"
	"time"
)

// fastSeeds are inputs for FuzzDecodeFast that take decodeFast down each of
// its branches: canonical files it must read (every member of a person and
// of an organization, every bound of a time's fields), and files cut short
// at each kind of value, where it must refuse without reading past the end.
func fastSeeds(t testing.TB) [][]byte {
	day := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	f := New()
	o := f.Org("bounds")
	o.Cursor = day(9999, 12, 31, 23, 59, 59)
	o.ContentRequests = []time.Time{day(2026, 1, 1, 0, 0, 0), day(2026, 1, 1, 0, 0, 0), day(2026, 9, 9, 9, 9, 9)}
	o.ContentRequestsBy = map[string][]time.Time{
		"installation:42": {day(2026, 1, 1, 0, 0, 0), day(2026, 1, 1, 0, 0, 1)},
		"token":           {day(2026, 12, 1, 19, 19, 19)},
	}
	// Year 1: the zero time, which Encode writes as 0001-01-01T00:00:00Z.
	o.People[1] = &Person{Login: "", Status: Queued}
	o.People[9] = &Person{Login: "nine-9", Status: Invited, At: day(1999, 10, 29, 19, 59, 9),
		PR:     &PRRef{Repo: "o/r#x", Number: 1<<31 - 1, MergedAt: day(2000, 2, 29, 0, 0, 0)},
		Reason: "a reason with spaces ~ and }]", NoComment: true}
	o.People[10] = &Person{Login: "ten", Status: Invited, At: day(2026, 11, 2, 0, 0, 0),
		PR:         &PRRef{Repo: "o/r", Number: 90},
		CommentURL: GitHubWeb + "/o/r/pull/90#issuecomment-1090"}
	o.People[1<<62] = &Person{Login: "big", Status: Counting, At: day(2026, 11, 2, 0, 0, 0),
		PR: &PRRef{Repo: "o/r", Number: 1}, CommentURL: "https://ghe.example/o/r/pull/1#issuecomment-1", Reason: "1"}
	f.Org("empty")
	f.Org("sent-only").ContentRequests = []time.Time{}
	f.Org("sent-by-only").ContentRequestsBy = map[string][]time.Time{"x": {day(2026, 1, 1, 0, 0, 0)}}
	canonical, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := decodeFast(canonical); !ok || !fastShouldRead(canonical) {
		t.Fatalf("the canonical seed is not read by the fast decoder:\n%s", canonical)
	}
	seeds := [][]byte{canonical}
	// Cut short: inside and right before each kind of value.
	for _, cut := range []string{
		`{"version":2,"orgs":{`,
		"{\"version\":2,\"orgs\":{\n",
		"{\"version\":2,\"orgs\":{\n\"o",
		"{\"version\":2,\"orgs\":{\n\"o\":{\"cursor\":\"2026",
		"{\"version\":2,\"orgs\":{\n\"o\":{\"cursor\":\"2026-01-01T00:00:00Z\"",
		"{\"version\":2,\"orgs\":{\n\"o\":{\"people\":[\n {\"id\":5",
		"{\"version\":2,\"orgs\":{\n\"o\":{\"people\":[\n {\"id\":5,\"l\":\"x\",\"s\":\"queued\",\"at\":\"2026-01-01T00:00:00Z\"",
		"{\"version\":2,\"orgs\":{\n\"o\":{\"people\":[\n {\"id\":5,\"l\":\"x\",\"s\":\"queued\",\"at\":\"2026-01-01T00:00:00Z\",\"c\":9",
		"{\"version\":2,\"orgs\":{\n\"o\":{\"people\":[]}\n}",
		"{\"version\":2,\"orgs\":{\n\"o\":{\"people\":[]}\n}}",
	} {
		seeds = append(seeds, []byte(cut))
	}
	// Pull requests without a '#', which both decoders must refuse.
	for _, pr := range []string{"", "//5", "o/r5"} {
		seeds = append(seeds, []byte("{\"version\":2,\"orgs\":{\n\"o\":{\"people\":[\n {\"id\":5,\"l\":\"x\",\"s\":\"queued\",\"at\":\"2026-01-01T00:00:00Z\",\"pr\":\""+pr+"\"}\n]}\n}}\n"))
	}
	return seeds
}
