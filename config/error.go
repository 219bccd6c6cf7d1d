package config

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Error is a problem in a configuration file, at a line, under a key
// (dotted, as in "orgs.python-trio.teams").
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// echoLimit is how many characters of a value from the file an error
// repeats. The start is enough to find the value; the rest of a long one
// (a pasted blob, a runaway string) would bury the message, and the error
// ends up in logs and step summaries. msgLimit is the same for a message of
// another library (YAML, text/template) that may quote the file.
const (
	echoLimit = 100
	msgLimit  = 300
)

// head returns the first limit characters of s, and whether that cut
// anything off.
func head(s string, limit int) (string, bool) {
	n := 0
	for i := range s {
		if n == limit {
			return s[:i], true
		}
		n++
	}
	return s, false
}

// clip is s, or its head and its length in bytes when it is longer than
// echoLimit characters, escaped as escape does.
func clip(s string) string { return clipTo(s, echoLimit) }

// clipMsg is clip for another library's message.
func clipMsg(s string) string { return clipTo(s, msgLimit) }

func clipTo(s string, limit int) string {
	h, cut := head(s, limit)
	if !cut {
		return escape(s)
	}
	return fmt.Sprintf("%s… (%d bytes)", escape(h), len(s))
}

// escape writes the characters of s that are not printable (a newline in a
// quoted key, a control character) as Go escapes, so that an error stays
// one line and shows what is there.
func escape(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// quote is %q of s, clipped as clip does.
func quote(s string) string {
	h, cut := head(s, echoLimit)
	if !cut {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%q… (%d bytes)", h, len(s))
}
