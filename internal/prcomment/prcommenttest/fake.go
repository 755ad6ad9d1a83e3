// Package prcommenttest is a fake GitHub REST API (the part blastgate's
// pull request comment uses) for tests: of package prcomment, and of the
// blastgate comment command end to end.
package prcommenttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// The pull request the fake serves, as in ../testdata/pull_request.json.
const (
	Repository   = "octo-org/shop"
	Number       = 7
	CommentsPath = "/api/v3/repos/octo-org/shop/issues/7/comments"
	EditPrefix   = "/api/v3/repos/octo-org/shop/issues/comments/"
)

// NotAccessible is GitHub's answer (403) to a write with a token that may
// not make it: a pull request from a fork gets a read-only token.
var NotAccessible = map[string]any{
	"message":           "Resource not accessible by integration",
	"documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
}

// Request is one request the fake saw.
type Request struct {
	Method, Path, Query, Auth string
	Body                      map[string]any
}

// GitHub speaks GitHub's REST API (enough of it) under /api/v3/, where
// go-github's WithEnterpriseURLs puts a GitHub Enterprise Server API.
// A request nothing handles fails the test.
type GitHub struct {
	URL    string
	Client *http.Client

	t    testing.TB
	mux  *http.ServeMux
	mu   sync.Mutex
	reqs []Request
}

// New starts a fake, closed when the test ends.
func New(t testing.TB) *GitHub {
	t.Helper()
	f := &GitHub{t: t, mux: http.NewServeMux()}
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		WriteJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization")}
		data, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(data))
		if len(data) > 0 {
			if err := json.Unmarshal(data, &req.Body); err != nil {
				t.Errorf("%s %s: body is not a JSON object: %v", r.Method, r.URL.Path, err)
			}
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, req)
		f.mu.Unlock()
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.URL, f.Client = srv.URL, srv.Client()
	return f
}

// Handle answers requests matching pattern (as http.ServeMux takes it).
func (f *GitHub) Handle(pattern string, h http.HandlerFunc) { f.mux.HandleFunc(pattern, h) }

// Requests lists the requests seen so far.
func (f *GitHub) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.reqs...)
}

// Calls lists "METHOD path" of every request.
func (f *GitHub) Calls() []string {
	var out []string
	for _, r := range f.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// Count counts the requests with this method.
func (f *GitHub) Count(method string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

// Comments serves the listing: one page, these comments.
func (f *GitHub) Comments(cs ...map[string]any) {
	f.Handle("GET "+CommentsPath, func(w http.ResponseWriter, r *http.Request) {
		if cs == nil {
			cs = []map[string]any{}
		}
		WriteJSON(w, http.StatusOK, cs)
	})
}

// Created answers POST with a new comment of id 9001, echoing the body.
func (f *GitHub) Created() {
	f.Handle("POST "+CommentsPath, func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		WriteJSON(w, http.StatusCreated, Comment(9001, "github-actions[bot]", "Bot", in.Body))
	})
}

// WriteJSON answers with status and v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Comment is an issue comment as the API returns it.
func Comment(id int64, login, typ, body string) map[string]any {
	return map[string]any{
		"id":         id,
		"body":       body,
		"user":       map[string]any{"login": login, "type": typ},
		"created_at": "2026-03-02T10:00:00Z",
		"html_url":   fmt.Sprintf("https://github.com/octo-org/shop/pull/7#issuecomment-%d", id),
	}
}
