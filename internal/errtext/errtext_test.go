package errtext

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
)

func TestOneLine(t *testing.T) {
	if got := OneLine("  a\nb\t\r\n  c  "); got != "a b c" {
		t.Errorf("OneLine = %q, want %q", got, "a b c")
	}
}

func TestPathCause(t *testing.T) {
	_, err := os.Open("/no/such/file/here")
	var pe *fs.PathError
	for _, e := range []error{err, fmt.Errorf("read: %w", err)} {
		if got := PathCause(e); !errors.Is(got, fs.ErrNotExist) || errors.As(got, &pe) {
			t.Errorf("PathCause(%v) = %v, want the bare cause", e, got)
		}
	}
	other := errors.New("x")
	if PathCause(other) != other {
		t.Error("PathCause changed an error that holds no path")
	}
}
