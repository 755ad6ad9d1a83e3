package impact

import (
	"go/ast"
	"go/token"
	"iter"

	"github.com/blastgate/blastgate/report"
)

// Graph is the symbol graph as impact reads it. Node ids run from 0 to
// Len()-1; nothing here writes the graph.
type Graph interface {
	// Len is the number of nodes.
	Len() int
	// Node describes a node.
	Node(id int) Node
	// Out yields a node's out-edges: the node each leads to and the
	// position of the reference (a call, a use) it stands for.
	Out(id int) iter.Seq2[int, token.Pos]
	// Named returns the node of a name (NodeSite nodes stand for the
	// declaration named as they are).
	Named(name string) (int, bool)
	// StartsUp reports whether root stands for what the start-up of a
	// program running the init of package pkg leaves behind for request
	// time: a feature rooted there depends on that init as a whole.
	StartsUp(root int, pkg string) bool
	// Package reports whether a package is one of the loaded program's
	// and whether it failed to type-check (its precision is the package).
	Package(path string) (loaded, broken bool)
	// PackageFile is the first Go file of a package, relative to the
	// repository root (false: none).
	PackageFile(path string) (string, bool)
	// BuildFile is the file standing for what is outside the Go code
	// (go.mod), relative to the repository root.
	BuildFile() string
	// Fset is the program's file set.
	Fset() *token.FileSet
	// File is the syntax of the module file at pos (nil: none).
	File(pos token.Pos) *ast.File
	// Rel is a position as the report gives it: a file relative to the
	// repository root, and a line.
	Rel(pos token.Pos) (string, int)
}

// Node is what impact reads of a node.
type Node struct {
	Name    string
	Kind    NodeKind
	Package string
	Pos     token.Pos
}

// NodeKind is what impact tells apart among nodes.
type NodeKind int

const (
	// NodeOther is a node of none of the kinds below: a method, a type,
	// a field, a variable, a constant, a hand-off.
	NodeOther NodeKind = iota
	// NodeCode is a function or function literal: a declaration of code.
	NodeCode
	// NodeSite is a statement that writes a variable or field; it stands
	// for the declaration named as it is (Graph.Named).
	NodeSite
	// NodeInit is a package's initialization as a whole.
	NodeInit
	// NodePackage is a whole package that did not type-check.
	NodePackage
	// NodeExternal is something outside the Go code: go.mod.
	NodeExternal
	// NodeDependency is a package of a dependency or of the standard
	// library.
	NodeDependency
)

// Feature is a feature as impact reads it.
type Feature struct {
	report.Feature
	// Roots are the nodes whose reach is the feature's reach (-1: none).
	Roots []int
	// Entries are the nodes a request or command enters the feature by.
	Entries []int
	// Regs are the source spans that register the feature.
	Regs []Reg
	// Subcommand marks a command of a command tree: its entries stop the
	// walk of the other commands.
	Subcommand bool
}

// Reg is a source span that registers a route, and the node of the
// declaration it is in (-1: none).
type Reg struct {
	From, To token.Pos
	Encl     int
}

// Changes is a change mapped to the graph.
type Changes interface {
	// IDs are the changed nodes.
	IDs() []int
	// Changed reports whether a node changed.
	Changed(id int) bool
	// Touched are the lines the change touches in the new version of a
	// file (its absolute, clean name): the changed line ranges, and the
	// lines before which old lines were removed.
	Touched(file string) (lines []LineRange, removed []int)
	// Touches reports whether the change touches the lines from..to of a
	// file (its name as the file set gives it): changes one of them, or
	// removes a line between two of them.
	Touches(file string, from, to int) bool
}

// LineRange is a range of lines, both ends included.
type LineRange struct{ Start, End int }
