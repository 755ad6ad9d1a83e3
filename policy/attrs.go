package policy

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/internal/gitrepo"
	"github.com/blastgate/blastgate/report"
)

// baseTests reads the tests of the base revision, to tell which
// t.Attr("feature", ID) declarations a change adds: those give no credit
// until it merges.
type baseTests struct {
	ctx  context.Context
	repo *gitrepo.Repo
	sha  string
	// byDir caches each directory's declarations: function key (see
	// funcKey) to the features its body declares.
	byDir map[string]map[string][]string
}

func newBaseTests(ctx context.Context, repo *gitrepo.Repo, sha string) *baseTests {
	return &baseTests{ctx: ctx, repo: repo, sha: sha, byDir: map[string]map[string][]string{}}
}

// attrs splits the head's declarations: the function returned says
// which count (those the base's version of the same test function
// declares in its own body, with a string literal or a constant of the
// package), and the others are policy changes.
func (b *baseTests) attrs(decls []analyzer.AttrDecl) (func(analyzer.TestRef, string) bool, []report.PolicyChange, error) {
	allowed := map[analyzer.TestRef]map[string]bool{}
	var changes []report.PolicyChange
	for _, d := range decls {
		declared, err := b.declares(d)
		if err != nil {
			return nil, nil, err
		}
		if !declared {
			changes = append(changes, report.PolicyChange{Kind: report.PolicyAttr, Change: report.ChangeAdded,
				Subject: d.Test.String(), Detail: fmt.Sprintf("t.Attr(%q, %q)", "feature", d.Feature)})
			continue
		}
		if allowed[d.Test] == nil {
			allowed[d.Test] = map[string]bool{}
		}
		allowed[d.Test][d.Feature] = true
	}
	return func(t analyzer.TestRef, feature string) bool { return allowed[t][feature] }, changes, nil
}

// declares reports whether the base's version of d's test function
// declares d's feature.
func (b *baseTests) declares(d analyzer.AttrDecl) (bool, error) {
	if d.Dir == "" {
		return false, nil
	}
	funcs, ok := b.byDir[d.Dir]
	if !ok {
		var err error
		if funcs, err = b.readDir(d.Dir); err != nil {
			return false, err
		}
		b.byDir[d.Dir] = funcs
	}
	for _, f := range funcs[funcKey(d.Func, d.Method)] {
		if f == d.Feature {
			return true, nil
		}
	}
	return false, nil
}

func funcKey(name string, method bool) string {
	if method {
		return "method " + name
	}
	return name
}

// readDir parses the base's Go files of dir (syntax only) and collects
// the t.Attr("feature", ID) calls of each test file's functions.
func (b *baseTests) readDir(dir string) (map[string][]string, error) {
	names, err := b.repo.ListFiles(b.ctx, b.sha, dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	consts := map[string]string{}
	for _, name := range names {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		data, exists, err := b.repo.ShowFile(b.ctx, b.sha, name)
		if err != nil || !exists {
			continue // a symlink or a submodule: no test of the base
		}
		f, err := parser.ParseFile(fset, name, data, parser.SkipObjectResolution)
		if err != nil {
			continue // what does not parse declares nothing
		}
		stringConsts(f, consts)
		if strings.HasSuffix(name, "_test.go") {
			files = append(files, f)
		}
	}
	out := map[string][]string{}
	for _, f := range files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			key := funcKey(fd.Name.Name, fd.Recv != nil)
			out[key] = append(out[key], attrCalls(fd.Body, consts)...)
		}
	}
	return out, nil
}

// stringConsts adds the file's package-level string constants.
func stringConsts(f *ast.File, consts map[string]string) {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i < len(vs.Values) {
					if s, ok := literal(vs.Values[i], nil); ok {
						consts[name.Name] = s
					}
				}
			}
		}
	}
}

// attrCalls lists the features of the X.Attr("feature", ID) calls in body.
func attrCalls(body *ast.BlockStmt, consts map[string]string) []string {
	var out []string
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Attr" {
			return true
		}
		key, ok1 := literal(call.Args[0], consts)
		id, ok2 := literal(call.Args[1], consts)
		if ok1 && ok2 && key == "feature" {
			out = append(out, id)
		}
		return true
	})
	return out
}

// literal is the value of a string literal, or of a constant's name.
func literal(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	}
	return "", false
}
