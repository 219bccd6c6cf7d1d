// Package actiontest tests the shell steps of snekomatic's GitHub Action
// (action.yml, scripts in action/) on this machine, without GitHub: each
// test makes a temporary repository with a bare "remote" (file://, cloned
// shallow as actions/checkout does), sets the environment the runner would
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, the inputs), and runs
// the scripts with bash.
//
// The end-to-end test builds the real snekomatic binary and runs it through
// action/run.sh against internal/fakegithub, then commits its state with
// action/commit-state.sh. Other tests run run.sh with a stand-in binary
// that records its arguments and environment (to check how inputs and
// secrets are passed), and commit-state.sh on hand-written state files (no
// change, dry run, a cursor-only change, a race with another push, a
// conflict, a refused push).
//
// composite_test.go runs action.yml's own steps as GitHub's runner runs a
// composite action (if: conditions, ${{ }} expressions, step outputs), with
// stand-ins for actions/cache and actions/setup-go; binary_test.go uses it
// to check how the action gets its binary (from the cache, a verified
// release, or a build from source), that a job with the binary cached
// starts in well under 10 seconds without Go, and that no run warns.
//
// The tests need bash, git and jq (as GitHub's runners have them), and skip
// with a message naming what is missing. Git reads no system or global
// configuration (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL) and nothing reaches
// the network.
package actiontest
