// Package synth generates synthetic Go web applications for load tests
// of the analyzer.
//
// A generated repository is the module example.com/synth (go 1.22,
// standard library only), shaped like a layered monolith:
//
//	cmd/server/main.go              the server command
//	internal/web                    wiring: one service per domain, one
//	                                mount function per domain (<d>_mount.go)
//	                                registering its routes on an http.ServeMux
//	internal/middleware             Logged, Auth, Recover, RequestID, Chain
//	internal/render                 JSON, HTML (the Page interface), Error
//	internal/format                 display helpers; Price is the one Edit changes
//	internal/validate, httpx        shared helpers, imported by most packages
//	internal/config                 the configuration
//	internal/util/<name>            generic helper packages, imported widely
//	internal/models/<d>             per domain d: the entity and its Status
//	internal/stores/<d>store        the Repository interface and three
//	                                implementations (memory, cached, logged)
//	internal/services/<d>svc        the Service, using its store and the
//	                                services of up to two earlier domains
//	internal/pages/<d>page          the Handler: one method per route
//
// Every package is filled with helper functions (in helpers.go for the
// domain packages) up to
// Size.FuncsPerPackage; helpers call each other within the package and
// across the packages it imports, and a few use closures (called locally
// or handed to the standard library), function values and method values.
// Routes are registered in several styles: a method value, a handler
// wrapped in middleware, a router wrapper that composes the pattern, and
// an inline closure.
//
// Generation is deterministic: the same Size gives the same bytes.
package synth

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Module is the module path of every generated repository.
const Module = "example.com/synth"

// Size says how large a repository to generate.
type Size struct {
	Name string
	// Domains is the number of business domains; each has four
	// packages (model, store, service, pages).
	Domains int
	// Utils is the number of generic util packages.
	Utils int
	// Routes is the number of routes registered, spread evenly over the
	// domains: between one and eight per domain.
	Routes int
	// FuncsPerPackage is the number of functions and methods each
	// package is filled up to (the wiring packages excepted).
	FuncsPerPackage int
	// Seed drives every random choice.
	Seed uint64
}

// The sizes the benchmarks use: about 100, 500 and 2,000 packages with
// 20 functions each.
var (
	Small  = Size{Name: "small", Domains: 22, Utils: 4, Routes: 50, FuncsPerPackage: 20, Seed: 1}
	Medium = Size{Name: "medium", Domains: 120, Utils: 12, Routes: 200, FuncsPerPackage: 20, Seed: 1}
	Large  = Size{Name: "large", Domains: 490, Utils: 32, Routes: 500, FuncsPerPackage: 20, Seed: 1}
)

// fixedPackages are the packages every repository has besides the
// domains and the utils: format, validate, httpx, render, middleware,
// config, web and cmd/server.
const fixedPackages = 8

// Packages is the number of packages a repository of this size has.
func Packages(size Size) int { return 4*size.Domains + size.Utils + fixedPackages }

// Routes is the number of routes a repository of this size registers.
func Routes(size Size) int { return size.Routes }

// Stats describes a generated repository.
type Stats struct {
	Packages int
	Files    int // Go files
	Lines    int // lines of Go
	Funcs    int // function and method declarations
	Closures int // function literals
	Routes   int
	// EditFile is the file Edit changes (slash-separated, relative to the
	// repository root), EditFunc the function whose body it rewrites.
	EditFile, EditFunc string
	// EditCallers are the pages packages that call EditFunc (through a
	// helper of their own).
	EditCallers []string
}

