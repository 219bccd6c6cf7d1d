package fakegithub

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// ---- URLs ----------------------------------------------------------------

// apiURL returns an absolute REST URL for a path relative to RESTURL.
func (g *GitHub) apiURL(format string, args ...any) string {
	return g.RESTURL() + fmt.Sprintf(format, args...)
}

// webURL returns an absolute web URL ("html_url") for a path.
func (g *GitHub) webURL(format string, args ...any) string {
	return g.URL() + "/" + fmt.Sprintf(format, args...)
}

func (g *GitHub) avatarURL(id int64) string {
	return fmt.Sprintf("%s/avatars/u/%d?v=4", g.URL(), id)
}

// ---- time ----------------------------------------------------------------

const timeFormat = "2006-01-02T15:04:05Z"

func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

func tsPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := ts(t)
	return &s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ---- request bodies --------------------------------------------------------

// decodeBody decodes a JSON request body into v. It answers 400 "Problems
// parsing JSON" for malformed JSON and 422 for values of the wrong type, and
// returns false when it has answered.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, docURL string) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		WriteError(w, http.StatusBadRequest, MsgProblemsParsingJSON, docURL)
		return false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			WriteError(w, http.StatusUnprocessableEntity,
				fmt.Sprintf("Invalid request.\n\nFor 'properties/%s', %s is not %s.", te.Field, te.Value, jsonTypeName(te.Type)),
				docURL)
			return false
		}
		WriteError(w, http.StatusBadRequest, MsgProblemsParsingJSON, docURL)
		return false
	}
	return true
}

func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// ---- pagination ------------------------------------------------------------

// writePage answers a listing: the requested page of items (paginate),
// each rendered as GitHub's JSON for it, with the Link header.
func writePage[T, J any](g *GitHub, w http.ResponseWriter, r *http.Request, items []T, render func(T) J) {
	lo, hi := g.paginate(w, r, len(items))
	out := make([]J, 0, hi-lo)
	for _, it := range items[lo:hi] {
		out = append(out, render(it))
	}
	WriteJSON(w, http.StatusOK, out)
}

// paginate reads page and per_page (default 30, at most 100), sets the Link
// header GitHub sends (next/last, and first/prev after page 1) and returns
// the slice bounds of the requested page within total items.
func (g *GitHub) paginate(w http.ResponseWriter, r *http.Request, total int) (lo, hi int) {
	q := r.URL.Query()
	perPage := 30
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		perPage = min(v, 100)
	}
	page := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	last := max((total+perPage-1)/perPage, 1)

	link := func(p int) string {
		q2 := url.Values{}
		for k, vs := range q {
			q2[k] = vs
		}
		q2.Set("page", strconv.Itoa(p))
		q2.Set("per_page", strconv.Itoa(perPage))
		u := url.URL{Scheme: "http", Host: r.Host, Path: stateOf(r).path, RawQuery: q2.Encode()}
		return "<" + u.String() + ">"
	}
	var parts []string
	if page > 1 {
		parts = append(parts, link(min(page-1, last))+`; rel="prev"`)
	}
	if page < last {
		parts = append(parts, link(page+1)+`; rel="next"`, link(last)+`; rel="last"`)
	}
	if page > 1 {
		parts = append(parts, link(1)+`; rel="first"`)
	}
	if len(parts) > 0 {
		w.Header().Set("Link", strings.Join(parts, ", "))
	}
	lo = min((page-1)*perPage, total)
	hi = min(lo+perPage, total)
	return lo, hi
}

// ---- JSON shapes -------------------------------------------------------------

// userJSON is GitHub's "simple user".
type userJSON struct {
	Login             string `json:"login"`
	ID                int64  `json:"id"`
	NodeID            string `json:"node_id"`
	AvatarURL         string `json:"avatar_url"`
	GravatarID        string `json:"gravatar_id"`
	URL               string `json:"url"`
	HTMLURL           string `json:"html_url"`
	FollowersURL      string `json:"followers_url"`
	FollowingURL      string `json:"following_url"`
	GistsURL          string `json:"gists_url"`
	StarredURL        string `json:"starred_url"`
	SubscriptionsURL  string `json:"subscriptions_url"`
	OrganizationsURL  string `json:"organizations_url"`
	ReposURL          string `json:"repos_url"`
	EventsURL         string `json:"events_url"`
	ReceivedEventsURL string `json:"received_events_url"`
	Type              string `json:"type"`
	UserViewType      string `json:"user_view_type"`
	SiteAdmin         bool   `json:"site_admin"`
}

func (g *GitHub) userJSON(a *account) *userJSON {
	if a == nil {
		return nil
	}
	u := g.apiURL("users/%s", a.Login)
	html := g.webURL("%s", a.Login)
	if a.Type == "Bot" {
		html = g.webURL("apps/%s", strings.TrimSuffix(a.Login, "[bot]"))
	}
	return &userJSON{
		Login: a.Login, ID: a.ID, NodeID: a.NodeID,
		AvatarURL: g.avatarURL(a.ID), URL: u, HTMLURL: html,
		FollowersURL:      u + "/followers",
		FollowingURL:      u + "/following{/other_user}",
		GistsURL:          u + "/gists{/gist_id}",
		StarredURL:        u + "/starred{/owner}{/repo}",
		SubscriptionsURL:  u + "/subscriptions",
		OrganizationsURL:  u + "/orgs",
		ReposURL:          u + "/repos",
		EventsURL:         u + "/events{/privacy}",
		ReceivedEventsURL: u + "/received_events",
		Type:              a.Type,
		UserViewType:      "public",
	}
}

// fullUserJSON is GitHub's "public user".
type fullUserJSON struct {
	*userJSON
	Name            *string `json:"name"`
	Company         *string `json:"company"`
	Blog            string  `json:"blog"`
	Location        *string `json:"location"`
	Email           *string `json:"email"`
	Hireable        *bool   `json:"hireable"`
	Bio             *string `json:"bio"`
	TwitterUsername *string `json:"twitter_username"`
	PublicRepos     int     `json:"public_repos"`
	PublicGists     int     `json:"public_gists"`
	Followers       int     `json:"followers"`
	Following       int     `json:"following"`
	CreatedAt       string  `json:"created_at"`
	UpdatedAt       string  `json:"updated_at"`
}

func (g *GitHub) fullUserJSON(a *account) *fullUserJSON {
	n := 0
	for _, r := range g.w.repos {
		if strings.EqualFold(r.Owner, a.Login) && !r.Private {
			n++
		}
	}
	return &fullUserJSON{
		userJSON:    g.userJSON(a),
		PublicRepos: n,
		CreatedAt:   ts(a.createdAt),
		UpdatedAt:   ts(a.createdAt),
	}
}
