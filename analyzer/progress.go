package analyzer

import "context"

// Progress is told what a long analysis is doing: a stage ("listing
// packages", "type-checking", "building the graph", "walking") and, where
// it counts something, how many so far (files parsed). The stage "" means
// the analysis is over. It may be called from several goroutines.
type Progress func(stage string, n int)

type progressKey struct{}

// WithProgress returns a context whose analyses report to p.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ReportProgress tells the context's Progress, if any, the stage.
func ReportProgress(ctx context.Context, stage string, n int) {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok && p != nil {
		p(stage, n)
	}
}