// Generate writes the repository of the given size into dir, which must
// be empty or not exist.
func Generate(dir string, size Size) error {
	r, err := build(size)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("synth: %s is not empty", dir)
	}
	for _, name := range r.order {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, r.files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Describe returns the statistics of the repository Generate writes for
// size, without writing it.
func Describe(size Size) (Stats, error) {
	r, err := build(size)
	if err != nil {
		return Stats{}, err
	}
	return r.stats, nil
}

// editPackage and editFunc name the helper Edit changes: format.Price,
// used by the pages of six domains through their priceLabel helper.
const (
	editPackage = "internal/format"
	editFile    = editPackage + "/format.go"
	editFunc    = "Price"
	editCallers = 6
)

// priceBody is Price's body as generated, editedPriceBody what Edit
// makes of it (the currency moves in front).
const (
	priceBody = `{
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, cents/100, cents%100, currency)
}`
	editedPriceBody = `{
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%s %d.%02d", sign, currency, cents/100, cents%100)
}`
)

// Edit makes a realistic change in a repository Generate wrote: it
// rewrites the body of a display helper used by several pages
// (format.Price) and returns the file it changed, relative to dir.
func Edit(dir string, size Size) (file string, err error) {
	_ = size // every size has the same edit target
	path := filepath.Join(dir, filepath.FromSlash(editFile))
	if err := replaceBody(path, editFunc, editedPriceBody); err != nil {
		return "", err
	}
	return editFile, nil
}

// replaceBody rewrites the body of the top-level function name in the
// Go file at path.
func replaceBody(path, name, body string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Name.Name != name || fd.Body == nil {
			continue
		}
		start := fset.Position(fd.Body.Lbrace).Offset
		end := fset.Position(fd.Body.Rbrace).Offset + 1
		if string(src[start:end]) == body {
			return fmt.Errorf("synth: %s: %s already has the edited body", path, name)
		}
		out := append(append(append([]byte{}, src[:start]...), body...), src[end:]...)
		return os.WriteFile(path, out, 0o644)
	}
	return fmt.Errorf("synth: %s: no function %s", path, name)
}

// repo is a generated repository held in memory.
type repo struct {
	files map[string][]byte
	order []string
	stats Stats
}

// build generates the repository of the given size.
func build(size Size) (r *repo, err error) {
	if size.Domains < editCallers || size.Utils < 1 || size.Routes < size.Domains || size.Routes > 8*size.Domains || size.FuncsPerPackage < 1 {
		return nil, fmt.Errorf("synth: size %+v: want at least %d domains, a util, between one and eight routes per domain", size, editCallers)
	}
	defer func() {
		// The templates panic on programming errors (an unset variable,
		// an import name clash): report them as errors.
		if v := recover(); v != nil {
			r, err = nil, fmt.Errorf("%v", v)
		}
	}()
	b := newBuilder(size)
	b.generate()
	r = &repo{files: map[string][]byte{}}
	r.stats = Stats{
		Packages: Packages(size),
		Routes:   b.routes,
		EditFile: editFile,
		EditFunc: Module + "/" + editPackage + "." + editFunc,
	}
	for _, d := range b.domains {
		if d.callsPrice {
			r.stats.EditCallers = append(r.stats.EditCallers, d.page)
		}
	}
	r.files["go.mod"] = []byte("module " + Module + "\n\ngo 1.22\n")
	r.order = append(r.order, "go.mod")
	var errs []error
	for _, f := range b.files {
		src, funcs, closures, err := formatFile(f.path, f.source())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.files[f.path] = src
		r.order = append(r.order, f.path)
		r.stats.Files++
		r.stats.Funcs += funcs
		r.stats.Closures += closures
		r.stats.Lines += bytes.Count(src, []byte("\n"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if r.stats.Routes != size.Routes {
		return nil, fmt.Errorf("synth: generated %d routes, want %d", r.stats.Routes, size.Routes)
	}
	return r, nil
}

// formatFile parses a generated file, counts its functions and closures,
// and formats it as gofmt does.
func formatFile(name string, src []byte) (out []byte, funcs, closures int, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("synth: generated %s does not parse: %v", name, err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncDecl:
			funcs++
		case *ast.FuncLit:
			closures++
		}
		return true
	})
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, 0, 0, fmt.Errorf("synth: formatting %s: %v", name, err)
	}
	return buf.Bytes(), funcs, closures, nil
}

// builder generates the files of one repository.
type builder struct {
	size    Size
	rng     *rand.Rand
	files   []*gofile
	utils   []*pkgInfo // generic utils, then format, validate and httpx
	domains []*domain
	routes  int
}

// pkgInfo is a package whose exported helpers others call.
type pkgInfo struct {
	path, name string
	helpers    []helper
}

