package main

import (
	"fmt"
	"io"
)

func runDemo(prog string, _ []string, _, stderr io.Writer) int {
	fmt.Fprintf(stderr, "%s: not built yet\n", prog)
	return 1
}
