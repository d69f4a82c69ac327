//go:build linux

package pgstore_test

import (
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// setUser makes cmd run as u (nil: as the current user).
func setUser(cmd *exec.Cmd, u *user.User) {
	if u == nil {
		return
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	cmd.Env = append(cmd.Environ(), "HOME="+u.HomeDir, "USER="+u.Username)
}

// setParentDeath makes the server shut down at once if the test binary
// dies without stopping it.
func setParentDeath(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
}
