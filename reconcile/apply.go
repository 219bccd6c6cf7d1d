package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/python-trio/snekomatic/state"
)

// apply carries out a plan. Every outcome is saved before the next request,
// so a run killed at any point keeps what it did. It goes on past one
// person's failure and returns the failures.
func apply(ctx context.Context, c Client, st *state.Store, org string, plan []Decision, welcomes []welcome,
	invite InviteOptions, opts Options, rep *Report, log *slog.Logger) []error {
	var errs []error
	noComment := opts.Policy.NoComment
	record := func(d Candidate, status state.Status, reason string) bool {
		err := st.Update(org, func(o *state.Org) {
			o.People[d.ID] = &state.Person{Login: d.Login, Status: status, At: opts.Now, PR: prRef(d.PR), Reason: reason,
				NoComment: status == state.Invited && noComment}
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("record %s as %s: %w", d.Login, status, err))
			return false
		}
		return true
	}
	// Decisions that only record what GitHub already says need no request,
	// so they are saved together, in one write (a backfill can hold
	// thousands of members).
	settled := map[Action]state.Status{ActRecordMember: state.Member, ActRecordPending: state.Pending, ActDefer: state.Queued,
		ActCount: state.Counting}
	err := st.Update(org, func(o *state.Org) {
		for _, d := range plan {
			if status, ok := settled[d.Action]; ok {
				reason := ""
				if d.Action == ActDefer || d.Action == ActCount {
					reason = d.Reason
				}
				o.People[d.ID] = &state.Person{Login: d.Login, Status: status, At: opts.Now, PR: prRef(d.PR), Reason: reason}
			}
		}
	})
	if err != nil {
		return append(errs, fmt.Errorf("record members and pending invitations: %w", err))
	}
	limited := ""
	for _, d := range plan {
		switch d.Action {
		case ActRecordMember, ActRecordPending, ActDefer, ActCount:
			rep.add(d.Action, entry(d.Login, d.ID, d.PR, d.Reason))
			continue
		case ActConfirm:
			if record(d.Candidate, state.Invited, "") {
				rep.add(ActInvite, entry(d.Login, d.ID, d.PR, d.Reason))
				if noComment {
					continue
				}
				if err := postWelcome(ctx, c, st, org, welcome{ID: d.ID, Login: d.Login, PR: d.PR}, opts, rep, true); err != nil {
					errs = append(errs, err)
				}
			}
			continue
		}

		// ActInvite.
		if limited == "" && ctx.Err() != nil {
			limited = "the run was interrupted"
		}
		if limited != "" {
			if record(d.Candidate, state.Queued, limited) {
				rep.add(ActDefer, entry(d.Login, d.ID, d.PR, limited))
			}
			continue
		}
		// Say what is about to happen before it happens: if the process
		// dies after GitHub took the invitation but before the outcome is
		// saved, the next run sees "inviting" and checks instead of asking
		// twice (or never welcoming).
		if !record(d.Candidate, state.Inviting, "") {
			continue
		}
		err := inviteOnce(ctx, c, org, d.Candidate, invite)
		switch {
		case err == nil:
			log.Info("invited", "login", d.Login, "user_id", d.ID, "pr", d.PR.URL, "role", invite.Role)
			if record(d.Candidate, state.Invited, "") {
				rep.add(ActInvite, entry(d.Login, d.ID, d.PR, d.Reason))
				if noComment {
					continue
				}
				if err := postWelcome(ctx, c, st, org, welcome{ID: d.ID, Login: d.Login, PR: d.PR}, opts, rep, false); err != nil {
					errs = append(errs, err)
				}
			}
		case errors.Is(err, ErrAlreadyMember):
			if record(d.Candidate, state.Member, "") {
				rep.add(ActRecordMember, entry(d.Login, d.ID, d.PR, "already a member (GitHub refused the invitation)"))
			}
		case errors.Is(err, ErrAlreadyInvited):
			if record(d.Candidate, state.Pending, "") {
				rep.add(ActRecordPending, entry(d.Login, d.ID, d.PR, "already has a pending invitation (GitHub refused the invitation)"))
			}
		case errors.Is(err, ErrNoSuchUser):
			reason := "the account no longer exists"
			if record(d.Candidate, state.Skipped, reason) {
				rep.Skipped = append(rep.Skipped, entry(d.Login, d.ID, d.PR, reason))
			}
		case errors.Is(err, ErrInvitationLimit):
			limited = "GitHub's invitation limit for the organization was reached"
			log.Warn("invitation limit reached; the rest wait for a later run", "login", d.Login)
			rep.Warnings = append(rep.Warnings, limited+"; the rest wait in the queue")
			if record(d.Candidate, state.Queued, limited) {
				rep.add(ActDefer, entry(d.Login, d.ID, d.PR, limited))
			}
		case errors.Is(err, ErrMaybeSent):
			// Still unknown after looking: leave "inviting" in the state so
			// that the next run looks again before sending.
			reason := "invitation may not have arrived; the next run checks: " + err.Error()
			log.Error("invitation outcome unknown", "login", d.Login, "user_id", d.ID, "err", err)
			errs = append(errs, fmt.Errorf("invite %s: %w", d.Login, err))
			rep.add(ActDefer, entry(d.Login, d.ID, d.PR, reason))
		default:
			reason := "invitation failed: " + err.Error()
			log.Error("invitation failed", "login", d.Login, "user_id", d.ID, "err", err)
			errs = append(errs, fmt.Errorf("invite %s: %w", d.Login, err))
			if record(d.Candidate, state.Queued, reason) {
				rep.add(ActDefer, entry(d.Login, d.ID, d.PR, reason))
			}
		}
	}
	// Welcomes that an earlier run did not get to post.
	for _, wl := range welcomes {
		if ctx.Err() != nil {
			break
		}
		if err := postWelcome(ctx, c, st, org, wl, opts, rep, true); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// inviteOnce sends an invitation so that it arrives at most once. When the
// answer is lost (ErrMaybeSent), it asks GitHub whether the person is now
// invited before sending again, and sends again only once.
func inviteOnce(ctx context.Context, c Client, org string, who Candidate, how InviteOptions) error {
	err := c.SendInvitation(ctx, org, who.ID, how)
	if !errors.Is(err, ErrMaybeSent) {
		return err
	}
	st, id, lerr := c.Membership(ctx, org, who.Login)
	if lerr != nil {
		return fmt.Errorf("%w (and checking whether it arrived failed: %v)", err, lerr)
	}
	if st != NotMember && id == who.ID {
		return nil // it arrived
	}
	return c.SendInvitation(ctx, org, who.ID, how)
}

// postWelcome posts the welcome comment for an invitee and records its URL.
// On a retry it first looks for a comment carrying the marker, so that a
// run which died after posting but before saving does not post twice.
func postWelcome(ctx context.Context, c Inviter, st *state.Store, org string, wl welcome, opts Options, rep *Report, retry bool) error {
	marker := WelcomeMarker(org, wl.ID)
	url := ""
	if retry {
		found, err := c.FindComment(ctx, wl.PR.Repo, wl.PR.Number, marker)
		if err != nil {
			return fmt.Errorf("look for the welcome comment to %s on %s#%d: %w", wl.Login, wl.PR.Repo, wl.PR.Number, err)
		}
		url = found
	}
	if url == "" {
		body, err := welcomeBody(org, wl, opts)
		if err != nil {
			return fmt.Errorf("welcome %s on %s#%d: %w", wl.Login, wl.PR.Repo, wl.PR.Number, err)
		}
		posted, err := c.Comment(ctx, wl.PR.Repo, wl.PR.Number, body)
		if err != nil {
			return fmt.Errorf("welcome %s on %s#%d: %w", wl.Login, wl.PR.Repo, wl.PR.Number, err)
		}
		url = posted
	}
	if err := st.Update(org, func(o *state.Org) {
		if p := o.People[wl.ID]; p != nil {
			p.CommentURL = url
		}
	}); err != nil {
		return fmt.Errorf("record welcome comment to %s: %w", wl.Login, err)
	}
	e := entry(wl.Login, wl.ID, wl.PR, "")
	e.CommentURL = url
	rep.Welcomed = append(rep.Welcomed, e)
	return nil
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

func prRef(pr PullRequest) *state.PRRef {
	if pr.Repo == "" {
		return nil
	}
	return &state.PRRef{Repo: pr.Repo, Number: pr.Number, URL: pr.URL, MergedAt: pr.MergedAt}
}
