// Package action tests the GitHub Action: action.yml at the repository
// root and its entry script, gate.sh.
package action

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

type actionFile struct {
	Inputs  map[string]struct{ Default string } `yaml:"inputs"`
	Outputs map[string]struct{ Value string }   `yaml:"outputs"`
	Runs    struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID    string            `yaml:"id"`
			Name  string            `yaml:"name"`
			Run   string            `yaml:"run"`
			Uses  string            `yaml:"uses"`
			Shell string            `yaml:"shell"`
			Env   map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func loadAction(t *testing.T) actionFile {
	t.Helper()
	data, err := os.ReadFile("../action.yml")
	require.NoError(t, err)
	var a actionFile
	require.NoError(t, yaml.Unmarshal(data, &a))
	return a
}

// TestCompositeSteps checks what actionlint does not: every run step of a
// composite action must set its shell.
func TestCompositeSteps(t *testing.T) {
	a := loadAction(t)
	require.Equal(t, "composite", a.Runs.Using)
	ids := map[string]bool{}
	for _, s := range a.Runs.Steps {
		if s.Run != "" {
			assert.NotEmpty(t, s.Shell, "step %q runs a script without shell:", s.Name)
			assert.Empty(t, s.Uses, "step %q has both run and uses", s.Name)
		}
		if s.ID != "" {
			ids[s.ID] = true
		}
	}
	for name, out := range a.Outputs {
		m := regexp.MustCompile(`steps\.([a-z-]+)\.outputs`).FindStringSubmatch(out.Value)
		require.NotNil(t, m, "output %s", name)
		assert.True(t, ids[m[1]], "output %s reads step %s, which does not exist", name, m[1])
	}
}

// TestInputs: kebab-case inputs, each passed to the entry script under the
// name it reads.
func TestInputs(t *testing.T) {
	a := loadAction(t)
	var gate map[string]string
	for _, s := range a.Runs.Steps {
		if s.ID == "gate" {
			gate = s.Env
			assert.Contains(t, s.Run, "action/gate.sh")
		}
	}
	require.NotNil(t, gate, "the gate step")
	// The end-to-end test sets gate.sh's variables itself, so only here
	// does a misspelt one show. Each input is INPUT_<NAME> (the token is
	// GITHUB_TOKEN, which blastgate comment reads), and the INPUT_
	// variables the step sets are the ones gate.sh reads.
	for name := range a.Inputs {
		assert.Regexp(t, `^[a-z]+(-[a-z]+)*$`, name)
		env := "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		switch name {
		case "working-directory":
			continue
		case "github-token":
			env = "GITHUB_TOKEN"
		}
		assert.Equal(t, "${{ inputs."+name+" }}", gate[env], "input %s is passed as %s", name, env)
	}
	script, err := os.ReadFile("gate.sh")
	require.NoError(t, err)
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{?(INPUT_[A-Z_]+)`).FindAllStringSubmatch(string(script), -1) {
		read[m[1]] = true
	}
	set := map[string]bool{}
	for env := range gate {
		if strings.HasPrefix(env, "INPUT_") {
			set[env] = true
		}
	}
	assert.Equal(t, set, read, "the INPUT_ variables the gate step sets are those gate.sh reads")
	assert.Equal(t, "${{ github.event.pull_request.base.sha }}", a.Inputs["base"].Default)
	assert.Equal(t, "${{ github.token }}", a.Inputs["github-token"].Default)
}
