package fakegithub

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"github.com/python-trio/snekomatic/internal/ghperm"
)

// The App endpoints (the rows of restRoutes with app set), which answer
// only the App's JWT, and the installation tokens they issue.

// appJSON is GitHub's "integration".
type appJSON struct {
	ID                 int64             `json:"id"`
	Slug               string            `json:"slug"`
	NodeID             string            `json:"node_id"`
	ClientID           string            `json:"client_id"`
	Owner              *userJSON         `json:"owner"`
	Name               string            `json:"name"`
	Description        string            `json:"description"`
	ExternalURL        string            `json:"external_url"`
	HTMLURL            string            `json:"html_url"`
	CreatedAt          string            `json:"created_at"`
	UpdatedAt          string            `json:"updated_at"`
	Permissions        map[string]string `json:"permissions"`
	Events             []string          `json:"events"`
	InstallationsCount int               `json:"installations_count"`
}

// GET /app: the App. Its permissions are the highest level each permission
// has in any of its installations; it has no owner in the fake.
func (g *GitHub) getApp(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	app := appOf(r)
	perms := map[string]string{}
	n := 0
	for _, in := range g.w.apps.insts {
		if in.app != app {
			continue
		}
		n++
		for k, v := range in.perms {
			if ghperm.Rank(v) > ghperm.Rank(perms[k]) {
				perms[k] = v
			}
		}
	}
	WriteJSON(w, http.StatusOK, &appJSON{
		ID: app.ID, Slug: app.Slug, NodeID: makeNodeID("A", app.ID), ClientID: app.ClientID, Name: app.Name,
		ExternalURL: g.URL(), HTMLURL: g.webURL("apps/%s", app.Slug),
		CreatedAt: ts(app.createdAt), UpdatedAt: ts(app.createdAt),
		Permissions: perms, Events: []string{}, InstallationsCount: n,
	})
}

// installationJSON is GitHub's "installation".
type installationJSON struct {
	ID                     int64             `json:"id"`
	Account                *userJSON         `json:"account"`
	RepositorySelection    string            `json:"repository_selection"`
	AccessTokensURL        string            `json:"access_tokens_url"`
	RepositoriesURL        string            `json:"repositories_url"`
	HTMLURL                string            `json:"html_url"`
	AppID                  int64             `json:"app_id"`
	AppSlug                string            `json:"app_slug"`
	TargetID               int64             `json:"target_id"`
	TargetType             string            `json:"target_type"`
	Permissions            map[string]string `json:"permissions"`
	Events                 []string          `json:"events"`
	CreatedAt              string            `json:"created_at"`
	UpdatedAt              string            `json:"updated_at"`
	SingleFileName         *string           `json:"single_file_name"`
	HasMultipleSingleFiles bool              `json:"has_multiple_single_files"`
	SingleFilePaths        []string          `json:"single_file_paths"`
	SuspendedBy            *userJSON         `json:"suspended_by"`
	SuspendedAt            *string           `json:"suspended_at"`
}

func (g *GitHub) installationJSON(in *installation) *installationJSON {
	html := g.webURL("settings/installations/%d", in.id)
	if in.acct.Type == "Organization" {
		html = g.webURL("organizations/%s/settings/installations/%d", in.acct.Login, in.id)
	}
	updated := in.createdAt
	if in.suspendedAt.After(updated) {
		updated = in.suspendedAt
	}
	return &installationJSON{
		ID: in.id, Account: g.userJSON(in.acct), RepositorySelection: in.selection(),
		AccessTokensURL: g.apiURL("app/installations/%d/access_tokens", in.id),
		RepositoriesURL: g.apiURL("installation/repositories"),
		HTMLURL:         html,
		AppID:           in.app.ID, AppSlug: in.app.Slug,
		TargetID: in.acct.ID, TargetType: in.acct.Type,
		Permissions: clonePerms(in.perms), Events: []string{},
		CreatedAt: ts(in.createdAt), UpdatedAt: ts(updated),
		SingleFilePaths: []string{},
		SuspendedAt:     tsPtr(in.suspendedAt),
	}
}

// GET /app/installations: the App's installations in id order, paginated,
// suspended ones included.
func (g *GitHub) listAppInstallations(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ids := sortedInstallationIDs(g.w.apps, appOf(r))
	writePage(g, w, r, ids, func(id int64) *installationJSON { return g.installationJSON(g.w.apps.insts[id]) })
}

// appInstallation finds {installation_id} among the App's installations,
// answering 404 otherwise; caller holds g.mu.
func (g *GitHub) appInstallation(w http.ResponseWriter, r *http.Request, docURL string) *installation {
	id, _ := strconv.ParseInt(r.PathValue("installation_id"), 10, 64)
	in := g.w.apps.insts[id]
	if in == nil || in.app != appOf(r) {
		writeNotFound(w, docURL)
		return nil
	}
	return in
}

// GET /app/installations/{installation_id}
func (g *GitHub) getAppInstallation(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if in := g.appInstallation(w, r, docOf(r)); in != nil {
		WriteJSON(w, http.StatusOK, g.installationJSON(in))
	}
}

// POST /app/installations/{installation_id}/access_tokens
// {"permissions": {...}}: a new token for the installation, valid for the
// token TTL. Permissions in the body narrow the token (asking for more
// than the installation has answers 422); repositories and repository_ids
// are not supported by the fake and answer 422 rather than being ignored.
func (g *GitHub) createInstallationToken(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	in := g.appInstallation(w, r, docOf(r))
	if in == nil {
		return
	}
	if !in.suspendedAt.IsZero() {
		WriteError(w, http.StatusForbidden, MsgInstallationSuspended, docOf(r))
		return
	}
	var body struct {
		Permissions   map[string]string `json:"permissions"`
		Repositories  []string          `json:"repositories"`
		RepositoryIDs []int64           `json:"repository_ids"`
	}
	if !decodeBody(w, r, &body, docOf(r)) {
		return
	}
	if len(body.Repositories) > 0 || len(body.RepositoryIDs) > 0 {
		WriteError(w, http.StatusUnprocessableEntity, "The fake GitHub does not support tokens limited to some repositories.", docOf(r))
		return
	}
	perms := clonePerms(in.perms)
	if body.Permissions != nil {
		perms = map[string]string{"metadata": "read"}
		for k, v := range body.Permissions {
			if !permits(in.perms, k, v) {
				WriteError(w, http.StatusUnprocessableEntity, MsgPermissionsNotGranted, docOf(r))
				return
			}
			perms[k] = v
		}
	}
	token := newInstallationToken()
	expires := secs(g.now()).Add(g.settings.tokenTTL)
	g.w.tokens[token] = &tokenState{
		token: token, ownerID: in.app.BotID, orgs: map[string]bool{strings.ToLower(in.acct.Login): true},
		rates: in.rates, inst: in, expires: expires, perms: perms,
	}
	in.issued++
	WriteJSON(w, http.StatusCreated, map[string]any{
		"token": token, "expires_at": ts(expires), "permissions": perms, "repository_selection": in.selection(),
	})
}

// newInstallationToken makes a token shaped like GitHub's: "ghs_" and 36
// letters and digits.
func newInstallationToken() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 36)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return "ghs_" + string(b)
}
