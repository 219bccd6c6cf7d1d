package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"
)

// Version is the schema version this build writes. It reads this version
// and version 1, which it rewrites as this version the first time it saves.
// A file with any other version is refused rather than guessed at: losing
// the record of who was already invited would mean asking people twice.
const Version = 2

// Status says what snekomatic decided about a person.
type Status string

// The statuses a person can have. Everyone but Queued, Inviting, Counting
// and Proposed is final: a person with a final status is never invited again, whatever
// happens to their membership or invitation later (they declined, it
// expired, they left), unless an operator forgets them or the configuration
// asks for expired invitations to be renewed (reinvite_expired_after,
// renew_expired). Accepted, Expired and Failed are what became of an
// invitation snekomatic sent (Invited), learned by a later run.
const (
	// Invited: snekomatic sent the invitation.
	Invited Status = "invited"
	// Member: they were already a member of the organization when first seen.
	Member Status = "member"
	// Pending: they already had an invitation, sent by someone else, when
	// first seen.
	Pending Status = "pending"
	// Skipped: they can never be invited (for example the account was deleted
	// between the search and the invitation); Reason says why.
	Skipped Status = "skipped"
	// Queued: they are due an invitation that has not been sent yet (a cap was
	// reached or the request failed); the next run tries again.
	Queued Status = "queued"
	// Inviting: an invitation was about to be sent when this was saved. A
	// run that finds this status did not learn whether GitHub received the
	// invitation (the process died, or the answer was lost), so it checks
	// GitHub before sending again.
	Inviting Status = "inviting"
	// Counting: they have fewer merged pull requests in the organization
	// than its min_merged_prs asks for (Reason says how many); they are
	// counted again when another pull request of theirs is merged.
	Counting Status = "counting"
	// Adopted: they had a merged pull request before the organization
	// started using snekomatic, and `snekomatic state adopt` recorded them
	// so that they are never invited.
	Adopted Status = "adopted"
	// Accepted: snekomatic's invitation was accepted: a later run found
	// them a member. At is when that run saw it (GitHub does not say when
	// they accepted); InvitedAt keeps when the invitation was sent.
	Accepted Status = "accepted"
	// Expired: snekomatic's invitation expired unanswered (GitHub lets an
	// invitation expire after seven days). At is when it failed, as GitHub's
	// failed invitations give it; Reason is GitHub's failed_reason.
	Expired Status = "expired"
	// Failed: snekomatic's invitation ended without them joining, other
	// than by expiring: GitHub gave another failed_reason (Reason), or it
	// is no longer pending, they are not a member and GitHub does not list
	// it as failed, which is a decline or an owner's cancellation. At is
	// when a run learned it. Never invited again.
	Failed Status = "failed"
	// Proposed: the organization asks its maintainers before anyone is
	// invited (approval), and they are listed, waiting, on its approval
	// issue (Reason says why they were proposed). A tick there makes them
	// Queued; a "no" makes them Rejected.
	Proposed Status = "proposed"
	// Rejected: the maintainers said no on the approval issue (removed
	// the line, or moved it under "Not now"); never proposed again.
	Rejected Status = "rejected"
)

// Statuses lists every status, in the order people are shown: those
// snekomatic still has business with first.
var Statuses = []Status{Inviting, Queued, Proposed, Counting, Invited, Expired, Failed, Accepted, Pending, Member, Adopted, Rejected, Skipped}

// Final reports whether s ends snekomatic's interest in a person.
// Proposed is not final: the maintainers' answer on the approval issue is
// still to come.
func (s Status) Final() bool { return s != Queued && s != Inviting && s != Counting && s != Proposed }

func (s Status) valid() bool {
	switch s {
	case Invited, Member, Pending, Skipped, Queued, Inviting, Counting, Adopted, Accepted, Expired, Failed, Proposed, Rejected:
		return true
	}
	return false
}

// File is the whole state: what the state file holds, with any journal
// beside it replayed. The JSON tags of File, Org, Person and PRRef are for
// showing the state (`state show --output json`); the file itself is
// written by Encode, in the format of docs/state-format.md.
type File struct {
	Version int             `json:"version"`
	Orgs    map[string]*Org `json:"orgs"`
}

// Org is what is remembered about one organization.
type Org struct {
	// Cursor is the end of the last merge window read completely. The next
	// run starts from here, less an overlap.
	Cursor time.Time `json:"cursor,omitzero"`
	// People maps a GitHub user id (REST "id", GraphQL "databaseId") to what
	// was decided about them. Ids, not logins: a login can change hands.
	People map[int64]*Person `json:"people"`
	// ContentRequests holds when the content-creating requests made for this
	// organization (invitations, welcome comments) went out in the last
	// hour, oldest first, to the second rounded up: the next run's share of
	// GitHub's hourly limit on such requests is then exact. Nil means the
	// runs that wrote the state did not record them (older versions).
	ContentRequests []time.Time `json:"-"`
	// ContentRequestsBy is ContentRequests for the runs that recorded which
	// credential sent each request ("token", "installation:<id>", as the
	// transports name them): GitHub counts its hourly limit per credential,
	// over every organization. Entries in ContentRequests, written before
	// identities were recorded, count for every credential. The state
	// file's keys stay "sent" and "sent_by".
	ContentRequestsBy map[string][]time.Time `json:"-"`
}

