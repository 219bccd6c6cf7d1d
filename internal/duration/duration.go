package duration

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Day is the length of a "d".
const Day = 24 * time.Hour

// maxDays keeps n*Day far from overflowing a time.Duration (about 292 years).
const maxDays = 100 * 365

// Parse reads a duration: an optional sign, an optional whole number of
// days ("7d"), then optionally anything time.ParseDuration accepts
// ("36h", "90m"). "7d", "1d12h", "90m" and "-2d" are all durations.
func Parse(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	body, neg := in, false
	if rest, ok := strings.CutPrefix(body, "-"); ok {
		body, neg = rest, true
	} else if rest, ok := strings.CutPrefix(body, "+"); ok {
		body = rest
	}
	bad := fmt.Errorf("%q is not a duration (such as 90m, 36h or 7d)", s)
	if body == "" {
		return 0, bad
	}
	var d time.Duration
	if days, rest, ok := strings.Cut(body, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || days == "" || days[0] == '+' {
			return 0, bad
		}
		if n > maxDays {
			return 0, fmt.Errorf("%q is more than %d days", s, maxDays)
		}
		d = time.Duration(n) * Day
		body = rest
	} else if body == "0" {
		return 0, nil
	}
	if body != "" {
		if body[0] == '-' || body[0] == '+' {
			return 0, bad
		}
		rest, err := time.ParseDuration(body)
		if err != nil {
			return 0, bad
		}
		d += rest
	}
	if neg {
		d = -d
	}
	return d, nil
}

// Format writes d the way Parse reads it, whole days as "d" and without
// Go's trailing zero units: 7*Day is "7d", 36h is "1d12h", 90m is "1h30m".
func Format(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	days := d / Day
	rest := d % Day
	var b strings.Builder
	b.WriteString(sign)
	if days > 0 {
		fmt.Fprintf(&b, "%dd", days)
	}
	if rest > 0 {
		s := rest.String()
		// "12h0m0s" reads better as "12h", and "1h30m0s" as "1h30m".
		if strings.HasSuffix(s, "m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
		b.WriteString(s)
	}
	return b.String()
}

// Value is a time.Duration flag that Parse reads, for pflag (it implements
// pflag.Value without importing it).
type Value struct {
	D *time.Duration
	// text is what was given on the command line, so that a message
	// about the value can echo it as typed.
	text string
}

// NewValue sets *p to def and returns a flag value writing to p.
func NewValue(def time.Duration, p *time.Duration) *Value {
	*p = def
	return &Value{D: p}
}

// Set parses s.
func (v *Value) Set(s string) error {
	d, err := Parse(s)
	if err != nil {
		return err
	}
	*v.D, v.text = d, s
	return nil
}

// String is the value as it was given, or the default formatted.
func (v *Value) String() string {
	if v == nil || v.D == nil {
		return ""
	}
	if v.text != "" {
		return v.text
	}
	return Format(*v.D)
}

// Type names the flag's kind in --help.
func (v *Value) Type() string { return "duration" }
