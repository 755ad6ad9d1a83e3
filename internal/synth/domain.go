package synth

import (
	"fmt"
	"strings"
)

// The four packages of a domain: model, store, service and pages.

// vars are a domain's template variables.
func (d *domain) vars() map[string]string {
	return map[string]string{
		"dn": d.name, "E": d.entity,
		"model": d.model, "store": d.store, "svc": d.svc, "page": d.page,
	}
}

// model writes the entity, its Status and the model helpers. The entity
// refers to the model of its first dependency, and implements
// validate.Validator.
func (b *builder) model(d *domain) {
	hf := b.add(newFile("internal/models/"+d.name+"/helpers.go", d.name, d.model, nil))
	pool := helpersOf(d.utils)
	d.helpers = b.helpers(hf, b.size.FuncsPerPackage-4, true, "", pool)
	f := b.add(newFile("internal/models/"+d.name+"/"+d.name+".go", d.name, d.model, d.vars()))
	f.doc = fmt.Sprintf("Package %s is the %s model.", d.name, d.name)
	clean, _ := b.callee(nil, pool, kindS)
	tag, _ := b.callee(d.helpers, nil, kindS)
	owner := ""
	if len(d.deps) > 0 {
		owner = fmt.Sprintf("\tOwner   *%s.%s\n", f.imp(d.deps[0].model), d.deps[0].entity)
	}
	f.t(`// Status is the lifecycle state of a {{E}}.
type Status int

// The states a {{E}} goes through.
const (
	StatusDraft Status = iota
	StatusActive
	StatusArchived
)

// String names the status.
func (s Status) String() string {
	switch s {
	case StatusDraft:
		return "draft"
	case StatusActive:
		return "active"
	}
	return "archived"
}

// {{E}} is one {{dn}} record.
type {{E}} struct {
	ID      string
	Name    string
	Amount  int64
	Status  Status
	Created time.Time
	Tags    []string
{{owner}}}

// New returns a draft {{E}}.
func New(id, name string, amount int64) *{{E}} {
	return &{{E}}{ID: id, Name: name, Amount: amount, Status: StatusDraft}
}

// Validate reports whether the {{E}} may be saved.
func (x *{{E}}) Validate() error {
	if x.ID == "" || x.Name == "" {
		return errors.New("{{dn}}: id and name are required")
	}
	if x.Amount < 0 {
		return fmt.Errorf("{{dn}} %s: negative amount %d", x.ID, x.Amount)
	}
	return nil
}

// Label is the display name.
func (x *{{E}}) Label() string {
	return {{clean}}({{tag}}(x.Name)) + " (" + x.Status.String() + ")"
}
`, "owner", owner, "clean", f.ref(clean), "tag", f.ref(tag))
}

