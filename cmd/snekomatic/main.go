// Command snekomatic invites the authors of merged pull requests to join
// their GitHub organization. See the README for how to run it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/python-trio/snekomatic/cmd"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first Ctrl-C or SIGTERM: what is on the wire finishes and is
		// recorded, nothing else is sent, the run saves and exits 130.
		<-sigs
		cancel()
		// The second: at once, whatever is in flight. Each request was
		// written down before it went, so the next run checks those whose
		// answer never came (as after a crash).
		<-sigs
		fmt.Fprintln(os.Stderr, "snekomatic: interrupted again: exiting at once; the next run checks the requests that were on their way")
		os.Exit(cmd.ExitInterrupted)
	}()
	code := cmd.Main(ctx, os.Args[1:], cmd.SystemDeps())
	signal.Stop(sigs)
	os.Exit(code)
}
