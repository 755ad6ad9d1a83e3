package prcomment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blastgate/blastgate/internal/prcomment/prcommenttest"
	"github.com/google/go-github/v60/github"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testToken    = "ghs_s3cretT0kenForTests42"
	commentsPath = "/api/v3/repos/octo-org/shop/issues/7/comments"
	editPrefix   = "/api/v3/repos/octo-org/shop/issues/comments/"
)

// The fake GitHub is shared with the blastgate comment command's tests.
type fakeGitHub = prcommenttest.GitHub

func newFake(t *testing.T) *fakeGitHub { return prcommenttest.New(t) }

var (
	writeJSON = prcommenttest.WriteJSON
	comment   = prcommenttest.Comment
)

// sleeps records the waits Post asks for, without waiting.
type sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *sleeps) sleep(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ds = append(s.ds, d)
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.ds...)
}

func options(f *fakeGitHub, s *sleeps, body string) Options {
	return Options{
		Env: Env{
			APIURL:     f.URL,
			Repository: "octo-org/shop",
			EventPath:  filepath.Join("testdata", "pull_request.json"),
			Token:      testToken,
		},
		Body:       body,
		Sleep:      s.sleep,
		HTTPClient: f.Client,
	}
}

const report = "### ✅ blastgate: pass — 1 impacted feature, covered\n\n| status | feature |\n|---|---|\n| ✅ covered | `POST /token/buy` |\n"

func TestPostCreatesWhenNoComment(t *testing.T) {
	f := newFake(t)
	f.Comments()
	f.Created()
	s := &sleeps{}

	out, id, err := Post(context.Background(), options(f, s, report))
	require.NoError(t, err)
	assert.Equal(t, Created, out)
	assert.Equal(t, int64(9001), id)

	reqs := f.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, commentsPath, reqs[0].Path)
	assert.Contains(t, reqs[0].Query, "per_page=100")
	assert.Equal(t, "POST", reqs[1].Method)
	assert.Equal(t, commentsPath, reqs[1].Path)
	assert.Equal(t, map[string]any{"body": Marker + "\n" + report}, reqs[1].Body)
	for _, r := range reqs {
		assert.Equal(t, "Bearer "+testToken, r.Auth, "%s %s", r.Method, r.Path)
	}
	assert.Empty(t, s.all())
}

func TestPostFindsMarkerAcrossPagesAndEdits(t *testing.T) {
	f := newFake(t)
	next := func(page int) string {
		return fmt.Sprintf(`<%s%s?page=%d&per_page=100>; rel="next", <%s%s?page=3&per_page=100>; rel="last"`,
			f.URL, commentsPath, page, f.URL, commentsPath)
	}
	f.Handle("GET "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("page") {
		case "", "1":
			w.Header().Set("Link", next(2))
			writeJSON(w, http.StatusOK, []map[string]any{
				comment(101, "dev-alice", "User", "Looks good, but see the fee rounding."),
				// An older blastgate comment: the newest one wins.
				comment(102, "github-actions[bot]", "Bot", Marker+"\nan old report"),
			})
		case "2":
			w.Header().Set("Link", next(3))
			writeJSON(w, http.StatusOK, []map[string]any{
				comment(201, "codecov[bot]", "Bot", "<!-- Sticky Pull Request Comment -->\ncoverage 81%"),
				comment(202, "dev-bob", "User", "Why does the report start with "+Marker+"?"),
			})
		case "3":
			writeJSON(w, http.StatusOK, []map[string]any{
				comment(301, "dev-alice", "User", "rebased"),
				comment(302, "github-actions[bot]", "Bot", Marker+"\nthe previous report"),
				comment(303, "renovate[bot]", "Bot", "Renovate: dependency dashboard"),
			})
		default:
			t.Errorf("unexpected page %q", r.URL.Query().Get("page"))
		}
	})
	f.Handle("PATCH "+editPrefix+"{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		writeJSON(w, http.StatusOK, comment(id, "github-actions[bot]", "Bot", in.Body))
	})
	s := &sleeps{}

	out, id, err := Post(context.Background(), options(f, s, report))
	require.NoError(t, err)
	assert.Equal(t, Updated, out)
	assert.Equal(t, int64(302), id)

	assert.Equal(t, []string{
		"GET " + commentsPath, "GET " + commentsPath, "GET " + commentsPath,
		"PATCH " + editPrefix + "302",
	}, f.Calls())
	reqs := f.Requests()
	for i, page := range []string{"1", "2", "3"} {
		assert.Contains(t, reqs[i].Query, "page="+page+"&")
	}
	assert.Equal(t, map[string]any{"body": Marker + "\n" + report}, reqs[3].Body)
	assert.Equal(t, "Bearer "+testToken, reqs[3].Auth)
}

