// Package prcomment posts blastgate's report as one sticky comment on a
// pull request, with the go-github v60 client: it finds its earlier comment
// by a hidden marker across all pages of comments and edits it in place
// (skipping the edit when nothing changed), else creates it.
package prcomment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/go-github/v60/github"
)

// Marker starts every comment blastgate writes.
const Marker = "<!-- blastgate:report -->"

// MaxBody is GitHub's limit on a comment body, in characters (runes).
const MaxBody = 65536

// truncNote ends a body that had to be cut to fit MaxBody.
const truncNote = "\n\n…the report is too long for a comment: see the step summary\n"

// fenceClose closes a code fence (the mermaid graph, say) left open by a cut.
const fenceClose = "\n```"

const defaultAPIURL = "https://api.github.com"

// Env is what GitHub Actions provides.
type Env struct {
	APIURL     string // GITHUB_API_URL, default https://api.github.com; any other value is GitHub Enterprise Server
	Repository string // GITHUB_REPOSITORY, "owner/name"
	EventPath  string // GITHUB_EVENT_PATH: a pull_request (or pull_request_target) event payload
	Token      string // GITHUB_TOKEN
}

// EnvFromOS reads the variables above.
func EnvFromOS() Env {
	return Env{
		APIURL:     os.Getenv("GITHUB_API_URL"),
		Repository: os.Getenv("GITHUB_REPOSITORY"),
		EventPath:  os.Getenv("GITHUB_EVENT_PATH"),
		Token:      os.Getenv("GITHUB_TOKEN"),
	}
}

// repoPart is what GitHub allows in an owner or repository name.
var repoPart = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// validate checks env and returns the owner, the repository name and the
// API URL ("" for github.com).
func (e Env) validate() (owner, repo, apiURL string, err error) {
	if e.Repository == "" {
		return "", "", "", errors.New("GITHUB_REPOSITORY is not set: run in GitHub Actions, or set it to owner/name")
	}
	owner, repo, ok := strings.Cut(e.Repository, "/")
	if !ok || !repoPart.MatchString(owner) || !repoPart.MatchString(repo) ||
		owner == "." || owner == ".." || repo == "." || repo == ".." {
		return "", "", "", fmt.Errorf("GITHUB_REPOSITORY %q is not owner/name: set it to the repository, e.g. octo-org/shop", e.Repository)
	}
	if strings.TrimSpace(e.Token) == "" {
		return "", "", "", errors.New("GITHUB_TOKEN is not set: pass github-token to the action, or set GITHUB_TOKEN")
	}
	apiURL = strings.TrimSpace(e.APIURL)
	if apiURL == "" || strings.TrimRight(apiURL, "/") == defaultAPIURL {
		return owner, repo, "", nil
	}
	u, perr := url.Parse(apiURL)
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", "", fmt.Errorf("GITHUB_API_URL %q is not an http(s) URL: unset it for github.com, or set it to the GitHub Enterprise Server API URL, e.g. https://github.example.com/api/v3", e.APIURL)
	}
	return owner, repo, apiURL, nil
}

// PullRequest is read from the event payload.
type PullRequest struct {
	Number           int
	BaseSHA, HeadSHA string
	Fork             bool // head repo differs from base repo
}

// minimalEvent is the fallback decoding of an event payload, for a payload
// that is valid JSON but trips over a field go-github types differently.
type minimalEvent struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int         `json:"number"`
		Base   minimalSide `json:"base"`
		Head   minimalSide `json:"head"`
	} `json:"pull_request"`
}

type minimalSide struct {
	SHA  string `json:"sha"`
	Repo *struct {
		ID       int64  `json:"id"`
		FullName string `json:"full_name"`
	} `json:"repo"`
}

// ReadEvent reads the pull request from the event payload at path.
func ReadEvent(path string) (PullRequest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return PullRequest{}, fmt.Errorf("reading the event payload (GITHUB_EVENT_PATH): %v", err)
	}
	return parseEvent(path, data)
}

// parseEvent reads the pull request from the event payload data, read
// from path (used in messages).
func parseEvent(path string, data []byte) (PullRequest, error) {
	var ev github.PullRequestEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return PullRequest{}, fmt.Errorf("the event payload %s (GITHUB_EVENT_PATH) is not JSON: %v", path, err)
		}
		return readMinimal(path, data)
	}
	pr := ev.GetPullRequest()
	if pr == nil {
		return PullRequest{}, noPullRequest(path)
	}
	out := PullRequest{
		Number:  ev.GetNumber(),
		BaseSHA: pr.GetBase().GetSHA(),
		HeadSHA: pr.GetHead().GetSHA(),
	}
	if out.Number == 0 {
		out.Number = pr.GetNumber()
	}
	baseRepo, headRepo := pr.GetBase().GetRepo(), pr.GetHead().GetRepo()
	out.Fork = isFork(baseRepo.GetID(), headRepo.GetID(), baseRepo.GetFullName(), headRepo.GetFullName(), headRepo == nil)
	return checkPR(path, out)
}

