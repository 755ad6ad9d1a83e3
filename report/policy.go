package report

// Policy change kinds: what part of the policy a pull request changes
// (PolicyChange.Kind).
const (
	PolicyWaiver       = "waiver"        // a waiver of waivers:
	PolicyDeclaredTest = "declared-test" // a test named under a feature's tests:
	PolicyTier         = "tier"          // a feature's tier:
	PolicyOwners       = "owners"        // a feature's owners:
	PolicyMonitor      = "monitor"       // monitor:, or a feature's monitor:
	PolicyPolicy       = "policy"        // a key of policy: (or the config file itself)
	PolicyIgnore       = "ignore"        // a pattern of ignore:
	PolicyFeature      = "feature"       // a feature item of features:
	PolicyAttr         = "attr"          // a test's t.Attr("feature", ID)
)

// How a policy changes (PolicyChange.Change).
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// PolicyChange is one change the pull request makes to the policy: its
// configuration (waivers, declared tests, tiers, owners, monitors, the
// policy block, ignore patterns, declared features) or the t.Attr
// declarations of its tests. The gate reads the policy from the base
// revision, so none of these applies before the change merges.
type PolicyChange struct {
	// Kind is one of the Policy* kinds.
	Kind string `json:"kind"`
	// Change is ChangeAdded, ChangeRemoved or ChangeChanged.
	Change string `json:"change"`
	// Subject is what changes: a feature id, a test, a policy key, a
	// pattern.
	Subject string `json:"subject"`
	// Detail says how, in words ("expires 2099-12-31: manual QA").
	Detail string `json:"detail,omitempty"`
}
