package main

import (
	"fmt"
	"strings"
)

// The targets the report prints. Each one printed is checked by checks;
// a figure that is not checked is printed without a target.
const (
	minFoundPct        = 95  // routes found, % of those the router lists
	minRightEntryPct   = 95  // right entry, % of the found routes whose entry is checkable
	maxImpactedPerTrue = 1.5 // impacted / true, summed over the edits with a true route
	maxImpactedPerPkg  = 0.2 // impacted / package level, summed over the edits
	maxVsVTA           = 0.5 // blastgate impact / callgraph -algo=vta, time and memory
	maxCachedVsGoList  = 1.5 // cached re-run / go list -deps -test, time
	minCreditRecallPct = 90  // routes credited with a test that exercises them, % of those tests exercise
)

// verdict is what the checks found.
type verdict struct {
	// Targets are the targets checked, as the report prints them.
	Targets []string
	// NotChecked says which figures this run prints without a target.
	NotChecked []string
	// Unmeasured are the measurements that could not be made: they fail
	// the run, -report-only or not.
	Unmeasured []string
	// Missed are the targets missed: they fail the run unless
	// -report-only.
	Missed []string
	// FalseCredits are tests blastgate credits for a route whose handler
	// they never ran: a gate bug, which fails the run, -report-only or
	// not.
	FalseCredits []string
}

// err is the run's failure: a measurement that could not be made, or
// (unless reportOnly) a target missed.
func (v verdict) err(reportOnly bool) error {
	switch {
	case len(v.Unmeasured) > 0:
		return fmt.Errorf("could not measure:\n  %s", strings.Join(v.Unmeasured, "\n  "))
	case len(v.FalseCredits) > 0:
		return fmt.Errorf("false credits (a gate bug):\n  %s", strings.Join(v.FalseCredits, "\n  "))
	case len(v.Missed) > 0 && !reportOnly:
		return fmt.Errorf("target missed (-report-only reports them without failing):\n  %s", strings.Join(v.Missed, "\n  "))
	}
	return nil
}

