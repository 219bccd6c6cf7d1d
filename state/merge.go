package state

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Two copies of one state file that went apart (two branches of the
// repository it is committed to, or a journal written against an older
// file) are merged record by record, per organization and per person, by
// the rules of Merge3. The one order they rely on is how far along a
// record is: a person's record moves forward through the statuses and
// never back.
//
//	counting < proposed < queued < inviting
//	         < invited, pending, member, adopted, rejected, skipped
//	         < accepted, expired, failed
//
// counting (not enough merged pull requests yet) comes before proposed
// (waiting for the maintainers' approval), which comes before queued (due
// an invitation: approved, or no approval asked), which comes before inviting (an invitation about to be
// sent: it may have been), and every final status comes after them all:
// once snekomatic has invited someone, or decided never to, a record that
// says it still has to invite them is behind. What became of an invitation
// (accepted, expired, failed) comes after the invitation itself. Before all
// of that, a renewed record (an expired invitation sent again under
// renew_expired: once) is further along than any record that is not: the
// renewal starts the person's record over from queued, and a side that
// has not seen it must not undo it (and so allow a second renewal).
// Between two records of the same rank, the later `at` is further along,
// and at the same `at` a welcomed invitee is further along than one not
// yet welcomed.

// statusRank places a status in that order.
func statusRank(s Status) int {
	switch s {
	case Counting:
		return 0
	case Proposed:
		return 1
	case Queued:
		return 2
	case Inviting:
		return 3
	case Accepted, Expired, Failed:
		return 5
	}
	return 4
}

// compareProgress is positive when a is further along than b, negative
// when b is, and 0 when neither is (which Merge3 cannot settle unless the
// two are equal).
func compareProgress(a, b *Person) int {
	if a.Renewed != b.Renewed {
		if a.Renewed {
			return 1
		}
		return -1
	}
	if c := statusRank(a.Status) - statusRank(b.Status); c != 0 {
		return c
	}
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	aw, bw := a.CommentURL != "", b.CommentURL != ""
	switch {
	case aw && !bw:
		return 1
	case bw && !aw:
		return -1
	}
	return 0
}

// Conflict is a record Merge3 cannot settle.
type Conflict struct {
	Org string
	// ID is the person's id.
	ID  int64
	Why string
}

func (c Conflict) String() string {
	return fmt.Sprintf("organization %q, person %d: %s", c.Org, c.ID, c.Why)
}

// Merge3 merges ours and theirs, two states that went apart from base, as
// git's three-way merge does but record by record. For each organization
// and each person (by id):
//
//   - a record changed on one side only (added, changed or forgotten) is
//     taken from that side; in particular a person forgotten on one side
//     and untouched on the other stays forgotten;
//   - a record changed on both sides is taken from the side further along
//     (see statusRank), ties broken by the later `at`; two different
//     records that are equally far along, or one forgotten on one side and
//     changed on the other, are conflicts;
//   - the cursor is the later of the two;
//   - the content-creating requests sent (Org.ContentRequests, Org.ContentRequestsBy) are the
//     union of both sides', without exact duplicates, keeping those of
//     the hour before now.
//
// The result is new (the inputs are not changed) and is in the current
// version. It is complete even with conflicts, which take ours.
func Merge3(base, ours, theirs *File, now time.Time) (*File, []Conflict) {
	out := New()
	var conflicts []Conflict
	names := map[string]bool{}
	for _, f := range []*File{base, ours, theirs} {
		for name := range f.Orgs {
			names[name] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		bo, oo, to := base.Orgs[name], ours.Orgs[name], theirs.Orgs[name]
		if oo == nil && to == nil {
			continue // dropped on both sides
		}
		o, cs := mergeOrg(name, orEmpty(bo), orEmpty(oo), orEmpty(to), now)
		out.Orgs[name] = o
		conflicts = append(conflicts, cs...)
	}
	return out, conflicts
}

var emptyOrg = &Org{}

func orEmpty(o *Org) *Org {
	if o == nil {
		return emptyOrg
	}
	return o
}

func mergeOrg(name string, b, o, t *Org, now time.Time) (*Org, []Conflict) {
	out := &Org{Cursor: o.Cursor, People: map[int64]*Person{}}
	if t.Cursor.After(out.Cursor) {
		out.Cursor = t.Cursor
	}
	out.ContentRequests = unionSent(o.ContentRequests, t.ContentRequests, now)
	out.ContentRequestsBy = unionSentBy(o.ContentRequestsBy, t.ContentRequestsBy, now)
	var conflicts []Conflict
	ids := map[int64]bool{}
	for _, x := range []*Org{b, o, t} {
		for id := range x.People {
			ids[id] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		p, why := mergePerson(b.People[id], o.People[id], t.People[id])
		if why != "" {
			conflicts = append(conflicts, Conflict{Org: name, ID: id, Why: why})
		}
		if p != nil {
			out.People[id] = p.clone()
		}
	}
	return out, conflicts
}

// mergePerson decides one person (nil: absent, or forgotten). why is set
// for a conflict; p is then ours.
func mergePerson(b, o, t *Person) (p *Person, why string) {
	switch {
	case samePerson(o, t), samePerson(b, t):
		return o, ""
	case samePerson(b, o):
		return t, ""
	case o == nil:
		return nil, "forgotten on one side and changed on the other"
	case t == nil:
		return o, "changed on one side and forgotten on the other"
	}
	switch c := compareProgress(o, t); {
	case c > 0:
		return o, ""
	case c < 0:
		return t, ""
	}
	return o, fmt.Sprintf("changed differently on both sides, equally far along (%s at %s)",
		o.Status, o.At.UTC().Format(time.RFC3339))
}

func samePerson(a, b *Person) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.equal(b)
}

// unionSent merges two lists of request times: both sides' entries, exact
// duplicates once, the hour before now only, oldest first. Nil only when
// both are nil (neither side recorded any).
func unionSent(a, b []time.Time, now time.Time) []time.Time {
	if a == nil && b == nil {
		return nil
	}
	out := []time.Time{}
	cut := now.Add(-time.Hour)
	for _, t := range slices.Concat(a, b) {
		if !t.Before(cut) {
			out = append(out, t.UTC())
		}
	}
	slices.SortFunc(out, func(x, y time.Time) int { return x.Compare(y) })
	return slices.CompactFunc(out, func(x, y time.Time) bool { return x.Equal(y) })
}

// unionSentBy is unionSent for each identity.
func unionSentBy(a, b map[string][]time.Time, now time.Time) map[string][]time.Time {
	if a == nil && b == nil {
		return nil
	}
	out := map[string][]time.Time{}
	for id := range maps.Keys(a) {
		out[id] = nil
	}
	for id := range maps.Keys(b) {
		out[id] = nil
	}
	for id := range out {
		if l := unionSent(a[id], b[id], now); len(l) > 0 {
			out[id] = l
		} else {
			delete(out, id)
		}
	}
	return out
}
