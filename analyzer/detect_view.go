package analyzer

import "github.com/blastgate/blastgate/analyzer/detect"

// The detectors move to package detect (issue 15); these names keep the
// analyzer's API and its callers unchanged while they do.

// routePattern is a route id parsed for matching requests
// (detect.Pattern).
type routePattern = detect.Pattern

// parsePattern parses a route id as RouteID writes it (detect.ParsePattern).
func parsePattern(id string) (routePattern, bool) { return detect.ParsePattern(id) }

// RouteID turns a net/http pattern into a route id: "POST /token/buy",
// or "/static/" when the route accepts any method (detect.RouteID).
func RouteID(pattern string) string { return detect.RouteID(pattern) }
