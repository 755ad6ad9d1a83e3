package main

// The applications the benchmark measures: real open-source Go web
// applications, downloaded from the Go module proxy at run time.

// app is one application under test.
type app struct {
	Name    string
	Module  string // module@version
	Router  string
	Prepare []string // files to create before the first commit (assets a build generates)
	// Lister builds the application's router at run time and lists its
	// routes; empty for net/http, where the registration literals are the
	// ground truth (ServeMux cannot list its patterns).
	Lister *lister
	// Placeholders replace a route id's <expression> with the value the
	// lister ran with.
	Placeholders map[string]string
	// Env is what the application's own test script exports.
	Env []string
	// NoTest are the packages (directories relative to the module root)
	// left out of the instrumented test runs, each for a stated reason:
	// the run must pass, and a package that cannot build would fail it.
	NoTest map[string]string
	// NoTruth says why the application's tests cannot give an edit's true
	// routes: its edits are then not run with recorders, their recall and
	// impacted / true are not measured (the report says so, naming it),
	// and only their impacted / package level is.
	NoTruth string
	// SkipTests are the tests (top-level names) the instrumented runs
	// skip, each for a stated reason: what they need is not on this
	// machine or not in the module's zip.
	SkipTests map[string]string
	Edits     []edit
}

// lister is a test file added to Package (through -overlay, the tree
// stays clean) that writes one JSON route per line to $BLASTGATE_ROUTES.
type lister struct {
	Package string   // directory, relative to the module root
	Code    string   // the body of TestBlastgateListRoutes
	Imports []string // "path", or "alias path"
}

// edit is a realistic change: a function body edited, or a requirement
// moved to another version.
type edit struct {
	Name string
	Kind string // helper, handler, model, dependency
	// For a function edit: the file and the function, Name or Recv.Name.
	File string
	Func string
	// For a dependency bump.
	Require string // module@version
}

