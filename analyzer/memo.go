package analyzer

import "sync"

// memo keeps the answers of a function of what is on disk (a generated
// file parsed, a dependency's registrations read), computed on demand
// and safe for concurrent use. It is the one kind of state a Graph
// fills after BuildGraph: an answer never changes, so neither does what
// the graph says (doc.go).
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

// get returns the answer for k, computing it (without the lock held)
// the first time. When two callers compute it at once, the first answer
// stored is the one both get.
func (m *memo[K, V]) get(k K, compute func() V) V {
	m.mu.Lock()
	v, ok := m.m[k]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.m[k]; ok {
		return old
	}
	if m.m == nil {
		m.m = map[K]V{}
	}
	m.m[k] = v
	return v
}
