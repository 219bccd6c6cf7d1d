package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/python-trio/snekomatic/internal/errtext"

	jsonexp "github.com/go-json-experiment/json"
)

// The file format is described for people in docs/state-format.md. In
// short, version 2 is a JSON object whose people are one compact JSON object
// a line, sorted by id, so that a git diff of a run shows exactly who
// changed and two branches that touched different people merge cleanly.
//
// Decoding a version 2 file uses github.com/go-json-experiment/json, the
// prototype of encoding/json/v2, with unknown members refused: on 100,000
// people it decodes in half the time of encoding/json (BENCHMARKS.md), and it
// is also stricter (duplicate names, invalid UTF-8). When it refuses a file,
// encoding/json decodes it again only to word the error as for every other
// file. Encoding is written by hand, appending to one buffer: that is what
// gives the layout of one person a line, and it is faster than either
// library for the same bytes (BENCHMARKS.md).

// fileV2 is the decoded shape of a version 2 file.
type fileV2 struct {
	Version int               `json:"version"`
	Orgs    map[string]*orgV2 `json:"orgs"`
}

type orgV2 struct {
	Cursor time.Time              `json:"cursor,omitzero"`
	Sent   []time.Time            `json:"sent"`
	SentBy map[string][]time.Time `json:"sent_by"`
	// Values, not pointers: one allocation for a list of 100,000. A null
	// in the list decodes as a person without an id, which is refused.
	People []personV2 `json:"people"`
}

// personV2 is one person as written: short keys, the pull request as
// "owner/name#number", the welcome comment as its id when its address is
// the usual one on github.com.
type personV2 struct {
	ID         int64     `json:"id"`
	Login      string    `json:"l"`
	Status     Status    `json:"s"`
	At         time.Time `json:"at"`
	PR         string    `json:"pr,omitempty"`
	MergedAt   time.Time `json:"m,omitzero"`
	Reason     string    `json:"r,omitempty"`
	Comment    int64     `json:"c,omitempty"`
	CommentURL string    `json:"cu,omitempty"`
	NoComment  bool      `json:"nc,omitempty"`
	InvitedAt  time.Time `json:"ia,omitzero"`
	Renewed    bool      `json:"rn,omitempty"`
	CoAuthor   bool      `json:"co,omitempty"`
}

// Version 1 kept one indented object a person, keyed by id, with the pull
// request's URL.
type fileV1 struct {
	Version int               `json:"version"`
	Orgs    map[string]*orgV1 `json:"orgs"`
}

type orgV1 struct {
	Cursor time.Time           `json:"cursor,omitzero"`
	People map[int64]*personV1 `json:"people"`
}