func readMinimal(path string, data []byte) (PullRequest, error) {
	var ev minimalEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		return PullRequest{}, fmt.Errorf("the event payload %s (GITHUB_EVENT_PATH) is not a pull_request event: %v", path, err)
	}
	if ev.PullRequest == nil {
		return PullRequest{}, noPullRequest(path)
	}
	p := ev.PullRequest
	out := PullRequest{Number: ev.Number, BaseSHA: p.Base.SHA, HeadSHA: p.Head.SHA}
	if out.Number == 0 {
		out.Number = p.Number
	}
	var baseID, headID int64
	var baseName, headName string
	if p.Base.Repo != nil {
		baseID, baseName = p.Base.Repo.ID, p.Base.Repo.FullName
	}
	if p.Head.Repo != nil {
		headID, headName = p.Head.Repo.ID, p.Head.Repo.FullName
	}
	out.Fork = isFork(baseID, headID, baseName, headName, p.Head.Repo == nil)
	return checkPR(path, out)
}

// isFork says whether the head repository differs from the base repository.
// A head repository that is gone (null: a deleted fork) counts as a fork.
func isFork(baseID, headID int64, baseName, headName string, headMissing bool) bool {
	if headMissing {
		return true
	}
	if baseID != 0 && headID != 0 {
		return baseID != headID
	}
	return !strings.EqualFold(baseName, headName)
}

func noPullRequest(path string) error {
	return fmt.Errorf("the event payload %s (GITHUB_EVENT_PATH) has no pull_request: run the blastgate action on pull_request (or pull_request_target) events", path)
}

func checkPR(path string, pr PullRequest) (PullRequest, error) {
	if pr.Number <= 0 || pr.BaseSHA == "" || pr.HeadSHA == "" {
		return PullRequest{}, fmt.Errorf("the event payload %s (GITHUB_EVENT_PATH) lacks the pull request number or its base and head SHAs: run the blastgate action on pull_request events", path)
	}
	return pr, nil
}

// Options configure Post.
type Options struct {
	Env
	Number     int                 // the pull request; 0 means read it from EventPath
	Body       string              // the comment, WITHOUT the marker (Post prepends Marker + "\n")
	Sleep      func(time.Duration) // nil means time.Sleep (cut short when ctx ends); tests pass a fake
	MaxRetries int                 // per request, for rate limits and 5xx; 0 means 3, negative means none
	MaxWait    time.Duration       // longest single wait for a rate limit; 0 means 60s; a reset further away is an error, not a wait
	HTTPClient *http.Client        // nil means http.DefaultClient
}

// Outcome says what Post did.
type Outcome int

const (
	Created   Outcome = iota // a new comment
	Updated                  // the earlier comment, edited
	Unchanged                // the earlier comment already said this: no write
	Forbidden                // the token may not comment: a fork's read-only token
)

