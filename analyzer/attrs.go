package analyzer

import (
	"path"
	"sort"
	"strings"
)

// AttrDecl is a test's t.Attr("feature", ID) declaration, as the
// analysis of the loaded code finds it (through helpers and constants
// too).
type AttrDecl struct {
	Test    TestRef
	Feature string
	// Dir is the directory of the test's file, relative to the
	// repository root, slash-separated.
	Dir string
	// Func is the function that declares the test: its name, or for a
	// testify suite method TestX/TestM, the method's name TestM.
	Func string
	// Method is set for a suite method.
	Method bool
}

// FeatureAttrs lists every t.Attr("feature", ID) declaration of the
// loaded tests, sorted by test and feature. It needs a program loaded
// with tests.
func (g *credit) FeatureAttrs() []AttrDecl {
	tests := g.testFuncs()
	dirOf := map[TestRef]string{}
	for _, t := range tests {
		if t.decl != nil {
			file, _ := g.prog.Rel(t.decl.Pos())
			dirOf[t.ref] = path.Dir(file)
		}
	}
	var out []AttrDecl
	for _, t := range tests {
		parent, method, isMethod := strings.Cut(t.ref.Name, "/")
		d := AttrDecl{Test: t.ref, Func: t.ref.Name, Dir: dirOf[TestRef{Package: t.ref.Package, Name: parent}], Method: isMethod}
		if isMethod {
			d.Func = method
		}
		seen := map[string]bool{}
		for _, a := range t.attrs {
			if !seen[a] {
				seen[a] = true
				d.Feature = a
				out = append(out, d)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Test != out[j].Test {
			return out[i].Test.String() < out[j].Test.String()
		}
		return out[i].Feature < out[j].Feature
	})
	return out
}
