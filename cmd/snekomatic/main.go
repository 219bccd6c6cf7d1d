// Command snekomatic invites the authors of merged pull requests to join
// their GitHub organization. See the README for how to run it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/python-trio/snekomatic/cmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cmd.Main(ctx, os.Args[1:], cmd.SystemDeps())
	stop()
	os.Exit(code)
}
