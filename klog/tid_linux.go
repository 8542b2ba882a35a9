package klog

import "syscall"

// gettid is the kernel thread ID of the calling goroutine's thread, which
// %T prints (one system call per message).
func gettid() int { return syscall.Gettid() }
