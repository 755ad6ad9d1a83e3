package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"
)

// printReport writes the results as Markdown tables, then the targets
// the checks held them to (v) and what they found.
func printReport(w io.Writer, results []*appResult, v verdict) {
	printTables(w, results)
	printDriver(w, results)
	printCost(w, results)
	printProofCost(w, results)
	printCredit(w, results)
	printNotes(w, results)
	printVerdict(w, v)
}

// printTables writes the route and edit tables.
func printTables(w io.Writer, results []*appResult) {
	fmt.Fprintf(w, "Machine: %s/%s, %d CPUs, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())

	fmt.Fprintln(w, "| application | router | routes listed | found | right entry | entry not checkable | blastgate routes | wrong ids | not in the listing |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		s := r.routes
		fmt.Fprintf(w, "| %s | %s | %d | %d (%s) | %d (%s of checkable) | %d | %d | %d | %d |\n", r.app.Name, r.app.Router,
			s.Truth, s.Found, pct(s.Found, s.Truth), s.RightEntry, pct(s.RightEntry, s.Found-s.Unverifiable), s.Unverifiable, s.Reported,
			len(s.WrongIDs), s.Unlisted)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| application | edit | kind | stacks recorded | true routes (in tests) | not checkable | impacted | not through init | recall | impacted / true | package level: registering pkg / handler pkg | impacted / package level |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var sumImpacted, sumByRequest, sumPackage, sumHandlerPackage int
	for _, r := range results {
		for _, e := range r.edits {
			stacks := fmt.Sprint(e.Stacks)
			switch {
			case e.Unmeasured != "":
				stacks += " (not measured)"
			case e.NoTruth:
				stacks = "no truth"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %d | %d | %d | %s | %s | %d / %d | %s / %s |\n", r.app.Name, e.Edit.Name, e.Edit.Kind,
				stacks, len(e.True), e.NotCheckable, len(e.Impacted), len(e.ByRequest), pct(e.Recalled, len(e.True)),
				ratio(len(e.Impacted), len(e.True)), e.PackageLevel, e.HandlerPackageLevel,
				ratio(len(e.Impacted), e.PackageLevel), ratio(len(e.Impacted), e.HandlerPackageLevel))
			sumImpacted += len(e.Impacted)
			sumByRequest += len(e.ByRequest)
			sumPackage += e.PackageLevel
			sumHandlerPackage += e.HandlerPackageLevel
		}
	}
	fmt.Fprintf(w, "| all | | | | | | %d | %d | | | %d / %d | %s / %s |\n", sumImpacted, sumByRequest, sumPackage, sumHandlerPackage,
		ratio(sumImpacted, sumPackage), ratio(sumImpacted, sumHandlerPackage))
	fmt.Fprintln(w)
}

// printCost writes the cost table, when the cost was measured.
func printCost(w io.Writer, results []*appResult) {
	if !slices.ContainsFunc(results, func(r *appResult) bool { return r.cost != nil }) {
		return
	}
	fmt.Fprintln(w, "| application | go list -deps -test | blastgate impact | cached re-run | callgraph -algo=vta | time vs VTA | memory vs VTA | cached vs go list |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		c := r.cost
		if c == nil {
			continue
		}
		cached, cachedRatio := "n/a", "n/a"
		if c.HasCache {
			cached, cachedRatio = show(c.Cached), ratioF(c.Cached.Wall.Seconds(), c.GoList.Wall.Seconds())
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.app.Name, show(c.GoList), show(c.Blastgate), cached, show(c.VTA),
			ratioF(c.Blastgate.Wall.Seconds(), c.VTA.Wall.Seconds()), ratioF(float64(c.Blastgate.RSS), float64(c.VTA.RSS)), cachedRatio)
	}
	fmt.Fprintln(w)
}

// printCredit writes the test-credit table, when it was measured.
func printCredit(w io.Writer, results []*appResult) {
	if !slices.ContainsFunc(results, func(r *appResult) bool { return r.credit != nil }) {
		return
	}
	fmt.Fprintln(w, "| application | routes with an identified handler | not checkable | test binaries | tests passed / failed / skipped alone | routes exercised by tests | credited with a true test | credit recall | false credits | credits unverified | time |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		c := r.credit
		if c == nil {
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d / %d / %d | %d | %d | %s | %d | %d | %s |\n", r.app.Name, c.Routes, c.NotCheckable, c.Packages,
			c.Passed, c.Failed, c.Skip, len(c.Exercised), len(c.CreditedTrue), pct(len(c.CreditedTrue), len(c.Exercised)),
			len(c.FalseCredits), c.Unverified, c.Duration.Round(time.Second))
	}
	fmt.Fprintln(w)
	for _, r := range results {
		if c := r.credit; c != nil {
			for _, u := range c.Uncredited {
				fmt.Fprintf(w, "- %s: not credited: %s\n", r.app.Name, u)
			}
			for _, f := range c.FalseCredits {
				fmt.Fprintf(w, "- %s: FALSE CREDIT: %s\n", r.app.Name, f)
			}
			if len(c.UnverifiedPairs) > 0 {
				fmt.Fprintf(w, "- %s: credits unverified: %s\n", r.app.Name, strings.Join(c.UnverifiedPairs, ", "))
			}
			if len(c.NotPassed) > 0 {
				fmt.Fprintf(w, "- %s: did not pass alone (no truth): %s\n", r.app.Name, strings.Join(c.NotPassed, ", "))
			}
		}
	}
	fmt.Fprintln(w)
}

// printNotes writes what each application's figures leave out.
func printNotes(w io.Writer, results []*appResult) {
	printed := false
	for _, r := range results {
		var notes []string
		if len(r.routes.Missing) > 0 {
			notes = append(notes, "not found: "+strings.Join(r.routes.Missing, ", "))
		}
		if len(r.routes.WrongIDs) > 0 {
			notes = append(notes, "wrong ids: "+strings.Join(r.routes.WrongIDs, "; "))
		}
		if len(r.routes.WrongEntry) > 0 {
			notes = append(notes, "wrong entry: "+strings.Join(r.routes.WrongEntry, "; "))
		}
		if r.cost != nil && r.cost.VTAPackages != "" {
			notes = append(notes, "callgraph analysed "+r.cost.VTAPackages)
		}
		for _, n := range notes {
			fmt.Fprintf(w, "- %s: %s\n", r.app.Name, n)
			printed = true
		}
	}
	if printed {
		fmt.Fprintln(w)
	}
}

// printVerdict writes the targets checked and what missed them.
func printVerdict(w io.Writer, v verdict) {
	fmt.Fprintln(w, "Targets checked:")
	for _, t := range v.Targets {
		fmt.Fprintf(w, "- %s\n", t)
	}
	for _, n := range v.NotChecked {
		fmt.Fprintf(w, "- not a target in this run: %s\n", n)
	}
	fmt.Fprintln(w)
	if len(v.Unmeasured) == 0 && len(v.Missed) == 0 && len(v.FalseCredits) == 0 {
		fmt.Fprintln(w, "Every target checked is met.")
	}
	for _, u := range v.Unmeasured {
		fmt.Fprintf(w, "NOT MEASURED %s\n", u)
	}
	for _, f := range v.FalseCredits {
		fmt.Fprintf(w, "FALSE CREDIT %s\n", f)
	}
	for _, m := range v.Missed {
		fmt.Fprintf(w, "MISSED %s\n", m)
	}
}

func pct(n, d int) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

func ratio(n, d int) string { return ratioF(float64(n), float64(d)) }

func ratioF(n, d float64) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", n/d)
}

func show(c cost) string {
	return fmt.Sprintf("%s, %d MB", c.Wall.Round(10*time.Millisecond), c.RSS>>20)
}
