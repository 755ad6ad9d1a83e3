package load

import (
	"context"
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// Workspaces: the modules of one repository analysed together, so that a
// change in a module they share is followed into each module that uses
// it symbol by symbol, not as a dependency bump. The modules are those of
// the repository's go.work (the nearest one from the analysed directory
// up to the repository root), else the analysed module and every module
// of the repository linked to it by directory replace directives, in
// either direction. The go command sees them through a go.work written to
// a temporary directory and passed as GOWORK: the repository is never
// written, and go.work.sum updates land beside the temporary file.

// Module is a main module of the analysis.
type Module struct {
	// Path is the module path.
	Path string
	// Dir is the module's directory, relative to the repository root
	// (slash-separated, "." for the root).
	Dir string
}

// workspace is a set of modules loaded together.
type workspace struct {
	file    string   // the repository's go.work, relative to the root; "" when replaces join the modules
	modules []Module // sorted by Dir
	work    []byte   // the go.work passed through GOWORK
	sum     []byte   // the repository's go.work.sum, copied beside it
	vendor  string   // the workspace's vendor directory (absolute), linked beside it
}

// findWorkspace returns the modules to analyse with the one in
// moduleDir, or nil when it is analysed alone: GOWORK=off, no go.work in
// the repository and no directory replace joining it to another module
// of the repository, or modules that vendor their dependencies (a
// workspace ignores module vendor directories).
func findWorkspace(root, moduleDir string) (*workspace, error) {
	if os.Getenv("GOWORK") == "off" {
		return nil, nil
	}
	for dir := moduleDir; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return readWorkspace(root, moduleDir, filepath.Join(dir, "go.work"))
		}
		if dir == root || !strings.HasPrefix(dir, root+string(filepath.Separator)) {
			break
		}
	}
	if _, err := os.Stat(filepath.Join(moduleDir, "go.mod")); err != nil {
		return nil, nil
	}
	return joinedModules(root, moduleDir)
}

// readWorkspace reads the repository's go.work, failing on anything the
// go command would fail on, or that would take the analysis outside the
// repository.
func readWorkspace(root, moduleDir, file string) (*workspace, error) {
	rel := relSlash(root, file)
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", rel, err)
	}
	wf, err := modfile.ParseWork(file, data, nil)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), filepath.Dir(file)+string(filepath.Separator), filepath.Dir(rel)+"/")
		return nil, fmt.Errorf("%s does not parse: %s: fix it (go work edit), or set GOWORK=off to analyse the module alone", rel, strings.TrimPrefix(msg, "./"))
	}
	workDir := filepath.Dir(file)
	ws := &workspace{file: rel}
	var b strings.Builder
	goLine := ""
	if wf.Go != nil {
		goLine = wf.Go.Version
	}
	for _, u := range wf.Use {
		dir := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(workDir, dir)
		}
		dir = filepath.Clean(dir)
		where := fmt.Sprintf("%s:%d: use %s", rel, u.Syntax.Start.Line, u.Path)
		if !inside(root, dir) {
			return nil, fmt.Errorf("%s is outside the repository: blastgate analyses one repository; use only its modules, or set GOWORK=off to analyse the module alone", where)
		}
		path, goVersion, err := readModule(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %v: fix the use line (go work use -r .), or set GOWORK=off to analyse the module alone", where, err)
		}
		if goLine != "" && goVersion != "" && version.Compare("go"+goVersion, "go"+goLine) > 0 {
			return nil, fmt.Errorf("%s: the module requires go >= %s but %s says go %s: raise its go line (go work use), or set GOWORK=off to analyse the module alone", where, goVersion, rel, goLine)
		}
		ws.modules = append(ws.modules, Module{Path: path, Dir: relSlash(root, dir)})
	}
	if len(ws.modules) == 0 {
		return nil, fmt.Errorf("%s uses no module: add them (go work use -r .), or set GOWORK=off to analyse the module alone", rel)
	}
	if _, err := os.Stat(filepath.Join(moduleDir, "go.mod")); err == nil {
		if ws.moduleIn(relSlash(root, moduleDir)) == nil {
			return nil, fmt.Errorf("%s is not one of the modules of %s: add it (go work use %s), or set GOWORK=off to analyse it alone", displayDir(root, moduleDir), rel, relSlash(workDir, moduleDir))
		}
	}
	if goLine != "" {
		fmt.Fprintf(&b, "go %s\n", goLine)
	}
	if wf.Toolchain != nil {
		fmt.Fprintf(&b, "toolchain %s\n", wf.Toolchain.Name)
	}
	for _, d := range wf.Godebug {
		fmt.Fprintf(&b, "godebug %s=%s\n", d.Key, d.Value)
	}
	for _, m := range ws.modules {
		fmt.Fprintf(&b, "use %s\n", modfile.AutoQuote(filepath.Join(root, filepath.FromSlash(m.Dir))))
	}
	for _, r := range wf.Replace {
		target := r.New.Path
		if modfile.IsDirectoryPath(target) && !filepath.IsAbs(filepath.FromSlash(target)) {
			target = filepath.Join(workDir, filepath.FromSlash(target))
		}
		fmt.Fprintf(&b, "replace %s => %s\n", modVersion(r.Old.Path, r.Old.Version), modVersion(target, r.New.Version))
	}
	ws.work = []byte(b.String())
	if sum, err := os.ReadFile(file + ".sum"); err == nil {
		ws.sum = sum
	}
	if _, err := os.Stat(filepath.Join(workDir, "vendor", "modules.txt")); err == nil {
		ws.vendor = filepath.Join(workDir, "vendor")
	}
	sort.Slice(ws.modules, func(i, j int) bool { return ws.modules[i].Dir < ws.modules[j].Dir })
	return ws, nil
}