func TestPostUnchangedWritesNothing(t *testing.T) {
	for name, existing := range map[string]string{
		"same":             Marker + "\n" + report,
		"CRLF from GitHub": strings.ReplaceAll(Marker+"\n"+report, "\n", "\r\n"),
		"no final newline": strings.TrimSuffix(Marker+"\n"+report, "\n"),
		"newest of two":    Marker + "\n" + report,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			cs := []map[string]any{comment(55, "github-actions[bot]", "Bot", existing)}
			if name == "newest of two" {
				cs = append([]map[string]any{comment(40, "github-actions[bot]", "Bot", Marker+"\nolder")}, cs...)
			}
			f.Comments(cs...)
			out, id, err := Post(context.Background(), options(f, &sleeps{}, report))
			require.NoError(t, err)
			assert.Equal(t, Unchanged, out)
			assert.Equal(t, int64(55), id)
			assert.Equal(t, []string{"GET " + commentsPath}, f.Calls())
		})
	}
}

func TestPostTruncatesLongBody(t *testing.T) {
	f := newFake(t)
	f.Comments()
	f.Created()
	var b strings.Builder
	b.WriteString("### ❌ blastgate: fail\n\n| status | feature |\n|---|---|\n")
	for i := 0; utf8.RuneCountInString(b.String()) < 2*MaxBody; i++ {
		fmt.Fprintf(&b, "| ❌ untested | `GET /bill/{account}` €%d 🚧 é |\n", i)
	}
	long := b.String()

	out, _, err := Post(context.Background(), options(f, &sleeps{}, long))
	require.NoError(t, err)
	assert.Equal(t, Created, out)

	reqs := f.Requests()
	require.Len(t, reqs, 2)
	posted, _ := reqs[1].Body["body"].(string)
	assert.LessOrEqual(t, utf8.RuneCountInString(posted), MaxBody)
	assert.Greater(t, utf8.RuneCountInString(posted), MaxBody-200, "cut far more than needed")
	assert.True(t, utf8.ValidString(posted))
	assert.True(t, strings.HasPrefix(posted, Marker+"\n"))
	assert.True(t, strings.HasSuffix(posted, truncNote), "no note at the end: %q", posted[len(posted)-80:])
	kept := strings.TrimSuffix(strings.TrimPrefix(posted, Marker+"\n"), truncNote)
	assert.True(t, strings.HasPrefix(long, kept+"\n"), "the kept part is not whole lines of the report")
}

func TestFit(t *testing.T) {
	t.Run("fits exactly", func(t *testing.T) {
		body := Marker + "\n" + strings.Repeat("é", MaxBody-utf8.RuneCountInString(Marker)-1)
		assert.Equal(t, body, fit(body))
	})
	t.Run("one long line of multi-byte runes", func(t *testing.T) {
		body := Marker + "\n" + strings.Repeat("€🚧", MaxBody)
		got := fit(body)
		assert.LessOrEqual(t, utf8.RuneCountInString(got), MaxBody)
		assert.Greater(t, utf8.RuneCountInString(got), MaxBody-100)
		assert.True(t, utf8.ValidString(got))
		assert.True(t, strings.HasSuffix(got, truncNote))
		assert.True(t, strings.HasPrefix(body, strings.TrimSuffix(got, truncNote)))
	})
	t.Run("closes a cut code fence", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(Marker + "\n| a | b |\n\n```mermaid\nflowchart LR\n")
		for i := 0; b.Len() < 2*MaxBody; i++ {
			fmt.Fprintf(&b, "  s%d --> f%d\n", i, i)
		}
		got := fit(b.String())
		assert.LessOrEqual(t, utf8.RuneCountInString(got), MaxBody)
		assert.True(t, strings.HasSuffix(got, "\n```"+truncNote), "fence left open: %q", got[len(got)-100:])
	})
}

