package reconcile

// Unsure invitations: before an invitation is sent, the person is saved
// as "inviting" (state.Inviting, which the state's journal holds on disk). Whoever finds that status later (the next
// run, or the same run after an answer was lost) does not know whether
// GitHub created the invitation. ResolveUnsure is the one place that
// decides what to do about such a person, from what GitHub says now.

// Marker is what is known of our welcome comment on a person's pull
// request. The comment is only posted after GitHub accepted the
// invitation, so finding it proves that an invitation of ours arrived.
type Marker int

// What a look for the welcome marker found.
const (
	MarkerNotLooked Marker = iota // nobody looked yet
	MarkerFound
	MarkerAbsent
	MarkerFailed // the look failed
)

// UnsureEvidence is what GitHub says now about a person whose invitation
// may have been sent.
type UnsureEvidence struct {
	// LookupFailed: the membership could not be read.
	LookupFailed bool
	// State is the membership GitHub answered, and ID the user id of the
	// account it answered about (a membership is looked up by login, and a
	// login can change hands). A refusal of a re-sent invitation as
	// "already invited" or "already a member" is the same evidence: it was
	// sent by user id, so ID is theirs.
	State MemberState
	ID    int64
	// Marker is what a look for our welcome comment found.
	Marker Marker
}

// Verdict is what to do about a person whose invitation may have been sent.
type Verdict int

// The verdicts of ResolveUnsure.
const (
	// StillUnsure: nothing can be concluded; the person stays "inviting"
	// (never "queued", which would forget that the invitation may be out)
	// and the next run asks again.
	StillUnsure Verdict = iota
	// LookForMarker: ask again once the welcome marker has been looked for.
	LookForMarker
	// Arrived: our invitation reached them (they hold it or accepted it):
	// record them as invited and welcome them unless the marker is there.
	Arrived
	// Declined: they are not a member, but our welcome is on their pull
	// request, so our invitation arrived and was declined, cancelled or
	// expired: record them as invited and never ask again.
	Declined
	// SendAgain: not a member and no trace of our invitation: it never
	// arrived, and sending it (again) is right.
	SendAgain
)

func (v Verdict) String() string {
	switch v {
	case LookForMarker:
		return "look for the welcome marker"
	case Arrived:
		return "arrived"
	case Declined:
		return "declined"
	case SendAgain:
		return "send again"
	}
	return "still unsure"
}

// ResolveUnsure decides the fate of the person with user id whose earlier
// invitation may have been sent, from the evidence. It is pure and is the
// only function that makes this decision: Plan calls it for people an
// earlier run left "inviting", inviteOnce for answers lost in this run.
func ResolveUnsure(id int64, ev UnsureEvidence) Verdict {
	switch {
	case ev.LookupFailed:
		return StillUnsure
	case ev.State != NotMember && ev.ID == id:
		return Arrived
	case ev.State != NotMember:
		// The login now names another account: what it says is not about
		// our person. Only our marker can still settle it.
		if ev.Marker == MarkerFound {
			return Declined
		}
		if ev.Marker == MarkerNotLooked {
			return LookForMarker
		}
		return StillUnsure
	}
	switch ev.Marker {
	case MarkerFound:
		return Declined
	case MarkerAbsent:
		return SendAgain
	case MarkerNotLooked:
		return LookForMarker
	}
	return StillUnsure
}
