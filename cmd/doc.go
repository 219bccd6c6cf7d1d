// Package cmd is snekomatic's command line: it parses flags and the
// environment into options, builds the GitHub clients and the state store,
// runs package reconcile for each organization and prints the report. It is
// the only package that reads the environment, writes to stdout or decides
// the exit code.
//
// Each command is an options struct, a constructor that fills and validates
// it (NewCmdX), and a run function (xRun) that does the work, so that tests
// can check flag parsing without running anything and run the work without
// parsing flags.
package cmd
