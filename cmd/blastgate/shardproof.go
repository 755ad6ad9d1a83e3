package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/cover"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/results"
)

// Sharded runs (plan --shards N): each matrix job runs
//
//	blastgate run --base BASE --shard K/N --results-out shard-K.json
//
// which runs shard K's tests as run does, with proof, and writes the go
// test -json output to shard-K.json and the coverage it recorded to
// shard-K.json.proof (shardProofSuffix), without deciding. check
// --results shard-*.json reads each results file's proof file when there
// is one. A proof file vouches only for the results file it was written
// with (its SHA-256), only for the head commit it was recorded at, and
// only for tests that file shows ran: the tests it says ran together in
// a package must be exactly those the results file has for it.

// shardProofSuffix names the proof file of a results file.
const shardProofSuffix = ".proof"

// shardProofFormat marks a proof file.
const shardProofFormat = "blastgate-shard-proof/1"

// shardFlag is run --shard K/N.
type shardFlag struct{ k, n int }

func (s *shardFlag) String() string {
	if s.n == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.k, s.n)
}

func (s *shardFlag) Set(v string) error {
	a, b, ok := strings.Cut(v, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return fmt.Errorf("%q: write K/N, shard K (from 1) of plan --shards N", v)
	}
	s.k, s.n = k, n
	return nil
}

// of returns shard K of the plan split into N commands, as plan --shards
// N splits it.
func (s shardFlag) of(c *change, _ gate.Plan) (gate.Plan, error) {
	full := gate.MakePlan(c.report, c.policy(), c.pkgArg, s.n)
	if s.k > len(full.Commands) {
		return gate.Plan{}, usagef("run: --shard %d/%d: the plan has %d shards for this change (plan --shards %d prints them)", s.k, s.n, len(full.Commands), s.n)
	}
	full.Commands = full.Commands[s.k-1 : s.k]
	return full, nil
}

// shardProof is a proof file: the coverage one shard's run recorded.
type shardProof struct {
	Format  string       `json:"format"`
	Head    string       `json:"head"`
	Shard   string       `json:"shard"`
	Results string       `json:"results_sha256"`
	Groups  []shardGroup `json:"groups"`
	Alone   []shardTest  `json:"alone"`
}

// shardGroup is one package's run: the tests that ran in it and its
// coverage profile.
type shardGroup struct {
	Package string   `json:"package"`
	Tests   []string `json:"tests"`
	Profile string   `json:"profile"`
	// Setup is the coverage of the binary's run of no test, when it ran.
	Setup string `json:"setup,omitempty"`
}

// shardTest is the coverage of a test rerun alone.
type shardTest struct {
	Package string `json:"package"`
	Name    string `json:"name"`
	Profile string `json:"profile"`
	Setup   string `json:"setup,omitempty"`
}

// writeShardProof writes the proof file of the results at path.
func writeShardProof(c *change, path string, rec recorded, sh shardFlag, stderr io.Writer) error {
	sum, err := fileSHA256(path)
	if err != nil {
		return err
	}
	p := shardProof{Format: shardProofFormat, Head: c.report.Head, Shard: sh.String(), Results: sum, Groups: []shardGroup{}, Alone: []shardTest{}}
	for _, g := range rec.groups {
		p.Groups = append(p.Groups, shardGroup{Package: g.Package, Tests: g.Tests, Profile: profileText(g.Profiles), Setup: setupText(g.Setup)})
	}
	for _, t := range rec.alone {
		p.Alone = append(p.Alone, shardTest{Package: t.Package, Name: t.Name, Profile: profileText(t.Profiles), Setup: setupText(t.Setup)})
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path+shardProofSuffix, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the shard's proof: %w", err)
	}
	fmt.Fprintf(stderr, "shard %s: proof recorded in %s; check --results with every shard's file decides\n", sh.String(), path+shardProofSuffix)
	return nil
}

func fileSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// profileText writes profiles back in go test -coverprofile's format.
func profileText(ps []*cover.Profile) string {
	var b strings.Builder
	mode := "set"
	if len(ps) > 0 && ps[0].Mode != "" {
		mode = ps[0].Mode
	}
	fmt.Fprintf(&b, "mode: %s\n", mode)
	for _, p := range ps {
		for _, bl := range p.Blocks {
			fmt.Fprintf(&b, "%s:%d.%d,%d.%d %d %d\n", p.FileName, bl.StartLine, bl.StartCol, bl.EndLine, bl.EndCol, bl.NumStmt, bl.Count)
		}
	}
	return b.String()
}

// applyShardProof reads the proof file next to each results file, when
// there is one, and gives the report the proof it records.
func (c *change) applyShardProof(files []string) error {
	var groups []gate.GroupCoverage
	var alone []gate.TestCoverage
	for _, file := range files {
		data, err := os.ReadFile(file + shardProofSuffix)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading the shard's proof: %w", err)
		}
		g, a, err := c.readShardProof(file, data)
		if err != nil {
			return fmt.Errorf("%s%s: %w", file, shardProofSuffix, err)
		}
		groups, alone = append(groups, g...), append(alone, a...)
	}
	policy := c.policy()
	gate.ApplyGroupCoverage(c.report, groups, policy)
	gate.ApplyCoverage(c.report, alone, policy)
	return nil
}

// readShardProof checks a proof file against its results file and
// returns what it records.
func (c *change) readShardProof(file string, data []byte) ([]gate.GroupCoverage, []gate.TestCoverage, error) {
	var p shardProof
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&p); err != nil || p.Format != shardProofFormat {
		return nil, nil, fmt.Errorf("not a proof file written by blastgate run --shard: delete it, or rerun the shard")
	}
	if p.Head != c.report.Head {
		return nil, nil, fmt.Errorf("recorded at commit %s, not at the head %s: pass the shards of this commit's run", short(p.Head), short(c.report.Head))
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return nil, nil, err
	}
	if sum != p.Results {
		return nil, nil, fmt.Errorf("was written with other results than %s (the file changed since): rerun the shard", file)
	}
	set, err := results.ReadFiles(file)
	if err != nil {
		return nil, nil, err
	}
	ran := testsByPackage(set)
	var groups []gate.GroupCoverage
	for _, g := range p.Groups {
		want := slices.Sorted(slices.Values(ran[g.Package]))
		got := slices.Sorted(slices.Values(g.Tests))
		if !slices.Equal(want, got) {
			return nil, nil, fmt.Errorf("its run of %s is not the one %s records: rerun the shard", g.Package, file)
		}
		ps, err := cover.ParseProfilesFromReader(strings.NewReader(g.Profile))
		if err != nil {
			return nil, nil, err
		}
		setup, err := parseSetup(g.Setup)
		if err != nil {
			return nil, nil, err
		}
		groups = append(groups, gate.GroupCoverage{Package: g.Package, Tests: got, Profiles: ps, Setup: setup})
	}
	var alone []gate.TestCoverage
	for _, t := range p.Alone {
		if r, ok := set.Tests[results.Key{Package: t.Package, Name: t.Name}]; !ok || r.Result != results.Pass {
			return nil, nil, fmt.Errorf("it records %s (%s), which did not pass in %s: rerun the shard", t.Name, t.Package, file)
		}
		ps, err := cover.ParseProfilesFromReader(strings.NewReader(t.Profile))
		if err != nil {
			return nil, nil, err
		}
		setup, err := parseSetup(t.Setup)
		if err != nil {
			return nil, nil, err
		}
		alone = append(alone, gate.TestCoverage{Package: t.Package, Name: t.Name, Profiles: ps, Setup: setup})
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Package < groups[j].Package })
	return groups, alone, nil
}

// setupText is profileText, "" for no setup run.
func setupText(ps []*cover.Profile) string {
	if ps == nil {
		return ""
	}
	return profileText(ps)
}

func parseSetup(text string) ([]*cover.Profile, error) {
	if text == "" {
		return nil, nil
	}
	return cover.ParseProfilesFromReader(strings.NewReader(text))
}
