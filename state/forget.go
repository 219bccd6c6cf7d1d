package state

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Forgetting is whom `snekomatic state forget` forgets in one
// organization: Order lists their ids as named, Who is the organization's
// people before.
type Forgetting struct {
	Org   string
	Order []int64
	Who   map[int64]*Person
	ids   map[int64]bool
}

// PlanForget finds each of who (logins or numeric ids) in the
// organizations orgs of s. Someone remembered in none of them is an
// error, and nothing is to be changed.
func PlanForget(s *Store, orgs, who []string) ([]*Forgetting, error) {
	plan := make([]*Forgetting, len(orgs))
	found := map[string]bool{}
	for i, org := range orgs {
		f := &Forgetting{Org: org, ids: map[int64]bool{}, Who: s.Org(org).People}
		plan[i] = f
		for _, w := range who {
			id, err := FindPerson(f.Who, w, org)
			var nf *notRemembered
			if errors.As(err, &nf) {
				continue
			}
			if err != nil {
				return nil, err
			}
			found[w] = true
			if !f.ids[id] {
				f.ids[id] = true
				f.Order = append(f.Order, id)
			}
		}
	}
	for _, w := range who {
		if !found[w] {
			where := strings.Join(orgs, ", ")
			return nil, fmt.Errorf("nobody %s is remembered in %s: nothing was changed (see snekomatic state show --org %s)", describeWho(w), where, orgs[0])
		}
	}
	return plan, nil
}

// ForgetPlanned forgets everyone plan names, in the journal (Commit writes the
// state file).
func (s *Store) ForgetPlanned(plan []*Forgetting) error {
	for _, f := range plan {
		if len(f.ids) == 0 {
			continue
		}
		if err := s.Update(f.Org, func(org *Edit) {
			for id := range f.ids {
				org.Forget(id)
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

func describeWho(who string) string {
	if _, err := strconv.ParseInt(who, 10, 64); err == nil {
		return "with user id " + who
	}
	return fmt.Sprintf("with the login %q", who)
}

// notRemembered is FindPerson's answer for someone the organization does
// not remember.
type notRemembered struct{ who, org string }

func (e *notRemembered) Error() string {
	return fmt.Sprintf("nobody %s is remembered in %s (see snekomatic state show --org %s)", describeWho(e.who), e.org, e.org)
}

// FindPerson resolves a login or an id to a remembered person.
func FindPerson(people map[int64]*Person, who, org string) (int64, error) {
	if id, err := strconv.ParseInt(who, 10, 64); err == nil {
		if people[id] == nil {
			return 0, &notRemembered{who, org}
		}
		return id, nil
	}
	var found []int64
	for id, p := range people {
		if strings.EqualFold(p.Login, who) {
			found = append(found, id)
		}
	}
	slices.Sort(found)
	switch len(found) {
	case 0:
		return 0, &notRemembered{who, org}
	case 1:
		return found[0], nil
	}
	return 0, fmt.Errorf("the login %q names %d people in %s (a login was renamed and reused): name one by id: %v", who, len(found), org, found)
}
