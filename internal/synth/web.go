package synth

import (
	"fmt"
	"strings"
)

// The wiring: internal/web builds every service and mounts every page on
// an http.ServeMux; cmd/server serves it.

// Registration styles, chosen per route.
const (
	styleMethodValue = iota // mux.HandleFunc("GET /x", h.List)
	styleAuth               // mux.Handle("GET /x", middleware.Auth(http.HandlerFunc(h.List)))
	styleRouter             // rt.Get("/x", middleware.Logged(h.List)), GET and POST only
	styleClosure            // mux.HandleFunc("GET /x", func(w, r) { h.List(w, r) })
)

// web writes the web package: the Router wrapper, the services, one
// mount file per domain and the Server.
func (b *builder) web() {
	// services.go: one field per domain, built in dependency order.
	sv := b.add(newFile("internal/web/services.go", "web", webPath, nil))
	sv.p("// services holds one service per domain.\ntype services struct {\n")
	for _, d := range b.domains {
		sv.p("\t%s *%s.Service\n", d.name, sv.imp(d.svc))
	}
	sv.p("}\n\n")
	sv.t(`// newServices builds the services, each over a logged, cached store.
func newServices(cfg {{@cfg}}.Config) *services {
	logf := log.Printf
	if !cfg.Debug {
		logf = func(string, ...any) {}
	}
	s := &services{}
`, "cfg", configPath)
	for _, d := range b.domains {
		st := sv.imp(d.store)
		args := ""
		for _, dep := range d.deps {
			args += ", s." + dep.name
		}
		sv.p("\ts.%s = %s.New(%s.WithLog(%s.WithCache(%s.NewMemory()), logf)%s)\n", d.name, sv.imp(d.svc), st, st, st, args)
		if d.index%5 == 0 { // some domains log their creations through a hook
			sv.p("\ts.%s.OnCreate(func(x *%s.%s) { log.Printf(\"created %s %%s\", x.ID) })\n", d.name, sv.imp(d.model), d.entity, d.name)
		}
	}
	sv.p("\treturn s\n}\n")

	// One mount file per domain.
	used := map[string]bool{}
	for _, d := range b.domains {
		b.mount(d, used)
	}

	// The Router, with the methods the mount functions use: a wrapper
	// nobody calls would be a registration with an unknown pattern.
	rt := b.add(newFile("internal/web/router.go", "web", webPath, nil))
	rt.doc = "Package web wires the services and mounts the pages."
	rt.t(`// Router registers routes by method, composing the pattern.
type Router struct {
	mux *http.ServeMux
}
`)
	for _, m := range []string{"Get", "Post"} {
		if used[m] {
			rt.t(`
// {{m}} registers a {{M}} route.
func (rt *Router) {{m}}(path string, h http.HandlerFunc) { rt.mux.HandleFunc("{{M}} "+path, h) }
`, "m", m, "M", strings.ToUpper(m))
		}
	}

	srv := b.add(newFile("internal/web/server.go", "web", webPath, map[string]string{"cfg": configPath, "mw": middlewarePath}))
	srv.t(`// Server is the application's HTTP server.
type Server struct {
	handler http.Handler
}

// NewServer wires every domain and mounts its pages.
func NewServer(cfg {{@cfg}}.Config) *Server {
	mux := http.NewServeMux()
	rt := &Router{mux: mux}
	s := newServices(cfg)
`)
	for _, d := range b.domains {
		srv.p("\tmount%s(mux, rt, s)\n", d.entity)
	}
	srv.t(`	chain := {{@mw}}.Chain{ {{@mw}}.Recover, {{@mw}}.RequestID }
	return &Server{handler: chain.Then(mux)}
}

// ServeHTTP serves a request.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { srv.handler.ServeHTTP(w, r) }
`)
}

// mount writes the function registering a domain's routes, and notes
// in used the Router methods it calls.
func (b *builder) mount(d *domain, used map[string]bool) {
	// Not mount_<name>.go: mount_plan9.go would build on Plan 9 only.
	f := b.add(newFile("internal/web/"+d.name+"_mount.go", "web", webPath, d.vars()))
	f.vars["mw"] = middlewarePath
	f.t(`// mount{{E}} registers the {{dn}} pages.
func mount{{E}}(mux *http.ServeMux, rt *Router, s *services) {
	h := {{@page}}.New(s.{{dn}})
`)
	for _, k := range d.routes {
		pattern := fmt.Sprintf("%s /%s%s", k.method, d.name, k.suffix)
		style := b.rng.IntN(4)
		if style == styleRouter && k.method != "GET" && k.method != "POST" {
			style = styleMethodValue
		}
		switch style {
		case styleMethodValue:
			f.p("\tmux.HandleFunc(%q, h.%s)\n", pattern, k.handler)
		case styleAuth:
			f.p("\tmux.Handle(%q, %s.Auth(http.HandlerFunc(h.%s)))\n", pattern, f.imp("mw"), k.handler)
		case styleRouter:
			method := strings.ToUpper(k.method[:1]) + strings.ToLower(k.method[1:])
			used[method] = true
			f.p("\trt.%s(%q, %s.Logged(h.%s))\n", method, "/"+d.name+k.suffix, f.imp("mw"), k.handler)
		case styleClosure:
			f.p("\tmux.HandleFunc(%q, func(w http.ResponseWriter, r *http.Request) {\n\t\th.%s(w, r)\n\t})\n", pattern, k.handler)
		}
	}
	f.p("}\n")
}

// command writes cmd/server.
func (b *builder) command() {
	f := b.add(newFile("cmd/server/main.go", "main", Module+"/cmd/server", map[string]string{"cfg": configPath, "web": webPath}))
	f.doc = "Command server serves the application."
	f.t(`func main() {
	cfg := {{@cfg}}.Load()
	addr := flag.String("addr", cfg.Addr, "listen address")
	flag.Parse()
	log.Printf("listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, {{@web}}.NewServer(cfg)))
}
`)
}