func TestPostForbidden(t *testing.T) {
	notAccessible := map[string]any{
		"message":           "Resource not accessible by integration",
		"documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
	}
	t.Run("403 on create", func(t *testing.T) {
		f := newFake(t)
		f.Comments(comment(1, "dev-alice", "User", "hi"))
		f.Handle("POST "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusForbidden, notAccessible)
		})
		s := &sleeps{}
		out, id, err := Post(context.Background(), options(f, s, report))
		require.NoError(t, err)
		assert.Equal(t, Forbidden, out)
		assert.Zero(t, id)
		assert.Equal(t, 1, f.Count("POST"), "a 403 is not retried")
		assert.Empty(t, s.all())
	})
	t.Run("403 on edit", func(t *testing.T) {
		f := newFake(t)
		f.Comments(comment(5, "github-actions[bot]", "Bot", Marker+"\nold"))
		f.Handle("PATCH "+editPrefix+"5", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusForbidden, notAccessible)
		})
		out, _, err := Post(context.Background(), options(f, &sleeps{}, report))
		require.NoError(t, err)
		assert.Equal(t, Forbidden, out)
		assert.Equal(t, []string{"GET " + commentsPath, "PATCH " + editPrefix + "5"}, f.Calls())
	})
	t.Run("403 on list", func(t *testing.T) {
		f := newFake(t)
		f.Handle("GET "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusForbidden, notAccessible)
		})
		out, _, err := Post(context.Background(), options(f, &sleeps{}, report))
		require.NoError(t, err)
		assert.Equal(t, Forbidden, out)
		assert.Equal(t, []string{"GET " + commentsPath}, f.Calls())
	})
	t.Run("404 on create", func(t *testing.T) {
		f := newFake(t)
		f.Comments()
		f.Handle("POST "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		})
		out, _, err := Post(context.Background(), options(f, &sleeps{}, report))
		require.NoError(t, err)
		assert.Equal(t, Forbidden, out)
	})
	t.Run("404 on edit falls back to create", func(t *testing.T) {
		f := newFake(t)
		f.Comments(comment(5, "github-actions[bot]", "Bot", Marker+"\nold"))
		f.Handle("PATCH "+editPrefix+"5", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		})
		f.Created()
		out, id, err := Post(context.Background(), options(f, &sleeps{}, report))
		require.NoError(t, err)
		assert.Equal(t, Created, out)
		assert.Equal(t, int64(9001), id)
		assert.Equal(t, []string{"GET " + commentsPath, "PATCH " + editPrefix + "5", "POST " + commentsPath}, f.Calls())
	})
	t.Run("404 on list is an error", func(t *testing.T) {
		f := newFake(t)
		f.Handle("GET "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		})
		_, _, err := Post(context.Background(), options(f, &sleeps{}, report))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "404")
		assert.Contains(t, err.Error(), "GITHUB_REPOSITORY")
	})
}

// failFirst answers the first n requests with fail, then with ok.
func failFirst(n int, fail, ok http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	seen := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen++
		k := seen
		mu.Unlock()
		if k <= n {
			fail(w, r)
			return
		}
		ok(w, r)
	}
}

func createdOK(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	writeJSON(w, http.StatusCreated, comment(9001, "github-actions[bot]", "Bot", in.Body))
}

func TestPostSecondaryRateLimitWaitsAndRetries(t *testing.T) {
	secondary := map[string]any{
		"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
		"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
	}
	for _, tc := range []struct {
		name   string
		status int
		header string
		body   map[string]any
		want   time.Duration
	}{
		// go-github recognises this one as *github.AbuseRateLimitError.
		{"403 with documentation_url", http.StatusForbidden, "30", secondary, 30 * time.Second},
		// These it leaves as *github.ErrorResponse.
		{"403 message only", http.StatusForbidden, "7", map[string]any{"message": secondary["message"]}, 7 * time.Second},
		{"429", http.StatusTooManyRequests, "5", map[string]any{"message": "Too Many Requests"}, 5 * time.Second},
		{"no Retry-After", http.StatusForbidden, "", secondary, 60 * time.Second},
		{"403 message only, no Retry-After", http.StatusForbidden, "", map[string]any{"message": secondary["message"]}, 60 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.Comments()
			f.Handle("POST "+commentsPath, failFirst(1, func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				writeJSON(w, tc.status, tc.body)
			}, createdOK))
			s := &sleeps{}
			out, id, err := Post(context.Background(), options(f, s, report))
			require.NoError(t, err)
			assert.Equal(t, Created, out)
			assert.Equal(t, int64(9001), id)
			assert.Equal(t, []time.Duration{tc.want}, s.all())
			assert.Equal(t, 2, f.Count("POST"))
			assert.Equal(t, 1, f.Count("GET"), "a rate-limited write is not re-checked by listing")
		})
	}
}

