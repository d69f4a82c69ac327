//go:build !linux

package pgstore_test

import (
	"os/exec"
	"os/user"
)

// setUser does nothing off Linux: run the tests as an unprivileged user, or
// point BACKORDERKIT_PG_DSN at a server.
func setUser(*exec.Cmd, *user.User) {}

// setParentDeath does nothing off Linux.
func setParentDeath(*exec.Cmd) {}
