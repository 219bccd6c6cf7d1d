package state

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

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
	Cursor time.Time   `json:"cursor,omitzero"`
	Sent   []time.Time `json:"sent"`
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
	// Read the version first so that a newer file is reported as such, not as
	// a pile of unknown fields.
	// The canonical form starts with the version; anything else is read
	// in full to find it.
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
		return nil, fmt.Errorf("not valid: %v", oneLine(err.Error()))
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
		o.Sent = ro.Sent
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
	case rp.PR == "" && (rp.Comment != 0 || !rp.MergedAt.IsZero()):
		return errors.New("\"c\" and \"m\" need \"pr\"")
	}
	if err := checkTime(rp.At); err != nil {
		return err
	}
	if err := checkTime(rp.MergedAt); err != nil {
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
		NoComment: rp.NoComment}
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
	return fmt.Errorf("not valid: %v", oneLine(err.Error()))
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// Encode renders f in its canonical version 2 form: the same state always
// gives the same bytes, so committed state files diff cleanly. Times are
// written in UTC to the second.
func Encode(f *File) ([]byte, error) {
	orgs := make(map[string]*Org, len(f.Orgs))
	size := 64
	for name, o := range f.Orgs {
		key := strings.ToLower(name)
		if _, dup := orgs[key]; dup {
			return nil, fmt.Errorf("organization %q is in the state twice (under different cases)", key)
		}
		orgs[key] = o
		size += 64 + 160*len(o.People)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"version":2,"orgs":{`...)
	type entry struct {
		id int64
		p  *Person
	}
	var people []entry
	for i, name := range slices.Sorted(maps.Keys(orgs)) {
		o := orgs[name]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = appendString(b, name)
		b = append(b, ":{"...)
		if err := checkTime(o.Cursor); err != nil {
			return nil, fmt.Errorf("organization %q: cursor %v", name, err)
		}
		if !o.Cursor.IsZero() {
			b = append(b, `"cursor":`...)
			b = appendTime(b, o.Cursor)
			b = append(b, ',')
		}
		if o.Sent != nil {
			if err := checkSent(o.Sent); err != nil {
				return nil, fmt.Errorf("organization %q: sent: %v", name, err)
			}
			b = append(b, `"sent":[`...)
			for i, t := range o.Sent {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendTime(b, t)
			}
			b = append(b, "],"...)
		}
		b = append(b, `"people":[`...)
		// Pairs rather than ids: looking each id up again in a map of
		// 100,000 costs more than the sort.
		people = people[:0]
		for id, p := range o.People {
			if err := checkPerson(id, p); err != nil {
				return nil, fmt.Errorf("organization %q: person %d: %v", name, id, err)
			}
			people = append(people, entry{id, p})
		}
		slices.SortFunc(people, func(a, b entry) int { return cmp.Compare(a.id, b.id) })
		// A leading comma on every line but the first: adding a person
		// then adds exactly one line to a diff.
		for j, e := range people {
			if j == 0 {
				b = append(b, "\n "...)
			} else {
				b = append(b, "\n,"...)
			}
			b = appendPerson(b, e.id, e.p)
		}
		if len(people) > 0 {
			b = append(b, '\n')
		}
		b = append(b, "]}"...)
	}
	b = append(b, "\n}}\n"...)
	return b, nil
}

// checkSent refuses times of content-creating requests that are out of
// range, not to the second, or out of order: the writer keeps them sorted.
func checkSent(sent []time.Time) error {
	for i, t := range sent {
		if err := checkTime(t); err != nil {
			return err
		}
		if t.IsZero() || t.Nanosecond() != 0 {
			return fmt.Errorf("%s is not a time to the second", t.Format(time.RFC3339Nano))
		}
		if i > 0 && t.Before(sent[i-1]) {
			return fmt.Errorf("%s comes after a later time: the list must be oldest first", t.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// checkPerson refuses to write what Decode would refuse to read: a file
// that cannot be read back would stop every later run.
func checkPerson(id int64, p *Person) error {
	switch {
	case p == nil:
		return errors.New("is nil")
	case id <= 0:
		return fmt.Errorf("id %d is not a GitHub user id", id)
	case !p.Status.valid():
		return fmt.Errorf("unknown status %q", p.Status)
	case p.PR != nil && (p.PR.Number <= 0 || !strings.Contains(p.PR.Repo, "/")):
		return fmt.Errorf("pull request %q #%d is not owner/name and a number", p.PR.Repo, p.PR.Number)
	}
	if err := checkTime(p.At); err != nil {
		return err
	}
	if p.PR != nil {
		return checkTime(p.PR.MergedAt)
	}
	return nil
}

// appendPerson writes one person as a compact JSON object.
func appendPerson(b []byte, id int64, p *Person) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"l":`...)
	b = appendString(b, p.Login)
	b = append(b, `,"s":`...)
	b = appendString(b, string(p.Status))
	b = append(b, `,"at":`...)
	b = appendTime(b, p.At)
	commentURL := p.CommentURL
	var comment int64
	if p.PR != nil {
		b = append(b, `,"pr":`...)
		if plain(p.PR.Repo) {
			b = append(b, '"')
			b = append(b, p.PR.Repo...)
			b = append(b, '#')
			b = strconv.AppendInt(b, int64(p.PR.Number), 10)
			b = append(b, '"')
		} else {
			b = appendString(b, p.PR.Repo+"#"+strconv.Itoa(p.PR.Number))
		}
		if !p.PR.MergedAt.IsZero() {
			b = append(b, `,"m":`...)
			b = appendTime(b, p.PR.MergedAt)
		}
		if c, ok := commentID(p.PR, commentURL); ok {
			comment, commentURL = c, ""
		}
	}
	if p.Reason != "" {
		b = append(b, `,"r":`...)
		b = appendString(b, p.Reason)
	}
	if comment != 0 {
		b = append(b, `,"c":`...)
		b = strconv.AppendInt(b, comment, 10)
	}
	if commentURL != "" {
		b = append(b, `,"cu":`...)
		b = appendString(b, commentURL)
	}
	if p.NoComment {
		b = append(b, `,"nc":true`...)
	}
	return append(b, '}')
}

// commentID returns the id of a welcome comment whose address is the
// usual one on github.com for the pull request, so that only the id needs
// to be written.
func commentID(pr *PRRef, url string) (int64, bool) {
	rest, ok := strings.CutPrefix(url, GitHubWeb+"/")
	if !ok {
		return 0, false
	}
	// Piece by piece, without building the expected address: this runs
	// for every invitee at every save.
	var num [20]byte
	for _, piece := range []string{pr.Repo, "/pull/", string(strconv.AppendInt(num[:0], int64(pr.Number), 10)), "#issuecomment-"} {
		if rest, ok = strings.CutPrefix(rest, piece); !ok {
			return 0, false
		}
	}
	if rest == "" || rest[0] == '0' {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// appendTime writes t in UTC to the second as a quoted RFC 3339 time,
// digit by digit: time.AppendFormat, which handles every layout, took half
// of the time of encoding a person. Years are 1 to 9999 (checkTime).
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, `"0001-01-01T00:00:00Z"`...)
	}
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	b = append(b, '"',
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), 'Z', '"')
	return b
}

// appendString writes s as a JSON string. Plain ASCII, which is nearly
// every login, repository and status, is copied as it is; anything else goes
// through encoding/json, so that escaping follows one set of rules.
func appendString(b []byte, s string) []byte {
	if !plain(s) {
		q, _ := json.Marshal(s)
		return append(b, q...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plain reports whether s is written in JSON as it is, between quotes.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
