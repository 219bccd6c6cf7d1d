package state

import (
	"bytes"
	"strconv"
	"time"
)

// decodeFast reads the layout Encode writes, byte by byte, without
// reflection: on 100,000 people it takes a fraction of the time and of the
// memory of a JSON library (BENCHMARKS.md). It accepts only that exact
// layout, with every string plain ASCII; anything else (a file edited by
// hand, other spacing, an escape, any invalid value) makes it return false,
// and the general decoder reads the file and words any error. FuzzDecodeFast
// checks that whatever it accepts, the general decoder accepts too and reads
// the same.
func decodeFast(data []byte) (*File, bool) {
	// One string for the whole file: every login and reason is a slice of
	// it, rather than an allocation of its own.
	p := &fastParser{s: string(data)}
	if !p.lit(`{"version":2,"orgs":{`) {
		return nil, false
	}
	f := New()
	for first := true; ; first = false {
		if p.lit("\n}}\n") {
			return f, p.i == len(p.s)
		}
		if !first && !p.lit(",") {
			return nil, false
		}
		if !p.lit("\n") {
			return nil, false
		}
		name, ok := p.str()
		if !ok || checkOrgName(name, false) != nil || f.Orgs[name] != nil || !p.lit(":{") {
			return nil, false
		}
		o := &Org{}
		if p.lit(`"cursor":`) {
			if o.Cursor, ok = p.time(); !ok || !p.lit(",") {
				return nil, false
			}
		}
		if !p.sent(o) {
			return nil, false
		}
		if !p.lit(`"people":[`) {
			return nil, false
		}
		// Every person is a line: counting lines sizes the map and the
		// slice once.
		end := bytes.Index(data[p.i:], []byte("]}"))
		if end < 0 {
			return nil, false
		}
		n := bytes.Count(data[p.i:p.i+end], []byte("\n"))
		o.People = make(map[int64]*Person, n)
		people := make([]Person, 0, n)
		prs := make([]PRRef, 0, n)
		for j := 0; !p.lit("]}"); j++ {
			sep := "\n,"
			if j == 0 {
				sep = "\n "
			}
			if !p.lit(sep) {
				if j > 0 && p.lit("\n]}") {
					break
				}
				return nil, false
			}
			if len(people) == cap(people) {
				return nil, false
			}
			people = append(people, Person{})
			per := &people[len(people)-1]
			id, ok := p.person(per, &prs)
			if !ok || o.People[id] != nil {
				return nil, false
			}
			o.People[id] = per
		}
		f.Orgs[name] = o
	}
}

// sent reads an organization's "sent" and "sent_by", if there.
func (p *fastParser) sent(o *Org) bool {
	if p.lit(`"sent":[`) {
		o.ContentRequests = []time.Time{}
		for !p.lit("],") {
			if len(o.ContentRequests) > 0 && !p.lit(",") {
				return false
			}
			t, ok := p.time()
			if !ok || t.IsZero() || len(o.ContentRequests) > 0 && t.Before(o.ContentRequests[len(o.ContentRequests)-1]) {
				return false
			}
			o.ContentRequests = append(o.ContentRequests, t)
		}
	}
	if p.lit(`"sent_by":{`) {
		by, ok := p.sentBy()
		if !ok {
			return false
		}
		o.ContentRequestsBy = by
	}
	return true
}

// sentBy reads the inside of "sent_by" up to its closing "},".
func (p *fastParser) sentBy() (map[string][]time.Time, bool) {
	by := map[string][]time.Time{}
	for !p.lit("},") {
		if len(by) > 0 && !p.lit(",") {
			return nil, false
		}
		id, ok := p.str()
		if !ok || id == "" || by[id] != nil || !p.lit(":[") {
			return nil, false
		}
		var l []time.Time
		for !p.lit("]") {
			if len(l) > 0 && !p.lit(",") {
				return nil, false
			}
			t, ok := p.time()
			if !ok || t.IsZero() || len(l) > 0 && t.Before(l[len(l)-1]) {
				return nil, false
			}
			l = append(l, t)
		}
		if len(l) == 0 {
			return nil, false
		}
		by[id] = l
	}
	return by, true
}

type fastParser struct {
	s string
	i int
}

func (p *fastParser) lit(s string) bool {
	if len(p.s)-p.i >= len(s) && p.s[p.i:p.i+len(s)] == s {
		p.i += len(s)
		return true
	}
	return false
}