func TestPostSecondaryRateLimitTooLong(t *testing.T) {
	for name, body := range map[string]map[string]any{
		"AbuseRateLimitError": {
			"message":           "You have exceeded a secondary rate limit.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
		},
		// A 403 go-github does not recognise as a rate limit is still one,
		// not a token that may not comment.
		"403 message only": {"message": "You have exceeded a secondary rate limit."},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.Comments()
			f.Handle("POST "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "3600")
				writeJSON(w, http.StatusForbidden, body)
			})
			s := &sleeps{}
			out, _, err := Post(context.Background(), options(f, s, report))
			require.Error(t, err)
			assert.NotEqual(t, Forbidden, out)
			assert.Contains(t, err.Error(), "1h0m0s")
			assert.Empty(t, s.all())
			assert.Equal(t, 1, f.Count("POST"))
		})
	}
}

func primaryLimited(reset time.Time) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "1000")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Used", "1000")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		w.Header().Set("X-RateLimit-Resource", "core")
		writeJSON(w, http.StatusForbidden, map[string]any{
			"message":           "API rate limit exceeded for installation ID 4242.",
			"documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
		})
	}
}

func TestPostPrimaryRateLimitWaitsForReset(t *testing.T) {
	f := newFake(t)
	reset := time.Now().Add(20 * time.Second)
	f.Handle("GET "+commentsPath, failFirst(1, primaryLimited(reset), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, []map[string]any{})
	}))
	f.Created()
	s := &sleeps{}

	out, id, err := Post(context.Background(), options(f, s, report))
	require.NoError(t, err)
	assert.Equal(t, Created, out)
	assert.Equal(t, int64(9001), id)
	waits := s.all()
	require.Len(t, waits, 1)
	assert.Greater(t, waits[0], 18*time.Second)
	assert.LessOrEqual(t, waits[0], 21*time.Second)
	// The retry reached the server: go-github's memory of the limit did
	// not short-circuit it.
	assert.Equal(t, []string{"GET " + commentsPath, "GET " + commentsPath, "POST " + commentsPath}, f.Calls())
}

func TestPostPrimaryRateLimitResetTooFar(t *testing.T) {
	f := newFake(t)
	f.Handle("GET "+commentsPath, primaryLimited(time.Now().Add(2*time.Hour)))
	s := &sleeps{}

	_, _, err := Post(context.Background(), options(f, s, report))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rate limit resets at")
	assert.Contains(t, err.Error(), "re-run the job")
	assert.Empty(t, s.all())
	assert.Equal(t, 1, f.Count("GET"))
}

func TestPostServerErrorsExhaustRetries(t *testing.T) {
	for _, tc := range []struct {
		maxRetries int
		posts      int
		waits      []time.Duration
	}{
		{0, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}}, // 0 means 3
		{1, 2, []time.Duration{time.Second}},
		{-1, 1, nil},
	} {
		t.Run(fmt.Sprint("MaxRetries=", tc.maxRetries), func(t *testing.T) {
			f := newFake(t)
			f.Comments()
			f.Handle("POST "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, http.StatusBadGateway, map[string]any{"message": "Server Error"})
			})
			s := &sleeps{}
			o := options(f, s, report)
			o.MaxRetries = tc.maxRetries
			_, _, err := Post(context.Background(), o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "502")
			assert.Equal(t, tc.posts, f.Count("POST"))
			assert.Equal(t, tc.waits, s.all())
		})
	}
}

