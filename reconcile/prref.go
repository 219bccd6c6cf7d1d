package reconcile

import "github.com/python-trio/snekomatic/state"

// The state keeps a pull request as a state.PRRef: its repository, number
// and merge time, not its address, which depends on the GitHub instance.
// These two are the only conversions between the two.

// prRef is what the state keeps of pr; nil when pr is unknown (a person
// recorded without one).
func prRef(pr PullRequest) *state.PRRef {
	if pr.Repo == "" {
		return nil
	}
	return &state.PRRef{Repo: pr.Repo, Number: pr.Number, MergedAt: pr.MergedAt}
}

// pullRequest is the pull request r records, with its address on the
// GitHub instance whose web address is web; the zero PullRequest for nil.
func pullRequest(r *state.PRRef, web string) PullRequest {
	if r == nil {
		return PullRequest{}
	}
	return PullRequest{Repo: r.Repo, Number: r.Number, URL: r.URL(web), MergedAt: r.MergedAt}
}
