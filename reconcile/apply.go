package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
// on past one person's failure and returns the failures, and whether
// everyone in the plan was written down (if not, the cursor must not move
// past them). A terminal failure (credentials refused, a configured team
// gone) stops every later request that would change something on GitHub:
// the people not yet served are queued, and the failure is returned once.
func apply(ctx context.Context, c Client, st *state.Store, org string, plan []Decision, welcomes []welcome,
	invite InviteOptions, opts Options, rep *Report, log *slog.Logger) (errs []error, recorded bool) {
	noComment := opts.Policy.NoComment
	personAs := func(d Candidate, status state.Status, reason string) *state.Person {
		return &state.Person{Login: d.Login, Status: status, At: opts.Now, PR: prRef(d.PR), Reason: reason,
			NoComment: status == state.Invited && noComment}
	}
	// A person without a user id cannot be saved: the state file's reader
	// refuses such a file, which would break every later run.
	plan = slices.DeleteFunc(slices.Clone(plan), func(d Decision) bool {
		if d.ID > 0 {
			return false
		}
		rep.Skipped = append(rep.Skipped, entry(d.Login, 0, d.PR, "no user id"))
		return true
	})
	// Decisions that only record what GitHub already says need no request,
	// so they are saved together, in one write (a backfill can hold
	// thousands of members).
	recordOnly := map[Action]state.Status{ActRecordMember: state.Member, ActRecordPending: state.Pending, ActQueue: state.Queued,
		ActCount: state.Counting, ActRecordDeclined: state.Invited}
	err := st.Update(org, func(o *state.Edit) {
		for _, d := range plan {
			if status, ok := recordOnly[d.Action]; ok {
				reason := ""
				if d.Action == ActQueue || d.Action == ActCount || d.Action == ActRecordDeclined {
					reason = d.Reason
				}
				p := personAs(d.Candidate, status, reason)
				if d.Action == ActRecordDeclined {
					p.CommentURL = d.CommentURL
				}
				o.Put(d.ID, p)
			}
		}
	})
	if err != nil {
		return append(errs, fmt.Errorf("record members and pending invitations: %w", err)), false
	}
	// stop is set by a terminal failure: from then on nothing more is sent.
	var stop error
	halt := func(err error) {
		if stop == nil {
			stop = err
			errs = append(errs, err)
			log.Error("stopping this organization's changes", "err", err)
		}
	}
	var invites []Decision
	for _, d := range plan {
		switch d.Action {
		case ActRecordMember, ActRecordPending, ActQueue, ActCount, ActKeepUnsure:
			rep.add(d.Action, entry(d.Login, d.ID, d.PR, d.Reason))
		case ActRecordDeclined:
			e := entry(d.Login, d.ID, d.PR, d.Reason)
			e.CommentURL = d.CommentURL
			rep.add(ActInvite, e)
		case ActInvite:
			invites = append(invites, d)
		case ActConfirm:
			// An earlier run's invitation arrived (rare): record it, then
			// welcome them unless that too was already done.
			p := personAs(d.Candidate, state.Invited, "")
			p.CommentURL = d.CommentURL
			if err := st.Update(org, func(o *state.Edit) { o.Put(d.ID, p) }); err != nil {
				errs = append(errs, fmt.Errorf("record %s as invited: %w", d.Login, err))
				continue
			}
			rep.add(ActInvite, entry(d.Login, d.ID, d.PR, d.Reason))
			if !noComment && d.CommentURL == "" && stop == nil && d.PR.Repo != "" {
				werrs := welcomeAndSave(ctx, c, st, org, []welcome{{ID: d.ID, Login: d.Login, PR: d.PR}}, opts, rep, true)
				for _, err := range werrs {
					if IsTerminal(err) {
						halt(err)
					} else {
						errs = append(errs, err)
					}
				}
			}
		}
	}

	limited := ""
	for len(invites) > 0 {
		batch := invites[:min(inviteBatch, len(invites))]
		invites = invites[len(batch):]
		if limited == "" && ctx.Err() != nil {
			limited = "the run was interrupted"
		}
		if limited == "" && stop != nil {
			limited = "not sent: " + stopReason(stop)
		}
		if limited != "" {
			if err := queueAll(st, org, batch, limited, personAs, rep); err != nil {
				return append(errs, err), false
			}
			continue
		}
		// Say what is about to happen before it happens.
		if err := st.Update(org, func(o *state.Edit) {
			for _, d := range batch {
				o.Put(d.ID, personAs(d.Candidate, state.Inviting, ""))
			}
		}); err != nil {
			// Nothing may be sent that is not written down.
			return append(errs, fmt.Errorf("record invitations about to be sent: %w", err)), false
		}
		outcome := map[int64]*state.Person{} // people left out stay "inviting"
		var welcomed []Entry
		for _, d := range batch {
			if limited == "" && stop != nil {
				limited = "not sent: " + stopReason(stop)
			}
			if limited != "" {
				outcome[d.ID] = personAs(d.Candidate, state.Queued, limited)
				rep.add(ActQueue, entry(d.Login, d.ID, d.PR, limited))
				continue
			}
			err := inviteOnce(ctx, c, org, d.Candidate, invite)
			switch {
			case err == nil:
				log.Info("invited", "login", d.Login, "user_id", d.ID, "pr", d.PR.URL, "role", invite.Role)
				p := personAs(d.Candidate, state.Invited, "")
				outcome[d.ID] = p
				rep.add(ActInvite, entry(d.Login, d.ID, d.PR, d.Reason))
				if noComment || d.PR.Repo == "" {
					// Off, or no pull request on record to comment on (a
					// person queued without one): nothing to welcome on.
					continue
				}
				// Not found yet on this first try: a comment posted now but
				// not saved is found by its marker on the next run.
				url, err := findOrPostWelcome(ctx, c, org, welcome{ID: d.ID, Login: d.Login, PR: d.PR}, opts, false)
				if err != nil {
					if noWelcome(p, d.Login, err, rep) {
						continue
					}
					if IsTerminal(err) {
						halt(err)
					} else {
						errs = append(errs, err)
					}
					continue
				}
				p.CommentURL = url
				e := entry(d.Login, d.ID, d.PR, "")
				e.CommentURL = url
				welcomed = append(welcomed, e)
			case errors.Is(err, ErrAlreadyMember):
				outcome[d.ID] = personAs(d.Candidate, state.Member, "")
				rep.add(ActRecordMember, entry(d.Login, d.ID, d.PR, "already a member (GitHub refused the invitation)"))
			case errors.Is(err, ErrAlreadyInvited):
				outcome[d.ID] = personAs(d.Candidate, state.Pending, "")
				rep.add(ActRecordPending, entry(d.Login, d.ID, d.PR, "already has a pending invitation (GitHub refused the invitation)"))
			case errors.Is(err, ErrNoSuchUser):
				// Final only on positive evidence that the account is gone.
				exists, uerr := c.UserExists(ctx, d.ID)
				switch {
				case uerr == nil && !exists:
					reason := "the account no longer exists"
					outcome[d.ID] = personAs(d.Candidate, state.Skipped, reason)
					rep.Skipped = append(rep.Skipped, entry(d.Login, d.ID, d.PR, reason))
				default:
					reason := "GitHub refused the invitee, and the account "
					if uerr != nil {
						reason += "could not be looked up: " + uerr.Error()
					} else {
						reason += "still exists: " + err.Error()
					}
					log.Error("invitation refused", "login", d.Login, "user_id", d.ID, "reason", reason)
					errs = append(errs, fmt.Errorf("invite %s: %s", d.Login, reason))
					outcome[d.ID] = personAs(d.Candidate, state.Queued, reason)
					rep.add(ActQueue, entry(d.Login, d.ID, d.PR, reason))
				}
			case errors.Is(err, ErrInvitationLimit):
				limited = "GitHub's invitation limit for the organization was reached"
				log.Warn("invitation limit reached; the rest wait for a later run", "login", d.Login)
				outcome[d.ID] = personAs(d.Candidate, state.Queued, limited)
				rep.add(ActQueue, entry(d.Login, d.ID, d.PR, limited))
			case errors.Is(err, ErrNotSent):
				// Stopped before it went: queued, as is the rest.
				limited = "the run was interrupted"
				outcome[d.ID] = personAs(d.Candidate, state.Queued, limited)
				rep.add(ActQueue, entry(d.Login, d.ID, d.PR, limited))
			case errors.Is(err, ErrMaybeSent):
				// Still unknown after looking: stays "inviting", so that the
				// next run looks again before sending.
				reason := "invitation may not have arrived; the next run checks: " + err.Error()
				log.Error("invitation outcome unknown", "login", d.Login, "user_id", d.ID, "err", err)
				errs = append(errs, fmt.Errorf("invite %s: %w", d.Login, err))
				rep.add(ActKeepUnsure, entry(d.Login, d.ID, d.PR, reason))
			case IsTerminal(err):
				if errors.Is(err, ErrTeamRefused) {
					err = Terminal(teamGoneError(ctx, c, org, opts.Policy.Teams, err))
				}
				halt(fmt.Errorf("invite %s: %w", d.Login, err))
				reason := "not sent: " + stopReason(err)
				outcome[d.ID] = personAs(d.Candidate, state.Queued, reason)
				rep.add(ActQueue, entry(d.Login, d.ID, d.PR, reason))
			default:
				reason := "invitation failed: " + err.Error()
				log.Error("invitation failed", "login", d.Login, "user_id", d.ID, "err", err)
				errs = append(errs, fmt.Errorf("invite %s: %w", d.Login, err))
				outcome[d.ID] = personAs(d.Candidate, state.Queued, reason)
				rep.add(ActQueue, entry(d.Login, d.ID, d.PR, reason))
			}
		}
		if err := st.Update(org, func(o *state.Edit) { o.PutAll(outcome) }); err != nil {
			errs = append(errs, fmt.Errorf("record the outcome of %d invitations: %w", len(outcome), err))
			continue
		}
		rep.Welcomed = append(rep.Welcomed, welcomed...)
	}
	if limited != "" && stop == nil {
		waiting := 0
		for _, e := range rep.Queued {
			if e.Reason == limited {
				waiting++
			}
		}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: %d people wait in the queue for a later run", limited, waiting))
	}
	// Welcomes that an earlier run did not get to post.
	if len(welcomes) > 0 && ctx.Err() == nil && stop == nil {
		for _, err := range welcomeAndSave(ctx, c, st, org, welcomes, opts, rep, true) {
			if IsTerminal(err) {
				halt(err)
			} else {
				errs = append(errs, err)
			}
		}
	}
	return errs, true
}

