//go:build !linux

package klog

import "os"

func gettid() int { return os.Getpid() }