// str reads a plain string: quoted, nothing to unescape.
func (p *fastParser) str() (string, bool) {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", false
	}
	for j := p.i + 1; j < len(p.s); j++ {
		c := p.s[j]
		if c == '"' {
			out := p.s[p.i+1 : j]
			p.i = j + 1
			return out, true
		}
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '<' || c == '>' || c == '&' {
			return "", false
		}
	}
	return "", false
}

// uint reads a positive decimal number without a leading zero.
func (p *fastParser) uint() (int64, bool) {
	j := p.i
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	if j == p.i || p.s[p.i] == '0' {
		return 0, false
	}
	n, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
	if err != nil {
		return 0, false
	}
	p.i = j
	return n, true
}

// time reads "YYYY-MM-DDTHH:MM:SSZ", a date that exists.
func (p *fastParser) time() (time.Time, bool) {
	const layout = `"2006-01-02T15:04:05Z"`
	if len(p.s)-p.i < len(layout) {
		return time.Time{}, false
	}
	s := p.s[p.i : p.i+len(layout)]
	num := func(a, b int) int {
		n := 0
		for k := a; k < b; k++ {
			c := s[k]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	if s[0] != '"' || s[5] != '-' || s[8] != '-' || s[11] != 'T' || s[14] != ':' || s[17] != ':' || s[20] != 'Z' || s[21] != '"' {
		return time.Time{}, false
	}
	y, mo, d, h, mi, se := num(1, 5), num(6, 8), num(9, 11), num(12, 14), num(15, 17), num(18, 20)
	if y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d { // 31 April and the like
		return time.Time{}, false
	}
	p.i += len(layout)
	return t, true
}

// person reads one person, in the order and the form appendPerson writes,
// and validates it as personV2.to does.
func (p *fastParser) person(per *Person, prs *[]PRRef) (int64, bool) {
	var rp personV2
	var ok bool
	if !p.lit(`{"id":`) {
		return 0, false
	}
	if rp.ID, ok = p.uint(); !ok || !p.lit(`,"l":`) {
		return 0, false
	}
	if rp.Login, ok = p.str(); !ok || !p.lit(`,"s":`) {
		return 0, false
	}
	status, ok := p.str()
	if !ok || !p.lit(`,"at":`) {
		return 0, false
	}
	rp.Status = Status(status)
	if rp.At, ok = p.time(); !ok {
		return 0, false
	}
	var repo string
	var number int64
	if p.lit(`,"pr":"`) {
		p.i-- // str reads the quote
		pr, ok := p.str()
		if !ok {
			return 0, false
		}
		hash := -1
		for k := len(pr) - 1; k >= 0; k-- {
			if pr[k] == '#' {
				hash = k
				break
			}
		}
		if hash < 0 {
			return 0, false
		}
		repo = pr[:hash]
		q := &fastParser{s: pr[hash+1:]}
		if number, ok = q.uint(); !ok || q.i != len(q.s) || number > 1<<31-1 {
			return 0, false
		}
		rp.PR = pr
	}
	if p.lit(`,"m":`) {
		if rp.MergedAt, ok = p.time(); !ok {
			return 0, false
		}
	}
	if !p.personTail(&rp) || !p.lit("}") {
		return 0, false
	}
	// The same checks as the general decoder, on the same value, with the
	// pull request parsed here into the slice shared by the organization.
	var ref *PRRef
	if rp.PR != "" {
		*prs = append(*prs, PRRef{Repo: repo, Number: int(number)})
		ref = &(*prs)[len(*prs)-1]
	}
	if rp.fill(per, ref) != nil {
		return 0, false
	}
	return rp.ID, true
}

// personTail reads a person's optional keys after the pull request, in
// the order appendPerson writes them.
func (p *fastParser) personTail(rp *personV2) bool {
	var ok bool
	if p.lit(`,"r":`) {
		if rp.Reason, ok = p.str(); !ok || rp.Reason == "" {
			return false
		}
	}
	if p.lit(`,"c":`) {
		if rp.Comment, ok = p.uint(); !ok {
			return false
		}
	}
	if p.lit(`,"cu":`) {
		if rp.CommentURL, ok = p.str(); !ok || rp.CommentURL == "" {
			return false
		}
	}
	if p.lit(`,"nc":true`) {
		rp.NoComment = true
	}
	if p.lit(`,"ia":`) {
		if rp.InvitedAt, ok = p.time(); !ok {
			return false
		}
	}
	if p.lit(`,"rn":true`) {
		rp.Renewed = true
	}
	rp.CoAuthor = p.lit(`,"co":true`)
	return true
}
