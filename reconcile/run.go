package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/state"
)

// Options tune one organization's run.
type Options struct {
	// Now is the end of the merge window.
	Now time.Time
	// Since, when set, starts the window there (a backfill) instead of at
	// the cursor.
	Since *time.Time
	// DryRun plans and reports but changes nothing, on GitHub or on disk.
	DryRun bool
	// WebURL is the web host of the GitHub instance, for the accept link.
	WebURL string
	// Policy is the organization's configuration: whom to invite, how,
	// and how much at once (PolicyFrom builds it).
	Policy Policy
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// Org reconciles one organization: it reads the pull requests merged in the
// run's window, plans, and (unless DryRun) applies the plan, writing each
// step down in st (st.Update, which reaches the journal on disk before
// anything is sent; the caller commits the state file once, at the end of
// the run). The report is filled in as far as the run got, also when an
// error is returned.
func Org(ctx context.Context, c Client, st *state.Store, org string, opts Options) (*Report, error) {
	rep := newReport(org, opts.DryRun)
	err := newOrgRun(c, st, org, opts, rep).run(ctx)
	if err != nil && len(rep.Errors) == 0 {
		rep.Errors = append(rep.Errors, err)
	}
	return rep, err
}

// orgRun is one organization's run: what its steps share, each step a
// method. It lives for one call of Org.
type orgRun struct {
	c    Client
	st   *state.Store
	org  string
	opts Options
	rep  *Report
	log  *slog.Logger
	// invite says how to invite: the role, and the teams' ids, resolved
	// before anything is read.
	invite InviteOptions
	// errs are the failures so far: the run goes on past most of them.
	errs []error
	// stop is the terminal failure that stopped the organization's
	// changes (also in errs, once); nil while they go on.
	stop error
	// limited, once set, is why the invitations not yet sent wait in the
	// queue: the run was interrupted, GitHub's invitation limit was met,
	// or stop (see limit).
	limited string
	// failed are the organization's failed invitations, once read
	// (failedRead): at most once a run.
	failed     []FailedInvitation
	failedRead bool
	// approval is set when the organization asks its maintainers first
	// (Policy.ApprovalRepo), once the approval issue is read.
	approval *approvalRun
}

func newOrgRun(c Client, st *state.Store, org string, opts Options, rep *Report) *orgRun {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &orgRun{c: c, st: st, org: org, opts: opts, rep: rep, log: log.With("org", org)}
}

// halt stops the organization's changes on a terminal failure: from then
// on nothing more is sent. Only the first is kept.
func (r *orgRun) halt(err error) {
	if r.stop == nil {
		r.stop = err
		r.errs = append(r.errs, err)
		r.log.Error("stopping this organization's changes", "err", err)
	}
}

// fail keeps failures: a terminal one halts the organization's changes.
func (r *orgRun) fail(errs ...error) {
	for _, err := range errs {
		if IsTerminal(err) {
			r.halt(err)
		} else {
			r.errs = append(r.errs, err)
		}
	}
}

// personAs is how a candidate is recorded with a status.
// A renewal keeps the first invitation's welcome, and its mark.
func (r *orgRun) personAs(d Candidate, status state.Status, reason string) *state.Person {
	p := &state.Person{Login: d.Login, Status: status, At: r.opts.Now, PR: prRef(d.PR), Reason: reason,
		NoComment: status == state.Invited && r.opts.Policy.NoComment, CoAuthor: d.CoAuthor && d.PR.Repo != ""}
	if d.Renewal != nil {
		p.Renewed, p.CommentURL = true, d.Renewal.CommentURL
		p.NoComment = d.Renewal.NoComment || d.Renewal.CommentURL == ""
	}
	return p
}

func (r *orgRun) run(ctx context.Context) error {
	if pc, ok := r.c.(PointCounter); ok {
		start := pc.GraphQLPoints()
		defer func() { r.rep.GraphQLPoints = pc.GraphQLPoints() - start }()
	}
	known := r.st.Org(r.org)
	// Teams are resolved first: a configuration naming a team that does
	// not exist fails the organization before anything is read or sent.
	if err := r.resolveTeams(ctx); err != nil {
		return err
	}
	if r.opts.Policy.ApprovalRepo != "" {
		var err error
		if known, err = r.readApproval(ctx, known); err != nil {
			return err
		}
	}
	w, gap := r.window(known)
	p, err := r.plan(ctx, known, w)
	if err != nil {
		return err
	}
	if r.approval != nil {
		p.decisions = Gate(p.decisions, r.opts.Policy.MinMergedPRs)
	}
	if r.opts.DryRun {
		r.reportDryRun(p, known.Cursor, w, gap)
		if r.approval != nil {
			r.writeApproval(ctx, proposedIn(known.People, p.decisions, r.opts.Now))
		}
		return nil
	}
	// The window has been read completely and everyone in it is recorded
	// (invited, settled or queued), so the cursor can move even if some
	// requests failed: the failures are in the queue. If the state could
	// not be written, the cursor stays, so that the next run reads them
	// again.
	if r.apply(ctx, p.decisions, p.welcomes) {
		r.saveCursor(w, gap, p.renamed)
	}
	if r.approval != nil {
		r.writeApproval(ctx, r.st.Org(r.org).People)
	}
	r.rep.Cursor = r.st.Cursor(r.org)
	r.rep.Errors = append(r.rep.Errors, r.errs...)
	return errors.Join(r.errs...)
}

// resolveTeams fills in r.invite: the role, and the ids of the policy's
// teams. A team the organization lacks is terminal.
func (r *orgRun) resolveTeams(ctx context.Context) error {
	r.invite = InviteOptions{Role: r.opts.Policy.invitationRole()}
	for _, slug := range r.opts.Policy.Teams {
		id, err := r.c.TeamID(ctx, r.org, slug)
		if errors.Is(err, ErrNoSuchTeam) {
			return Terminal(fmt.Errorf("the configuration names the team %q, which the organization %s does not have: create it or fix teams", slug, r.org))
		}
		if err != nil {
			return fmt.Errorf("look up team %q of %s: %w", slug, r.org, err)
		}
		r.invite.TeamIDs = append(r.invite.TeamIDs, id)
	}
	return nil
}

// window is the run's window of merge times, and whether it leaves a gap
// after the cursor. A --since after the cursor leaves the merges between
// them unread. They are not skipped silently: the cursor stays where it
// is, so that the next run without --since reads them.
func (r *orgRun) window(known state.Org) (w Window, gap bool) {
	pol := r.opts.Policy
	w, why := WindowFor(known.Cursor, r.opts.Since, r.opts.Now, pol.Overlap, pol.Lookback)
	r.rep.Window, r.rep.WindowReason = w, why
	r.log.Info("reading merged pull requests", "from", w.From, "to", w.To, "why", why)
	gap = !known.Cursor.IsZero() && w.From.After(known.Cursor)
	if gap {
		msg := fmt.Sprintf("--since %s is after the cursor %s: merges between them are not read by this run, so the cursor stays where it is",
			w.From.Format(time.RFC3339), known.Cursor.UTC().Format(time.RFC3339))
		r.rep.Warnings = append(r.rep.Warnings, msg)
		r.log.Warn("window leaves a gap after the cursor; the cursor will not move", "cursor", known.Cursor, "from", w.From)
	}
	return w, gap
}

// planned is what the run means to do.
type planned struct {
	decisions []Decision
	// welcomes are earlier invitees still to welcome.
	welcomes []welcome
	// renamed maps ids of known people who are not candidates to their
	// new login (Classification.Renamed).
	renamed map[int64]string
}

// plan reads the window's merged pull requests and what GitHub says of
// their authors, and plans (steps 2 and 3 of the package comment).
func (r *orgRun) plan(ctx context.Context, known state.Org, w Window) (planned, error) {
	col, err := r.collect(ctx, w)
	if err != nil {
		return planned{}, err
	}
	changed, err := r.learnFates(ctx, known, col)
	if err != nil {
		return planned{}, err
	}
	if changed {
		known = r.st.Org(r.org)
	}
	pol := r.opts.Policy
	reinvite, err := r.renewable(ctx, col.prs, known)
	if err != nil {
		return planned{}, err
	}
	cl := Classify(col.prs, known.People, pol, reinvite, r.opts.WebURL)
	r.rep.Known, r.rep.FilteredPRs = cl.Known, cl.Filtered
	for _, s := range cl.Skipped {
		r.rep.Skipped = append(r.rep.Skipped, entry(s.Login, 0, s.PR, s.Reason))
	}
	r.log.Info("read merged pull requests", "pull_requests", len(col.prs), "candidates", len(cl.Candidates),
		"previously_recorded", cl.Known, "skipped", len(cl.Skipped), "filtered", cl.Filtered)
	lk, err := r.lookUp(ctx, cl.Candidates, col)
	if err != nil {
		return planned{}, err
	}
	addCoAuthored(lk, cl.CoAuthored)
	budget, limitReason := inviteBudget(known, r.opts)
	p := planned{renamed: cl.Renamed,
		decisions: Plan(cl.Candidates, lk, Limits{Budget: budget, LimitReason: limitReason, MinMergedPRs: pol.MinMergedPRs})}
	if !pol.NoComment {
		p.welcomes = unwelcomed(known.People, r.opts.WebURL)
	}
	return p, nil
}

// collect reads the merged pull requests of the window, logging progress
// now and then.
func (r *orgRun) collect(ctx context.Context, w Window) (collected, error) {
	lastLog := time.Now()
	var s Searcher = r.c
	if r.opts.Policy.CoAuthors {
		s = withCredit{r.c}
	}
	col, err := collect(ctx, s, r.org, w, func(sofar collected) {
		if time.Since(lastLog) >= 5*time.Second {
			lastLog = time.Now()
			r.log.Info("still reading merged pull requests", "pull_requests", len(sofar.prs), "requests", sofar.requests, "progress", true)
		}
	})
	r.rep.PullRequests, r.rep.SearchRequests = len(col.prs), col.requests
	r.rep.Warnings = append(r.rep.Warnings, col.notes...)
	for _, n := range col.notes {
		r.log.Warn(n)
	}
	if r.opts.Policy.CoAuthors {
		r.reportCredit(col.prs)
	}
	return col, err
}

// lookUp reads what GitHub says of the candidates: their membership, our
// welcome marker where that decides, and their merged pull requests where
// the policy counts them.
func (r *orgRun) lookUp(ctx context.Context, cands []Candidate, col collected) (Lookup, error) {
	lk, err := lookup(ctx, r.c, r.org, cands, col.members, col.pending)
	if err != nil {
		return lk, err
	}
	if err := lookForMarkers(ctx, r.c, r.org, cands, lk); err != nil {
		return lk, err
	}
	if r.opts.Policy.MinMergedPRs > 1 {
		if err := countMerged(ctx, r.c, r.org, cands, lk); err != nil {
			return lk, err
		}
	}
	return lk, nil
}

// reportDryRun reports the plan of a dry run, and where the cursor would be.
func (r *orgRun) reportDryRun(p planned, cursor time.Time, w Window, gap bool) {
	for _, d := range p.decisions {
		reason, late := d.Reason, ""
		if d.Action == ActInvite || d.Action == ActConfirm {
			late = r.tooLate(d)
			reason = withLate(reason, late)
		}
		e := entry(d.Login, d.ID, d.PR, reason)
		r.previewWelcome(&e, welcome{ID: d.ID, Login: d.Login, PR: d.PR, CoAuthor: d.CoAuthor}, late == "" && welcomeDue(d, r.opts.Policy))
		r.rep.add(d.Action, e)
	}
	for _, wl := range p.welcomes {
		e := entry(wl.Login, wl.ID, wl.PR, "welcome comment still to post")
		r.previewWelcome(&e, wl, welcomeDue(Decision{Candidate: Candidate{PR: wl.PR}, Action: ActInvite}, r.opts.Policy))
		r.rep.Welcomed = append(r.rep.Welcomed, e)
	}
	r.rep.Cursor = cursor
	if !gap {
		r.rep.Cursor = maxTime(cursor, w.To)
	}
}

// saveCursor moves the cursor to the window's end (unless the window left
// a gap) and records renamed logins.
func (r *orgRun) saveCursor(w Window, gap bool, renamed map[int64]string) {
	if err := r.st.Update(r.org, func(o *state.Edit) {
		if !gap {
			o.SetCursor(maxTime(o.Cursor(), w.To))
		}
		for id, login := range renamed {
			if p := o.Person(id); p != nil {
				p.Login = login
				o.Put(id, p)
			}
		}
	}); err != nil {
		r.errs = append(r.errs, fmt.Errorf("save cursor: %w", err))
	}
}

// inviteBudget is how many invitations this run may send, and the reason
// given to those who must wait.
func inviteBudget(known state.Org, opts Options) (int, string) {
	pol := opts.Policy
	budget, reason := pol.MaxInvites, fmt.Sprintf("--max-invites %d reached for this run", pol.MaxInvites)
	if pol.DailyInviteLimit > 0 {
		sent := known.InvitationsSince(opts.Now.Add(-24 * time.Hour))
		left := max(0, pol.DailyInviteLimit-sent)
		if budget < 0 || left < budget {
			budget = left
			reason = fmt.Sprintf("daily invitation limit reached (%d in 24 hours; %d sent in the last 24 hours)", pol.DailyInviteLimit, sent)
		}
	}
	return budget, reason
}

// lookup checks the membership of the candidates the cheaper way.
func lookup(ctx context.Context, m MembershipReader, org string, cands []Candidate, members, pending int) (Lookup, error) {
	lk := Lookup{States: map[int64]MemberState{}, Failed: map[int64]string{}, Merged: map[int64]int{},
		Markers: map[int64]Marker{}, MarkerURLs: map[int64]string{}}
	if len(cands) == 0 {
		return lk, nil
	}
	if chooseLookup(len(cands), members, pending) == lookupList {
		all, err := m.Memberships(ctx, org)
		// Without the pending invitations the list still settles the
		// members; the others may be invitees, so they are checked one by
		// one below, as if the list had not been chosen.
		partial := errors.Is(err, ErrPendingNotListed)
		if err != nil && !partial {
			return lk, fmt.Errorf("list members and invitations of %s: %w", org, err)
		}
		var unsettled []Candidate
		for _, c := range cands {
			if st, ok := all[c.ID]; ok || !partial {
				lk.States[c.ID] = st // absent means NotMember
				continue
			}
			unsettled = append(unsettled, c)
		}
		cands = unsettled
	}
	var reused []Candidate
	for _, c := range cands {
		st, id, err := m.Membership(ctx, org, c.Login)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return lk, ctx.Err()
			}
			lk.Failed[c.ID] = err.Error()
		case st != NotMember && id != c.ID:
			// The login now names another account (renamed and reused
			// since the pull request was read): don't act on a stranger.
			lk.Failed[c.ID] = fmt.Sprintf("login %s now belongs to another account", c.Login)
			if c.Unsure {
				// Left like this, they would never be resolved.
				reused = append(reused, c)
			}
		default:
			lk.States[c.ID] = st
		}
	}
	return lk, byID(ctx, m, org, reused, lk)
}