func (o Outcome) String() string {
	switch o {
	case Created:
		return "created"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	case Forbidden:
		return "forbidden"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// Post creates or updates the comment. It returns Forbidden (and no error)
// when GitHub answers 403 that is not a rate limit ("Resource not accessible
// by integration": a fork's read-only token) to the listing or the write, or
// 404 to the write: the caller warns and carries on. On error the Outcome
// means nothing. Errors never contain the token.
func Post(ctx context.Context, opts Options) (Outcome, int64, error) {
	red := newRedactor(opts.Token)
	out, id, err := post(ctx, opts)
	if err != nil {
		return out, 0, red.redact(err)
	}
	return out, id, nil
}

func post(ctx context.Context, opts Options) (Outcome, int64, error) {
	owner, repo, apiURL, err := opts.Env.validate()
	if err != nil {
		return Created, 0, err
	}
	number := opts.Number
	if number <= 0 {
		if opts.EventPath == "" {
			return Created, 0, errors.New("GITHUB_EVENT_PATH is not set: run the action on pull_request events, or set it to a pull_request event payload")
		}
		pr, err := ReadEvent(opts.EventPath)
		if err != nil {
			return Created, 0, err
		}
		number = pr.Number
	}
	p, err := newPoster(opts, owner, repo, apiURL, number)
	if err != nil {
		return Created, 0, err
	}
	body := fit(Marker + "\n" + opts.Body)

	existing, err := p.find(ctx)
	if err != nil {
		if forbidden(err, false) {
			return Forbidden, 0, nil
		}
		return Created, 0, err
	}
	if existing != nil {
		if sameBody(existing.GetBody(), body) {
			return Unchanged, existing.GetID(), nil
		}
		edited, err := p.edit(ctx, existing.GetID(), body)
		switch {
		case err == nil:
			id := edited.GetID()
			if id == 0 {
				id = existing.GetID()
			}
			return Updated, id, nil
		case status(err) == http.StatusNotFound:
			// The comment was deleted since we listed it (or the token
			// may not see it): create a new one; its answer decides.
		case forbidden(err, true):
			return Forbidden, 0, nil
		default:
			return Created, 0, err
		}
	}
	created, err := p.create(ctx, body)
	if err != nil {
		if forbidden(err, true) {
			return Forbidden, 0, nil
		}
		return Created, 0, err
	}
	return Created, created.GetID(), nil
}

// newPoster makes the client for owner/repo's pull request number (0
// when not known yet) with opts' retry settings.
func newPoster(opts Options, owner, repo, apiURL string, number int) (*poster, error) {
	p := &poster{
		owner:      owner,
		repo:       repo,
		number:     number,
		apiURL:     apiURL,
		token:      strings.TrimSpace(opts.Token),
		httpClient: opts.HTTPClient,
		sleep:      opts.Sleep,
		maxRetries: opts.MaxRetries,
		maxWait:    opts.MaxWait,
	}
	if p.httpClient == nil {
		p.httpClient = http.DefaultClient
	}
	if p.maxRetries == 0 {
		p.maxRetries = 3
	} else if p.maxRetries < 0 {
		p.maxRetries = 0
	}
	if p.maxWait <= 0 {
		p.maxWait = 60 * time.Second
	}
	if _, err := p.client(); err != nil {
		return nil, fmt.Errorf("GITHUB_API_URL %q: %v", opts.APIURL, err)
	}
	return p, nil
}

// sameBody compares comment bodies, ignoring CRLF line ends and trailing
// white space, which GitHub may normalize.
func sameBody(a, b string) bool {
	norm := func(s string) string {
		return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), " \t\r\n")
	}
	return norm(a) == norm(b)
}

// fit cuts body (marker included) to at most MaxBody runes: at the last
// newline that leaves room for truncNote (and for closing a code fence the
// cut leaves open), or at a rune boundary when no line fits.
func fit(body string) string {
	if utf8.RuneCountInString(body) <= MaxBody {
		return body
	}
	budget := MaxBody - utf8.RuneCountInString(truncNote) - utf8.RuneCountInString(fenceClose)
	cut := body
	n := 0
	for i := range body {
		if n == budget {
			cut = body[:i]
			break
		}
		n++
	}
	// The marker's own newline does not count: with no other, cut the
	// one long line at a rune boundary rather than drop it all.
	if j := strings.LastIndexByte(cut, '\n'); j > len(Marker) {
		cut = strings.TrimSuffix(cut[:j], "\r")
	}
	if openFence(cut) {
		cut += fenceClose
	}
	return cut + truncNote
}

// openFence says whether s ends inside a fenced code block.
func openFence(s string) bool {
	open := ""
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case open == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
			open = t[:3]
		case open != "" && strings.HasPrefix(t, open) && strings.Trim(t, open[:1]) == "":
			open = ""
		}
	}
	return open != ""
}

// poster does the API calls for one Post.
type poster struct {
	owner, repo string
	number      int
	apiURL      string // "" for github.com
	token       string
	httpClient  *http.Client
	sleep       func(time.Duration)
	maxRetries  int
	maxWait     time.Duration
}

// client builds a go-github client. Every attempt gets a fresh one: the
// client remembers rate limits and refuses, without a request, to call
// GitHub again before the reset it last saw; the retry loop below already
// waits for that reset, and a remembered wall-clock deadline would defeat
// an injected Sleep.
func (p *poster) client() (*github.Client, error) {
	c := github.NewClient(p.httpClient).WithAuthToken(p.token)
	if p.apiURL == "" {
		return c, nil
	}
	return c.WithEnterpriseURLs(p.apiURL, p.apiURL)
}

func (p *poster) ref() string {
	return fmt.Sprintf("%s/%s#%d", p.owner, p.repo, p.number)
}

// maxPages bounds the listing: 1000 pages of 100 comments.
const maxPages = 1000

