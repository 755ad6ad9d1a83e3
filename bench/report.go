package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// printReport writes the results as Markdown tables, with the targets
// each figure is held to.
func printReport(w io.Writer, results []*appResult) {
	fmt.Fprintf(w, "Machine: %s/%s, %d CPUs, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())

	fmt.Fprintln(w, "| application | router | routes listed | found | right entry | entry not checkable | blastgate routes |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|")
	for _, r := range results {
		s := r.routes
		fmt.Fprintf(w, "| %s | %s | %d | %d (%s) | %d (%s of checkable) | %d | %d |\n", r.app.Name, r.app.Router,
			s.Truth, s.Found, pct(s.Found, s.Truth), s.RightEntry, pct(s.RightEntry, s.Found-s.Unverifiable), s.Unverifiable, s.Reported)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| application | edit | kind | true routes (in tests) | impacted | not through init | recall | impacted / true | package level: registering pkg / handler pkg | impacted / package level |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
	var sumImpacted, sumByRequest, sumPackage, sumHandlerPackage int
	for _, r := range results {
		for _, e := range r.edits {
			fmt.Fprintf(w, "| %s | %s | %s | %d | %d | %d | %s | %s | %d / %d | %s / %s |\n", r.app.Name, e.Edit.Name, e.Edit.Kind,
				len(e.True), len(e.Impacted), len(e.ByRequest), pct(e.Recalled, len(e.True)),
				ratio(len(e.Impacted), len(e.True)), e.PackageLevel, e.HandlerPackageLevel,
				ratio(len(e.Impacted), e.PackageLevel), ratio(len(e.Impacted), e.HandlerPackageLevel))
			sumImpacted += len(e.Impacted)
			sumByRequest += len(e.ByRequest)
			sumPackage += e.PackageLevel
			sumHandlerPackage += e.HandlerPackageLevel
		}
	}
	fmt.Fprintf(w, "| all | | | | %d | %d | | | %d / %d | %s / %s |\n", sumImpacted, sumByRequest, sumPackage, sumHandlerPackage,
		ratio(sumImpacted, sumPackage), ratio(sumImpacted, sumHandlerPackage))
	fmt.Fprintln(w)
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
	fmt.Fprintln(w, "Targets: routes found >= 95% with the right entry; recall 100%; impacted <= 1.5x true and <= 0.2x package level;")
	fmt.Fprintln(w, "time and memory <= 0.5x VTA; cached re-run <= 1.5x go list.")
	for _, r := range results {
		var notes []string
		if len(r.routes.Missing) > 0 {
			notes = append(notes, "not found: "+strings.Join(r.routes.Missing, ", "))
		}
		if len(r.routes.WrongEntry) > 0 {
			notes = append(notes, "wrong entry: "+strings.Join(r.routes.WrongEntry, "; "))
		}
		if r.cost != nil && r.cost.VTAPackages != "" {
			notes = append(notes, "callgraph analysed "+r.cost.VTAPackages)
		}
		for _, e := range r.edits {
			if len(e.Missed) > 0 {
				notes = append(notes, fmt.Sprintf("RECALL MISS %s: %s", e.Edit.Name, strings.Join(e.Missed, ", ")))
			}
		}
		for _, n := range notes {
			fmt.Fprintf(w, "\n- %s: %s", r.app.Name, n)
		}
	}
	fmt.Fprintln(w)
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
