// Package report says what a run did, in every form a person reads it: the
// text report and the JSON document on stdout, the job summary and the
// annotations under GitHub Actions, and the one line per failure on
// stderr. Errors reach it as values (reconcile.Report.Errors); Explain,
// here, is the one place they become words and an exit code, and Count is
// the one place the numbers every form shows come from.
//
// It may touch the writers it is given (stdout, stderr, the step summary
// file through internal/ghactions) and nothing else: it reads the run's
// report and errors, and sends nothing.
package report