func TestPostServerErrorThenSuccess(t *testing.T) {
	f := newFake(t)
	f.Handle("GET "+commentsPath, failFirst(2, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"message": "Service Unavailable"})
	}, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, []map[string]any{comment(8, "github-actions[bot]", "Bot", Marker+"\n"+report)})
	}))
	s := &sleeps{}
	out, id, err := Post(context.Background(), options(f, s, report))
	require.NoError(t, err)
	assert.Equal(t, Unchanged, out)
	assert.Equal(t, int64(8), id)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second}, s.all())
}

func TestPostCreateThatLandedDespite5xxIsNotRepeated(t *testing.T) {
	f := newFake(t)
	var mu sync.Mutex
	var stored []map[string]any
	f.Handle("GET "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		writeJSON(w, http.StatusOK, append([]map[string]any{}, stored...))
	})
	f.Handle("POST "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		stored = append(stored, comment(int64(700+len(stored)), "github-actions[bot]", "Bot", in.Body))
		mu.Unlock()
		writeJSON(w, http.StatusBadGateway, map[string]any{"message": "Server Error"})
	})
	out, id, err := Post(context.Background(), options(f, &sleeps{}, report))
	require.NoError(t, err)
	assert.Equal(t, Created, out)
	assert.Equal(t, int64(700), id)
	assert.Equal(t, []string{"GET " + commentsPath, "POST " + commentsPath, "GET " + commentsPath}, f.Calls())
}

func TestPostErrorsNeverContainTheToken(t *testing.T) {
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, status, map[string]any{
				"message":           "Bad credentials: got Authorization: " + r.Header.Get("Authorization") + " (raw " + testToken + ", token " + testToken + ")",
				"documentation_url": "https://docs.github.com/rest",
			})
		}
	}
	for _, tc := range []struct {
		name   string
		setup  func(f *fakeGitHub)
		expect string
	}{
		{"401 on list", func(f *fakeGitHub) { f.Handle("GET "+commentsPath, echo(http.StatusUnauthorized)) }, "401"},
		{"422 on create", func(f *fakeGitHub) {
			f.Comments()
			f.Handle("POST "+commentsPath, echo(http.StatusUnprocessableEntity))
		}, "422"},
		{"5xx exhaustion", func(f *fakeGitHub) {
			f.Comments()
			f.Handle("POST "+commentsPath, echo(http.StatusInternalServerError))
		}, "500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			tc.setup(f)
			_, _, err := Post(context.Background(), options(f, &sleeps{}, report))
			require.Error(t, err)
			msg := err.Error()
			assert.Contains(t, msg, tc.expect)
			assert.Contains(t, msg, "***", "the echoed header was not in the error, so the test proves nothing")
			assert.NotContains(t, msg, testToken)
			assert.NotContains(t, msg, "s3cret")
			assert.NotContains(t, msg, "\n")
			var er *github.ErrorResponse
			assert.False(t, errors.As(err, &er), "the unredacted go-github error must not be reachable")
		})
	}
	t.Run("401 says what to check", func(t *testing.T) {
		f := newFake(t)
		f.Handle("GET "+commentsPath, echo(http.StatusUnauthorized))
		_, _, err := Post(context.Background(), options(f, &sleeps{}, report))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "github-token")
	})
}

func TestRedact(t *testing.T) {
	r := newRedactor("tok123")
	err := r.redact(errors.New("a Bearer tok123 b token tok123 c tok123\nd"))
	assert.Equal(t, "a *** b *** c *** d", err.Error())
	assert.Nil(t, r.redact(nil))
	wrapped := r.redact(fmt.Errorf("x: %w", context.Canceled))
	assert.ErrorIs(t, wrapped, context.Canceled)
}

func TestPostCanceledWhileWaiting(t *testing.T) {
	f := newFake(t)
	f.Handle("GET "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadGateway, map[string]any{"message": "Server Error"})
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := options(f, nil, report)
	o.Sleep = func(time.Duration) { cancel() }
	_, _, err := Post(ctx, o)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, f.Count("GET"))
}

