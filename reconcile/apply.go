package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/python-trio/snekomatic/state"
)

// inviteBatch is how many invitations are announced in the state with one
// write (one journal append and flush). When every save rewrote the whole
// file, saving once per person made a large backfill spend most of its time
// encoding JSON; with the journal a write costs what it changes, but each
// is still flushed to disk, so batches keep the flushes few.
const inviteBatch = 20

// apply carries out a plan. Nothing is sent to GitHub before it is written
// down: the people of each batch of invitations are saved as "inviting"
// first, and the batch's outcomes are saved when it is done. A run killed in
// the middle of a batch leaves those people "inviting", which the next run
// resolves by asking GitHub before sending anything (ResolveUnsure). It goes
// on past one person's failure, keeping the failures in r.errs, and reports
// whether everyone in the plan was written down (if not, the cursor must not
// move past them). A terminal failure (credentials refused, a configured
// team gone) stops every later request that would change something on
// GitHub: the people not yet served are queued, and the failure is kept once.
func (r *orgRun) apply(ctx context.Context, plan []Decision, welcomes []welcome) (recorded bool) {
	plan = r.withUserIDs(plan)
	if err := r.recordSettled(plan); err != nil {
		r.errs = append(r.errs, fmt.Errorf("record members and pending invitations: %w", err))
		return false
	}
	invites := r.settle(ctx, plan)
	for len(invites) > 0 {
		batch := invites[:min(inviteBatch, len(invites))]
		invites = invites[len(batch):]
		if err := r.sendBatch(ctx, batch); err != nil {
			r.errs = append(r.errs, err)
			return false
		}
	}
	r.warnLimited()
	// Welcomes that an earlier run did not get to post.
	if len(welcomes) > 0 && ctx.Err() == nil && r.stop == nil {
		r.fail(r.welcomeAndSave(ctx, welcomes)...)
	}
	return true
}

// withUserIDs drops from plan the people without a user id, who cannot be
// saved: the state file's reader refuses such a file, which would break
// every later run.
func (r *orgRun) withUserIDs(plan []Decision) []Decision {
	return slices.DeleteFunc(slices.Clone(plan), func(d Decision) bool {
		if d.ID > 0 {
			return false
		}
		r.rep.Skipped = append(r.rep.Skipped, entry(d.Login, 0, d.PR, "no user id"))
		return true
	})
}

// recordOnly are the decisions that only record what GitHub already says,
// with the status each records.
var recordOnly = map[Action]state.Status{ActRecordMember: state.Member, ActRecordPending: state.Pending, ActQueue: state.Queued,
	ActCount: state.Counting, ActRecordDeclined: state.Invited, ActPropose: state.Proposed}

// recordSettled saves the decisions that need no request together, in one
// write (a backfill can hold thousands of members).
func (r *orgRun) recordSettled(plan []Decision) error {
	return r.st.Update(r.org, func(o *state.Edit) {
		for _, d := range plan {
			if status, ok := recordOnly[d.Action]; ok {
				reason := ""
				if d.Action == ActQueue || d.Action == ActCount || d.Action == ActRecordDeclined || d.Action == ActPropose {
					reason = d.Reason
				}
				p := r.personAs(d.Candidate, status, reason)
				if d.Action == ActRecordDeclined {
					p.CommentURL = d.CommentURL
				}
				o.Put(d.ID, p)
			}
		}
	})
}

// settle reports the decisions that need no invitation, confirms the
// invitations an earlier run sent, and returns the invitations to send.
func (r *orgRun) settle(ctx context.Context, plan []Decision) (invites []Decision) {
	for _, d := range plan {
		switch d.Action {
		case ActRecordMember, ActRecordPending, ActQueue, ActCount, ActKeepUnsure, ActPropose:
			r.rep.add(d.Action, entry(d.Login, d.ID, d.PR, d.Reason))
		case ActRecordDeclined:
			e := entry(d.Login, d.ID, d.PR, d.Reason)
			e.CommentURL = d.CommentURL
			r.rep.add(ActInvite, e)
		case ActInvite:
			invites = append(invites, d)
		case ActConfirm:
			r.confirm(ctx, d)
		}
	}
	return invites
}

// confirm records an earlier run's invitation that arrived (rare), then
// welcomes them unless that too was already done.
func (r *orgRun) confirm(ctx context.Context, d Decision) {
	p := r.personAs(d.Candidate, state.Invited, "")
	p.CommentURL = d.CommentURL
	late := ""
	if d.CommentURL == "" {
		late = r.tooLate(d)
	}
	if late != "" {
		p.NoComment, p.Reason = true, late
	}
	if err := r.st.Update(r.org, func(o *state.Edit) { o.Put(d.ID, p) }); err != nil {
		r.errs = append(r.errs, fmt.Errorf("record %s as invited: %w", d.Login, err))
		return
	}
	r.rep.add(ActInvite, entry(d.Login, d.ID, d.PR, withLate(d.Reason, late)))
	if r.wantsWelcome(d) && d.CommentURL == "" && late == "" && r.stop == nil {
		r.fail(r.welcomeAndSave(ctx, []welcome{{ID: d.ID, Login: d.Login, PR: d.PR, CoAuthor: d.CoAuthor}})...)
	}
}