// find returns the newest comment whose body starts with Marker, or nil.
// It does not ask who the token belongs to (GET /user answers 403 to a
// GITHUB_TOKEN).
func (p *poster) find(ctx context.Context) (*github.IssueComment, error) {
	var best *github.IssueComment
	page := 1
	for pages := 0; ; pages++ {
		if pages == maxPages {
			return nil, fmt.Errorf("listing comments on %s: more than %d pages", p.ref(), maxPages)
		}
		var comments []*github.IssueComment
		var resp *github.Response
		err := p.call(ctx, "listing comments on "+p.ref(), func(c *github.Client, _ error) (*github.Response, error) {
			opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}}
			var err error
			comments, resp, err = c.Issues.ListComments(ctx, p.owner, p.repo, p.number, opts)
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		for _, cm := range comments {
			if !strings.HasPrefix(cm.GetBody(), Marker) {
				continue
			}
			if best == nil || cm.GetID() >= best.GetID() {
				best = cm
			}
		}
		if resp == nil || resp.NextPage == 0 || resp.NextPage <= page {
			return best, nil
		}
		page = resp.NextPage
	}
}

func (p *poster) edit(ctx context.Context, id int64, body string) (*github.IssueComment, error) {
	var out *github.IssueComment
	err := p.call(ctx, fmt.Sprintf("editing comment %d on %s", id, p.ref()), func(c *github.Client, _ error) (*github.Response, error) {
		var resp *github.Response
		var err error
		out, resp, err = c.Issues.EditComment(ctx, p.owner, p.repo, id, &github.IssueComment{Body: github.String(body)})
		return resp, err
	})
	return out, err
}

func (p *poster) create(ctx context.Context, body string) (*github.IssueComment, error) {
	var out *github.IssueComment
	err := p.call(ctx, "commenting on "+p.ref(), func(c *github.Client, prev error) (*github.Response, error) {
		if serverError(prev) {
			// A write that answered 5xx may have landed all the same:
			// look before writing again, so as not to comment twice.
			if found, err := p.find(ctx); err == nil && found != nil && sameBody(found.GetBody(), body) {
				out = found
				return nil, nil
			}
		}
		var resp *github.Response
		var err error
		out, resp, err = c.Issues.CreateComment(ctx, p.owner, p.repo, p.number, &github.IssueComment{Body: github.String(body)})
		return resp, err
	})
	return out, err
}

// callError is a failed request: what was being done, and why.
type callError struct {
	what string
	note string
	err  error
}

func (e *callError) Error() string {
	if e.note != "" {
		return e.what + ": " + e.note + ": " + e.err.Error()
	}
	return e.what + ": " + e.err.Error()
}

func (e *callError) Unwrap() error { return e.err }

// call runs fn, retrying rate limits and 5xx answers up to maxRetries times.
// fn gets the error of the previous attempt (nil on the first).
func (p *poster) call(ctx context.Context, what string, fn func(c *github.Client, prev error) (*github.Response, error)) error {
	var prev error
	for attempt := 0; ; attempt++ {
		c, err := p.client()
		if err != nil {
			return &callError{what: what, err: err}
		}
		_, err = fn(c, prev)
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return &callError{what: what, err: ctxErr}
		}
		wait, giveUp := p.retryWait(err, attempt)
		if giveUp != "" {
			return &callError{what: what, note: giveUp, err: err}
		}
		if wait == 0 {
			return &callError{what: what, note: hint(err), err: err}
		}
		if attempt >= p.maxRetries {
			return &callError{what: what, note: fmt.Sprintf("GitHub still failed after %d %s", p.maxRetries, plural(p.maxRetries, "retry", "retries")), err: err}
		}
		if err := p.wait(ctx, wait); err != nil {
			return &callError{what: what, err: err}
		}
		prev = err
	}
}