func TestPostDefaultSleepHonoursContext(t *testing.T) {
	f := newFake(t)
	f.Handle("GET "+commentsPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "50")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "Too Many Requests"})
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	o := options(f, nil, report)
	o.Sleep = nil
	start := time.Now()
	_, _, err := Post(ctx, o)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestEnterpriseURLs(t *testing.T) {
	for _, suffix := range []string{"", "/", "/api/v3", "/api/v3/"} {
		t.Run("APIURL=srv"+suffix, func(t *testing.T) {
			f := newFake(t)
			f.Comments()
			f.Created()
			o := options(f, &sleeps{}, report)
			o.APIURL = f.URL + suffix
			out, _, err := Post(context.Background(), o)
			require.NoError(t, err)
			assert.Equal(t, Created, out)
			// /api/v3/ appended once, never twice.
			assert.Equal(t, []string{"GET " + commentsPath, "POST " + commentsPath}, f.Calls())
		})
	}
	t.Run("github.com keeps the default base URL", func(t *testing.T) {
		for _, api := range []string{"", "https://api.github.com", "https://api.github.com/"} {
			_, _, apiURL, err := Env{APIURL: api, Repository: "o/r", EventPath: "x", Token: "t"}.validate()
			require.NoError(t, err)
			p := &poster{apiURL: apiURL, token: "t", httpClient: http.DefaultClient}
			c, err := p.client()
			require.NoError(t, err)
			assert.Equal(t, "https://api.github.com/", c.BaseURL.String(), "APIURL %q", api)
		}
	})
	t.Run("a GHES host gets api/v3/", func(t *testing.T) {
		p := &poster{apiURL: "https://github.example.com", token: "t", httpClient: http.DefaultClient}
		c, err := p.client()
		require.NoError(t, err)
		assert.Equal(t, "https://github.example.com/api/v3/", c.BaseURL.String())
	})
}

func TestEnvValidation(t *testing.T) {
	good := Env{Repository: "octo-org/shop", EventPath: filepath.Join("testdata", "pull_request.json"), Token: testToken}
	for _, tc := range []struct {
		name string
		edit func(*Env)
		want string
	}{
		{"no repository", func(e *Env) { e.Repository = "" }, "GITHUB_REPOSITORY is not set"},
		{"no slash", func(e *Env) { e.Repository = "shop" }, `GITHUB_REPOSITORY "shop" is not owner/name`},
		{"two slashes", func(e *Env) { e.Repository = "octo-org/shop/extra" }, "is not owner/name"},
		{"empty owner", func(e *Env) { e.Repository = "/shop" }, "is not owner/name"},
		{"empty name", func(e *Env) { e.Repository = "octo-org/" }, "is not owner/name"},
		{"dot-dot", func(e *Env) { e.Repository = "octo-org/.." }, "is not owner/name"},
		{"space", func(e *Env) { e.Repository = "octo org/shop" }, "is not owner/name"},
		{"no token", func(e *Env) { e.Token = "" }, "GITHUB_TOKEN is not set: pass github-token to the action, or set GITHUB_TOKEN"},
		{"blank token", func(e *Env) { e.Token = " \n" }, "GITHUB_TOKEN is not set"},
		{"no event path", func(e *Env) { e.EventPath = "" }, "GITHUB_EVENT_PATH is not set"},
		{"event path missing", func(e *Env) { e.EventPath = filepath.Join(t.TempDir(), "event.json") }, "GITHUB_EVENT_PATH"},
		{"push event", func(e *Env) { e.EventPath = filepath.Join("testdata", "push.json") }, "pull_request"},
		{"API URL without scheme", func(e *Env) { e.APIURL = "github.example.com/api/v3" }, "GITHUB_API_URL"},
		{"API URL ftp", func(e *Env) { e.APIURL = "ftp://github.example.com" }, "GITHUB_API_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			env := good
			env.APIURL = f.URL
			tc.edit(&env)
			o := options(f, &sleeps{}, report)
			o.Env = env
			_, _, err := Post(context.Background(), o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n")
			assert.Empty(t, f.Requests(), "no request before the environment is valid")
		})
	}
}

func TestPostNumberSkipsTheEvent(t *testing.T) {
	f := newFake(t)
	f.Handle("GET /api/v3/repos/octo-org/shop/issues/42/comments", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, []map[string]any{})
	})
	f.Handle("POST /api/v3/repos/octo-org/shop/issues/42/comments", createdOK)
	o := options(f, &sleeps{}, report)
	o.EventPath = ""
	o.Number = 42
	out, id, err := Post(context.Background(), o)
	require.NoError(t, err)
	assert.Equal(t, Created, out)
	assert.Equal(t, int64(9001), id)
	assert.Len(t, f.Requests(), 2)
}

