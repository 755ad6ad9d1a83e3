package synth

import (
	"fmt"
	"strings"
)

// Helpers are the filler that gives packages their size: small functions
// over a string s and an int n that call other helpers, as utility code
// does. Their shapes are few, so any helper can call any other.

// kind is a helper's signature.
type kind int

const (
	kindS  kind = iota // func(s string) string
	kindI              // func(n int) int
	kindSI             // func(s string, n int) string
)

// helper is a generated helper function or method.
type helper struct {
	path string // import path of its package
	name string
	kind kind
	recv string // the receiver variable, for a method called as recv.name
}

// How often a helper body contains each construct. Closures called
// through a local variable and function values make calls through
// function values (the analyzer links them to every function of the same
// signature used as a value), so they are kept as rare as in real code.
const (
	pCond         = 0.30 // an if statement
	pLoop         = 0.15 // a for loop
	pMapClosure   = 0.06 // a closure handed to strings.Map
	pSortClosure  = 0.04 // a closure handed to sort.Slice
	pLocalClosure = 0.03 // a closure assigned to a local and called
	pFuncValue    = 0.02 // a function or method value assigned and called
	pOwnCallee    = 0.5  // a call goes to the helper's own package
)

var verbs = []string{
	"Clean", "Trim", "Pad", "Fold", "Split", "Join", "Mask", "Quote", "Shorten",
	"Expand", "Score", "Weigh", "Rank", "Bucket", "Round", "Clamp", "Hash",
	"Tag", "Mark", "Norm",
}

// helperName is the name of the i-th helper of a package.
func helperName(i int, exported bool) string {
	name := fmt.Sprintf("%s%d", verbs[i%len(verbs)], i)
	if !exported {
		name = strings.ToLower(name[:1]) + name[1:]
	}
	return name
}

// helpers appends count helpers to f and returns them. Each calls one to
// three others: earlier helpers of its own package or helpers of the
// packages in imported. recv, when set, makes them methods of *Service
// with that receiver name. The first is always of kindS.
func (b *builder) helpers(f *gofile, count int, exported bool, recv string, imported []helper) []helper {
	var own []helper
	for i := 0; i < count; i++ {
		h := helper{path: f.self, name: helperName(i, exported), recv: recv}
		switch x := b.rng.Float64(); {
		case i == 0 || x < 0.45: // the first one is a func(string) string, for the core code to call
			h.kind = kindS
		case x < 0.70:
			h.kind = kindI
		default:
			h.kind = kindSI
		}
		b.helper(f, h, own, imported)
		own = append(own, h)
	}
	return own
}

// helper writes one helper function.
func (b *builder) helper(f *gofile, h helper, own, imported []helper) {
	recv := ""
	if h.recv != "" {
		recv = "(" + h.recv + " *Service) "
	}
	f.p("// %s is a generated helper.\n", h.name)
	switch h.kind {
	case kindS:
		f.p("func %s%s(s string) string {\n\tn := len(s)\n", recv, h.name)
	case kindI:
		f.p("func %s%s(n int) int {\n\ts := strconv.Itoa(n)\n", recv, h.name)
	case kindSI:
		f.p("func %s%s(s string, n int) string {\n", recv, h.name)
	}
	for k, calls := 0, 1+b.rng.IntN(3); k < calls; k++ {
		c, ok := b.callee(own, imported, -1)
		if !ok {
			f.p("\ts = strings.TrimSpace(s)\n\tn = n*31 + 7\n")
			continue
		}
		switch c.kind {
		case kindS:
			f.p("\ts = %s(s)\n", f.ref(c))
		case kindI:
			f.p("\tn = %s(n)\n", f.ref(c))
		case kindSI:
			f.p("\ts = %s(s, n)\n", f.ref(c))
		}
	}
	if b.chance(pCond) {
		f.p("\tif n%%2 == 0 {\n\t\ts = strings.ToUpper(s)\n\t}\n")
	}
	if b.chance(pLoop) {
		f.p("\tfor i := 0; i < 3; i++ {\n\t\tn += len(s) %% (i + 2)\n\t}\n")
	}
	if b.chance(pMapClosure) {
		f.p("\ts = strings.Map(func(c rune) rune {\n\t\tif c == '_' {\n\t\t\treturn '-'\n\t\t}\n\t\treturn c\n\t}, s)\n")
	}
	if b.chance(pSortClosure) {
		f.p("\tparts := strings.Fields(s)\n\tsort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })\n\ts = strings.Join(parts, \" \")\n")
	}
	if b.chance(pLocalClosure) {
		if c, ok := b.callee(own, imported, kindS); ok {
			f.p("\tapply := func(v string) string { return %s(v) }\n\ts = apply(s)\n", f.ref(c))
		} else {
			f.p("\tapply := func(v string) string { return strings.TrimSpace(v) }\n\ts = apply(s)\n")
		}
	}
	if b.chance(pFuncValue) {
		if c, ok := b.callee(own, imported, kindS); ok {
			f.p("\tfn := %s\n\ts = fn(s)\n", f.ref(c))
		}
	}
	if h.kind == kindI {
		f.p("\treturn n + len(s)\n}\n\n")
	} else {
		f.p("\treturn s + strconv.Itoa(n)\n}\n\n")
	}
}

// callee picks a helper to call: of the given kind unless want is -1,
// from the package's own earlier helpers about half the time.
func (b *builder) callee(own, imported []helper, want kind) (helper, bool) {
	filter := func(hs []helper) []helper {
		if want < 0 {
			return hs
		}
		var out []helper
		for _, h := range hs {
			if h.kind == want {
				out = append(out, h)
			}
		}
		return out
	}
	own, imported = filter(own), filter(imported)
	switch {
	case len(own) > 0 && (len(imported) == 0 || b.chance(pOwnCallee)):
		return own[b.rng.IntN(len(own))], true
	case len(imported) > 0:
		return imported[b.rng.IntN(len(imported))], true
	}
	return helper{}, false
}

func (b *builder) chance(p float64) bool { return b.rng.Float64() < p }
