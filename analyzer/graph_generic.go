package analyzer

import (
	"go/types"
)

// genericTargets returns the functions and closures used as values
// whose type may be an instance of sig, or sig an instance of theirs,
// where the two are not identical: values made inside generic code are
// filed under signatures that mention type parameters (func(T) T: a
// closure a generic factory returns, Double[T], a method value of a
// generic type), and a call through func(int) int may run them; a call
// inside generic code through a func(T) T value may run a func(int) int.
func (g *Graph) genericTargets(sig *types.Signature) []int {
	if ids, ok := g.genericHits.At(sig).([]int); ok {
		return ids
	}
	ids := g.looseTargets(sig)
	g.genericHits.Set(sig, ids)
	return ids
}

// looseTargets computes genericTargets.
func (g *Graph) looseTargets(sig *types.Signature) []int {
	if g.genericSigs == nil {
		g.genericSigs = []*types.Signature{}
		g.methods.Iterate(func(key types.Type, _ any) {
			if s, ok := key.(*types.Signature); ok && hasTypeParam(s, map[types.Type]bool{}) {
				g.genericSigs = append(g.genericSigs, s)
			}
		})
	}
	candidates := g.genericSigs
	if hasTypeParam(sig, map[types.Type]bool{}) {
		candidates = nil
		g.methods.Iterate(func(key types.Type, _ any) {
			if s, ok := key.(*types.Signature); ok {
				candidates = append(candidates, s)
			}
		})
	}
	out := []int{}
	for _, s := range candidates {
		if types.Identical(s, sig) || !mayInstantiate(s, sig) {
			continue
		}
		ids, _ := g.methods.At(s).([]int)
		out = append(out, ids...)
	}
	return out
}

// mayInstantiate reports whether signatures a and b may stand for the
// same function type once type parameters are replaced: the same
// numbers of parameters and results, both variadic or neither, and at
// each position identical types or a type mentioning a type parameter
// (matched loosely, which over-approximates).
func mayInstantiate(a, b *types.Signature) bool {
	if a.Variadic() != b.Variadic() {
		return false
	}
	return tuplesMayMatch(a.Params(), b.Params()) && tuplesMayMatch(a.Results(), b.Results())
}

func tuplesMayMatch(a, b *types.Tuple) bool {
	if a.Len() != b.Len() {
		return false
	}
	for i := 0; i < a.Len(); i++ {
		x, y := a.At(i).Type(), b.At(i).Type()
		if hasTypeParam(x, map[types.Type]bool{}) || hasTypeParam(y, map[types.Type]bool{}) {
			continue
		}
		if !types.Identical(x, y) {
			return false
		}
	}
	return true
}

// hasTypeParam reports whether t mentions a type parameter.
func hasTypeParam(t types.Type, seen map[types.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.TypeParam:
		return true
	case *types.Alias:
		return hasTypeParam(types.Unalias(t), seen)
	case *types.Named:
		for i := 0; i < t.TypeArgs().Len(); i++ {
			if hasTypeParam(t.TypeArgs().At(i), seen) {
				return true
			}
		}
	case *types.Pointer:
		return hasTypeParam(t.Elem(), seen)
	case *types.Slice:
		return hasTypeParam(t.Elem(), seen)
	case *types.Array:
		return hasTypeParam(t.Elem(), seen)
	case *types.Chan:
		return hasTypeParam(t.Elem(), seen)
	case *types.Map:
		return hasTypeParam(t.Key(), seen) || hasTypeParam(t.Elem(), seen)
	case *types.Signature:
		return hasTypeParam(t.Params(), seen) || hasTypeParam(t.Results(), seen)
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			if hasTypeParam(t.At(i).Type(), seen) {
				return true
			}
		}
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if hasTypeParam(t.Field(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}
