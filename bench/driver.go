package main

// The route driver (-driver): under each application's own test setup,
// every route the router lists is requested once while the edited
// functions record their stacks, so that an edit's true set is no longer
// limited to the routes the application's tests happen to request.
//
// A test file is added (through -overlay, or written into the tree and
// cleaned away for a dependency bump) to the package whose test helpers
// build the application's http.Handler; it builds the handler the way the
// application's own tests do (drivers, per application: that is per-app
// setup of the bench, never of blastgate), and requests each listed route
// once with httptest: its method (none, ANY or * -> GET), its path with
// every parameter filled ("1", or the application's Params), a body of
// "{}" for POST, PUT and PATCH, and the application's Header (its test
// credentials), reads first and deletions last. The response does not
// matter: what matters is which handler runs and whether it passes
// through the edited code. Each
// request has a few seconds (a stream or a websocket that never ends is
// left behind) and a panic is recovered.
//
// The stacks it records are scored as the tests' are (scoreEdit: a route
// is true when its identifying handler is on a stack), and the edit's
// true set is the union of both. A route the driver requests but whose
// handler refuses the request early (a 400 for the empty body, a 404 for
// the id "1" that does not exist) does not reach code behind that check;
// each request comes from its own address, so that a rate limiter does
// not refuse the burst. So the driver's truth is a lower bound too, only
// a larger one.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// driveRoutes is -driver: drive every listed route (driver.go).
var driveRoutes bool

// driver says how to build one application's handler in a test.
type driver struct {
	Package string   // directory, relative to the module root
	Imports []string // "path", or "alias path" (net/http is always imported)
	// Code is the body of func(t *testing.T) http.Handler: the handler
	// built as the application's own tests build it.
	Code string
	// Header is set on every request: the credentials its tests use.
	Header map[string]string
	// Params fill the path parameters by name ("1" otherwise).
	Params map[string]string
	// Query is added to every request's path ("?site=x").
	Query string
	// Rest follows a listed path that ends in "/", a net/http prefix
	// pattern, which serves every path below it (pkgsite's detail pages).
	Rest string
}

