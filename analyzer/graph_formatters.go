package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// Standard-library functions that take a module value as an interface,
// use it while they run and keep nothing of it, and call only a known
// set of its methods (by interface, or by reflection through its
// exported fields). A value handed to them reaches those methods, of its
// type and of every module type it holds, and the layout of those types
// (what reflection reads), through a `(formatted by fmt) T` step; not
// every method of them, as a conversion to an interface handed anywhere
// else does (convAll).
//
// Left out on purpose, so they keep the conservative rule: fmt.Errorf
// and errors.Join, whose result keeps the value (errors.As may later
// call any method of it, grpc's GRPCStatus say); log/slog, which hands
// the value to whatever slog.Handler is installed, a dependency's
// included; text/template and html/template, whose templates may call
// any exported method; json.NewEncoder and the like, whose parameter is
// not the value formatted.
type formatter struct {
	label   string          // the trace's name: "formatted by fmt"
	methods map[string]bool // the methods it may call on what it is given
}

var (
	fmtFormatter = &formatter{label: "formatted by fmt", methods: names(
		"String", "Error", "Format", "GoString", // Stringer, error, Formatter, GoStringer
		"Scan", // Scanner, for the Scan functions
	)}
	jsonFormatter = &formatter{label: "encoded by encoding/json", methods: names(
		"MarshalJSON", "MarshalText", "UnmarshalJSON", "UnmarshalText",
	)}
	errorsFormatter = &formatter{label: "inspected by errors", methods: names(
		"Error", "Unwrap", "Is", "As",
	)}
)

func names(ms ...string) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		out[m] = true
	}
	return out
}

// formatterOf returns the model of the standard-library function call
// calls, or nil when it has none.
func (w *walker) formatterOf(call *ast.CallExpr) *formatter {
	fn, ok := typeutil.Callee(w.info, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil
	}
	name := fn.Name()
	recv := ""
	if r := fn.Signature().Recv(); r != nil {
		t := r.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := t.(*types.Named)
		if !ok {
			return nil
		}
		recv = n.Obj().Name()
	}
	switch fn.Pkg().Path() {
	case "fmt":
		if recv == "" && name != "Errorf" {
			return fmtFormatter
		}
	case "log":
		// log formats with fmt and writes the string: it keeps nothing.
		if (recv == "" || recv == "Logger") && (strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic")) {
			return fmtFormatter
		}
	case "encoding/json":
		switch {
		case recv == "" && (name == "Marshal" || name == "MarshalIndent" || name == "Unmarshal"),
			recv == "Encoder" && name == "Encode",
			recv == "Decoder" && name == "Decode":
			return jsonFormatter
		}
	case "errors":
		if recv == "" && (name == "Is" || name == "As" || name == "Unwrap") {
			return errorsFormatter
		}
	}
	return nil
}

// convFormatted records that a value of type src is handed as an
// interface of type target to the function f models: the current node
// depends on the methods f may call. Only the values f formats are
// modelled, passed as `any` (or as `error` to errors); it reports false
// for any other parameter (fmt.Fprint's io.Writer), which keeps the
// conservative rule.
func (w *walker) convFormatted(f *formatter, target, src types.Type, pos token.Pos) bool {
	if target == nil || !isFormattedParam(target) {
		return false
	}
	if src == nil || types.IsInterface(src) {
		return true
	}
	w.g.recordCreate(w.cur, src, pos, true)
	if h := w.g.formattedBy(f, src); h >= 0 {
		key := convKey{from: w.cur, t: f.label + " " + types.TypeString(src, nil)}
		if !w.g.convs[key] {
			w.g.convs[key] = true
			w.g.edge(w.cur, h, pos)
		}
	}
	return true
}

// isFormattedParam reports whether a parameter of type t takes the value
// a modelled function formats: `any`, or `error`.
func isFormattedParam(t types.Type) bool {
	it, ok := t.Underlying().(*types.Interface)
	if !ok {
		return false
	}
	return it.NumMethods() == 0 || types.Identical(t, types.Universe.Lookup("error").Type())
}

// formattedBy returns the hand-off node standing for what f may run of
// a value of type t: the methods of f's set among those t holds, and the
// layout of the module types it holds; -1 when there is none.
func (g *Graph) formattedBy(f *formatter, t types.Type) int {
	name := "(" + f.label + ") " + types.TypeString(t, nil)
	if id, ok := g.handoffs[name]; ok {
		return id
	}
	var ids []int
	for _, m := range g.methodsHeldBy(t) {
		if n := g.nodes[m]; n.kind == typeNode || f.methods[methodName(n.name)] {
			ids = append(ids, m)
		}
	}
	return g.typeHandoff(name, t, ids)
}

// methodName is the last element of a method node's name:
// String in example.com/m/web.(*T).String.
func methodName(name string) string {
	return name[strings.LastIndex(name, ".")+1:]
}