// sendBatch invites one batch: saved as "inviting" first, then each sent,
// then the outcomes saved together. Once the run must stop sending (see
// limit), the rest are queued instead. An error means that the state could
// not be written before anything was sent, and nothing more may be.
func (r *orgRun) sendBatch(ctx context.Context, batch []Decision) error {
	if r.limited == "" && ctx.Err() != nil {
		r.limited = reasonInterrupted
	}
	if r.limit() != "" {
		return r.queueAll(batch, r.limited)
	}
	// Say what is about to happen before it happens.
	if err := r.st.Update(r.org, func(o *state.Edit) {
		for _, d := range batch {
			o.Put(d.ID, r.personAs(d.Candidate, state.Inviting, ""))
		}
	}); err != nil {
		return fmt.Errorf("record invitations about to be sent: %w", err)
	}
	outcomes := map[int64]*state.Person{} // people left out stay "inviting"
	var welcomed []Entry
	for _, d := range batch {
		if r.limit() != "" {
			outcomes[d.ID] = r.personAs(d.Candidate, state.Queued, r.limited)
			r.rep.add(ActQueue, entry(d.Login, d.ID, d.PR, r.limited))
			continue
		}
		p, e := r.inviteOne(ctx, d)
		if p != nil {
			outcomes[d.ID] = p
		}
		if e != nil {
			welcomed = append(welcomed, *e)
		}
	}
	if err := r.st.Update(r.org, func(o *state.Edit) { o.PutAll(outcomes) }); err != nil {
		r.errs = append(r.errs, fmt.Errorf("record the outcome of %d invitations: %w", len(outcomes), err))
		return nil
	}
	r.rep.Welcomed = append(r.rep.Welcomed, welcomed...)
	return nil
}

// limit is why the invitations not yet sent wait ("" while they are
// sent): a terminal failure stops them, as do an interruption and
// GitHub's invitation limit once met.
func (r *orgRun) limit() string {
	if r.limited == "" && r.stop != nil {
		r.limited = "not sent: " + stopReason(r.stop)
	}
	return r.limited
}

// inviteOne sends d's invitation and carries out its outcome: the person
// to record (nil: they stay "inviting") and, when the welcome was posted,
// its report entry, for once the outcome is saved.
func (r *orgRun) inviteOne(ctx context.Context, d Decision) (*state.Person, *Entry) {
	o := decideInvitation(d, r.send(ctx, d))
	if o.Log != "" {
		attrs := []any{"login", d.Login, "user_id", d.ID, "pr", d.PR.URL, "role", r.invite.Role}
		if o.Err != nil {
			attrs = append(attrs, "err", o.Err)
		}
		r.log.Log(ctx, o.Level, o.Log, attrs...)
	}
	if o.Limit != "" {
		r.limited = o.Limit
	}
	if o.Terminal {
		r.halt(o.Err)
	} else if o.Err != nil {
		r.errs = append(r.errs, o.Err)
	}
	late := ""
	if o.Invited {
		late = r.tooLate(d)
	}
	if o.Action == actSkip {
		r.rep.Skipped = append(r.rep.Skipped, entry(d.Login, d.ID, d.PR, o.Reason))
	} else {
		r.rep.add(o.Action, entry(d.Login, d.ID, d.PR, withLate(o.Reason, late)))
	}
	if o.Status == "" {
		return nil, nil
	}
	p := r.personAs(d.Candidate, o.Status, o.Note)
	if late != "" {
		p.NoComment, p.Reason = true, late
	}
	if !o.Invited || !r.wantsWelcome(d) || late != "" {
		return p, nil
	}
	return p, r.welcomeNew(ctx, d, p)
}

// send sends d's invitation (inviteOnce) and reads what its outcome needs
// besides GitHub's answer: whether an invitee refused as unknown is gone,
// and which configured team a refusal of the teams is about.
func (r *orgRun) send(ctx context.Context, d Decision) answer {
	how := r.invite
	how.NoWelcome = !r.wantsWelcome(d) || r.tooLate(d) != ""
	a := answer{Err: r.inviteOnce(ctx, d.Candidate, how)}
	switch kindOf(a.Err) {
	case answerUnknownInvitee:
		exists, err := r.c.UserExists(ctx, d.ID)
		a.Gone, a.LookupErr = err == nil && !exists, err
	case answerTerminal:
		if errors.Is(a.Err, ErrTeamRefused) {
			a.Err = Terminal(teamGoneError(ctx, r.c, r.org, r.opts.Policy.Teams, a.Err))
		}
	}
	return a
}