// drivers are the applications the driver can drive, by name.
var drivers = map[string]driver{
	// server_test.go's setup() and apiRoutes(), as each API test does,
	// with its insertEmailData and one message with an image attached,
	// which the message routes are asked for.
	"mailpit": {
		Package: "server",
		Imports: []string{"bytes", "image", "image/png", "github.com/axllent/mailpit/internal/storage", "github.com/jhillyerd/enmime/v2"},
		Code: `setup()
	t.Cleanup(func() { storage.Close() })
	insertEmailData(t)
	img := new(bytes.Buffer)
	if err := png.Encode(img, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	env, err := enmime.Builder().From("a", "a@example.com").To("b", "b@example.com").Subject("s").
		Text([]byte("text")).HTML([]byte("<p>html <a href=\"http://localhost/\">x</a></p>")).
		AddAttachment(img.Bytes(), "image/png", "a.png").Build()
	if err != nil {
		t.Fatal(err)
	}
	buf := new(bytes.Buffer)
	if err := env.Encode(buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	id, err := storage.Store(&raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	blastgateParams["id"] = id
	return apiRoutes()`,
		Params: map[string]string{"partID": "2"}, // the attachment, after the text and HTML alternative
	},
	// router_test.go's IntegrationSuite.BeforeTest: Create over a test
	// database with the default user, admin:pw (id 1), who is given an
	// application and a client with id 1 and a message.
	"gotify": {
		Package: "router",
		Imports: []string{"github.com/gotify/server/v2/config", "github.com/gotify/server/v2/mode",
			"github.com/gotify/server/v2/model", "github.com/gotify/server/v2/test/testdb"},
		Code: `mode.Set(mode.TestDev)
	db := testdb.NewDBWithDefaultUser(t)
	if err := db.CreateApplication(&model.Application{ID: 1, UserID: 1, Token: "Aapp", Name: "app"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateClient(&model.Client{ID: 1, UserID: 1, Token: "Cclient", Name: "client"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMessage(&model.Message{ID: 1, ApplicationID: 1, Message: "m", Title: "t"}); err != nil {
		t.Fatal(err)
	}
	g, closable := Create(db.GormDatabase, &model.VersionInfo{Version: "1.0.0"}, &config.Configuration{PassStrength: 5})
	t.Cleanup(func() { closable(); db.Close() })
	return g`,
		Header: map[string]string{"Authorization": "Basic YWRtaW46cHc="}, // admin:pw
	},
	// test/api's server(): the routes on a gin engine, with the first
	// admin user of the environment apps.go gives it, and its index
	// games3 created with a document through the API as its tests do.
	"zincsearch": {
		Package: "test/api",
		Code: `h := server()
	for _, r := range [][3]string{{"PUT", "/api/index", ` + "`" + `{"name":"games3"}` + "`" + `}, {"PUT", "/api/games3/_doc/1", indexData}} {
		req := httptest.NewRequest(r[0], r[1], strings.NewReader(r[2]))
		req.SetBasicAuth(username, password)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	return h`,
		Header: map[string]string{"Authorization": "Basic YWRtaW46Q29tcGxleHBhc3MjMTIz"}, // admin:Complexpass#123
		Params: map[string]string{"target": "games3", "index": "games3", "id": "1"},
	},
	// rest_test.go's startupT (a bolt store, site remark42) and its
	// addComment; every request with the site and the page the comment
	// is on, and the admin token its tests use.
	"remark42": {
		Package: "app/rest/api",
		Imports: []string{"github.com/umputun/remark42/backend/app/store"},
		Code: `ts, srv, teardown := startupT(t)
	t.Cleanup(teardown)
	blastgateParams["id"] = addComment(t, store.Comment{Text: "test 123",
		Locator: store.Locator{SiteID: "remark42", URL: "https://radio-t.com/blah1"}}, ts)
	blastgateHeader["X-JWT"] = adminUmputunToken
	return srv.routes()`,
		Query: "?site=remark42&url=https://radio-t.com/blah1",
	},
	// frontend_test.go's newTestServer, its fake data source given one
	// sample module (sample.Module, as directory_test.go does), whose
	// package every prefix pattern is asked for.
	"pkgsite": {
		Package: "internal/frontend",
		Imports: []string{"github.com/google/safehtml/template", "golang.org/x/pkgsite/internal",
			"golang.org/x/pkgsite/internal/testing/fakedatasource", "golang.org/x/pkgsite/internal/testing/sample",
			"golang.org/x/pkgsite/static", "thirdparty golang.org/x/pkgsite/third_party"},
		Code: `fds := fakedatasource.New()
	fds.MustInsertModule(t, sample.Module("example.com/m", "v1.0.0", "pkg"))
	s, err := NewServer(ServerConfig{
		DataSourceGetter: func(context.Context) internal.DataSource { return fds },
		TemplateFS:       template.TrustedFSFromEmbed(static.FS),
		StaticFS:         static.FS,
		ThirdPartyFS:     thirdparty.FS,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Install(mux.Handle, nil, nil)
	return mux`,
		Rest: "example.com/m/pkg",
	},
}

// fillParams fills the parameters driveRequest left in a path; the
// driver's test has the same function (blastgateFillParams in
// driverPrelude).
func fillParams(path string, params map[string]string) string {
	parts := strings.Split(path, "\x00")
	for i := 1; i < len(parts); i += 2 {
		if v, ok := params[parts[i]]; ok {
			parts[i] = v
		} else {
			parts[i] = "1"
		}
	}
	return strings.Join(parts, "")
}