// domain is one business domain and its four packages.
type domain struct {
	index      int
	name       string // lower case: the model package's name, the URL prefix
	entity     string // the model type's name
	model      string // import paths
	store      string
	svc        string
	page       string
	deps       []*domain // earlier domains whose services this one uses
	utils      []*pkgInfo
	routes     []routeKind
	callsPrice bool
	helpers    []helper // the model's exported helpers
}

func newBuilder(size Size) *builder {
	return &builder{size: size, rng: rand.New(rand.NewPCG(size.Seed, 0x5eed))}
}

func (b *builder) add(f *gofile) *gofile {
	b.files = append(b.files, f)
	return f
}

// generate produces every file, lowest layers first: a package's helpers
// must exist before the packages calling them are written.
func (b *builder) generate() {
	for i := 0; i < b.size.Utils; i++ {
		b.utils = append(b.utils, b.util(i))
	}
	b.utils = append(b.utils, b.format(), b.validate(), b.httpx())
	b.render()
	b.middleware()
	b.config()
	b.planDomains()
	for _, d := range b.domains {
		b.model(d)
		b.store(d)
		b.service(d)
		b.pages(d)
	}
	b.web()
	b.command()
}

// pickUtils chooses the util packages a package imports: between lo and
// hi of them, the first utils far more often than the last (a few
// helpers packages are imported everywhere, most by a few packages).
func (b *builder) pickUtils(lo, hi int, among []*pkgInfo) []*pkgInfo {
	n := lo + b.rng.IntN(hi-lo+1)
	if n > len(among) {
		n = len(among)
	}
	var out []*pkgInfo
	seen := map[*pkgInfo]bool{}
	for len(out) < n {
		x := b.rng.Float64()
		u := among[int(x*x*float64(len(among)))]
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// helpersOf returns the helpers of the given packages.
func helpersOf(pkgs []*pkgInfo) []helper {
	var out []helper
	for _, p := range pkgs {
		out = append(out, p.helpers...)
	}
	return out
}

// words name the domains; past the list they repeat with a number.
var words = []string{
	"account", "invoice", "payment", "meter", "tariff", "customer", "order",
	"product", "cart", "shipment", "refund", "voucher", "ledger", "report",
	"notice", "ticket", "review", "coupon", "address", "profile", "session",
	"device", "reading", "outage", "contract", "plan", "bundle", "topup",
	"wallet", "transfer", "statement", "receipt", "supplier", "warehouse",
	"stock", "campaign", "survey", "feedback", "document", "upload",
	"schedule", "booking", "branch", "region", "agent", "partner", "claim",
	"policy", "premium", "loan",
}

// planDomains names the domains, chooses their dependencies, utils and
// routes, and which of them show prices.
func (b *builder) planDomains() {
	n := b.size.Domains
	for i := 0; i < n; i++ {
		name := words[i%len(words)]
		if i >= len(words) {
			name += fmt.Sprint(i / len(words))
		}
		d := &domain{
			index:  i,
			name:   name,
			entity: strings.ToUpper(name[:1]) + name[1:],
			model:  Module + "/internal/models/" + name,
			store:  Module + "/internal/stores/" + name + "store",
			svc:    Module + "/internal/services/" + name + "svc",
			page:   Module + "/internal/pages/" + name + "page",
		}
		// Up to two services among the sixteen domains before it.
		if i > 0 {
			lo := max(0, i-16)
			for k, want := 0, b.rng.IntN(3); k < want; k++ {
				dep := b.domains[lo+b.rng.IntN(i-lo)]
				dup := false
				for _, x := range d.deps {
					dup = dup || x == dep
				}
				if !dup {
					d.deps = append(d.deps, dep)
				}
			}
		}
		d.utils = b.pickUtils(2, 3, b.utils)
		b.domains = append(b.domains, d)
	}
	// Routes: spread evenly, the first domains taking the remainder.
	for i, d := range b.domains {
		k := b.size.Routes / n
		if i < b.size.Routes%n {
			k++
		}
		d.routes = routeKinds[:k]
		b.routes += k
	}
	// The pages showing prices: six domains spread over the range.
	for k := 0; k < editCallers; k++ {
		b.domains[k*n/editCallers+n/(2*editCallers)].callsPrice = true
	}
}