// store writes the Repository interface and its three implementations:
// an in-memory map, a read cache and a logger, the last two wrapping
// another Repository.
func (b *builder) store(d *domain) {
	hf := b.add(newFile("internal/stores/"+d.name+"store/helpers.go", d.name+"store", d.store, nil))
	own := b.helpers(hf, b.size.FuncsPerPackage-12, false, "", append(helpersOf(d.utils), d.helpers...))
	tag, _ := b.callee(own, nil, kindS)
	f := b.add(newFile("internal/stores/"+d.name+"store/store.go", d.name+"store", d.store, d.vars()))
	f.vars["tag"] = f.ref(tag)
	f.doc = fmt.Sprintf("Package %sstore stores %s records.", d.name, d.name)
	f.t(`// Repository stores {{E}} records.
type Repository interface {
	Get(ctx context.Context, id string) (*{{@model}}.{{E}}, error)
	List(ctx context.Context, limit int) ([]*{{@model}}.{{E}}, error)
	Save(ctx context.Context, x *{{@model}}.{{E}}) error
}

// ErrNotFound is returned for an unknown id.
var ErrNotFound = errors.New("{{dn}} not found")

// memory is an in-memory Repository.
type memory struct {
	mu    sync.Mutex
	items map[string]*{{@model}}.{{E}}
	now   func() time.Time
}

// NewMemory returns an empty in-memory Repository.
func NewMemory() Repository {
	return &memory{items: map[string]*{{@model}}.{{E}}{}, now: time.Now}
}

// Get returns the record with the given id.
func (m *memory) Get(ctx context.Context, id string) (*{{@model}}.{{E}}, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	x, ok := m.items[id]
	if !ok {
		return nil, ErrNotFound
	}
	return x, nil
}

// List returns up to limit records, by id.
func (m *memory) List(ctx context.Context, limit int) ([]*{{@model}}.{{E}}, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*{{@model}}.{{E}}, 0, len(m.items))
	for _, x := range m.items {
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Save stores x.
func (m *memory) Save(ctx context.Context, x *{{@model}}.{{E}}) error {
	if err := x.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if x.Created.IsZero() {
		x.Created = m.now()
		x.Tags = append(x.Tags, {{tag}}(x.ID))
	}
	m.items[x.ID] = x
	return nil
}

// cached serves reads from a cache in front of another Repository.
type cached struct {
	next Repository
	mu   sync.Mutex
	hits map[string]*{{@model}}.{{E}}
}

// WithCache caches the reads of next.
func WithCache(next Repository) Repository {
	return &cached{next: next, hits: map[string]*{{@model}}.{{E}}{}}
}

// Get returns a cached record, else asks next.
func (c *cached) Get(ctx context.Context, id string) (*{{@model}}.{{E}}, error) {
	c.mu.Lock()
	x, ok := c.hits[id]
	c.mu.Unlock()
	if ok {
		return x, nil
	}
	x, err := c.next.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.hits[id] = x
	c.mu.Unlock()
	return x, nil
}

// List is not cached.
func (c *cached) List(ctx context.Context, limit int) ([]*{{@model}}.{{E}}, error) {
	return c.next.List(ctx, limit)
}

// Save drops the cached copy, then saves.
func (c *cached) Save(ctx context.Context, x *{{@model}}.{{E}}) error {
	c.mu.Lock()
	delete(c.hits, x.ID)
	c.mu.Unlock()
	return c.next.Save(ctx, x)
}

// logged logs every call to another Repository.
type logged struct {
	next Repository
	logf func(format string, args ...any)
}

// WithLog logs the calls to next with logf.
func WithLog(next Repository, logf func(format string, args ...any)) Repository {
	return &logged{next: next, logf: logf}
}

// Get logs, then gets.
func (l *logged) Get(ctx context.Context, id string) (*{{@model}}.{{E}}, error) {
	l.logf("{{dn}}: get %s", id)
	return l.next.Get(ctx, id)
}

// List logs, then lists.
func (l *logged) List(ctx context.Context, limit int) ([]*{{@model}}.{{E}}, error) {
	l.logf("{{dn}}: list %d", limit)
	return l.next.List(ctx, limit)
}

// Save logs, then saves.
func (l *logged) Save(ctx context.Context, x *{{@model}}.{{E}}) error {
	l.logf("{{dn}}: save %s", x.ID)
	return l.next.Save(ctx, x)
}
`)
}

