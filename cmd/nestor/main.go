// Command nestor is the Nestor DHCP suite in one binary; see package
// nestorcmd.
package main

import "github.com/nestordhcp/nestor/nestorcmd"

func main() { nestorcmd.Main() }