func (p *poster) wait(ctx context.Context, d time.Duration) error {
	if p.sleep != nil {
		p.sleep(d)
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryWait says how long to wait before retrying after err, 0 when err is
// not worth retrying; or, as giveUp, why a rate limit will not be waited for.
func (p *poster) retryWait(err error, attempt int) (wait time.Duration, giveUp string) {
	var rl *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var er *github.ErrorResponse
	switch {
	case errors.As(err, &rl):
		if rl.Rate.Reset.IsZero() {
			return p.guessWait(), ""
		}
		return p.resetWait(rl.Rate.Reset.Time)
	case errors.As(err, &abuse):
		if d, ok := retryAfter(abuse.Response); ok {
			return p.explicitWait(d)
		}
		if abuse.RetryAfter != nil && *abuse.RetryAfter > 0 {
			return p.explicitWait(*abuse.RetryAfter)
		}
		return p.guessWait(), ""
	case errors.As(err, &er) && er.Response != nil:
		code := er.Response.StatusCode
		switch {
		case code >= 500:
			d := time.Second << min(attempt, 16)
			return min(d, max(p.maxWait, time.Second)), ""
		case rateLimited(er):
			// A rate limit go-github did not recognize: a 429, or a 403
			// without the documentation_url it looks for.
			if d, ok := retryAfter(er.Response); ok {
				return p.explicitWait(d)
			}
			h := er.Response.Header
			if h.Get("X-RateLimit-Remaining") == "0" {
				if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil && s > 0 {
					return p.resetWait(time.Unix(s, 0))
				}
			}
			return p.guessWait(), ""
		}
	}
	return 0, ""
}

// resetWait waits until a primary rate limit resets, plus a second.
func (p *poster) resetWait(reset time.Time) (time.Duration, string) {
	d := time.Until(reset) + time.Second
	if d > p.maxWait {
		return 0, fmt.Sprintf("the GitHub API rate limit resets at %s (in %s), later than blastgate waits (%s): re-run the job after the reset",
			reset.UTC().Format(time.RFC3339), time.Until(reset).Round(time.Second), p.maxWait)
	}
	return max(d, time.Second), ""
}

// explicitWait waits as long as GitHub asked (Retry-After).
func (p *poster) explicitWait(d time.Duration) (time.Duration, string) {
	if d > p.maxWait {
		return 0, fmt.Sprintf("GitHub's secondary rate limit asks to wait %s, longer than blastgate waits (%s): re-run the job later", d, p.maxWait)
	}
	return max(d, time.Second), ""
}

// guessWait is the wait for a rate limit that says nothing of how long:
// GitHub's docs suggest a minute.
func (p *poster) guessWait() time.Duration {
	return min(60*time.Second, p.maxWait)
}

// retryAfter parses a Retry-After header: seconds, or an HTTP date.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// rateLimited says whether a plain ErrorResponse is a rate limit.
func rateLimited(er *github.ErrorResponse) bool {
	if er.Response == nil {
		return false
	}
	switch er.Response.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusForbidden:
		h := er.Response.Header
		return h.Get("Retry-After") != "" || h.Get("X-RateLimit-Remaining") == "0" ||
			strings.Contains(strings.ToLower(er.Message), "rate limit")
	}
	return false
}

// status is the HTTP status of a plain API error, 0 for anything else
// (rate limits included).
func status(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

func serverError(err error) bool { return status(err) >= 500 }

// forbidden says whether err means the token may not comment: a 403 that is
// not a rate limit, or (for a write) a 404.
func forbidden(err error, write bool) bool {
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return false
	}
	switch er.Response.StatusCode {
	case http.StatusForbidden:
		return !rateLimited(er)
	case http.StatusNotFound:
		return write
	}
	return false
}

// hint says what to do about an error that is not retried.
func hint(err error) string {
	switch status(err) {
	case http.StatusUnauthorized:
		return "GitHub rejected the token (401): check the action's github-token input"
	case http.StatusNotFound:
		return "GitHub found no such pull request (404): check GITHUB_REPOSITORY and the token's access to it"
	case http.StatusUnprocessableEntity:
		return "GitHub refused the comment (422)"
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// redactor removes the token from error messages.
type redactor struct{ r *strings.Replacer }

func newRedactor(token string) redactor {
	var pairs []string
	add := func(secret string) {
		if secret == "" {
			return
		}
		// Longer forms first: at one position the first match wins.
		for _, prefix := range []string{"Bearer ", "bearer ", "BEARER ", "token ", "Token ", "TOKEN "} {
			pairs = append(pairs, prefix+secret, "***")
		}
		pairs = append(pairs, secret, "***")
		if esc := url.QueryEscape(secret); esc != secret {
			pairs = append(pairs, esc, "***")
		}
	}
	add(token)
	if t := strings.TrimSpace(token); t != token {
		add(t)
	}
	if len(pairs) == 0 {
		return redactor{}
	}
	return redactor{strings.NewReplacer(pairs...)}
}

// redact returns err with the token replaced by "***", on one line. The
// result does not unwrap to err (errors.As would hand back the unredacted
// message), but errors.Is still sees through it, for context.Canceled say.
func (r redactor) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if r.r != nil {
		msg = r.r.Replace(msg)
	}
	msg = strings.Join(strings.FieldsFunc(msg, func(c rune) bool { return c == '\n' || c == '\r' }), " ")
	return &redactedError{msg: msg, cause: err}
}

type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Is(target error) bool { return errors.Is(e.cause, target) }