const driverPrelude = `
func blastgateFillParams(path string, params map[string]string) string {
	parts := strings.Split(path, "\x00")
	for i := 1; i < len(parts); i += 2 {
		if v, ok := params[parts[i]]; ok {
			parts[i] = v
		} else {
			parts[i] = "1"
		}
	}
	return strings.Join(parts, "")
}

var blastgateN int

func blastgateDrive(h http.Handler, method, path string, header map[string]string) (code int) {
	blastgateN++
	remote := fmt.Sprintf("10.%d.%d.%d:1234", blastgateN>>16&255, blastgateN>>8&255, blastgateN&255)
	var body io.Reader
	if method == "POST" || method == "PUT" || method == "PATCH" {
		body = strings.NewReader("{}")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() {
		defer func() {
			if recover() != nil {
				done <- -1
			}
		}()
		req := httptest.NewRequest(method, path, body).WithContext(ctx)
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = remote // each request its own client: no rate limiter refuses the burst
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		done <- rec.Code
	}()
	select {
	case c := <-done:
		return c
	case <-time.After(4 * time.Second):
		return -2
	}
}
`

// driverSource is the test file that drives the routes (method, path).
func driverSource(pkg string, d driver, requests [][2]string) string {
	imports := append([]string{"context", "encoding/json", "fmt", "io", "net/http", "net/http/httptest", "os", "strings", "testing", "time"}, d.Imports...)
	var b strings.Builder
	writeTestHeader(&b, pkg, imports)
	fmt.Fprintf(&b, "%s\nfunc blastgateHandler(t *testing.T) http.Handler {\n\t%s\n}\n\n", driverPrelude, d.Code)
	fmt.Fprintf(&b, "var blastgateRequests = [][2]string{\n")
	for _, r := range requests {
		fmt.Fprintf(&b, "\t{%q, %q},\n", r[0], r[1])
	}
	fmt.Fprintf(&b, "}\n\n// blastgateParams fill path parameters by name; the setup code may add to it.\nvar blastgateParams = map[string]string{\n")
	for _, k := range sortedKeys(d.Params) {
		fmt.Fprintf(&b, "\t%q: %q,\n", k, d.Params[k])
	}
	fmt.Fprintf(&b, "}\n\nvar blastgateHeader = map[string]string{\n")
	for _, k := range sortedKeys(d.Header) {
		fmt.Fprintf(&b, "\t%q: %q,\n", k, d.Header[k])
	}
	b.WriteString(`}

func TestBlastgateDriveRoutes(t *testing.T) {
	h := blastgateHandler(t)
	f, err := os.Create(os.Getenv("BLASTGATE_DRIVEN"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, r := range blastgateRequests {
		path := blastgateFillParams(r[1], blastgateParams)
		enc.Encode([]any{r[0], path, blastgateDrive(h, r[0], path, blastgateHeader)})
	}
}
`)
	return b.String()
}

var (
	// {name}, {name:re}, {name...}, {$}: gorilla/mux, chi, net/http.
	braceParam = regexp.MustCompile(`\{([^}:.]*)[^}]*\}`)
)

// driveRequest is the request that drives a listed route: its method
// (GET for a route listed without one, ANY or *) and its path with each
// parameter filled; ok is false for a route with no path to request (a
// host pattern).
//
// Each parameter is left as its name between NUL bytes, which the driver
// fills at run time (fillParams): with the value its setup code put in
// blastgateParams, else the application's Params, else "1".
func driveRequest(id string) (method, path string, ok bool) {
	method, path, found := strings.Cut(id, " ")
	if !found {
		method, path = "", id
	}
	if !strings.HasPrefix(path, "/") {
		return "", "", false
	}
	switch method {
	case "", "ANY", "*":
		method = "GET"
	}
	value := func(name string) string { return "\x00" + name + "\x00" }
	path = braceParam.ReplaceAllStringFunc(path, func(p string) string {
		name := braceParam.FindStringSubmatch(p)[1]
		if name == "$" || p == "{$}" {
			return ""
		}
		return value(name)
	})
	segs := strings.Split(path, "/")
	for i, s := range segs {
		switch {
		case strings.HasPrefix(s, ":"): // gin, echo, httprouter
			segs[i] = value(strings.TrimPrefix(s, ":"))
		case s == "*": // chi, echo
			segs[i] = value("*")
		case strings.HasPrefix(s, "*"): // gin's catch-all
			segs[i] = value(strings.TrimPrefix(s, "*"))
		}
	}
	return method, strings.Join(segs, "/"), true
}

