package load

import (
	"go/build"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// BuildConfig is a build other than the default one: a target platform
// and build tags. Its zero value is the default build.
type BuildConfig struct {
	// GOOS and GOARCH are the target; "" keeps the environment's.
	GOOS, GOARCH string
	// Tags are the build tags set (go build -tags).
	Tags []string
}

// String names the configuration as the go command would be told it:
// "GOOS=windows GOARCH=amd64 -tags=integration".
func (c BuildConfig) String() string {
	var parts []string
	if c.GOOS != "" {
		parts = append(parts, "GOOS="+c.GOOS)
	}
	if c.GOARCH != "" {
		parts = append(parts, "GOARCH="+c.GOARCH)
	}
	if len(c.Tags) > 0 {
		parts = append(parts, "-tags="+strings.Join(c.Tags, ","))
	}
	if len(parts) == 0 {
		return "the default build"
	}
	return strings.Join(parts, " ")
}

func (c BuildConfig) env() []string {
	var env []string
	if c.GOOS != "" {
		env = append(env, "GOOS="+c.GOOS)
	}
	if c.GOARCH != "" {
		env = append(env, "GOARCH="+c.GOARCH)
	}
	return env
}

func (c BuildConfig) flags() []string {
	if len(c.Tags) == 0 {
		return nil
	}
	return []string{"-tags=" + strings.Join(c.Tags, ",")}
}

// HostPlatform is the GOOS and GOARCH of the default build.
func HostPlatform() (goos, goarch string) {
	goos, goarch = os.Getenv("GOOS"), os.Getenv("GOARCH")
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	return goos, goarch
}

// Includes reports whether the build includes the Go file (absolute
// path), by its name and build constraints, as the go command decides.
func (c BuildConfig) Includes(file string) bool {
	ctx := build.Default
	hostOS, hostArch := HostPlatform()
	ctx.GOOS, ctx.GOARCH = hostOS, hostArch
	if c.GOOS != "" {
		ctx.GOOS = c.GOOS
	}
	if c.GOARCH != "" {
		ctx.GOARCH = c.GOARCH
	}
	switch os.Getenv("CGO_ENABLED") {
	case "1":
		ctx.CgoEnabled = true
	case "0":
		ctx.CgoEnabled = false
	default: // the go command turns cgo off when cross-compiling
		ctx.CgoEnabled = build.Default.CgoEnabled && ctx.GOOS == hostOS && ctx.GOARCH == hostArch
	}
	ctx.BuildTags = c.Tags
	ok, err := ctx.MatchFile(filepath.Dir(file), filepath.Base(file))
	return err == nil && ok
}
