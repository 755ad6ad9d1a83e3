package detect

import "testing"

// TestImportDir: a dependency's generated package is found by directory
// in the module of the function that registers it, and only there.
func TestImportDir(t *testing.T) {
	for _, c := range []struct {
		pkg, dir, path, want string
		ok                   bool
	}{
		{"google.golang.org/grpc/reflection", "/m/google.golang.org/grpc@v1.81.1/reflection", "google.golang.org/grpc/reflection/grpc_reflection_v1", "/m/google.golang.org/grpc@v1.81.1/reflection/grpc_reflection_v1", true},
		{"google.golang.org/grpc/channelz/service", "/m/google.golang.org/grpc@v1.81.1/channelz/service", "google.golang.org/grpc/channelz/grpc_channelz_v1", "/m/google.golang.org/grpc@v1.81.1/channelz/grpc_channelz_v1", true},
		{"google.golang.org/grpc/orca", "/m/google.golang.org/grpc@v1.81.1/orca", "github.com/cncf/xds/go/xds/service/orca/v3", "", false},
		{"example.com/a", "/m/example.com/a@v1.0.0", "example.com/ab/x", "", false},
	} {
		got, ok := ImportDir(c.pkg, c.dir, c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("importDir(%q, %q, %q) = %q, %v; want %q, %v", c.pkg, c.dir, c.path, got, ok, c.want, c.ok)
		}
	}
}