func TestEnvFromOS(t *testing.T) {
	t.Setenv("GITHUB_API_URL", "https://github.example.com/api/v3")
	t.Setenv("GITHUB_REPOSITORY", "octo-org/shop")
	t.Setenv("GITHUB_EVENT_PATH", "/home/runner/work/_temp/_github_workflow/event.json")
	t.Setenv("GITHUB_TOKEN", testToken)
	assert.Equal(t, Env{
		APIURL:     "https://github.example.com/api/v3",
		Repository: "octo-org/shop",
		EventPath:  "/home/runner/work/_temp/_github_workflow/event.json",
		Token:      testToken,
	}, EnvFromOS())
}

func TestReadEvent(t *testing.T) {
	t.Run("pull_request", func(t *testing.T) {
		pr, err := ReadEvent(filepath.Join("testdata", "pull_request.json"))
		require.NoError(t, err)
		assert.Equal(t, PullRequest{
			Number:  7,
			BaseSHA: "3a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
			HeadSHA: "9f2c4e1b7a3d5c6e8f90a1b2c3d4e5f6a7b8c9d0",
			Fork:    false,
		}, pr)
	})
	t.Run("fork", func(t *testing.T) {
		pr, err := ReadEvent(filepath.Join("testdata", "pull_request_fork.json"))
		require.NoError(t, err)
		assert.Equal(t, PullRequest{
			Number:  12,
			BaseSHA: "3a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
			HeadSHA: "c0ffee0000000000000000000000000000000012",
			Fork:    true,
		}, pr)
	})
	t.Run("deleted fork", func(t *testing.T) {
		path := writeEvent(t, `{"number": 3, "pull_request": {"number": 3,
			"head": {"sha": "bbbb", "repo": null}, "base": {"sha": "aaaa", "repo": {"id": 1, "full_name": "o/r"}}}}`)
		pr, err := ReadEvent(path)
		require.NoError(t, err)
		assert.Equal(t, PullRequest{Number: 3, BaseSHA: "aaaa", HeadSHA: "bbbb", Fork: true}, pr)
	})
	t.Run("a field go-github types differently", func(t *testing.T) {
		path := writeEvent(t, `{"number": 4, "pull_request": {"number": 4, "labels": "not a list",
			"head": {"sha": "bbbb", "repo": {"full_name": "o/r"}}, "base": {"sha": "aaaa", "repo": {"full_name": "o/r"}}}}`)
		pr, err := ReadEvent(path)
		require.NoError(t, err)
		assert.Equal(t, PullRequest{Number: 4, BaseSHA: "aaaa", HeadSHA: "bbbb"}, pr)
	})
	for _, tc := range []struct {
		name, path, want string
	}{
		{"push", filepath.Join("testdata", "push.json"), "run the blastgate action on pull_request"},
		{"missing", filepath.Join("testdata", "nope.json"), "no such file"},
		{"not JSON", writeEvent(t, "ref: refs/heads/main\n"), "is not JSON"},
		{"no SHAs", writeEvent(t, `{"number": 9, "pull_request": {"number": 9}}`), "base and head SHAs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadEvent(tc.path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "GITHUB_EVENT_PATH")
		})
	}
}

func writeEvent(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "event.json")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestOutcomeString(t *testing.T) {
	assert.Equal(t, "created updated unchanged forbidden Outcome(9)",
		strings.Join([]string{Created.String(), Updated.String(), Unchanged.String(), Forbidden.String(), Outcome(9).String()}, " "))
}

func TestResetWaitAddsASecond(t *testing.T) {
	p := &poster{maxWait: time.Minute}
	d, giveUp := p.resetWait(time.Now().Add(10 * time.Second))
	assert.Empty(t, giveUp)
	assert.Greater(t, d, 10900*time.Millisecond)
	assert.LessOrEqual(t, d, 11*time.Second)

	d, giveUp = p.resetWait(time.Now().Add(-time.Hour))
	assert.Empty(t, giveUp)
	assert.Equal(t, time.Second, d, "a reset in the past still waits a second")

	d, giveUp = p.resetWait(time.Now().Add(2 * time.Minute))
	assert.Zero(t, d)
	assert.Contains(t, giveUp, "later than blastgate waits (1m0s)")
}
