// Package duration is the one parser of lengths of time that snekomatic
// accepts, on the command line and in its configuration file alike: Go's
// durations ("90m", "36h", "1h30m") and whole days ("7d", or "1d12h").
// GitHub Actions users write schedules in days, and Go's time.ParseDuration
// has no unit for them; a day here is always 24 hours (merge times are UTC,
// so there is no daylight saving to honour).
//
// It depends on nothing but the standard library, so that every package
// can use it.
package duration
