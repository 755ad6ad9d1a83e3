package analyzer

import (
	"go/token"
	"go/types"
	"testing"
)

// TestKeepsNothing: the dependency calls start-up may make without a
// hand-off (startup.go), and those that stay hand-offs.
func TestKeepsNothing(t *testing.T) {
	callback := types.NewTuple(types.NewParam(token.NoPos, nil, "f", types.NewSignatureType(nil, nil, nil, nil, nil, false)))
	fn := func(path, name string) *types.Func {
		pkg := types.NewPackage(path, path)
		var params *types.Tuple
		if name == "ErrorfWith" || name == "InfoWith" {
			params = callback
		}
		return types.NewFunc(token.NoPos, pkg, name, types.NewSignatureType(nil, nil, nil, params, nil, false))
	}
	for _, c := range []struct {
		path, name string
		want       bool
	}{
		// A logging function that takes a function may keep it (a
		// hook); set-up names stay hand-offs.
		{"github.com/example/logx", "ErrorfWith", false},
		{"github.com/rs/zerolog", "InfoWith", false},
		{"github.com/example/logx", "LogToStderr", false},
		{"github.com/example/logx", "ErrorHook", false},
		{"strings", "ToUpper", true},
		{"log", "Printf", true},
		{"log", "SetOutput", false},
		{"os", "Getenv", true},
		{"os", "Setenv", false},
		{"hash/crc64", "Checksum", true},
		{"html/template", "Must", true},
		{"github.com/go-pkgz/lgr", "Printf", true},
		{"github.com/rs/zerolog", "SetGlobalLevel", false},
		{"github.com/example/logx", "Infof", true},
		{"github.com/example/logx", "SetLevel", false},
		{"github.com/spf13/cobra", "AddCommand", true},
		{"database/sql", "Register", false},
		{"expvar", "Publish", false},
		{"github.com/example/registry", "Printf", false},
	} {
		if got := keepsNothing(fn(c.path, c.name)); got != c.want {
			t.Errorf("keepsNothing(%s.%s) = %v, want %v", c.path, c.name, got, c.want)
		}
	}
}