// stopReason is the short form of a terminal failure for the people it
// leaves waiting.
func stopReason(err error) string {
	switch {
	case errors.Is(err, ErrCredentialsRefused):
		return "GitHub refused the credentials (401)"
	case errors.Is(err, ErrForbidden):
		return "GitHub refused the request (403)"
	case errors.Is(err, ErrTeamRefused):
		return "a configured team no longer exists"
	}
	return "the organization's run stopped on an error"
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
func queueAll(st *state.Store, org string, batch []Decision, reason string,
	personAs func(Candidate, state.Status, string) *state.Person, rep *Report) error {
	if err := st.Update(org, func(o *state.Edit) {
		for _, d := range batch {
			o.Put(d.ID, personAs(d.Candidate, state.Queued, reason))
		}
	}); err != nil {
		return fmt.Errorf("queue %d people: %w", len(batch), err)
	}
	for _, d := range batch {
		rep.add(ActQueue, entry(d.Login, d.ID, d.PR, reason))
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
func inviteOnce(ctx context.Context, c Client, org string, who Candidate, how InviteOptions) error {
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
			ev.State = Pending
		case errors.Is(err, ErrAlreadyMember):
			ev.State = Member
		}
		if ev.State != NotMember && ResolveUnsure(who.ID, ev) == Arrived {
			return nil
		}
	}
	return err
}

// findOrPostWelcome posts the welcome comment for an invitee and returns
// its URL. With retry it first looks for a comment carrying the marker, so
// that a run which died after posting but before saving does not post twice.
// When the answer to the post is lost (ErrMaybeSent) it looks for the marker
// and posts again, once, only if it is not there, as inviteOnce does for
// invitations. A pull request in an archived repository is not tried:
// GitHub refuses comments there (ErrCannotComment).
func findOrPostWelcome(ctx context.Context, c Inviter, org string, wl welcome, opts Options, retry bool) (string, error) {
	where := fmt.Sprintf("%s on %s#%d", wl.Login, wl.PR.Repo, wl.PR.Number)
	if wl.PR.RepoArchived {
		return "", fmt.Errorf("welcome %s: %w: the repository is archived, so read-only", where, ErrCannotComment)
	}
	if retry {
		found, err := c.FindComment(ctx, wl.PR.Repo, wl.PR.Number, WelcomeMarker(org, wl.ID))
		if err != nil {
			return "", fmt.Errorf("look for the welcome comment to %s: %w", where, err)
		}
		if found != "" {
			return found, nil
		}
	}
	body, err := welcomeBody(org, wl, opts)
	if err != nil {
		return "", fmt.Errorf("welcome %s: %w", where, err)
	}
	posted, err := c.Comment(ctx, wl.PR.Repo, wl.PR.Number, body)
	if errors.Is(err, ErrMaybeSent) {
		found, ferr := c.FindComment(ctx, wl.PR.Repo, wl.PR.Number, WelcomeMarker(org, wl.ID))
		switch {
		case ferr != nil:
			return "", fmt.Errorf("welcome %s: %w (and looking for it failed: %v)", where, err, ferr)
		case found != "":
			return found, nil
		}
		posted, err = c.Comment(ctx, wl.PR.Repo, wl.PR.Number, body)
	}
	if err != nil {
		return "", fmt.Errorf("welcome %s: %w", where, err)
	}
	return posted, nil
}

// noWelcome records, for a welcome GitHub will never take (ErrCannotComment),
// that the invitee is not to be welcomed, and why, and warns in the report.
// It reports whether err was such a refusal.
func noWelcome(p *state.Person, login string, err error, rep *Report) bool {
	if !errors.Is(err, ErrCannotComment) {
		return false
	}
	p.NoComment = true
	p.Reason = "no welcome: " + err.Error()
	rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s was invited without a welcome: %v", login, err))
	return true
}

// welcomeAndSave welcomes invitees and records the comments in one save.
func welcomeAndSave(ctx context.Context, c Inviter, st *state.Store, org string, wls []welcome, opts Options, rep *Report, retry bool) []error {
	var errs []error
	urls := map[int64]string{}
	impossible := map[int64]error{}
	var done []Entry
	for _, wl := range wls {
		if ctx.Err() != nil {
			break
		}
		url, err := findOrPostWelcome(ctx, c, org, wl, opts, retry)
		if errors.Is(err, ErrCannotComment) {
			impossible[wl.ID] = err
			continue
		}
		if err != nil {
			errs = append(errs, err)
			if IsTerminal(err) {
				// Refused credentials or permissions refuse every later
				// comment too: stop at the first, and report it once.
				break
			}
			continue
		}
		urls[wl.ID] = url
		e := entry(wl.Login, wl.ID, wl.PR, "")
		e.CommentURL = url
		done = append(done, e)
	}
	if len(urls) == 0 && len(impossible) == 0 {
		return errs
	}
	if err := st.Update(org, func(o *state.Edit) {
		for id, url := range urls {
			if p := o.Person(id); p != nil {
				p.CommentURL = url
				o.Put(id, p)
			}
		}
		for id, err := range impossible {
			if p := o.Person(id); p != nil {
				noWelcome(p, p.Login, err, rep)
				o.Put(id, p)
			}
		}
	}); err != nil {
		return append(errs, fmt.Errorf("record %d welcome comments: %w", len(urls)+len(impossible), err))
	}
	rep.Welcomed = append(rep.Welcomed, done...)
	return errs
}

// welcomeBody is the standard welcome comment, or the policy's template.
func welcomeBody(org string, wl welcome, opts Options) (string, error) {
	accept := AcceptURL(opts.WebURL, org)
	if opts.Policy.Comment == nil {
		return WelcomeComment(wl.Login, org, wl.ID, accept), nil
	}
	return RenderWelcome(opts.Policy.Comment, WelcomeData{
		Login: wl.Login, Org: org, AcceptURL: accept,
		PR: WelcomePR{Repo: wl.PR.Repo, Number: wl.PR.Number, URL: wl.PR.URL},
	}, wl.ID)
}
