package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// DepPackage is a package of the build list, from go list -deps.
type DepPackage struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Module     *struct{ Path string }
}

// ListDeps lists the build list's packages with go list -deps, once:
// later calls return the first answer.
func (p *Program) ListDeps(ctx context.Context) ([]DepPackage, error) {
	if p.depList != nil || p.depErr != nil {
		return p.depList, p.depErr
	}
	args := []string{"list", "-e", "-deps", "-json=ImportPath,Standard,Imports,Module"}
	if p.ws != nil {
		args = append(args, p.ws.patterns(p.Root)...)
	} else {
		args = append(args, "./...")
	}
	out, err := p.GoCommand(ctx, args...)
	if err != nil {
		p.depErr = fmt.Errorf("go list -deps: %v", err)
		return nil, p.depErr
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var dp DepPackage
		if err := dec.Decode(&dp); err == io.EOF {
			break
		} else if err != nil {
			p.depErr = err
			return nil, err
		}
		p.depList = append(p.depList, dp)
	}
	return p.depList, nil
}
