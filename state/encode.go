package state

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
		if o.ContentRequests != nil {
			if err := checkSent(o.ContentRequests); err != nil {
				return nil, fmt.Errorf("organization %q: sent: %v", name, err)
			}
			b = append(b, `"sent":`...)
			b = append(appendTimes(b, o.ContentRequests), ',')
		}
		if o.ContentRequestsBy != nil {
			if err := checkSentBy(o.ContentRequestsBy); err != nil {
				return nil, fmt.Errorf("organization %q: sent_by: %v", name, err)
			}
			b = appendSentBy(b, o.ContentRequestsBy)
			b = append(b, ',')
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

// checkSentBy checks each identity's list as checkSent does; an identity
// is named and its list is not empty (an identity with nothing left in the
// hour is dropped).
func checkSentBy(by map[string][]time.Time) error {
	for id, l := range by {
		if id == "" || len(l) == 0 {
			return fmt.Errorf("identity %q has no times", id)
		}
		if err := checkSent(l); err != nil {
			return fmt.Errorf("%q: %v", id, err)
		}
	}
	return nil
}

// appendSentBy writes "sent_by":{...}, identities sorted.
func appendSentBy(b []byte, by map[string][]time.Time) []byte {
	b = append(b, `"sent_by":{`...)
	for i, id := range slices.Sorted(maps.Keys(by)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, id)
		b = appendTimes(append(b, ':'), by[id])
	}
	return append(b, '}')
}

// appendTimes writes a JSON list of times.
func appendTimes(b []byte, ts []time.Time) []byte {
	b = append(b, '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTime(b, t)
	}
	return append(b, ']')
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
	if err := checkTime(p.InvitedAt); err != nil {
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
	if !p.InvitedAt.IsZero() {
		b = append(b, `,"ia":`...)
		b = appendTime(b, p.InvitedAt)
	}
	if p.Renewed {
		b = append(b, `,"rn":true`...)
	}
	if p.CoAuthor && p.PR != nil {
		b = append(b, `,"co":true`...)
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
	// Digits only, the first not a zero: ParseInt would also take a sign
	// ("+5" read back as "5" would change the address).
	if rest == "" || rest[0] < '1' || rest[0] > '9' {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
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
