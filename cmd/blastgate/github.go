package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/blastgate/blastgate/gate"
	"github.com/blastgate/blastgate/report"
)

// readReport reads a saved JSON report from path, or stdin when path is
// "" or "-".
func readReport(path string, stdin io.Reader) (*report.Report, error) {
	in, name := stdin, "standard input"
	if path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading the report: %w", err)
		}
		defer f.Close()
		in, name = f, path
	}
	var r report.Report
	if err := json.NewDecoder(in).Decode(&r); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("no report in %s: pass the output of a --format json command", name)
		}
		return nil, fmt.Errorf("%s is not a blastgate JSON report: %v", name, err)
	}
	if r.SchemaVersion != report.SchemaVersion {
		return nil, fmt.Errorf("%s has schema_version %d, this blastgate reads %d: use the blastgate that wrote it", name, r.SchemaVersion, report.SchemaVersion)
	}
	if err := gate.CheckSHAs(&r); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &r, nil
}

// runAnnotate writes GitHub workflow annotations for a saved report and,
// with --outputs, the action's outputs.
// annotateOptions are the command line of annotate.
type annotateOptions struct {
	cmdBase
	path, outputs string
}

func parseAnnotate(g *globals, args []string, s streams) (*annotateOptions, error) {
	o := &annotateOptions{cmdBase: cmdBase{g, s}}
	if err := parseCommand(g, "annotate", args, s.err, func(fs *flag.FlagSet) {
		fs.StringVar(&o.path, "report", "", "the saved JSON report (default: standard input)")
		fs.StringVar(&o.outputs, "outputs", "", "append verdict= and impacted= to `FILE` ($GITHUB_OUTPUT)")
	}); err != nil {
		return nil, err
	}
	return o, nil
}

func runAnnotate(ctx context.Context, o *annotateOptions) error {
	path, outputs, stdin, stdout := o.path, o.outputs, o.s.in, o.s.out
	r, err := readReport(path, stdin)
	if err != nil {
		return err
	}
	if err := gate.WriteAnnotations(stdout, r); err != nil {
		return err
	}
	if outputs == "" {
		return nil
	}
	f, err := os.OpenFile(outputs, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("writing outputs: %w", err)
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "verdict=%s\nimpacted=%d\n", r.Verdict, len(r.Impacted))
	return err
}
