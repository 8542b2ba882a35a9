// Command nestorrs is the nestor binary with the run-script hook libraries
// built in, for this package's end-to-end test (nestorcmd does not import
// them yet).
package main

import (
	_ "github.com/nestordhcp/nestor/hooks/runscript"
	"github.com/nestordhcp/nestor/nestorcmd"
)

func main() { nestorcmd.Main() }