// driveStats is what the driver requested and what came back.
type driveStats struct {
	Requests int
	Status   map[string]int // "2xx", "3xx", "4xx", "5xx", "panic", "timeout"
}

func (d driveStats) String() string {
	var parts []string
	for _, k := range sortedKeys(d.Status) {
		parts = append(parts, fmt.Sprintf("%s %d", k, d.Status[k]))
	}
	return fmt.Sprintf("%d requests (%s)", d.Requests, strings.Join(parts, ", "))
}

// drive runs the driver under the recorders of the edited functions (or
// of a bumped dependency's functions), as record runs the tests, and
// returns the stacks recorded by edit name.
func drive(ctx context.Context, a app, dir, src string, truth []truthRoute, fnEdits []edit, dep *edit, timeout time.Duration) (map[string][][]string, driveStats, error, error) {
	d := drivers[a.Name]
	pkgDir := filepath.Join(src, filepath.FromSlash(d.Package))
	pkg, err := packageName(pkgDir)
	if err != nil {
		return nil, driveStats{}, nil, err
	}
	var requests [][2]string
	seen := map[[2]string]bool{}
	for _, t := range truth {
		m, p, ok := driveRequest(t.ID)
		if strings.HasSuffix(p, "/") && d.Rest != "" && strings.Contains(a.Router, "net/http") {
			p += d.Rest
		}
		if r := [2]string{m, p + d.Query}; ok && !seen[r] {
			seen[r] = true
			requests = append(requests, r)
		}
	}
	// Reads first, then writes, deletions last: a DELETE of the seeded
	// record must not come before the GET of it.
	rank := func(m string) int {
		switch m {
		case "GET", "HEAD", "OPTIONS":
			return 0
		case "DELETE":
			return 2
		}
		return 1
	}
	sort.SliceStable(requests, func(i, j int) bool {
		ri, rj := rank(requests[i][0]), rank(requests[j][0])
		if ri != rj {
			return ri < rj
		}
		return requests[i][1]+requests[i][0] < requests[j][1]+requests[j][0]
	})
	driven := filepath.Join(dir, "driven.jsonl")
	os.Remove(driven)
	run := &driveRun{
		file:   filepath.Join(pkgDir, "zz_blastgate_drive_test.go"),
		source: driverSource(pkg, d, requests),
		pkg:    "./" + filepath.ToSlash(d.Package),
		env:    []string{"BLASTGATE_DRIVEN=" + driven},
	}
	stacks, testErr, err := recordWith(ctx, a, dir, src, fnEdits, dep, timeout, run)
	if err != nil {
		return nil, driveStats{}, nil, err
	}
	stats := driveStats{Status: map[string]int{}}
	if f, err := os.Open(driven); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var r []any
			if json.Unmarshal(sc.Bytes(), &r) != nil || len(r) != 3 {
				continue
			}
			stats.Requests++
			code, _ := r[2].(float64)
			switch {
			case code == -1:
				stats.Status["panic"]++
			case code == -2:
				stats.Status["timeout"]++
			default:
				stats.Status[fmt.Sprintf("%dxx", int(code)/100)]++
			}
		}
	}
	if testErr == nil && stats.Requests != len(requests) {
		testErr = fmt.Errorf("the driver made %d of %d requests", stats.Requests, len(requests))
	}
	return stacks, stats, testErr, nil
}

