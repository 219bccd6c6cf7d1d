package cmd

import "time"

// interruptGrace is how long the requests in flight may take to finish
// after Ctrl-C or SIGTERM before they are cancelled too. It is shorter
// than the 30 s (SIGTERM to SIGKILL) of most supervisors.
const interruptGrace = 10 * time.Second
