package state

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// What became of an invitation (accepted, expired, failed), when it was
// sent (ia) and whether it was renewed (rn) survive both decoders.
func TestFateFieldsRoundTrip(t *testing.T) {
	f := New()
	o := f.Org("o")
	o.People[1] = &Person{Login: "a", Status: Accepted, At: t0.Add(48 * time.Hour), InvitedAt: t0,
		PR: &PRRef{Repo: "o/r", Number: 1}, CommentURL: "https://github.com/o/r/pull/1#issuecomment-5"}
	o.People[2] = &Person{Login: "e", Status: Expired, At: t0.Add(7 * 24 * time.Hour), InvitedAt: t0,
		Reason: "Invitation expired. User did not accept this invite for 7 days.", Renewed: true}
	o.People[3] = &Person{Login: "f", Status: Failed, At: t0, InvitedAt: t0.Add(-time.Hour), Reason: "declined or cancelled"}
	data, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"s":"accepted"`, `"ia":"`, `"rn":true`, `"s":"failed"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("%s not written:\n%s", want, data)
		}
	}
	fast, ok := decodeFast(data)
	if !ok {
		t.Fatalf("the fast decoder refused a canonical file:\n%s", data)
	}
	general, err := decodeV2(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, general); diff != "" {
		t.Errorf("general decoder (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(f, fast); diff != "" {
		t.Errorf("fast decoder (-want +got):\n%s", diff)
	}
	for _, s := range []Status{Accepted, Expired, Failed} {
		if !s.Final() {
			t.Errorf("%s must be final", s)
		}
	}
}

// A fate comes after the invitation in Merge3's order, and a renewal
// (queued again, Renewed) after a fate that has not seen it.
func TestMerge3Fates(t *testing.T) {
	renewed := pp("a", Queued, 8*24*time.Hour)
	renewed.Renewed = true
	expired := pp("a", Expired, 7*24*time.Hour)
	for _, tc := range []struct {
		name    string
		b, o, t *Person
		want    *Person
	}{
		{"accepted after invited", pp("a", Inviting, 0), pp("a", Invited, time.Hour), pp("a", Accepted, time.Minute), pp("a", Accepted, time.Minute)},
		{"expired after invited", pp("a", Invited, 0), pp("a", Invited, 9*24*time.Hour), expired, expired},
		{"failed after invited", pp("a", Invited, 0), pp("a", Failed, time.Hour), pp("a", Invited, 2*time.Hour), pp("a", Failed, time.Hour)},
		{"a renewal is not undone", pp("a", Invited, 0), renewed, expired, renewed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, conflicts := Merge3(org1(map[int64]*Person{1: tc.b}), org1(map[int64]*Person{1: tc.o}), org1(map[int64]*Person{1: tc.t}), t0)
			if p := got.Orgs["o"].People[1]; !samePerson(p, tc.want) || len(conflicts) > 0 {
				t.Errorf("merged %+v (conflicts %v), want %+v", p, conflicts, tc.want)
			}
			got, _ = Merge3(org1(map[int64]*Person{1: tc.b}), org1(map[int64]*Person{1: tc.t}), org1(map[int64]*Person{1: tc.o}), t0)
			if p := got.Orgs["o"].People[1]; !samePerson(p, tc.want) {
				t.Errorf("sides swapped: merged %+v, want %+v", p, tc.want)
			}
		})
	}
}

// An invitation whose fate is known still counts against the daily
// allowance by when it was sent.
func TestInvitationsSinceCountsFatesByInvitedAt(t *testing.T) {
	o := &Org{People: map[int64]*Person{
		1: {Status: Invited, At: t0},
		2: {Status: Accepted, At: t0.Add(time.Hour), InvitedAt: t0},
		3: {Status: Accepted, At: t0.Add(time.Hour), InvitedAt: t0.Add(-48 * time.Hour)},
		4: {Status: Member, At: t0},
	}}
	if n := o.InvitationsSince(t0.Add(-time.Hour)); n != 2 {
		t.Errorf("InvitationsSince = %d, want 2 (the invited and the accepted one sent in the window)", n)
	}
}
