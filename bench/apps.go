package main

// The applications the benchmark measures: real open-source Go web
// applications, downloaded from the Go module proxy at run time.

// app is one application under test.
type app struct {
	Name    string
	Module  string // module@version
	Router  string
	Prepare []string // files to create before the first commit (assets a build generates)
	// Remove are paths removed before the first commit: a vendor/ that
	// the module's zip leaves incomplete (the module cache serves what it
	// lacks).
	Remove []string
	// Generate are source files a build step generates (and the module's
	// zip leaves out), with the content that stands in for them, created
	// before the first commit.
	Generate map[string]string
	// Lister builds the application's router at run time and lists its
	// routes; empty for net/http, where the registration literals are the
	// ground truth (ServeMux cannot list its patterns).
	Lister *lister
	// Placeholders replace a route id's <expression> with the value the
	// lister ran with.
	Placeholders map[string]string
	// Env is what the application's own test script exports.
	Env []string
	// Tags are the build tags its own test script passes to go test
	// (perses's integration-test target: its end-to-end API tests).
	Tags []string
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
	// NoSumDB says why the module's own go.mod cannot be verified against
	// the checksum database here (the proxy serves the module but the
	// database does not know the version): it is downloaded with
	// GONOSUMDB naming it. Its dependencies are verified by its go.sum.
	NoSumDB string
	Edits   []edit
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

// remarkLocalTime is why remark42's tests that compare stored times with
// time.Local are skipped: this machine's local time zone is UTC, and the
// times come back as time.UTC, which testify tells from time.Local.
const remarkLocalTime = "expects stored times in time.Local; with the machine's zone UTC they come back as time.UTC, which the comparison tells apart"

// noPlugins is why perses's end-to-end tests that create or validate
// dashboards, datasources or variables are skipped: their specs are
// checked against the schemas of the plugins the project's build
// downloads (plugins-archive/), which the module's zip leaves out, and
// they fail here without them.
const noPlugins = "fails without the plugins the build downloads (plugins-archive/, not in the module's zip), whose schemas validate dashboards, datasources and variables"

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
	{
		Name:   "perses",
		Module: "github.com/perses/perses@v0.51.1",
		Router: "echo v4",
		// ui/embed.go, which embeds the web UI npm builds, is generated by
		// the project's build: an empty file system stands in for it.
		Generate: map[string]string{
			"ui/embed.go": "package ui\n\nimport \"embed\"\n\n// embedFS is the web UI npm builds in the real application.\nvar embedFS embed.FS\n",
		},
		// Routes from data: each endpoint's CollectRoutes appends route
		// structs to a route.Group tree (its own GET/POST/... helpers),
		// and RegisterRoute walks the tree with a queue, registering each
		// route with e.Add/g.Any under groups whose paths are the
		// configured APIPrefix + constants. The lister runs it with the
		// prefix /perses and a file database in a temporary directory.
		NoTest: map[string]string{
			"internal/api/plugin":               "needs plugins-archive/, the plugin archives the project's build downloads (not in the module's zip)",
			"internal/api/validate":             "needs plugins-archive/ (the build's plugin archives)",
			"internal/api/discovery/cuetils":    "needs plugins-archive/ (the build's plugin archives)",
			"internal/api/discovery/kubernetes": "needs plugins-archive/ (the build's plugin archives)",
			"internal/cli/cmd/migrate":          "needs plugins/, the plugins the project's build unpacks",
			"internal/cli/cmd/dac/build":        "needs the cue command and testdata/go, which the module's zip leaves out",
			"internal/cli/cmd/dac/setup":        "its testdata directory is not in the module's zip",
			"internal/cli/cmd/plugin/build":     "needs the cue command",
			"internal/cli/cmd/plugin/lint":      "fetches CUE modules from registry.cue.works",
			"internal/cli/cmd/login":            "requests demo.perses.dev",
		},
		// Its Makefile's integration-test: the end-to-end tests, which
		// request the API of a server on a file database, are behind the
		// integration tag.
		Tags: []string{"integration"},
		SkipTests: map[string]string{
			"TestJSONMarshalConfig":                       "expects the default plugin paths used outside a container; this machine is a container (/etc/perses/plugins)",
			"TestCreateDatasource":                        noPlugins,
			"TestMainScenarioDashboard":                   noPlugins,
			"TestUpdateDashboardIncreaseVersion":          noPlugins,
			"TestUpdateDatasource":                        noPlugins,
			"TestMainScenarioDatasource":                  noPlugins,
			"TestMainScenarioEphemeralDashboard":          noPlugins,
			"TestUpdateEphemeralDashboardIncreaseVersion": noPlugins,
			"TestMainScenarioGlobalDatasource":            noPlugins,
			"TestMainScenarioGlobalVariable":              noPlugins,
			"TestMainScenarioVariable":                    noPlugins,
			"TestMigrateEndpoint":                         noPlugins,
			"TestNewProjectEndpoints":                     noPlugins,
			"TestProxyGlobalDatasource":                   noPlugins,
			"TestProxyLocalDatasource":                    noPlugins,
			"TestProxyLocalDatasourceWithRealDashboard":   noPlugins,
			"TestProxyProjectDatasource":                  noPlugins,
			"TestUnauthorizedEndpoints":                   noPlugins,
		},
		Lister: &lister{
			Package: "internal/api/core",
			Imports: []string{"encoding/hex", "github.com/labstack/echo/v4",
				"github.com/perses/perses/internal/api/dependency", "github.com/perses/perses/pkg/model/api/config",
				"github.com/perses/perses/pkg/model/api/v1/secret"},
			Code: `conf := config.Config{
		APIPrefix: "/perses",
		Security: config.Security{
			EncryptionKey:  secret.Hidden(hex.EncodeToString([]byte("=tW$56zytgB&3jN2E%7-+qrGZE?v6LCc"))),
			Authentication: config.AuthenticationConfig{Providers: config.AuthProviders{EnableNative: true}},
		},
		EphemeralDashboard: config.EphemeralDashboard{Enable: true},
		Database:           config.Database{File: &config.File{Folder: t.TempDir(), Extension: config.JSONExtension, CaseSensitive: true}},
		Plugin:             config.Plugin{Path: t.TempDir(), ArchivePath: t.TempDir()},
	}
	pm, err := dependency.NewPersistenceManager(conf.Database)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := dependency.NewServiceManager(pm, conf)
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	NewPersesAPI(sm, pm, conf).RegisterRoute(e)
	for _, r := range e.Routes() {
		emitRoute(r.Method, r.Path, r.Name)
	}`,
		},
		Placeholders: map[string]string{"<a.apiPrefix>": "/perses", "<cfg.APIPrefix>": "/perses", "<conf.APIPrefix>": "/perses"},
		Edits: []edit{
			{Name: "toolbox.ExtractParameters", Kind: "helper", File: "internal/api/toolbox/toolbox.go", Func: "ExtractParameters"},
			{Name: "project.endpoint.Create", Kind: "handler", File: "internal/api/impl/v1/project/endpoint.go", Func: "endpoint.Create"},
			{Name: "v1.Metadata.CreateNow", Kind: "model", File: "pkg/model/api/v1/metadata.go", Func: "Metadata.CreateNow"},
			// The router: handlers call its Context (c.Param, c.JSON). (logrus,
			// the bump first tried, is called from no handler in the tests.)
			{Name: "echo v4.14.0", Kind: "dependency", Require: "github.com/labstack/echo/v4@v4.14.0"},
		},
	},
	{
		Name:   "smallstep",
		Module: "github.com/smallstep/certificates@v0.30.2",
		Router: "chi v5",
		NoTest: map[string]string{
			"cmd/step-ca": "does not build here: links libpcsclite (cgo, pkg-config), which is not installed",
		},
		SkipTests: map[string]string{
			"Test_newHTTPClient":       "requests smallstep.com",
			"TestWriteDefaultIdentity": "expects writing into a directory it made without search permission to fail; as root it succeeds",
			"TestIdentity_Renew":       "expects writing into a directory it made without search permission to fail; as root it succeeds",
			"TestOutput_Write":         "expects writing into a directory it made without search permission to fail; as root it succeeds",
		},
		// Its own Router interface (api.Router: MethodFunc), implemented by
		// chi and handed to each API's Route(r), mounted by ca.Init under
		// /1.0, /acme, /2.0/acme, /admin and /scep; ACME paths are built by
		// getPath (fmt.Sprintf through the linker) from link types.
		// ca.Init builds the router inside the CA it starts (it needs keys,
		// a database and listens), and keeps only the wrapped handler: the
		// lister mounts the same Route functions the same way Init does.
		Lister: &lister{
			Package: "ca",
			Imports: []string{"net/http", "github.com/go-chi/chi/v5", "chimw github.com/go-chi/chi/v5/middleware",
				"github.com/smallstep/certificates/api", "acmeAPI github.com/smallstep/certificates/acme/api",
				"adminAPI github.com/smallstep/certificates/authority/admin/api", "scepAPI github.com/smallstep/certificates/scep/api"},
			Code: `mux := chi.NewRouter()
	mux.Use(chimw.GetHead)
	api.Route(mux)
	mux.Route("/1.0", func(r chi.Router) { api.Route(r) })
	mux.Route("/acme", func(r chi.Router) { acmeAPI.Route(r) })
	mux.Route("/2.0/acme", func(r chi.Router) { acmeAPI.Route(r) })
	mux.Route("/admin", func(r chi.Router) {
		adminAPI.Route(r, adminAPI.WithACMEResponder(adminAPI.NewACMEAdminResponder()),
			adminAPI.WithPolicyResponder(adminAPI.NewPolicyAdminResponder()),
			adminAPI.WithWebhookResponder(adminAPI.NewWebhookAdminResponder()))
	})
	mux.Route("/scep", func(r chi.Router) { scepAPI.Route(r) })
	if err := chi.Walk(mux, func(method, route string, h http.Handler, _ ...func(http.Handler) http.Handler) error {
		emitRoute(method, route, handlerName(h))
		return nil
	}); err != nil {
		t.Fatal(err)
	}`,
		},
		Edits: []edit{
			{Name: "render.JSON", Kind: "helper", File: "api/render/render.go", Func: "JSON"},
			{Name: "api.Root", Kind: "handler", File: "api/api.go", Func: "Root"},
			{Name: "api.SignRequest.Validate", Kind: "model", File: "api/sign.go", Func: "SignRequest.Validate"},
			{Name: "chi v5.3.0", Kind: "dependency", Require: "github.com/go-chi/chi/v5@v5.3.0"},
		},
	},
	{
		Name:   "inbucket",
		Module: "github.com/inbucket/inbucket/v3@v3.2.0",
		Router: "gorilla/mux",
		// Sub-routers mounted through the application's own prefixer
		// (stringutil.MakePathPrefixer over the configured Web.BasePath:
		// PathPrefix(prefix("/api/")).Subrouter()), handed as parameters to
		// rest.SetupRoutes and webui.SetupRoutes, whose handlers are
		// wrapped in its own web.Handler type. The lister runs the real
		// server.FullAssembly with the base path "inbucket" and in-memory
		// storage, and walks the shared web.Router (the sub-routers' mount
		// points, which hold no handler, are not pages).
		Lister: &lister{
			Package: "pkg/server",
			Imports: []string{"github.com/gorilla/mux", "github.com/inbucket/inbucket/v3/pkg/config",
				"github.com/inbucket/inbucket/v3/pkg/server/web", "github.com/inbucket/inbucket/v3/pkg/storage",
				"github.com/inbucket/inbucket/v3/pkg/storage/mem"},
			Code: `t.Setenv("INBUCKET_WEB_BASEPATH", "inbucket")
	storage.Constructors["memory"] = mem.New // what cmd/inbucket's init does
	conf, err := config.Process()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FullAssembly(conf); err != nil {
		t.Fatal(err)
	}
	_ = web.Router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := route.GetPathTemplate()
		h := route.GetHandler()
		if err != nil || h == nil {
			return nil
		}
		methods, _ := route.GetMethods()
		if len(methods) == 0 {
			methods = []string{""}
		}
		for _, m := range methods {
			emitRoute(m, path, handlerName(h))
		}
		return nil
	})`,
		},
		Placeholders: map[string]string{"<conf.Web.BasePath>": "/inbucket"},
		Edits: []edit{
			{Name: "web.RenderJSON", Kind: "helper", File: "pkg/server/web/rest.go", Func: "RenderJSON"},
			{Name: "rest.MailboxListV1", Kind: "handler", File: "pkg/rest/apiv1_controller.go", Func: "MailboxListV1"},
			{Name: "message.Message.Text", Kind: "model", File: "pkg/message/message.go", Func: "Message.Text"},
			{Name: "mux v1.8.0", Kind: "dependency", Require: "github.com/gorilla/mux@v1.8.0"},
		},
	},
	{
		Name:    "gotify",
		Module:  "github.com/gotify/server/v2@v2.6.3",
		Router:  "gin",
		NoSumDB: "the checksum database answers 404 for github.com/gotify/server/v2@v2.6.3",
		// The embedded web UI is built by yarn; the router reads these
		// three files of it when it is built.
		Prepare: []string{"ui/build/index.html", "ui/build/manifest.json", "ui/build/asset-manifest.json"},
		// Its API tests are testify suites (suite.Run) that call the
		// handlers with a gin test context; router's IntegrationSuite
		// builds the whole router, serves it with httptest and requests
		// server.URL + path, built at run time.
		NoTest: map[string]string{
			"plugin":        "its tests build the example plugins with go build -buildmode=plugin, minutes each on 2 cores; they reach no route handler",
			"plugin/compat": "its tests build the example plugins with go build -buildmode=plugin (see plugin)",
		},
		Lister: &lister{
			Package: "router",
			Imports: []string{"github.com/gotify/server/v2/config", "github.com/gotify/server/v2/mode",
				"github.com/gotify/server/v2/model", "github.com/gotify/server/v2/test/testdb"},
			Code: `mode.Set(mode.TestDev)
	db := testdb.NewDBWithDefaultUser(t)
	defer db.Close()
	g, closable := Create(db.GormDatabase, &model.VersionInfo{Version: "1.0.0"}, &config.Configuration{PassStrength: 5})
	defer closable()
	for _, rt := range g.Routes() {
		emitRoute(rt.Method, rt.Path, rt.Handler)
	}`,
		},
		Edits: []edit{
			{Name: "api.withID", Kind: "helper", File: "api/internalutil.go", Func: "withID"},
			{Name: "api.ApplicationAPI.GetApplications", Kind: "handler", File: "api/application.go", Func: "ApplicationAPI.GetApplications"},
			{Name: "api.toExternalMessage", Kind: "model", File: "api/message.go", Func: "toExternalMessage"},
			{Name: "gin v1.10.1", Kind: "dependency", Require: "github.com/gin-gonic/gin@v1.10.1"},
		},
	},
	{
		Name:   "remark42",
		Module: "github.com/umputun/remark42/backend@v1.14.0",
		Router: "chi v5",
		// The zip keeps vendor/modules.txt but not the vendored packages.
		Remove: []string{"vendor"},
		SkipTests: map[string]string{
			"TestRest_Info":          remarkLocalTime,
			"TestBoltDB_InfoPost":    remarkLocalTime,
			"TestBoltDB_InfoList":    remarkLocalTime,
			"TestService_Put":        remarkLocalTime,
			"TestService_List":       remarkLocalTime,
			"TestFsStore_Cleanup":    "expires files by 100-300 ms sleeps: flaky on the shared 2-core machine",
			"TestService_Cleanup":    "expires files by sleeps of a few hundred ms: flaky on the shared 2-core machine",
			"TestGetDump":            "expects backend/app/main.go in the goroutine dump: the benchmark lays the module out in src/, not backend/",
			"TestService_ResizeJpeg": "expects the exact byte size of a re-encoded JPEG (10918), which this Go's image/jpeg does not give (10913)",
			"TestImage_Routes":       "a subtest requests an outside image, which is not reachable here (404 for the 400 it expects)",
			"TestMain_WithWebhook":   "waits one second for a webhook the server sends asynchronously; on the 2-core machine it comes later",
		},
		// Table-driven tests that request ts.URL + path on an httptest
		// server of the whole router (startupT), routes mounted under
		// /api/v1 in groups, method values of controller structs.
		Lister: &lister{
			Package: "app/rest/api",
			Imports: []string{"net/http", "github.com/go-chi/chi/v5"},
			Code: `_, srv, teardown := startupT(t)
	defer teardown()
	if err := chi.Walk(srv.routes(), func(method, route string, h http.Handler, _ ...func(http.Handler) http.Handler) error {
		emitRoute(method, route, handlerName(h))
		return nil
	}); err != nil {
		t.Fatal(err)
	}`,
		},
		Edits: []edit{
			{Name: "store.HashValue", Kind: "helper", File: "app/store/user.go", Func: "HashValue"},
			{Name: "api.public.findCommentsCtrl", Kind: "handler", File: "app/rest/api/rest_public.go", Func: "public.findCommentsCtrl"},
			{Name: "store.Comment.Sanitize", Kind: "model", File: "app/store/comment.go", Func: "Comment.Sanitize"},
			// No dependency edit: the module vendors its dependencies, and
			// a bump without go mod vendor leaves vendor/ inconsistent.
		},
	},
}
