// Package blastgate holds the fixtures shared across the module: the
// bundled postpaid/prepaid shop that the demo, the CLI scripts and the
// tests build.
package blastgate

import "embed"

// Fixtures holds testdata/shop.txtar, the shop module example.com/shop as
// a txtar archive, and testdata/scenarios/NAME.txtar, one commit on top of
// it each. internal/example turns them into a git repository; its package
// comment describes the archives' format.
//
//go:embed testdata/shop.txtar testdata/scenarios/*.txtar
var Fixtures embed.FS
