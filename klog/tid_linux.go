package klog

import "syscall"

// gettid is the kernel thread ID, which Kea's %T prints and which stands
// in for the pthread ID of Kea's %t (Go has no stable thread identity).
func gettid() int { return syscall.Gettid() }