// byID settles the unsure candidates whose login now names another account
// by their user id, from the organization's lists of members and pending
// invitees (which carry ids), read once for all of them. Someone on
// neither list is not a member; for an unsure candidate the welcome marker
// then decides. When the lists cannot be read, they stay unchecked.
func byID(ctx context.Context, m MembershipReader, org string, cands []Candidate, lk Lookup) error {
	if len(cands) == 0 {
		return nil
	}
	all, err := m.Memberships(ctx, org)
	partial := errors.Is(err, ErrPendingNotListed)
	switch {
	case errors.Is(err, ErrEndlessPages):
		return fmt.Errorf("list members and invitations of %s: %w", org, err)
	case err != nil && !partial:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		for _, c := range cands {
			lk.Failed[c.ID] += fmt.Sprintf(", and the lists of members and invitations could not be read: %v", err)
		}
		return nil
	}
	for _, c := range cands {
		if st, ok := all[c.ID]; ok || !partial {
			lk.States[c.ID] = st // absent means NotMember
			delete(lk.Failed, c.ID)
		}
	}
	return nil
}

// lookForMarkers looks for our welcome comment on the pull request of each
// unsure candidate whose membership did not settle them (ResolveUnsure
// asks for it), and records what it found in lk.
func lookForMarkers(ctx context.Context, c Inviter, org string, cands []Candidate, lk Lookup) error {
	for _, cd := range cands {
		if !cd.Unsure || ResolveUnsure(cd.ID, lk.unsure(cd.ID)) != LookForMarker {
			continue
		}
		if cd.PR.Repo == "" {
			// No pull request recorded, so no welcome can have been posted.
			lk.Markers[cd.ID] = MarkerAbsent
			continue
		}
		url, err := c.FindComment(ctx, cd.PR.Repo, cd.PR.Number, WelcomeMarker(org, cd.ID))
		switch {
		case errors.Is(err, ErrEndlessPages):
			return fmt.Errorf("look for the welcome comment on %s#%d: %w", cd.PR.Repo, cd.PR.Number, err)
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			lk.Markers[cd.ID] = MarkerFailed
			lk.Failed[cd.ID] = fmt.Sprintf("look for the welcome comment on %s#%d: %v", cd.PR.Repo, cd.PR.Number, err)
		case url != "":
			lk.Markers[cd.ID], lk.MarkerURLs[cd.ID] = MarkerFound, url
		default:
			lk.Markers[cd.ID] = MarkerAbsent
		}
	}
	return nil
}