// driveRun is what recordWith runs instead of the application's tests:
// the driver's test file, alone in its package.
type driveRun struct {
	file, source, pkg string
	env               []string
}

// driverScore is one edit's truth from the tests, from the driver, and
// both together (s.True).
type driverScore struct {
	TestsTrue, DriverTrue int
	Driven                bool
}

// mergeDriver scores an edit on the tests' stacks, the driver's and both
// together: the returned score is the union's, with the two counts.
func mergeDriver(score func([][]string) editScore, tests, driven [][]string) editScore {
	t, d := score(tests), score(driven)
	both := append(append([][]string{}, tests...), driven...)
	s := score(both)
	s.Stacks = len(tests)
	s.Driver = &driverScore{TestsTrue: len(t.True), DriverTrue: len(d.True), Driven: true}
	s.DriverStacks = len(driven)
	return s
}

// printDriver writes the driver's table: each edit's truth from the
// tests, from the driver and both, against what blastgate impacts.
func printDriver(w io.Writer, results []*appResult) {
	drove := false
	for _, r := range results {
		for _, e := range r.edits {
			drove = drove || e.Driver != nil
		}
	}
	if !drove {
		return
	}
	fmt.Fprintln(w, "Route driver: every listed route requested once under the application's test setup (driver.go).")
	fmt.Fprintln(w)
	for _, r := range results {
		if r.driven != "" {
			fmt.Fprintf(w, "- %s: %s\n", r.app.Name, r.driven)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| application | edit | impacted | true: tests | true: driver | true: both | recall | impacted / true (both) | impacted / true (tests) | package level | impacted / package level |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var imp, impOfTrue, tru, impOfTests, tests, pl int
	for _, r := range results {
		for _, e := range r.edits {
			if e.Driver == nil {
				continue
			}
			d := e.Driver
			fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d | %s | %s | %s | %d | %s |\n", r.app.Name, e.Edit.Name, len(e.Impacted),
				d.TestsTrue, d.DriverTrue, len(e.True), pct(e.Recalled, len(e.True)), ratio(len(e.Impacted), len(e.True)),
				ratio(len(e.Impacted), d.TestsTrue), e.PackageLevel, ratio(len(e.Impacted), e.PackageLevel))
			imp += len(e.Impacted)
			pl += e.PackageLevel
			if len(e.True) > 0 {
				impOfTrue += len(e.Impacted)
				tru += len(e.True)
			}
			if d.TestsTrue > 0 {
				impOfTests += len(e.Impacted)
				tests += d.TestsTrue
			}
		}
	}
	fmt.Fprintf(w, "| all | | %d | %d | | %d | | %s | %s | %d | %s |\n", imp, tests, tru, ratio(impOfTrue, tru), ratio(impOfTests, tests), pl, ratio(imp, pl))
	fmt.Fprintln(w)
}

// driverChecks holds each driven edit to the per-edit target:
// impacted <= 1.5x the true set (tests and driver together).
func driverChecks(results []*appResult, v *verdict) {
	checked := false
	for _, r := range results {
		for _, e := range r.edits {
			if e.Driver == nil || e.Unmeasured != "" || len(e.True) == 0 {
				continue
			}
			checked = true
			if float64(len(e.Impacted)) > maxImpactedPerTrue*float64(len(e.True)) {
				v.Missed = append(v.Missed, fmt.Sprintf("%s: edit %s: %d impacted for %d true with the driver (%s), target <= %.1fx on each edit",
					r.app.Name, e.Edit.Name, len(e.Impacted), len(e.True), ratio(len(e.Impacted), len(e.True)), maxImpactedPerTrue))
			}
		}
	}
	if checked {
		v.Targets = append(v.Targets, fmt.Sprintf("with the route driver: impacted <= %.1fx true (tests and driver) on each edit", maxImpactedPerTrue))
	}
}
