// Package ghactions writes GitHub Actions workflow commands: masks, log
// groups, annotations, and the step summary file ("Workflow commands for
// GitHub Actions",
// https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands).
// Everything that speaks to the runner goes through here, escaped by the
// runner's rules (actions/toolkit's escapeData and escapeProperty), so
// that no message can cut a command short or start one of its own.
package ghactions

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Enabled reports whether the process runs as a GitHub Actions step (the
// runner sets GITHUB_ACTIONS=true).
func Enabled(getenv func(string) string) bool { return getenv("GITHUB_ACTIONS") == "true" }

// Mask asks the runner to hide secret in every later log line.
func Mask(w io.Writer, secret string) {
	if secret != "" {
		fmt.Fprintf(w, "::add-mask::%s\n", EscapeData(secret))
	}
}

// Group opens a collapsible group of the log titled title, and returns the
// function that closes it.
func Group(w io.Writer, title string) (end func()) {
	fmt.Fprintf(w, "::group::%s\n", EscapeData(title))
	return func() { fmt.Fprintln(w, "::endgroup::") }
}

// Error writes an ::error annotation.
func Error(w io.Writer, title, message string) { annotate(w, "error", title, message) }

// Warning writes a ::warning annotation.
func Warning(w io.Writer, title, message string) { annotate(w, "warning", title, message) }

func annotate(w io.Writer, command, title, message string) {
	fmt.Fprintf(w, "::%s title=%s::%s\n", command, EscapeProperty(title), EscapeData(message))
}

// AppendSummary appends what write writes to the step summary, the file
// the runner names in GITHUB_STEP_SUMMARY (other steps write to it too).
// Without that variable it does nothing.
func AppendSummary(getenv func(string) string, write func(io.Writer) error) error {
	path := getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// EscapeData escapes a workflow command's message as the runner expects
// (actions/toolkit's escapeData): it turns %25, %0D and %0A back into "%",
// CR and LF.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a workflow command's property value (such as
// title=), where ":" and "," also delimit (actions/toolkit's
// escapeProperty).
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
