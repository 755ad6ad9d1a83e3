package main

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/blastgate/blastgate/analyzer"
	"github.com/blastgate/blastgate/report"
)

// query is what suspects is asked about: a feature id, with or without
// its kind (route POST /token/buy, cmd/shopd, nightly-invoices), or a
// request a monitor or a customer saw (/token/buy?amount=5, POST
// https://shop.example.com/token/buy), which the routes serving it
// answer, matched with each router's own matching.
type query struct {
	raw string
	// kind and id: the query read as a feature id ("" kind: any).
	kind, id string
	// request is set when the query reads as a request, and no feature
	// has it as its id.
	request            bool
	method, host, path string
}

// parseQuery reads s as a feature id and, when it has the form of one,
// as a request.
func parseQuery(s string) query {
	q := query{raw: s, id: strings.TrimSpace(s)}
	if kind, rest, ok := strings.Cut(q.id, " "); ok && isKindWord(kind) {
		q.kind, q.id = kind, strings.TrimSpace(rest)
	}
	target := q.id
	if method, rest, ok := strings.Cut(target, " "); ok && isMethod(method) {
		q.method, target = method, strings.TrimSpace(rest)
	}
	if q.kind != "" && q.kind != report.KindRoute {
		return q
	}
	switch {
	case strings.HasPrefix(target, "/"):
		q.request, q.path = true, target
	case strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://"):
		u, err := url.Parse(target)
		if err != nil {
			return q
		}
		q.request, q.host, q.path = true, u.Hostname(), u.Path
		if q.path == "" {
			q.path = "/"
		}
	}
	if q.request && strings.ContainsAny(q.path, " ") {
		q.request = false
	}
	return q
}

func isKindWord(s string) bool {
	switch s {
	case report.KindRoute, report.KindCommand, report.KindDeclared, "rpc":
		return true
	}
	return false
}

func isMethod(s string) bool {
	return s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// match returns the features the query names, exact ids first, and the
// query as it is to be matched at each commit: by id alone when a
// feature has it as its id, else as a request.
func (q query) match(features []report.Feature) ([]report.SuspectFeature, query) {
	var out []report.SuspectFeature
	for _, f := range features {
		if q.isID(f) {
			out = append(out, suspectFeature(f))
		}
	}
	if len(out) > 0 {
		q.request = false
		return out, q
	}
	for _, f := range features {
		if q.serves(f) {
			out = append(out, suspectFeature(f))
		}
	}
	return out, q
}

// names reports whether the query names f, a feature as it is at one
// commit.
func (q query) names(f report.Feature) bool {
	return q.isID(f) || q.serves(f)
}

func (q query) isID(f report.Feature) bool {
	return f.ID == q.id && (q.kind == "" || q.kind == f.Kind)
}

// serves reports whether f is a route that may serve the query's request.
func (q query) serves(f report.Feature) bool {
	return q.servesRPC(f) || q.request && f.Kind == report.KindRoute && analyzer.RouteIDServes(f.ID, q.method, q.host, q.path)
}

// closestHint names the feature ids closest to the query, for the error
// of a query that names none.
func closestHint(s string, features []report.Feature) string {
	if len(features) == 0 {
		return ": the module has no feature there (blastgate features lists what it finds)"
	}
	s, _, _ = strings.Cut(s, "?")
	type scored struct {
		id   string
		dist int
	}
	var all []scored
	seen := map[string]bool{}
	for _, f := range features {
		if seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		all = append(all, scored{f.ID, editDistance(strings.ToLower(s), strings.ToLower(f.ID))})
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].dist != all[j].dist {
			return all[i].dist < all[j].dist
		}
		return all[i].id < all[j].id
	})
	var ids []string
	for _, c := range all[:min(3, len(all))] {
		ids = append(ids, fmt.Sprintf("%q", c.id))
	}
	return fmt.Sprintf(": the closest feature ids are %s; pass one of them, or a request a route serves (blastgate features lists every feature)", strings.Join(ids, ", "))
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = slices.Min([]int{prev[j] + 1, cur[j-1] + 1, prev[j-1] + cost})
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