func modVersion(path, v string) string {
	if v == "" {
		return modfile.AutoQuote(path)
	}
	return modfile.AutoQuote(path) + " " + v
}

// joinedModules returns the analysed module with every module of the
// repository that a directory replace joins it to, directly or not and in
// either direction (an application replacing a shared library, the other
// applications replacing it too), or nil when there is none.
func joinedModules(root, moduleDir string) (*workspace, error) {
	mods := map[string]*joinedModule{} // directory relative to root -> module
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: not part of any module we can load
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (name == "vendor" || name == "testdata" || name == "node_modules" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() == "go.mod" {
			if m := readJoined(root, filepath.Dir(p)); m != nil {
				mods[relSlash(root, filepath.Dir(p))] = m
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	start := relSlash(root, moduleDir)
	if mods[start] == nil {
		if mods[start] = readJoined(root, moduleDir); mods[start] == nil {
			return nil, nil
		}
	}
	// The component of the analysed module, links taken both ways.
	back := map[string][]string{}
	for dir, m := range mods {
		for _, l := range m.links {
			back[l] = append(back[l], dir)
		}
	}
	seen := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		for _, next := range append(append([]string(nil), mods[dir].links...), back[dir]...) {
			if mods[next] == nil {
				// A replace target in a directory the walk skips
				// (third_party/_fork, say).
				if m := readJoined(root, filepath.Join(root, filepath.FromSlash(next))); m != nil {
					mods[next] = m
				}
			}
			if !seen[next] && mods[next] != nil {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	if len(seen) < 2 {
		return nil, nil
	}
	ws := &workspace{}
	goLine := "1.18"
	for dir := range seen {
		m := mods[dir]
		if m.vendor {
			return nil, nil // a workspace would ignore its vendor directory
		}
		if m.goVersion != "" && version.Compare("go"+m.goVersion, "go"+goLine) > 0 {
			goLine = m.goVersion
		}
		ws.modules = append(ws.modules, Module{Path: m.path, Dir: dir})
	}
	sort.Slice(ws.modules, func(i, j int) bool { return ws.modules[i].Dir < ws.modules[j].Dir })
	var b strings.Builder
	fmt.Fprintf(&b, "go %s\n", goLine)
	for _, m := range ws.modules {
		fmt.Fprintf(&b, "use %s\n", modfile.AutoQuote(filepath.Join(root, filepath.FromSlash(m.Dir))))
	}
	ws.work = []byte(b.String())
	return ws, nil
}

// joinedModule is a module of the repository and the modules its
// replace directives point at.
type joinedModule struct {
	path, goVersion string
	vendor          bool
	links           []string // directories (relative to root) of the modules its replaces point at
}

// readJoined reads the go.mod in dir, or returns nil when there is none
// or it does not parse (the go command says why if it is loaded). Only
// replaces of every version count as links: a versioned one replaces
// the module only at that version, which a workspace cannot express.
func readJoined(root, dir string) *joinedModule {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return nil
	}
	f, err := modfile.Parse(filepath.Join(dir, "go.mod"), data, nil)
	if err != nil || f.Module == nil {
		return nil
	}
	m := &joinedModule{path: f.Module.Mod.Path}
	if f.Go != nil {
		m.goVersion = f.Go.Version
	}
	if _, err := os.Stat(filepath.Join(dir, "vendor", "modules.txt")); err == nil {
		m.vendor = true
	}
	for _, r := range f.Replace {
		if !modfile.IsDirectoryPath(r.New.Path) || r.Old.Version != "" {
			continue
		}
		target := filepath.FromSlash(r.New.Path)
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		if inside(root, target) {
			m.links = append(m.links, relSlash(root, target))
		}
	}
	return m
}

// readModule returns the module path and go version of the go.mod in dir.
func readModule(dir string) (string, string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", "", errors.New("no go.mod there")
		}
		return "", "", err
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return "", "", fmt.Errorf("its go.mod does not parse: %v", err)
	}
	if f.Module == nil {
		return "", "", errors.New("its go.mod has no module line")
	}
	goVersion := ""
	if f.Go != nil {
		goVersion = f.Go.Version
	}
	return f.Module.Mod.Path, goVersion, nil
}

// moduleIn returns the innermost module holding the repository path p.
func (ws *workspace) moduleIn(p string) *Module {
	var best *Module
	for i := range ws.modules {
		m := &ws.modules[i]
		if (m.Dir == "." || p == m.Dir || strings.HasPrefix(p, m.Dir+"/")) && (best == nil || len(m.Dir) > len(best.Dir) || best.Dir == ".") {
			best = m
		}
	}
	return best
}

// patterns are the go list patterns naming every package of the modules.
func (ws *workspace) patterns(root string) []string {
	var out []string
	for _, m := range ws.modules {
		out = append(out, filepath.Join(root, filepath.FromSlash(m.Dir))+string(filepath.Separator)+"...")
	}
	return out
}

// withWork runs f with GOWORK naming a temporary copy of the workspace's
// go.work, removed afterwards; with no workspace, GOWORK=off, so a go.work
// outside the repository never changes what is analysed.
func (ws *workspace) withWork(env []string, f func(env []string) error) error {
	if ws == nil {
		return f(append(env, "GOWORK=off"))
	}
	tmp, err := os.MkdirTemp("", "blastgate-work-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, "go.work")
	if err := os.WriteFile(file, ws.work, 0o644); err != nil {
		return err
	}
	if ws.sum != nil {
		if err := os.WriteFile(file+".sum", ws.sum, 0o644); err != nil {
			return err
		}
	}
	if ws.vendor != "" {
		if err := os.Symlink(ws.vendor, filepath.Join(tmp, "vendor")); err != nil {
			return err
		}
	}
	return f(append(env, "GOWORK="+file))
}

// GoCommand runs go with the program's environment, build flags and
// workspace, in its module directory, and returns its standard output.
// args[0] is the go subcommand.
func (p *Program) GoCommand(ctx context.Context, args ...string) ([]byte, error) {
	args = slices.Concat(args[:1], p.Build.flags(), args[1:])
	var out []byte
	err := p.ws.withWork(p.env(), func(env []string) error {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = p.ModuleDir
		cmd.Env = env
		var err error
		out, err = cmd.Output()
		return err
	})
	return out, err
}

func inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func relSlash(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}