type personV1 struct {
	Login      string    `json:"login"`
	Status     Status    `json:"status"`
	At         time.Time `json:"at"`
	PR         *prV1     `json:"pr,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	CommentURL string    `json:"comment_url,omitempty"`
	NoComment  bool      `json:"no_comment,omitempty"`
}

type prV1 struct {
	Repo     string    `json:"repo"`
	Number   int       `json:"number"`
	URL      string    `json:"url,omitempty"`
	MergedAt time.Time `json:"merged_at,omitzero"`
}

// Decode parses and validates the contents of a state file of version 1 or
// 2. Every error is one line that says what is wrong.
func Decode(data []byte) (*File, error) {
	// The version decides how the rest is read, so that a newer file is
	// reported as such, not as a pile of unknown fields. The canonical form
	// starts with it; anything else is read in full to find it.
	if bytes.HasPrefix(data, []byte(`{"version":2,`)) {
		if f, ok := decodeFast(data); ok {
			return f, nil
		}
		return decodeV2(data)
	}
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, describeJSONError(data, err)
	}
	if head.Version == nil {
		return nil, errors.New("no \"version\" field; this is not a snekomatic state file")
	}
	switch *head.Version {
	case 1:
		return decodeV1(data)
	case 2:
		return decodeV2(data)
	}
	return nil, fmt.Errorf("schema version %d is not supported (this build reads versions 1 and 2)", *head.Version)
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("not valid: invalid character after top-level value")
	}
	return nil
}

func decodeV2(data []byte) (*File, error) {
	var raw fileV2
	if err := jsonexp.Unmarshal(data, &raw, jsonexp.RejectUnknownMembers(true)); err != nil {
		if werr := strictUnmarshal(data, &fileV2{}); werr != nil {
			return nil, werr
		}
		return nil, fmt.Errorf("not valid: %v", errtext.OneLine(err.Error()))
	}
	f := New()
	for name, ro := range raw.Orgs {
		if err := checkOrgName(name, ro == nil); err != nil {
			return nil, err
		}
		o := &Org{Cursor: ro.Cursor, People: make(map[int64]*Person, len(ro.People))}
		if err := checkTime(ro.Cursor); err != nil {
			return nil, fmt.Errorf("organization %q: cursor %v", name, err)
		}
		if err := checkSent(ro.Sent); err != nil {
			return nil, fmt.Errorf("organization %q: sent: %v", name, err)
		}
		o.ContentRequests = ro.Sent
		if err := checkSentBy(ro.SentBy); err != nil {
			return nil, fmt.Errorf("organization %q: sent_by: %v", name, err)
		}
		o.ContentRequestsBy = ro.SentBy
		// One allocation for everyone: a state can hold 100,000 people.
		people := make([]Person, len(ro.People))
		for i := range ro.People {
			rp := &ro.People[i]
			p := &people[i]
			if err := rp.to(p); err != nil {
				return nil, fmt.Errorf("organization %q: person %d: %v", name, rp.ID, err)
			}
			if _, dup := o.People[rp.ID]; dup {
				return nil, fmt.Errorf("organization %q: person %d is listed twice", name, rp.ID)
			}
			o.People[rp.ID] = p
		}
		f.Orgs[name] = o
	}
	return f, nil
}

func decodeV1(data []byte) (*File, error) {
	var raw fileV1
	if err := strictUnmarshal(data, &raw); err != nil {
		return nil, err
	}
	f := New()
	for name, ro := range raw.Orgs {
		if err := checkOrgName(name, ro == nil); err != nil {
			return nil, err
		}
		if err := checkTime(ro.Cursor); err != nil {
			return nil, fmt.Errorf("organization %q: cursor %v", name, err)
		}
		o := &Org{Cursor: ro.Cursor, People: make(map[int64]*Person, len(ro.People))}
		for id, rp := range ro.People {
			if rp == nil {
				return nil, fmt.Errorf("organization %q: person %d is null", name, id)
			}
			// The pull request's URL is dropped: it follows from the
			// repository and the number.
			p := &personV2{ID: id, Login: rp.Login, Status: rp.Status, At: rp.At, Reason: rp.Reason,
				CommentURL: rp.CommentURL, NoComment: rp.NoComment}
			if rp.PR != nil {
				p.PR = rp.PR.Repo + "#" + strconv.Itoa(rp.PR.Number)
				p.MergedAt = rp.PR.MergedAt
			}
			var q Person
			if err := p.to(&q); err != nil {
				return nil, fmt.Errorf("organization %q: person %d: %v", name, id, err)
			}
			o.People[id] = &q
		}
		f.Orgs[name] = o
	}
	return f, nil
}

func checkOrgName(name string, null bool) error {
	if name == "" || name != strings.ToLower(name) {
		return fmt.Errorf("organization key %q must be a lower-case login", name)
	}
	if null {
		return fmt.Errorf("organization %q is null", name)
	}
	return nil
}

// checkTime refuses a time that cannot be written back: the format has
// four-digit years in UTC.
func checkTime(t time.Time) error {
	if t.IsZero() || (!t.Before(firstTime) && t.Before(afterLastTime)) {
		return nil
	}
	return fmt.Errorf("time %s is out of range", t.UTC().Format(time.RFC3339))
}

var (
	firstTime     = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	afterLastTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// to validates rp and fills p.
func (rp *personV2) to(p *Person) error { return rp.fill(p, nil) }

// fill is to with rp.PR already parsed into pr (nil: parse it).
func (rp *personV2) fill(p *Person, pr *PRRef) error {
	switch {
	case rp.ID <= 0:
		return fmt.Errorf("id %d is not a GitHub user id", rp.ID)
	case !rp.Status.valid():
		return fmt.Errorf("unknown status %q", rp.Status)
	case rp.Comment < 0:
		return fmt.Errorf("comment id %d is not a comment id", rp.Comment)
	case rp.Comment != 0 && rp.CommentURL != "":
		return errors.New("both \"c\" and \"cu\" name the welcome comment; keep one")
	case rp.PR == "" && (rp.Comment != 0 || !rp.MergedAt.IsZero() || rp.CoAuthor):
		return errors.New("\"c\", \"m\" and \"co\" need \"pr\"")
	}
	if err := checkTime(rp.At); err != nil {
		return err
	}
	if err := checkTime(rp.MergedAt); err != nil {
		return err
	}
	if err := checkTime(rp.InvitedAt); err != nil {
		return err
	}
	// The status is one of the constants; sharing it saves a string a
	// person.
	status := rp.Status
	for _, s := range Statuses {
		if s == status {
			status = s
			break
		}
	}
	*p = Person{Login: rp.Login, Status: status, At: rp.At, Reason: rp.Reason, CommentURL: rp.CommentURL,
		NoComment: rp.NoComment, InvitedAt: rp.InvitedAt, Renewed: rp.Renewed, CoAuthor: rp.CoAuthor}
	if rp.PR != "" {
		if pr == nil {
			var err error
			if pr, err = parsePR(rp.PR); err != nil {
				return err
			}
		} else if pr.Number <= 0 || !strings.Contains(pr.Repo, "/") {
			return fmt.Errorf("pull request %q is not owner/name#number", rp.PR)
		}
		pr.MergedAt = rp.MergedAt
		p.PR = pr
		if rp.Comment != 0 {
			p.CommentURL = pr.URL(GitHubWeb) + "#issuecomment-" + strconv.FormatInt(rp.Comment, 10)
		}
	}
	return nil
}

// parsePR reads "owner/name#number".
func parsePR(s string) (*PRRef, error) {
	i := strings.LastIndexByte(s, '#')
	if i < 0 {
		return nil, fmt.Errorf("pull request %q is not owner/name#number", s)
	}
	repo := s[:i]
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n <= 0 || !strings.Contains(repo, "/") {
		return nil, fmt.Errorf("pull request %q is not owner/name#number", s)
	}
	return &PRRef{Repo: repo, Number: n}, nil
}

func describeJSONError(data []byte, err error) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("the file is empty")
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// At the end of the file the error may also be a stray character
		// after a whole value: only a value cut short is a truncation.
		if truncated(data) {
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
	return fmt.Errorf("not valid: %v", errtext.OneLine(err.Error()))
}

// truncated reports whether data starts a JSON value that ends too soon.
func truncated(data []byte) bool {
	var v any
	return errors.Is(json.NewDecoder(bytes.NewReader(data)).Decode(&v), io.ErrUnexpectedEOF)
}
