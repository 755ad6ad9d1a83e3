package analyzer

import (
	"go/types"
)

// viaModuleEmbedding reports whether the method of selection s is
// promoted through an embedded field of a module struct: the call reads
// that field, whose writers answer for what it holds, rather than
// running what the caller passed as the receiver.
func (w *walker) viaModuleEmbedding(s *types.Selection) bool {
	idx := s.Index()
	if len(idx) < 2 {
		return false
	}
	t := s.Recv()
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok || idx[0] >= st.NumFields() {
		return false
	}
	return w.g.inModule(st.Field(idx[0]))
}
