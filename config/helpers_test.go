package config

// welcome is shaped like the data snekomatic renders welcome comments with
// (reconcile.WelcomeData). This package does not import reconcile; the
// tests of package cmd parse with the real sample.
type welcome struct {
	Login, Org string
	PR         struct {
		Repo   string
		Number int
		URL    string
	}
	AcceptURL string
}

var sample = func() welcome {
	w := welcome{Login: "octocat", Org: "example", AcceptURL: "https://github.com/orgs/example/invitation"}
	w.PR.Repo, w.PR.Number, w.PR.URL = "example/project", 1, "https://github.com/example/project/pull/1"
	return w
}()
