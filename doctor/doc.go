// Package doctor checks, before a run needs it, everything a run of
// snekomatic will need, and changes nothing: the state file's directory
// and lock, the configuration file, and for each organization (each App
// installation, or each organization named with a token) the credentials,
// the permission to invite, the search a run starts with, and the
// organization's policy (its teams exist, its welcome comment renders).
// It also renders the result as the table `snekomatic doctor` prints.
//
// The policy is the run's own: Env.Policy is the one resolution a run
// uses (in App mode it reads the organization's own .github/snekomatic.yml
// too), so that doctor never says OK to a configuration a run refuses.
// How the credentials were obtained, what an error means to a person and
// who is an owner are the command's business: they come in through Env,
// App and the Targets, already built, so this package never reads the
// environment, never decides an exit code and never writes to stdout.
//
// What it may touch: the local file system (it stats the state file's
// directory, creates and removes a probe file there, and reads the state
// and configuration files) and GitHub, read-only, through the clients it
// is given.
//
// The files: doctor.go holds the report's types and Run, checks.go the
// checks, text.go the table.
package doctor
