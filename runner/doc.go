// Package runner is what `snekomatic reconcile` and `snekomatic state
// adopt` do across organizations, below the command line: open and settle
// the state file, open the session on it, resolve each organization's
// policy (Policies, the one resolution, which doctor and explain use too),
// reconcile or adopt every target a few at a time (ghsession.Each), commit
// the state once for all of them, and put the outcome in the report
// (report.Run) with every error worded once. For `snekomatic explain` it
// asks GitHub what a run would (AskGitHub), and it gives `snekomatic
// doctor` a run's own answers (Doctor: the owner check, the permissions,
// the policy).
//
// Why a package of its own: reconcile decides and applies for one
// organization on small interfaces and must not import ghsession (the
// session is the network, the run's credentials and its budget); ghsession
// knows nothing of the configuration, the state's commit or the report.
// The run is where those meet, so it sits above all of them and below cmd,
// which keeps the flags, the environment, the session's construction (it
// passes Connect), the wording of errors for the credentials given (it
// passes Explain), printing and the exit code.
//
// What it may touch: the state file (through package state), GitHub
// through the session it is given, the configuration it is given. It reads
// no environment and writes nothing to stdout or stderr: logs go to the
// logger it is given.
package runner
