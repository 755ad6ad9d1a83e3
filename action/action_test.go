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

// TestInputs: kebab-case inputs, each passed to the entry script.
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
	for name := range a.Inputs {
		assert.Regexp(t, `^[a-z]+(-[a-z]+)*$`, name)
		passed := false
		for _, v := range gate {
			passed = passed || strings.Contains(v, "inputs."+name+" ")
			passed = passed || strings.Contains(v, "inputs."+name+"}")
		}
		if name != "working-directory" {
			assert.True(t, passed, "input %s reaches the entry script", name)
		}
	}
	assert.Equal(t, "${{ github.event.pull_request.base.sha }}", a.Inputs["base"].Default)
	assert.Equal(t, "${{ github.token }}", a.Inputs["github-token"].Default)
}
