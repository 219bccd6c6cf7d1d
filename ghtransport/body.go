package ghtransport

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// replayable returns req if its body can be read again (none, or GetBody
// set, as http.NewRequest does for in-memory bodies), else a clone whose
// body has been read into memory.
func replayable(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody != nil {
		return req, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("buffer request body: %w", err)
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r.ContentLength = int64(len(b))
	return r, nil
}

// resend returns the request for attempt n (0-based) of a replayable
// request: req itself first, then clones with a fresh body.
func resend(req *http.Request, n int) (*http.Request, error) {
	if n == 0 || req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("replay request body: %w", err)
	}
	r := req.Clone(req.Context())
	r.Body = body
	return r, nil
}

// requestBody returns a copy of a replayable request's body.
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return io.ReadAll(body)
}

// peek reads up to limit bytes of a response body and puts them back, so
// that the caller still reads the whole body. complete says whether that was
// all of it; a read error is put back too, for the caller to see.
func peek(resp *http.Response, limit int64) (b []byte, complete bool) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	var tail io.Reader = resp.Body
	switch {
	case err != nil:
		tail = errReader{err}
	case int64(len(b)) <= limit:
		complete = true
	}
	resp.Body = &peekedBody{Reader: io.MultiReader(bytes.NewReader(b), tail), Closer: resp.Body}
	return b, complete && err == nil
}

type peekedBody struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// discard drains a little of a body we will not use, so that the
// connection can be reused, and closes it.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}
