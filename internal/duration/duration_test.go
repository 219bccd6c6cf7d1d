package duration

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90m": 90 * time.Minute, "36h": 36 * time.Hour, "7d": 7 * Day, "1d12h": 36 * time.Hour,
		"0": 0, "0d": 0, "1h30m": 90 * time.Minute, "-2d": -2 * Day, " 14d ": 14 * Day, "+3h": 3 * time.Hour,
		"2d30m": 2*Day + 30*time.Minute, "36500d": 36500 * Day,
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for in, wantErr := range map[string]string{
		"":        `"" is not a duration (such as 90m, 36h or 7d)`,
		"d":       `"d" is not a duration (such as 90m, 36h or 7d)`,
		"7":       `"7" is not a duration (such as 90m, 36h or 7d)`,
		"7days":   `"7days" is not a duration (such as 90m, 36h or 7d)`,
		"1.5d":    `"1.5d" is not a duration (such as 90m, 36h or 7d)`,
		"1d-2h":   `"1d-2h" is not a duration (such as 90m, 36h or 7d)`,
		"--1d":    `"--1d" is not a duration (such as 90m, 36h or 7d)`,
		"d3h":     `"d3h" is not a duration (such as 90m, 36h or 7d)`,
		"999999d": `"999999d" is more than 36500 days`,
	} {
		_, err := Parse(in)
		if err == nil || err.Error() != wantErr {
			t.Errorf("Parse(%q) error = %v, want %s", in, err, wantErr)
		}
	}
}

func TestFormatRoundTrips(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 7 * Day: "7d", 36 * time.Hour: "1d12h", 90 * time.Minute: "1h30m", 15 * time.Minute: "15m",
		-2 * Day: "-2d", 90 * time.Second: "1m30s", 12 * time.Hour: "12h",
	} {
		got := Format(d)
		if got != want {
			t.Errorf("Format(%v) = %q, want %q", d, got, want)
		}
		back, err := Parse(got)
		if err != nil || back != d {
			t.Errorf("Parse(Format(%v)) = %v, %v", d, back, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"7d", "1d12h", "90m", "-3d", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(Format(d))
		if err != nil || back != d {
			t.Fatalf("Parse(%q) = %v, but Format gives %q which parses to %v, %v", s, d, Format(d), back, err)
		}
	})
}

// TestValue: the flag.Value sets its default, takes what Parse takes, keeps
// the old value on an error, and prints as Format does. A zero Value (what
// flag packages make to tell a default apart) prints as "".
func TestValue(t *testing.T) {
	var d time.Duration
	v := NewValue(36*time.Hour, &d)
	if d != 36*time.Hour || v.String() != "1d12h" || v.Type() != "duration" {
		t.Errorf("default: %v, %q", d, v.String())
	}
	if err := v.Set("7d"); err != nil || d != 7*Day {
		t.Errorf("Set(7d): %v, %v", d, err)
	}
	if err := v.Set("soon"); err == nil || d != 7*Day {
		t.Errorf("Set(soon): %v, %v; want an error and 7d kept", d, err)
	}
	var zero *Value
	if s := zero.String(); s != "" {
		t.Errorf("nil Value prints %q", s)
	}
	if s := (&Value{}).String(); s != "" {
		t.Errorf("zero Value prints %q", s)
	}
}
