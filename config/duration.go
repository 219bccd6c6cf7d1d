package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads a Go duration ("90m", "1h30m") or a number of days
// ("14d").
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > 365*100 || n < -365*100 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (such as 90m, 36h or 14d)", s)
	}
	return d, nil
}