// renewable finds the people whose invitation expired long enough ago for
// Policy.ReinviteExpiredAfter: those recorded as expired, from the state,
// and those still recorded as invited, from the failed invitations, which
// are only read when the option is set and such a person has a pull
// request in the window (and at most once a run: see failedInvitations).
func (r *orgRun) renewable(ctx context.Context, prs []PullRequest, known state.Org) (map[int64]string, error) {
	after := r.opts.Policy.ReinviteExpiredAfter
	if after <= 0 {
		return nil, nil
	}
	out := map[int64]string{}
	authors := map[string]int64{}
	for _, pr := range prs {
		p := known.People[pr.Author.ID]
		switch {
		case pr.Author.Type != "User" || p == nil:
		case p.Status == state.Expired && !p.At.After(r.opts.Now.Add(-after)):
			out[pr.Author.ID] = fmt.Sprintf("their invitation expired on %s; inviting again (reinvite_expired_after %s)",
				p.At.UTC().Format(time.DateOnly), humanDuration(after))
		case p.Status == state.Invited:
			authors[strings.ToLower(pr.Author.Login)] = pr.Author.ID
		}
	}
	if len(authors) == 0 {
		return out, nil
	}
	failed, err := r.failedInvitations(ctx)
	if err != nil {
		return nil, err
	}
	maps.Copy(out, ExpiredLongAgo(known.People, authors, failed, r.opts.Now, after))
	return out, nil
}

