package detect

import (
	"strings"
	"unicode"
)

// RouteID turns a net/http pattern into a route id: "POST /token/buy",
// or "/static/" when the route accepts any method.
func RouteID(pattern string) string {
	fields := strings.Fields(pattern)
	switch len(fields) {
	case 0:
		return pattern
	case 1:
		return fields[0]
	default:
		rest := strings.Join(fields[1:], "")
		// Joining the pieces of broken UTF-8 can make a new space
		// ("\xc2" and "\xa0"): remove it too, so that RouteID(RouteID(p))
		// is RouteID(p).
		for strings.ContainsFunc(rest, unicode.IsSpace) {
			rest = strings.Join(strings.Fields(rest), "")
		}
		if rest == "" {
			return fields[0]
		}
		return fields[0] + " " + rest
	}
}