var apps = []app{
	{
		Name:   "zincsearch",
		Module: "github.com/zincsearch/zincsearch@v0.4.10",
		Router: "gin",
		// The embedded web UI is built by npm; an empty one is enough to
		// type-check.
		Prepare: []string{"web/dist/index.html"},
		NoTest: map[string]string{
			"cmd/zincsearch": "does not build with Go 1.26: a pyroscope dependency links to runtime internals that are gone",
		},
		Env: []string{"ZINC_FIRST_ADMIN_USER=admin", "ZINC_FIRST_ADMIN_PASSWORD=Complexpass#123",
			"ZINC_WAL_SYNC_INTERVAL=10ms", "ZINC_WAL_REDOLOG_NO_SYNC=true", "ZINC_ENABLE_TEXT_KEYWORD_MAPPING=true"},
		Lister: &lister{
			Package: "pkg/routes",
			Imports: []string{"github.com/gin-gonic/gin"},
			Code: `gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	SetRoutes(r)
	for _, rt := range r.Routes() {
		emitRoute(rt.Method, rt.Path, rt.Handler)
	}`,
		},
		Edits: []edit{
			{Name: "core.GetIndex", Kind: "helper", File: "pkg/core/newindex.go", Func: "GetIndex"},
			{Name: "document.Delete", Kind: "handler", File: "pkg/handlers/document/delete.go", Func: "Delete"},
			{Name: "meta.Mappings.GetProperty", Kind: "model", File: "pkg/meta/mappings.go", Func: "Mappings.GetProperty"},
			{Name: "go-units v0.4.0", Kind: "dependency", Require: "github.com/docker/go-units@v0.4.0"},
		},
	},
	{
		Name:   "mailpit",
		Module: "github.com/axllent/mailpit@v1.27.11",
		Router: "gorilla/mux",

		Lister: &lister{
			Package: "server",
			Imports: []string{"github.com/gorilla/mux", "net/http"},
			Code: `r := apiRoutes()
	_ = r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		name := ""
		if h := route.GetHandler(); h != nil {
			name = handlerName(h)
		}
		methods, _ := route.GetMethods()
		if len(methods) == 0 {
			methods = []string{""}
		}
		for _, m := range methods {
			emitRoute(m, path, name)
		}
		return nil
	})
	_ = http.MethodGet`,
		},
		Placeholders: map[string]string{"<config.Webroot>": "/"},
		Edits: []edit{
			{Name: "storage.GetMessage", Kind: "helper", File: "internal/storage/messages.go", Func: "GetMessage"},
			// A handler the tests request (TestAPIv1Search): no test
			// reaches apiv1.GetAllTags, the handler edit until issue 10,
			// which measured nothing.
			{Name: "apiv1.Search", Kind: "handler", File: "server/apiv1/messages.go", Func: "Search"},
			{Name: "storage.AttachmentSummary", Kind: "model", File: "internal/storage/messages.go", Func: "AttachmentSummary"},
			{Name: "imaging v1.8.17", Kind: "dependency", Require: "github.com/kovidgoyal/imaging@v1.8.17"},
		},
	},
	{
		Name:   "pkgsite",
		Module: "golang.org/x/pkgsite@v0.6.0",
		Router: "net/http",
		SkipTests: map[string]string{
			"TestLint":                       "runs all.bash lint, which needs the project's lint tools",
			"TestDirectoryModuleGetterEmpty": "reads testdata/has_go_mod, which the module zip leaves out (a directory with its own go.mod)",
			"TestResolveSupportedBranches":   "needs go.googlesource.com",
		},
		// Install registers the frontend's routes through the function it
		// is given: the lister hands it one that records them.
		Lister: &lister{
			Package: "internal/frontend",
			Imports: []string{"context", "net/http", "strings", "github.com/google/safehtml/template",
				"golang.org/x/pkgsite/internal", "golang.org/x/pkgsite/internal/testing/fakedatasource",
				"golang.org/x/pkgsite/static", "thirdparty golang.org/x/pkgsite/third_party"},
			Code: `s, err := NewServer(ServerConfig{
		DataSourceGetter: func(context.Context) internal.DataSource { return fakedatasource.New() },
		TemplateFS:       template.TrustedFSFromEmbed(static.FS),
		StaticFS:         static.FS,
		ThirdPartyFS:     thirdparty.FS,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Install(func(pattern string, h http.Handler) {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			method, path = "", pattern
		}
		emitRoute(method, path, handlerName(h))
	}, nil, nil)`,
		},
		Edits: []edit{
			{Name: "frontend.servePage", Kind: "helper", File: "internal/frontend/server.go", Func: "Server.servePage"},
			{Name: "frontend.serveSearch", Kind: "handler", File: "internal/frontend/search.go", Func: "Server.serveSearch"},
			{Name: "internal.UnitMeta.IsPackage", Kind: "model", File: "internal/unit.go", Func: "UnitMeta.IsPackage"},
			// semver serves the search and detail pages. (blackfriday,
			// the bump until issue 10, is called only by internal/postgres,
			// whose tests need PostgreSQL: it recorded no stack.)
			{Name: "x/mod v0.43.0", Kind: "dependency", Require: "golang.org/x/mod@v0.43.0"},
		},
	},
	{
		Name:   "miniflux",
		Module: "miniflux.app/v2@v2.3.5",
		Router: "net/http",
		NoTruth: "its handlers' tests need PostgreSQL (the integration tests): no test reaches a handler, " +
			"so its edits measure only impacted against package level",
		Edits: []edit{
			{Name: "request.RouteInt64Param", Kind: "helper", File: "internal/http/request/params.go", Func: "RouteInt64Param"},
			{Name: "ui.showStarredPage", Kind: "handler", File: "internal/ui/starred_entries.go", Func: "handler.showStarredPage"},
			{Name: "model.User.UseTimezone", Kind: "model", File: "internal/model/user.go", Func: "User.UseTimezone"},
			{Name: "minify v2.24.25", Kind: "dependency", Require: "github.com/tdewolff/minify/v2@v2.24.25"},
		},
	},
}
