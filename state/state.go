package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Version is the schema version this build reads and writes. A file with any
// other version is refused rather than guessed at: losing the record of who
// was already invited would mean asking people twice.
const Version = 1

// Status says what snekomatic decided about a person.
type Status string

// The statuses a person can have. Everyone but Queued, Inviting and Counting
// is final: a person with a final status is never invited again, whatever
// happens to their membership or invitation later (they declined, it
// expired, they left), unless an operator forgets them or the configuration
// asks for expired invitations to be renewed (reinvite_expired_after).
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
)

// Statuses lists every status, in the order people are shown: those
// snekomatic still has business with first.
var Statuses = []Status{Inviting, Queued, Counting, Invited, Pending, Member, Adopted, Skipped}

// Final reports whether s ends snekomatic's interest in a person.
func (s Status) Final() bool { return s != Queued && s != Inviting && s != Counting }

func (s Status) valid() bool { return slices.Contains(Statuses, s) }

// File is the whole state file.
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
	// Reason explains a Skipped or Queued status.
	Reason string `json:"reason,omitempty"`
	// CommentURL is the welcome comment, once it has been posted.
	CommentURL string `json:"comment_url,omitempty"`
	// NoComment is set for an invitee who was invited while the
	// organization's configuration turned welcome comments off: no comment
	// is ever posted for them, even if comments are turned on again later.
	NoComment bool `json:"no_comment,omitempty"`
}

// PRRef identifies a pull request.
type PRRef struct {
	Repo     string    `json:"repo"` // owner/name
	Number   int       `json:"number"`
	URL      string    `json:"url,omitempty"`
	MergedAt time.Time `json:"merged_at,omitzero"`
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

// Load reads the state file at path. A missing file is a fresh start and
// returns New() with fresh set to true.
func Load(path string) (f *File, fresh bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), true, nil
	}
	if err != nil {
		return nil, false, &Error{Path: path, Err: unwrapPathError(err)}
	}
	f, err = Decode(data)
	if err != nil {
		return nil, false, &Error{Path: path, Err: err}
	}
	return f, false, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Decode parses and validates the contents of a state file.
func Decode(data []byte) (*File, error) {
	// Read the version first so that a newer file is reported as such, not as
	// a pile of unknown fields.
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, describeJSONError(data, err)
	}
	if head.Version == nil {
		return nil, errors.New("no \"version\" field; this is not a snekomatic state file")
	}
	if *head.Version != Version {
		return nil, fmt.Errorf("schema version %d is not supported (this build reads version %d)", *head.Version, Version)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, describeJSONError(data, err)
	}
	if f.Orgs == nil {
		f.Orgs = map[string]*Org{}
	}
	for name, o := range f.Orgs {
		if name == "" || name != strings.ToLower(name) {
			return nil, fmt.Errorf("organization key %q must be a lower-case login", name)
		}
		if o == nil {
			return nil, fmt.Errorf("organization %q is null", name)
		}
		if o.People == nil {
			o.People = map[int64]*Person{}
		}
		for id, p := range o.People {
			switch {
			case id <= 0:
				return nil, fmt.Errorf("organization %q: person id %d is not a GitHub user id", name, id)
			case p == nil:
				return nil, fmt.Errorf("organization %q: person %d is null", name, id)
			case !p.Status.valid():
				return nil, fmt.Errorf("organization %q: person %d has unknown status %q", name, id, p.Status)
			}
		}
	}
	return &f, nil
}

func describeJSONError(data []byte, err error) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("the file is empty")
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		if int(syn.Offset) >= len(data) {
			return errors.New("not valid JSON: the file is truncated")
		}
		line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("not valid JSON (line %d): %v", line, syn)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("field %q has the wrong type: expected %s, found %s", typ.Field, typ.Type, typ.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("not valid JSON: the file is truncated")
	}
	return fmt.Errorf("not valid: %v", err)
}

// Encode renders f in its canonical form: the same state always gives the
// same bytes, so committed state files diff cleanly.
func Encode(f *File) ([]byte, error) {
	canon := &File{Version: Version, Orgs: make(map[string]*Org, len(f.Orgs))}
	for name, o := range f.Orgs {
		c := &Org{Cursor: normTime(o.Cursor), People: make(map[int64]*Person, len(o.People))}
		for id, p := range o.People {
			cp := *p
			cp.At = normTime(p.At)
			if p.PR != nil {
				pr := *p.PR
				pr.MergedAt = normTime(pr.MergedAt)
				cp.PR = &pr
			}
			c.People[id] = &cp
		}
		canon.Orgs[strings.ToLower(name)] = c
	}
	// encoding/json writes map keys in sorted order, which is what makes the
	// output deterministic.
	data, err := json.MarshalIndent(canon, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

// Save writes f to path atomically: the new contents go to a temporary file in
// the same directory, which is flushed to disk and then renamed over path.
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
		return fmt.Errorf("create temporary file: %w", unwrapPathError(err))
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
		return fmt.Errorf("rename: %w", unwrapPathError(err))
	}
	// The rename is durable only once the directory entry is on disk.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