// checks holds every figure the report gives a target to it. Routes
// found, the right entry and the cost are held per application, and
// recall per edit (a route missed is a bug wherever it is). The two
// precision ratios are held over all the edits of the run together
// (aggregate false leaves them out, for -smoke): the true set is only the
// routes the tests happen to request, so one edit's impacted / true says
// as much about its tests as about blastgate (mailpit's tests request 1
// of the 4 routes whose handlers call storage.GetMessage), and the sum
// over the sum weighs every route alike instead of letting the edit with
// the fewest true routes decide.
func checks(results []*appResult, aggregate bool) verdict {
	var v verdict
	v.Targets = []string{
		fmt.Sprintf("routes found >= %d%% of those the router lists, for each application", minFoundPct),
		fmt.Sprintf("the right entry for >= %d%% of the found routes whose entry can be checked, for each application", minRightEntryPct),
		"no wrong id, for each application: no blastgate route whose id names a route the router serves " +
			"with static parts that differ from the path it serves",
		"recall 100% on each edit: every route whose handler was on a stack recorded through the edit is impacted " +
			"(in each application whose tests can give the truth)",
	}
	miss := func(format string, args ...any) { v.Missed = append(v.Missed, fmt.Sprintf(format, args...)) }
	var impactedOfTrue, trueRoutes, impacted, packageLevel int
	hasCost, hasCredit := false, false
	for _, r := range results {
		if c := r.credit; c != nil {
			hasCredit = true
			switch {
			case c.Unmeasured != "":
				v.Unmeasured = append(v.Unmeasured, r.app.Name+": test credit: "+c.Unmeasured)
			case len(c.CreditedTrue)*100 < minCreditRecallPct*len(c.Exercised):
				miss("%s: credit recall %d of %d routes the tests exercise (%s), target >= %d%%; credited with no test that exercises them: %s",
					r.app.Name, len(c.CreditedTrue), len(c.Exercised), pct(len(c.CreditedTrue), len(c.Exercised)), minCreditRecallPct,
					strings.Join(c.Uncredited, "; "))
			}
			for _, f := range c.FalseCredits {
				v.FalseCredits = append(v.FalseCredits, r.app.Name+": "+f)
			}
		}
		name, rs := r.app.Name, r.routes
		if rs.Truth == 0 {
			v.Unmeasured = append(v.Unmeasured, name+": the route truth is empty: the router listed no route")
		} else {
			if rs.Found*100 < minFoundPct*rs.Truth {
				miss("%s: routes found %d of %d (%s), target >= %d%%; not found: %s", name, rs.Found, rs.Truth,
					pct(rs.Found, rs.Truth), minFoundPct, strings.Join(rs.Missing, ", "))
			}
			if len(rs.WrongIDs) > 0 {
				miss("%s: %d wrong ids, target 0: %s", name, len(rs.WrongIDs), strings.Join(rs.WrongIDs, "; "))
			}
			checkable := rs.Found - rs.Unverifiable
			switch {
			case checkable == 0:
				miss("%s: right entry not measured: no found route's entry can be checked", name)
			case rs.RightEntry*100 < minRightEntryPct*checkable:
				miss("%s: right entry %d of %d checkable (%s), target >= %d%%; %s", name, rs.RightEntry, checkable,
					pct(rs.RightEntry, checkable), minRightEntryPct, strings.Join(rs.WrongEntry, "; "))
			}
		}
		if r.app.NoTruth != "" {
			v.NotChecked = append(v.NotChecked, fmt.Sprintf("%s: recall and impacted / true are not measured on its %d edits: %s",
				name, len(r.edits), r.app.NoTruth))
		}
		for _, e := range r.edits {
			edit := name + ": edit " + e.Edit.Name
			if e.NoTruth {
				impacted += len(e.Impacted)
				packageLevel += e.PackageLevel
				continue
			}
			if e.Unmeasured != "" {
				v.Unmeasured = append(v.Unmeasured, edit+": "+e.Unmeasured)
				continue
			}
			switch {
			case len(e.True) == 0:
				miss("%s: recall not measured: none of the %d stacks recorded through it passes through the handler of a route the router lists (%d routes not checkable)",
					edit, e.Stacks, e.NotCheckable)
			case len(e.Missed) > 0:
				miss("%s: recall %d of %d, target 100%%; not impacted: %s", edit, e.Recalled, len(e.True), strings.Join(e.Missed, ", "))
			}
			if len(e.True) > 0 {
				impactedOfTrue += len(e.Impacted)
				trueRoutes += len(e.True)
			}
			impacted += len(e.Impacted)
			packageLevel += e.PackageLevel
		}
		if c := r.cost; c != nil {
			hasCost = true
			if c.Blastgate.Wall.Seconds() > maxVsVTA*c.VTA.Wall.Seconds() {
				miss("%s: blastgate impact took %s, %s callgraph -algo=vta's %s, target <= %.1fx", name, c.Blastgate.Wall,
					ratioF(c.Blastgate.Wall.Seconds(), c.VTA.Wall.Seconds()), c.VTA.Wall, maxVsVTA)
			}
			if float64(c.Blastgate.RSS) > maxVsVTA*float64(c.VTA.RSS) {
				miss("%s: blastgate impact used %d MB, %s callgraph -algo=vta's %d MB, target <= %.1fx", name, c.Blastgate.RSS>>20,
					ratioF(float64(c.Blastgate.RSS), float64(c.VTA.RSS)), c.VTA.RSS>>20, maxVsVTA)
			}
			switch {
			case !c.HasCache:
				miss("%s: cached re-run not measured: blastgate has no --cache-dir", name)
			case c.Cached.Wall.Seconds() > maxCachedVsGoList*c.GoList.Wall.Seconds():
				miss("%s: cached re-run took %s, %s go list's %s, target <= %.1fx", name, c.Cached.Wall,
					ratioF(c.Cached.Wall.Seconds(), c.GoList.Wall.Seconds()), c.GoList.Wall, maxCachedVsGoList)
			}
		}
	}
	if aggregate {
		v.Targets = append(v.Targets,
			fmt.Sprintf("impacted <= %.1fx true, summed over the edits that have a true route", maxImpactedPerTrue),
			fmt.Sprintf("impacted <= %.1fx package level (registering package), summed over the edits", maxImpactedPerPkg))
		switch {
		case trueRoutes == 0:
			miss("impacted / true not measured: no edit has a true route")
		case float64(impactedOfTrue) > maxImpactedPerTrue*float64(trueRoutes):
			miss("all edits with a true route: %d impacted for %d true (%s), target <= %.1fx", impactedOfTrue, trueRoutes,
				ratio(impactedOfTrue, trueRoutes), maxImpactedPerTrue)
		}
		switch {
		case packageLevel == 0:
			miss("impacted / package level not measured: package level impacts no route")
		case float64(impacted) > maxImpactedPerPkg*float64(packageLevel):
			miss("all edits: %d impacted for %d at package level (%s), target <= %.1fx", impacted, packageLevel,
				ratio(impacted, packageLevel), maxImpactedPerPkg)
		}
	} else {
		v.NotChecked = append(v.NotChecked, "impacted / true and impacted / package level are held over all the edits of a full run, not over the smoke run's")
	}
	if hasCost {
		v.Targets = append(v.Targets,
			fmt.Sprintf("blastgate impact's time and memory <= %.1fx callgraph -algo=vta's, for each application", maxVsVTA),
			fmt.Sprintf("a cached re-run <= %.1fx go list -deps -test's time, for each application", maxCachedVsGoList))
		v.Targets = append(v.Targets, fmt.Sprintf("blastgate run recording proof <= %.1fx go test -json -run of the same tests without coverage, for each application", maxRunVsGoTest))
		missed, unmeasured := proofCostMisses(results)
		v.Missed = append(v.Missed, missed...)
		v.Unmeasured = append(v.Unmeasured, unmeasured...)
	} else {
		v.NotChecked = append(v.NotChecked, "cost was not measured (-skip-cost or -smoke): no cost target")
	}
	if hasCredit {
		v.Targets = append(v.Targets,
			fmt.Sprintf("credit recall >= %d%%, for each application: of the routes whose handler a test that passed alone executed, "+
				"those blastgate credits with at least one such test", minCreditRecallPct),
			"no false credit: no test blastgate credits for a route passed alone without executing a statement of its handler "+
				"(fails the run even with -report-only: a gate bug)")
	} else {
		v.NotChecked = append(v.NotChecked, "test credit was not measured (-skip-credit or -smoke): no credit target")
	}
	return v
}