// service writes the domain's Service: it uses its Repository through
// the interface, the services of its dependencies, a clock function,
// hooks, and a local closure.
func (b *builder) service(d *domain) {
	hf := b.add(newFile("internal/services/"+d.name+"svc/helpers.go", d.name+"svc", d.svc, nil))
	own := b.helpers(hf, b.size.FuncsPerPackage-6, false, "svc", append(helpersOf(d.utils), d.helpers...))
	tag, _ := b.callee(own, nil, kindS)
	f := b.add(newFile("internal/services/"+d.name+"svc/service.go", d.name+"svc", d.svc, d.vars()))
	f.doc = fmt.Sprintf("Package %ssvc is the %s business logic.", d.name, d.name)
	var fields, params, inits, summary strings.Builder
	for _, dep := range d.deps {
		q := f.imp(dep.svc)
		fmt.Fprintf(&fields, "\t%s *%s.Service\n", dep.name, q)
		fmt.Fprintf(&params, ", %s *%s.Service", dep.name, q)
		fmt.Fprintf(&inits, ", %s: %s", dep.name, dep.name)
		fmt.Fprintf(&summary, "\tif s.%s != nil {\n\t\tout += \"; \" + s.%s.Summary(ctx)\n\t}\n", dep.name, dep.name)
	}
	clean, _ := b.callee(nil, helpersOf(d.utils), kindS)
	f.t(`// Service is the {{dn}} business logic.
type Service struct {
	repo  {{@store}}.Repository
{{fields}}	clock func() time.Time
	hooks []func(*{{@model}}.{{E}})
}

// New returns a Service storing into repo.
func New(repo {{@store}}.Repository{{params}}) *Service {
	return &Service{repo: repo{{inits}}, clock: time.Now}
}

// OnCreate registers a hook run after each create.
func (s *Service) OnCreate(h func(*{{@model}}.{{E}})) { s.hooks = append(s.hooks, h) }

// Get returns one {{E}}.
func (s *Service) Get(ctx context.Context, id string) (*{{@model}}.{{E}}, error) {
	return s.repo.Get(ctx, id)
}

// List returns up to limit {{E}} records that are not archived.
func (s *Service) List(ctx context.Context, limit int) ([]*{{@model}}.{{E}}, error) {
	items, err := s.repo.List(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("listing {{dn}}: %w", err)
	}
	keep := func(x *{{@model}}.{{E}}) bool { return x.Status != {{@model}}.StatusArchived }
	out := items[:0]
	for _, x := range items {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out, nil
}

// Create validates and stores a new {{E}}, then runs the hooks.
func (s *Service) Create(ctx context.Context, name string, amount int64) (*{{@model}}.{{E}}, error) {
	x := {{@model}}.New(strconv.FormatInt(s.clock().UnixNano(), 36), s.{{tag}}({{clean}}(name)), amount)
	if err := {{@validate}}.All(x); err != nil {
		return nil, err
	}
	if err := s.repo.Save(ctx, x); err != nil {
		return nil, err
	}
	for _, h := range s.hooks {
		h(x)
	}
	return x, nil
}

// Summary describes the {{dn}} records and those of the domains it uses.
func (s *Service) Summary(ctx context.Context) string {
	items, _ := s.repo.List(ctx, 0)
	out := fmt.Sprintf("%d {{dn}}", len(items))
{{summary}}	return out
}
`, "fields", fields.String(), "params", params.String(), "inits", inits.String(),
		"summary", summary.String(), "clean", f.ref(clean), "tag", tag.name, "validate", validatePath)
}

// routeKind is a handler every pages package may have, and its route.
type routeKind struct {
	handler, method, suffix string
}

// routeKinds are the handlers in the order domains get them.
var routeKinds = []routeKind{
	{"List", "GET", ""},
	{"Show", "GET", "/{id}"},
	{"Create", "POST", ""},
	{"Update", "PUT", "/{id}"},
	{"Delete", "DELETE", "/{id}"},
	{"Export", "GET", "/export"},
	{"Search", "GET", "/search"},
	{"Stats", "GET", "/stats"},
}

// handlerBodies are the route handlers of a pages package.
var handlerBodies = map[string]string{
	"List": `	items, err := h.svc.List(r.Context(), {{@httpx}}.QueryInt(r, "limit", 20))
	if err != nil {
		{{@render}}.Error(w, err)
		return
	}
	{{@render}}.JSON(w, http.StatusOK, rows(items))
`,
	"Show": `	x, err := h.svc.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		{{@render}}.Error(w, err)
		return
	}
	{{@render}}.HTML(w, detail{x: x})
`,
	"Create": `	x, err := h.svc.Create(r.Context(), r.FormValue("name"), int64({{@httpx}}.FormInt(r, "amount", 0)))
	if err != nil {
		{{@render}}.Error(w, err)
		return
	}
	http.Redirect(w, r, "/{{dn}}/"+x.ID, http.StatusSeeOther)
`,
	"Update": `	x, err := h.svc.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		{{@render}}.Error(w, err)
		return
	}
	x.Name = r.FormValue("name")
	{{@render}}.JSON(w, http.StatusOK, row(x))
`,
	"Delete": `	if _, err := h.svc.Get(r.Context(), r.PathValue("id")); err != nil {
		{{@render}}.Error(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
`,
	"Export": `	items, err := h.svc.List(r.Context(), 0)
	if err != nil {
		{{@render}}.Error(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	cw := csv.NewWriter(w)
	for _, x := range items {
		if err := cw.Write([]string{x.ID, x.Name, strconv.FormatInt(x.Amount, 10)}); err != nil {
			return
		}
	}
	cw.Flush()
`,
	"Search": `	items, err := h.svc.List(r.Context(), 0)
	if err != nil {
		{{@render}}.Error(w, err)
		return
	}
	q := strings.ToLower(r.URL.Query().Get("q"))
	match := func(x *{{@model}}.{{E}}) bool { return strings.Contains(strings.ToLower(x.Name), q) }
	var found []*{{@model}}.{{E}}
	for _, x := range items {
		if match(x) {
			found = append(found, x)
		}
	}
	{{@render}}.JSON(w, http.StatusOK, rows(found))
`,
	"Stats": `	{{@render}}.JSON(w, http.StatusOK, map[string]string{"summary": h.svc.Summary(r.Context())})
`,
}

