package fakegithub

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
)

// serveStuck serves r, then rewrites the answer's paging as
// Faults.StuckPages describes.
func (fi *FaultInjector) serveStuck(next http.Handler, w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	if rec.Code == http.StatusOK && KindOf(r) == KindGraphQL {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			fi.mu.Lock()
			fi.stickCursors(v, "")
			fi.mu.Unlock()
			if b, err := json.Marshal(v); err == nil {
				body = b
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			}
		}
	}
	if rec.Code == http.StatusOK && KindOf(r) == KindRESTRead {
		w.Header().Set("Link", "<"+samePage(r)+`>; rel="next"`)
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// stickCursors sets every pageInfo in v to hasNextPage true and the
// endCursor first answered at its place (path); caller holds fi.mu.
func (fi *FaultInjector) stickCursors(v any, path string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := path + "." + k
			if pi, ok := child.(map[string]any); ok && k == "pageInfo" {
				if fi.cursors == nil {
					fi.cursors = map[string]any{}
				}
				if _, seen := fi.cursors[p]; !seen {
					fi.cursors[p] = pi["endCursor"]
				}
				pi["hasNextPage"] = true
				pi["endCursor"] = fi.cursors[p]
				continue
			}
			fi.stickCursors(child, p)
		}
	case []any:
		for _, child := range x {
			fi.stickCursors(child, path+"[]")
		}
	}
}

// samePage is the address of the page r asked for, with its page number
// spelt out (page 1 when it gave none).
func samePage(r *http.Request) string {
	q := r.URL.Query()
	page := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		page = n
	}
	q.Set("page", strconv.Itoa(page))
	u := url.URL{Scheme: "http", Host: r.Host, Path: stateOf(r).path, RawQuery: q.Encode()}
	return strings.TrimSpace(u.String())
}