// Person is one remembered contributor.
type Person struct {
	// Login is for display; it is refreshed whenever the person is seen.
	Login  string `json:"login"`
	Status Status `json:"status"`
	// At is when Status was set.
	At time.Time `json:"at"`
	// PR is the merged pull request the decision was made on.
	PR *PRRef `json:"pr,omitempty"`
	// Reason explains a Skipped, Queued or Counting status.
	Reason string `json:"reason,omitempty"`
	// CommentURL is the welcome comment, once it has been posted.
	CommentURL string `json:"comment_url,omitempty"`
	// NoComment is set for an invitee who was invited while the
	// organization's configuration turned welcome comments off: no comment
	// is ever posted for them, even if comments are turned on again later.
	NoComment bool `json:"no_comment,omitempty"`
	// InvitedAt is when snekomatic's invitation was sent, kept once its
	// fate is known (Accepted, Expired, Failed), whose At is the fate's
	// time: it still counts against the daily invitation allowance.
	InvitedAt time.Time `json:"invited_at,omitzero"`
	// Renewed is set once an expired invitation was sent again under
	// renew_expired: once; it is never renewed a second time, and no
	// second welcome is posted.
	Renewed bool `json:"renewed,omitempty"`
	// CoAuthor is set when PR is a pull request they co-authored (a
	// Co-authored-by trailer or a commit's git author) rather than opened:
	// the report and the welcome say "co-author of OWNER/REPO#N".
	CoAuthor bool `json:"co_author,omitempty"`
}

// PRRef identifies a pull request. Its web address is not stored: it
// follows from the repository and the number (see URL).
type PRRef struct {
	Repo     string    `json:"repo"` // owner/name
	Number   int       `json:"number"`
	MergedAt time.Time `json:"merged_at,omitzero"`
}

// GitHubWeb is the web address of github.com, which URL uses when it is
// given no other.
const GitHubWeb = "https://github.com"

// URL is the pull request's web address on the GitHub instance whose web
// address is web (GitHubWeb when empty).
func (r *PRRef) URL(web string) string {
	if web == "" {
		web = GitHubWeb
	}
	return strings.TrimSuffix(web, "/") + "/" + r.Repo + "/pull/" + strconv.Itoa(r.Number)
}

// New returns an empty state.
func New() *File { return &File{Version: Version, Orgs: map[string]*Org{}} }

// Org returns the record for org, creating it if needed. Organization logins
// are case-insensitive on GitHub, so the key is lower-cased.
func (f *File) Org(org string) *Org {
	key := strings.ToLower(org)
	o := f.Orgs[key]
	if o == nil {
		o = &Org{People: map[int64]*Person{}}
		f.Orgs[key] = o
	}
	if o.People == nil {
		o.People = map[int64]*Person{}
	}
	return o
}

// Error is returned for a state file that exists but cannot be used. It
// names the file; the file itself is never modified.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("state file %s: %v", e.Path, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Load reads the state file at path, and replays the journal beside it, if
// a run left one (see Store), without changing either. A missing file is a
// fresh start and returns New() with fresh set to true.
func Load(path string) (f *File, fresh bool, err error) {
	s, fresh, err := OpenReadOnly(path)
	if err != nil {
		return nil, false, err
	}
	return s.file, fresh, nil
}

// readFile reads and decodes the state file at path (already resolved).
// data is nil when there is no file.
func readFile(path string) (f *File, data []byte, err error) {
	data, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil, nil
	}
	if err != nil {
		return nil, nil, errtext.PathCause(err)
	}
	f, err = Decode(data)
	if err != nil {
		return nil, nil, err
	}
	return f, data, nil
}

func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

// Save writes f to path atomically, in the current version: the new
// contents go to a temporary file in the same directory, which is flushed to
// disk and then renamed over path. It neither locks nor looks at a journal;
// runs go through Store.
func Save(path string, f *File) error {
	data, err := Encode(f)
	if err != nil {
		return &Error{Path: path, Err: err}
	}
	if err := writeAtomic(path, data); err != nil {
		return &Error{Path: path, Err: err}
	}
	return nil
}

func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", errtext.PathCause(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename: %w", errtext.PathCause(err))
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename or removal in dir durable: it is on disk only once
// the directory entry is. Not every system can sync a directory (Windows
// cannot open one for it), and there is nothing more to do when it fails.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
