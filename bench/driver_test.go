package main

import (
	"strings"
	"testing"
)

func TestDriveRequest(t *testing.T) {
	params := map[string]string{"target": "games"}
	for _, c := range []struct{ id, method, path string }{
		{"GET /api/v1/message/{id}", "GET", "/api/v1/message/1"},
		{"GET /api/v1/message/{id:[0-9]+}/part/{partID}", "GET", "/api/v1/message/1/part/1"},
		{"POST /api/:target/_doc/:id", "POST", "/api/games/_doc/1"},
		{"GET /static/*filepath", "GET", "/static/1"},
		{"/files/*", "GET", "/files/1"},
		{"ANY /x", "GET", "/x"},
		{"GET /{$}", "GET", "/"},
		{"GET /mod/{path...}", "GET", "/mod/1"},
		{"DELETE /application/:id/message", "DELETE", "/application/1/message"},
	} {
		m, p, ok := driveRequest(c.id)
		p = fillParams(p, params)
		if !ok || m != c.method || p != c.path {
			t.Errorf("driveRequest(%q) = %q %q %v, want %q %q", c.id, m, p, ok, c.method, c.path)
		}
	}
	if _, _, ok := driveRequest("GET example.com/x"); ok {
		t.Errorf("a host pattern has no path to request")
	}
}

func TestDriverSource(t *testing.T) {
	src := driverSource("server", drivers["gotify"], [][2]string{{"GET", "/version"}})
	for _, want := range []string{"package server", `{"GET", "/version"}`, "func TestBlastgateDriveRoutes", "return g", `"Authorization": "Basic YWRtaW46cHc="`} {
		if !strings.Contains(src, want) {
			t.Errorf("driver source lacks %q", want)
		}
	}
}

func TestMergeDriver(t *testing.T) {
	score := func(st [][]string) editScore {
		set := map[string]bool{}
		for _, s := range st {
			set[s[0]] = true
		}
		return editScore{True: sortedKeys(set), Stacks: len(st)}
	}
	s := mergeDriver(score, [][]string{{"a"}}, [][]string{{"a"}, {"b"}})
	if len(s.True) != 2 || s.Driver.TestsTrue != 1 || s.Driver.DriverTrue != 2 || s.Stacks != 1 || s.DriverStacks != 2 {
		t.Errorf("mergeDriver = %+v, %+v", s, s.Driver)
	}
}
