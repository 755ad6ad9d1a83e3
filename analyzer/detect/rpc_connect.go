package detect

import "github.com/blastgate/blastgate/report"

// Connect finds the procedures of Connect servers. Its registrations are
// read with grpc-go's (rpc_grpc.go: the same generated-code reader, the
// same implementations and entries); only the handler that serves them
// differs.
var Connect = &Finder{
	Name:    "connect",
	Kind:    report.KindRPC,
	Imports: []string{connectPath},
	Doc: `Connect: each procedure of a service served through a generated
Connect handler (NewXHandler(impl, ...)) is a feature, id
/package.Service/Method as the generated procedure constant names it,
entry the implementation's method. The generated code (in the module or a
dependency) is read from source for the service's procedures. When impl
is an interface value, every module type implementing the service's
handler interface is an implementation (a feature each). Not seen:
handlers built without the generated NewXHandler (connect.NewUnaryHandler
called directly).`,
	Run: func(g Graph) []Feature { return RPCScan{g}.rpcs(true) },
}

// connectPath is Connect's import path.
const connectPath = "connectrpc.com/connect"