// pages writes the domain's Handler: one method per route, a detail page
// implementing render.Page, and the JSON rows. The pages of the domains
// marked callsPrice show prices through format.Price.
func (b *builder) pages(d *domain) {
	core := 1 + len(d.routes) + 4
	if d.callsPrice {
		core++
	}
	hf := b.add(newFile("internal/pages/"+d.name+"page/helpers.go", d.name+"page", d.page, nil))
	own := b.helpers(hf, max(1, b.size.FuncsPerPackage-core), false, "", append(helpersOf(d.utils), d.helpers...))
	tag, _ := b.callee(own, nil, kindS)
	f := b.add(newFile("internal/pages/"+d.name+"page/page.go", d.name+"page", d.page, d.vars()))
	f.vars["tag"] = f.ref(tag)
	f.vars["render"], f.vars["httpx"] = renderPath, httpxPath
	f.doc = fmt.Sprintf("Package %spage serves the %s pages.", d.name, d.name)
	amount, detailAmount := "{{@format}}.Count(x.Amount)", "{{@format}}.Count(d.x.Amount)"
	if d.callsPrice {
		amount, detailAmount = "priceLabel(x)", "priceLabel(d.x)"
	}
	f.vars["format"] = formatPath
	f.t(`// Handler serves the {{dn}} pages.
type Handler struct {
	svc *{{@svc}}.Service
}

// New returns the handler of the {{dn}} pages.
func New(svc *{{@svc}}.Service) *Handler { return &Handler{svc: svc} }

`)
	for _, k := range d.routes {
		f.t("// {{handler}} serves {{method}} /{{dn}}{{suffix}}.\nfunc (h *Handler) {{handler}}(w http.ResponseWriter, r *http.Request) {\n",
			"handler", k.handler, "method", k.method, "suffix", k.suffix)
		f.t(handlerBodies[k.handler])
		f.p("}\n\n")
	}
	f.t(`// detail is the page of one {{E}}.
type detail struct{ x *{{@model}}.{{E}} }

// Title is the page title.
func (d detail) Title() string { return d.x.Label() }

// Render writes the page body.
func (d detail) Render(w io.Writer) error {
	_, err := fmt.Fprintf(w, "<h1>%s</h1><p>%s</p>", html.EscapeString(d.Title()), ` + detailAmount + `)
	return err
}

// row is the JSON form of one {{E}}.
func row(x *{{@model}}.{{E}}) map[string]string {
	return map[string]string{"id": x.ID, "name": x.Label(), "amount": ` + amount + `, "tag": {{tag}}(x.ID)}
}

// rows is the JSON form of a list.
func rows(items []*{{@model}}.{{E}}) []map[string]string {
	out := make([]map[string]string, 0, len(items))
	for _, x := range items {
		out = append(out, row(x))
	}
	return out
}

`)
	if d.callsPrice {
		f.t(`// priceLabel is the price the {{dn}} pages show.
func priceLabel(x *{{@model}}.{{E}}) string { return {{@format}}.Price(x.Amount, "EUR") }
`)
	}
}
