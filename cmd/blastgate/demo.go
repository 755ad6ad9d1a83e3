package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/internal/example"
)

// runDemo tells the postpaid/prepaid story on the bundled shop: it makes
// the shop a real git repository in a temporary directory, takes the
// branch that changes the shared fee code for the postpaid page, and shows
// every page that change reaches.
func runDemo(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var keep string
	if err := parseCommand(g, "demo", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&keep, "keep", "", "materialize the shop in `DIR` (new) and keep it")
	}); err != nil {
		return err
	}
	dir := keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "blastgate-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, "shop")
	}
	if err := example.Materialize(ctx, dir); err != nil {
		return err
	}
	if g.format == "text" {
		fmt.Fprintf(stdout, "The shop: a postpaid bill page and a prepaid token page share package billing.\n"+
			"Branch shared-change edits billing.Fee for the postpaid page. What else does it reach?\n\n"+
			"$ blastgate impact --base main --head shared-change   (in %s)\n\n", dir)
	}
	demo := *g
	demo.dir = dir
	c, err := openChange(ctx, &demo, revisions{base: "main", head: "shared-change"}, false)
	if err != nil {
		return err
	}
	defer c.close()
	return gate.Write(stdout, c.report, g.format)
}
