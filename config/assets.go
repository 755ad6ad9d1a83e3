package config

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastgate/blastgate/internal/glob"
)

// Asset maps files the code reads at run time (templates parsed with
// template.ParseFiles, files read with os.ReadFile) to the packages that
// read them or the features that serve them:
//
//	assets:
//	  - files: ["web/templates/**", "static/*.css"]  # globs from the repository root; ** any depth
//	    packages: [example.com/shop/web]             # these packages' code is treated as changed
//	  - files: ["config/prices.json"]
//	    features: ["POST /token/buy"]                # these features are impacted directly
//
// Whether the packages and features exist is for the analyzer to decide.
type Asset struct {
	Files    []string
	Packages []string
	Features []string
	// Line is the line of the item in the file.
	Line int
}

var assetKeys = []string{"files", "packages", "features"}

// assets validates the value of the assets key: a list of mappings, each
// with files and at least one of packages and features.
func (p *parser) assets(k, v *yaml.Node) []Asset {
	if isNull(v) {
		return nil
	}
	const shape = `write each as a list item: - files: ["web/templates/**"] with packages: [example.com/m/web] or features: ["GET /page"]`
	if v.Kind != yaml.SequenceNode {
		p.fail(p.errorf(v.Line, shape, "assets must be a list, not %s", describe(v)))
		return nil
	}
	var out []Asset
	for _, item := range v.Content {
		item = deref(item)
		if item.Kind != yaml.MappingNode {
			p.fail(p.errorf(item.Line, shape, "an asset must be a mapping, not %s", describe(item)))
			return nil
		}
		a := Asset{Line: item.Line}
		m := p.mark()
		p.mapping(item, assetKeys, "asset", func(key string, k, v *yaml.Node) {
			switch key {
			case "files":
				files, lines := p.stringList(k, v, `files: ["web/templates/**", "static/*.css"]`)
				for i, f := range files {
					if err := glob.Check(f); err != nil {
						p.fail(p.errorf(lines[i], "write a glob relative to the repository root with slashes; * and ? match within one element, ** as a whole element any number of them", "assets: %v", err))
					}
				}
				a.Files = files
			case "packages":
				a.Packages = p.names(k, v, "packages: [example.com/m/web]")
			case "features":
				a.Features = p.names(k, v, `features: ["POST /token/buy"]`)
			}
		})
		switch {
		case p.failedSince(m):
		case len(a.Files) == 0:
			p.fail(p.errorf(item.Line, `list the files it maps: files: ["web/templates/**"]`, "asset has no files"))
		case len(a.Packages) == 0 && len(a.Features) == 0:
			p.fail(p.errorf(item.Line, "name the packages whose code reads the files (packages:) or the features that serve them (features:)", "asset for %s maps to no package and no feature", strings.Join(a.Files, ", ")))
		}
		if p.failedSince(m) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// names is a list of non-empty strings without spaces at either end.
func (p *parser) names(k, v *yaml.Node, example string) []string {
	names, lines := p.stringList(k, v, example)
	for i, n := range names {
		if n != strings.TrimSpace(n) {
			p.fail(p.errorf(lines[i], "remove the spaces around it", "%s entry %q has spaces around it", k.Value, n))
		}
	}
	return names
}
