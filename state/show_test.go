package state

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestShowOrdersPeopleByStatusThenLogin pins the order `state show`
// documents: people grouped by status, those snekomatic still has business
// with first (inviting, queued, proposed, counting), then every final
// status; within a status by login, ignoring case, then by id. The order
// is written out here rather than read from Statuses, so that changing
// either the list or the sorting fails.
func TestShowOrdersPeopleByStatusThenLogin(t *testing.T) {
	want := []Status{"inviting", "queued", "proposed", "counting", "invited", "expired", "failed",
		"accepted", "pending", "member", "adopted", "rejected", "skipped"}
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	org := &Org{People: map[int64]*Person{}}
	// Logins run against the status order, so that sorting by login
	// alone, or by id, gives another order.
	for i, s := range want {
		login := string(rune('z' - i))
		org.People[int64(100-i)] = &Person{Login: login, Status: s, At: at}
	}
	// Three more queued: "C" sorts after "b", ignoring case (by bytes it
	// would come first), and the two named "b" by id.
	org.People[500] = &Person{Login: "b", Status: Queued, At: at}
	org.People[600] = &Person{Login: "b", Status: Queued, At: at}
	org.People[400] = &Person{Login: "C", Status: Queued, At: at}
	doc := Show(&File{Version: 2, Orgs: map[string]*Org{"trio": org}}, "s.json", nil, "")
	var got []string
	for _, p := range doc.Orgs[0].People {
		got = append(got, string(p.Status)+":"+p.Login+":"+strconv.FormatInt(p.ID, 10))
	}
	wantRows := []string{"inviting:z:100", "queued:b:500", "queued:b:600", "queued:C:400", "queued:y:99"}
	for i, s := range want[2:] {
		wantRows = append(wantRows, string(s)+":"+string(rune('z'-i-2))+":"+strconv.Itoa(98-i))
	}
	if !slices.Equal(got, wantRows) {
		t.Errorf("order:\n got %v\nwant %v", got, wantRows)
	}
}