// countMerged counts the merged pull requests of the newcomers who would
// be invited (not members, not invited, not queued earlier) into lk.Merged.
func countMerged(ctx context.Context, c PolicyReader, org string, cands []Candidate, lk Lookup) error {
	var logins []string
	ids := map[string]int64{}
	for _, cd := range cands {
		if st, ok := lk.States[cd.ID]; ok && st == NotMember && !cd.Queued {
			logins = append(logins, cd.Login)
			ids[cd.Login] = cd.ID
		}
	}
	if len(logins) == 0 {
		return nil
	}
	counts, err := c.CountMerged(ctx, org, logins)
	if err != nil {
		return fmt.Errorf("count merged pull requests in %s: %w", org, err)
	}
	for login, n := range counts {
		if id, ok := ids[login]; ok {
			lk.Merged[id] = n
		}
	}
	return nil
}

// welcome is an invitee whose welcome comment has not been recorded.
type welcome struct {
	ID    int64
	Login string
	PR    PullRequest
	// CoAuthor: PR is one they co-authored.
	CoAuthor bool
}

func unwelcomed(people map[int64]*state.Person, web string) []welcome {
	var out []welcome
	for id, p := range people {
		if p.Status == state.Invited && p.CommentURL == "" && !p.NoComment && p.PR != nil {
			out = append(out, welcome{ID: id, Login: p.Login, PR: pullRequest(p.PR, web), CoAuthor: p.CoAuthor})
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
