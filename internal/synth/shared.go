package synth

import "fmt"

// The shared packages: generic utils, the display, validation and HTTP
// helpers, rendering, middleware and configuration.

// utilNames name the generic util packages; past the list they are
// numbered. None may be the name of a standard library package the
// generated code uses, nor of a local variable.
var utilNames = []string{
	"strutil", "numutil", "textutil", "timeutil", "sliceutil", "idgen", "slug",
	"pager", "sanitize", "i18n", "csvutil", "money", "geo", "retry", "cachex",
	"mathx",
}

// util writes the i-th generic util package: helpers calling each other
// and up to two earlier utils. Every fourth one also builds a lookup
// table at init.
func (b *builder) util(i int) *pkgInfo {
	name := fmt.Sprintf("util%02d", i)
	if i < len(utilNames) {
		name = utilNames[i]
	}
	p := &pkgInfo{path: Module + "/internal/util/" + name, name: name}
	f := b.add(newFile("internal/util/"+name+"/"+name+".go", name, p.path, nil))
	f.doc = fmt.Sprintf("Package %s holds generic helpers.", name)
	var imported []helper
	if i > 0 {
		imported = helpersOf(b.pickUtils(0, 2, b.utils[:i]))
	}
	p.helpers = b.helpers(f, b.size.FuncsPerPackage, true, "", imported)
	if i%4 == 1 {
		var first helper
		for _, h := range p.helpers {
			if h.kind == kindS {
				first = h
				break
			}
		}
		if first.name != "" {
			f.t(`// table is built at init.
var table = buildTable()

func buildTable() map[string]int {
	t := map[string]int{}
	for i, w := range []string{"alpha", "beta", "gamma"} {
		t[{{first}}(w)] = i
	}
	return t
}

// Lookup returns the table entry of s.
func Lookup(s string) int { return table[s] }
`, "first", first.name)
		}
	}
	return p
}

// format writes the display helpers, among them Price, the function Edit
// changes.
func (b *builder) format() *pkgInfo {
	p := &pkgInfo{path: Module + "/" + editPackage, name: "format"}
	f := b.add(newFile(editFile, "format", p.path, nil))
	f.doc = "Package format formats values for display."
	f.t(`// Price formats an amount in cents as a price label.
func Price(cents int64, currency string) string ` + priceBody + `

// Count formats a count with thousands separators.
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Percent formats a ratio as a percentage.
func Percent(part, whole int64) string {
	if whole == 0 {
		return "-"
	}
	return strconv.FormatInt(part*100/whole, 10) + "%"
}

`)
	p.helpers = b.helpers(f, b.size.FuncsPerPackage-3, true, "", helpersOf(b.pickUtils(1, 2, b.utils)))
	return p
}

// validate writes the Validator interface every model implements.
func (b *builder) validate() *pkgInfo {
	p := &pkgInfo{path: Module + "/internal/validate", name: "validate"}
	f := b.add(newFile("internal/validate/validate.go", "validate", p.path, nil))
	f.doc = "Package validate checks values before they are stored."
	f.t(`// Validator is implemented by every model.
type Validator interface {
	Validate() error
}

// All validates each value and joins the errors.
func All(vs ...Validator) error {
	var errs []error
	for _, v := range vs {
		if err := v.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

`)
	p.helpers = b.helpers(f, b.size.FuncsPerPackage-1, true, "", helpersOf(b.pickUtils(1, 2, b.utils)))
	return p
}

// httpx writes the request helpers.
func (b *builder) httpx() *pkgInfo {
	p := &pkgInfo{path: Module + "/internal/httpx", name: "httpx"}
	f := b.add(newFile("internal/httpx/httpx.go", "httpx", p.path, nil))
	f.doc = "Package httpx reads requests."
	f.t(`// QueryInt returns the integer query parameter key, or def.
func QueryInt(r *http.Request, key string, def int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(key))
	if err != nil {
		return def
	}
	return n
}

// FormInt returns the integer form value key, or def.
func FormInt(r *http.Request, key string, def int) int {
	n, err := strconv.Atoi(r.FormValue(key))
	if err != nil {
		return def
	}
	return n
}

`)
	p.helpers = b.helpers(f, b.size.FuncsPerPackage-2, true, "", helpersOf(b.pickUtils(1, 2, b.utils)))
	return p
}

// renderPath and the other fixed import paths.
const (
	renderPath     = Module + "/internal/render"
	middlewarePath = Module + "/internal/middleware"
	configPath     = Module + "/internal/config"
	webPath        = Module + "/internal/web"
	formatPath     = Module + "/" + editPackage
	validatePath   = Module + "/internal/validate"
	httpxPath      = Module + "/internal/httpx"
)

// render writes the response helpers and the Page interface the detail
// pages implement.
func (b *builder) render() {
	f := b.add(newFile("internal/render/render.go", "render", renderPath, nil))
	f.doc = "Package render writes responses."
	f.t(`// Page is an HTML page.
type Page interface {
	Title() string
	Render(w io.Writer) error
}

// JSON writes v as JSON.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("render: %v", err)
	}
}

// HTML writes a page.
func HTML(w http.ResponseWriter, p Page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>%s</title>", html.EscapeString(p.Title()))
	if err := p.Render(w); err != nil {
		log.Printf("render %s: %v", p.Title(), err)
	}
}

// Error writes err with a status that fits it.
func Error(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	if strings.Contains(err.Error(), "not found") {
		status = http.StatusNotFound
	}
	http.Error(w, err.Error(), status)
}

`)
	b.helpers(f, b.size.FuncsPerPackage-3, true, "", helpersOf(b.pickUtils(1, 2, b.utils)))
}

// middleware writes the handler wrappers the routes use.
func (b *builder) middleware() {
	f := b.add(newFile("internal/middleware/middleware.go", "middleware", middlewarePath, nil))
	f.doc = "Package middleware wraps handlers."
	f.t(`// Logged logs each request next serves.
func Logged(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next(w, r)
		log.Printf("%s %s %s", r.Method, r.URL.Path, time.Since(start))
	}
}

// Auth rejects requests without credentials.
func Auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Recover turns a panic into an internal server error.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				http.Error(w, fmt.Sprint(v), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// RequestID numbers the requests.
func RequestID(next http.Handler) http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", strconv.FormatInt(n.Add(1), 10))
		next.ServeHTTP(w, r)
	})
}

// Chain is middleware applied outermost first.
type Chain []func(http.Handler) http.Handler

// Then wraps h in the chain.
func (c Chain) Then(h http.Handler) http.Handler {
	for i := len(c) - 1; i >= 0; i-- {
		h = c[i](h)
	}
	return h
}
`)
}

// config writes the configuration package.
func (b *builder) config() {
	f := b.add(newFile("internal/config/config.go", "config", configPath, nil))
	f.doc = "Package config reads the server configuration."
	f.t(`// Config is the server configuration.
type Config struct {
	Addr  string
	Debug bool
}

// Load reads the configuration from the environment.
func Load() Config {
	cfg := Config{Addr: ":8080"}
	if v := os.Getenv("ADDR"); v != "" {
		cfg.Addr = v
	}
	cfg.Debug = os.Getenv("DEBUG") != ""
	return cfg
}
`)
}
