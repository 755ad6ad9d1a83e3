package synth

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"
)

// gofile accumulates the source of one Go file. Code is written through
// templates whose package qualifiers register the imports they need, so
// that a file imports exactly what it uses (an unused import would not
// compile).
type gofile struct {
	path    string            // relative to the module root, slash-separated
	pkg     string            // package name
	self    string            // the file's own import path
	doc     string            // package comment, or ""
	imports map[string]string // import path -> name
	vars    map[string]string // template variables
	buf     bytes.Buffer
}

func newFile(rel, pkg, self string, vars map[string]string) *gofile {
	return &gofile{path: rel, pkg: pkg, self: self, imports: map[string]string{}, vars: vars}
}

// imp imports p (an import path, or a template variable holding one) and
// returns the name to qualify its identifiers with.
func (f *gofile) imp(p string) string {
	if v, ok := f.vars[p]; ok {
		p = v
	}
	if p == f.self {
		panic(fmt.Sprintf("synth: %s imports itself", p))
	}
	name := path.Base(p)
	if prev, ok := f.imports[p]; ok {
		return prev
	}
	for other, n := range f.imports {
		if n == name {
			panic(fmt.Sprintf("synth: %s: imports %s and %s share the name %s", f.path, other, p, name))
		}
	}
	f.imports[p] = name
	return name
}

// ref returns the expression that names h from this file.
func (f *gofile) ref(h helper) string {
	switch {
	case h.recv != "":
		return h.recv + "." + h.name
	case h.path == f.self:
		return h.name
	}
	return f.imp(h.path) + "." + h.name
}

// t expands a template and appends it. In the template, {{name}} is the
// value of a variable and {{@name}} the qualifier of a package: name is
// a variable holding an import path, or an import path itself
// ({{@net/http}} is "http", and net/http is imported).
func (f *gofile) t(tmpl string, extra ...string) {
	vars := f.vars
	if len(extra) > 0 {
		vars = map[string]string{}
		for k, v := range f.vars {
			vars[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			vars[extra[i]] = extra[i+1]
		}
	}
	for {
		i := strings.Index(tmpl, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(tmpl[i:], "}}")
		if j < 0 {
			panic("synth: unterminated {{ in template")
		}
		key := tmpl[i+2 : i+j]
		f.buf.WriteString(tmpl[:i])
		tmpl = tmpl[i+j+2:]
		if p, ok := strings.CutPrefix(key, "@"); ok {
			if v, ok := vars[p]; ok {
				p = v
			}
			f.buf.WriteString(f.imp(p))
			continue
		}
		v, ok := vars[key]
		if !ok {
			panic(fmt.Sprintf("synth: %s: template variable %q is not set", f.path, key))
		}
		f.buf.WriteString(v)
	}
	f.buf.WriteString(tmpl)
}

// p appends formatted text verbatim.
func (f *gofile) p(format string, args ...any) { fmt.Fprintf(&f.buf, format, args...) }

// stdPackages are the standard library packages generated code may use
// without naming them in a template: a file imports the ones its body
// mentions, as goimports would.
var stdPackages = []string{
	"context", "encoding/csv", "encoding/json", "errors", "flag", "fmt",
	"html", "io", "log", "net/http", "os", "sort", "strconv", "strings",
	"sync", "sync/atomic", "time",
}

// usesStd reports whether body mentions name as a package qualifier.
func usesStd(body []byte, name string) bool {
	sel := []byte(name + ".")
	for i := 0; ; {
		j := bytes.Index(body[i:], sel)
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || !isIdentOrDot(body[j-1]) {
			return true
		}
		i = j + len(sel)
	}
}

func isIdentOrDot(c byte) bool {
	return c == '.' || c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// source returns the file: package clause, sorted imports (standard
// library first), then the body. It is formatted later.
func (f *gofile) source() []byte {
	for _, p := range stdPackages {
		if usesStd(f.buf.Bytes(), path.Base(p)) {
			f.imp(p)
		}
	}
	var out bytes.Buffer
	if f.doc != "" {
		fmt.Fprintf(&out, "// %s\n", f.doc)
	}
	fmt.Fprintf(&out, "package %s\n\n", f.pkg)
	var std, mod []string
	for p := range f.imports {
		if strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
			mod = append(mod, p)
		} else {
			std = append(std, p)
		}
	}
	sort.Strings(std)
	sort.Strings(mod)
	if len(std)+len(mod) > 0 {
		out.WriteString("import (\n")
		for _, p := range std {
			fmt.Fprintf(&out, "\t%q\n", p)
		}
		if len(std) > 0 && len(mod) > 0 {
			out.WriteString("\n")
		}
		for _, p := range mod {
			fmt.Fprintf(&out, "\t%q\n", p)
		}
		out.WriteString(")\n\n")
	}
	out.Write(f.buf.Bytes())
	return out.Bytes()
}
