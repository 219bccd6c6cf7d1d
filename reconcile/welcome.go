package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/python-trio/snekomatic/state"
)

// WelcomeMarker is hidden in every welcome comment. Before posting a welcome
// that may already have been posted (a run that died between the comment
// and saving it), the pull request is searched for this marker.
func WelcomeMarker(org string, userID int64) string {
	return fmt.Sprintf("<!-- snekomatic:welcome org=%s user=%d -->", strings.ToLower(org), userID)
}

// AcceptURL is where an invitee accepts an invitation to org, on the web
// host that serves the API (github.com, or a GitHub Enterprise Server).
func AcceptURL(webURL, org string) string {
	return strings.TrimRight(webURL, "/") + "/orgs/" + org + "/invitation"
}

// WelcomeComment is the text posted on an invitee's merged pull request.
func WelcomeComment(login, org string, userID int64, acceptURL string) string {
	return welcomeText(login, org, userID, acceptURL, false)
}

// welcomeText is WelcomeComment, or with coAuthor the same for someone who
// co-authored the pull request (Policy.CoAuthors) rather than opened it.
func welcomeText(login, org string, userID int64, acceptURL string, coAuthor bool) string {
	var b strings.Builder
	if coAuthor {
		fmt.Fprintf(&b, "Hi @%s, you're credited as a co-author of this pull request: thank you for your part in it, and congratulations on getting it merged! :tada:\n\n", login)
	} else {
		fmt.Fprintf(&b, "Hi @%s, thank you for this contribution, and congratulations on getting it merged! :tada:\n\n", login)
	}
	fmt.Fprintf(&b, "We'd like to welcome you into the %s organization on GitHub, so we've sent you an invitation. "+
		"You can accept it here: %s\n\n", org, acceptURL)
	b.WriteString("Membership is a way of saying that you're part of the project now. " +
		"It gives you a little more access (for example, you can be assigned to issues and request reviews), " +
		"but it comes with no obligations: contribute as much or as little as you like, whenever you like.\n\n")
	b.WriteString("It's also completely fine to decline or simply ignore the invitation. " +
		"This is the only time we'll ask, so you won't get reminders.\n\n")
	b.WriteString("Thanks again!\n\n")
	b.WriteString(WelcomeMarker(org, userID))
	b.WriteString("\n")
	return b.String()
}

// findOrPostWelcome posts the welcome comment for an invitee and returns
// its URL. With retry it first looks for a comment carrying the marker, so
// that a run which died after posting but before saving does not post twice.
// When the answer to the post is lost (ErrMaybeSent) it looks for the marker
// and posts again, once, only if it is not there, as inviteOnce does for
// invitations. A pull request in an archived repository is not tried:
// GitHub refuses comments there (ErrCannotComment).
func (r *orgRun) findOrPostWelcome(ctx context.Context, wl welcome, retry bool) (string, error) {
	c, org := r.c, r.org
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
	body, err := welcomeBody(org, wl, r.opts)
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

// welcomeAndSave welcomes invitees of earlier runs, or confirmed since, and
// records the comments in one save. Each looks for its marker first: the
// comment may have been posted by a run that did not get to save it.
func (r *orgRun) welcomeAndSave(ctx context.Context, wls []welcome) []error {
	var errs []error
	urls := map[int64]string{}
	impossible := map[int64]error{}
	var done []Entry
	for _, wl := range wls {
		if ctx.Err() != nil {
			break
		}
		url, err := r.findOrPostWelcome(ctx, wl, true)
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
	if err := r.st.Update(r.org, func(o *state.Edit) {
		for id, url := range urls {
			if p := o.Person(id); p != nil {
				p.CommentURL = url
				o.Put(id, p)
			}
		}
		for id, err := range impossible {
			if p := o.Person(id); p != nil {
				noWelcome(p, p.Login, err, r.rep)
				o.Put(id, p)
			}
		}
	}); err != nil {
		return append(errs, fmt.Errorf("record %d welcome comments: %w", len(urls)+len(impossible), err))
	}
	r.rep.Welcomed = append(r.rep.Welcomed, done...)
	return errs
}

// welcomeBody is the welcome comment posted for wl (Welcome).
func welcomeBody(org string, wl welcome, opts Options) (string, error) {
	return Welcome(opts.Policy, WelcomeData{
		Login: wl.Login, Org: org, AcceptURL: AcceptURL(opts.WebURL, org), CoAuthor: wl.CoAuthor,
		PR: WelcomePR{Repo: wl.PR.Repo, Number: wl.PR.Number, URL: wl.PR.URL},
	}, wl.ID)
}