// welcomeNew posts the welcome of someone just invited, p, and returns its
// report entry; nil when it was not posted. Not looked for first: a
// comment posted now but not saved is found by its marker on the next run.
func (r *orgRun) welcomeNew(ctx context.Context, d Decision, p *state.Person) *Entry {
	url, err := r.findOrPostWelcome(ctx, welcome{ID: d.ID, Login: d.Login, PR: d.PR, CoAuthor: d.CoAuthor}, false)
	if err != nil {
		if !noWelcome(p, d.Login, err, r.rep) {
			r.fail(err)
		}
		return nil
	}
	p.CommentURL = url
	e := entry(d.Login, d.ID, d.PR, "")
	e.CommentURL = url
	return &e
}

// wantsWelcome: comments are on, and d has a pull request on record to
// comment on (a person queued without one has not), and is not a renewal.
func (r *orgRun) wantsWelcome(d Decision) bool { return wantsWelcome(d, r.opts.Policy) }

// warnLimited warns, when invitations had to wait for a reason other than
// a terminal failure (reported on its own), how many wait.
func (r *orgRun) warnLimited() {
	if r.limited == "" || r.stop != nil {
		return
	}
	waiting := 0
	for _, e := range r.rep.Queued {
		if e.Reason == r.limited {
			waiting++
		}
	}
	r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: %d people wait in the queue for a later run", r.limited, waiting))
}

// teamGoneError names the configured teams GitHub no longer knows, after
// GitHub refused an invitation because of its team_ids. The teams are
// looked up again by slug (reads only) to say which one it is.
func teamGoneError(ctx context.Context, c PolicyReader, org string, slugs []string, refusal error) error {
	var gone []string
	for _, slug := range slugs {
		if _, err := c.TeamID(ctx, org, slug); errors.Is(err, ErrNoSuchTeam) {
			gone = append(gone, fmt.Sprintf("%q", slug))
		}
	}
	if len(gone) == 0 {
		return fmt.Errorf("%w: the configuration's teams (%s) were refused by GitHub in %s: check teams (%v)",
			ErrTeamRefused, strings.Join(slugs, ", "), org, refusal)
	}
	return fmt.Errorf("%w: the configuration names the team %s, which the organization %s no longer has (deleted or renamed during the run): create it or fix teams",
		ErrTeamRefused, strings.Join(gone, ", "), org)
}

// queueAll records a batch of would-be invitees as queued, in one save.
func (r *orgRun) queueAll(batch []Decision, reason string) error {
	if err := r.st.Update(r.org, func(o *state.Edit) {
		for _, d := range batch {
			o.Put(d.ID, r.personAs(d.Candidate, state.Queued, reason))
		}
	}); err != nil {
		return fmt.Errorf("queue %d people: %w", len(batch), err)
	}
	for _, d := range batch {
		r.rep.add(ActQueue, entry(d.Login, d.ID, d.PR, reason))
	}
	return nil
}

// inviteOnce sends an invitation so that it arrives at most once, and
// returns nil when an invitation of ours is now out. When the answer is
// lost (ErrMaybeSent) it asks GitHub whether the person is now invited
// before sending again, and sends again only once. For a person an
// earlier run may already have invited (Unsure), and for the second send,
// GitHub's "already invited" or "already a member" means that the earlier
// one arrived. ResolveUnsure decides each of these.
func (r *orgRun) inviteOnce(ctx context.Context, who Candidate, how InviteOptions) error {
	c, org := r.c, r.org
	err := c.SendInvitation(ctx, org, who.ID, how)
	resent := who.Unsure
	if errors.Is(err, ErrMaybeSent) {
		st, id, lerr := c.Membership(ctx, org, who.Login)
		// No welcome was posted for this invitation yet, so there is no
		// marker to look for (one from an earlier invitation would say
		// nothing about this one).
		switch ResolveUnsure(who.ID, UnsureEvidence{LookupFailed: lerr != nil, State: st, ID: id, Marker: MarkerAbsent}) {
		case Arrived:
			return nil
		case SendAgain:
			err, resent = c.SendInvitation(ctx, org, who.ID, how), true
		default:
			if lerr != nil {
				return fmt.Errorf("%w (and checking whether it arrived failed: %v)", err, lerr)
			}
			return fmt.Errorf("%w (and the login %s now names another account)", err, who.Login)
		}
	}
	if resent {
		ev := UnsureEvidence{ID: who.ID, Marker: MarkerAbsent}
		switch {
		case errors.Is(err, ErrAlreadyInvited):
			ev.State = PendingInvitee
		case errors.Is(err, ErrAlreadyMember):
			ev.State = ActiveMember
		}
		if ev.State != NotMember && ResolveUnsure(who.ID, ev) == Arrived {
			return nil
		}
	}
	return err
}
