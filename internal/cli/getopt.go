// Package cli parses command lines the way Kea's programs do (POSIX getopt:
// clustered flags, values attached or separate) so that scripts written for
// Kea's binaries work unchanged against Nestor's.
package cli

import "fmt"

// Opt is one parsed option: its letter and, for options that take one, the value.
type Opt struct {
	Name  byte
	Value string
}

// Getopt parses args against a getopt option string ("c:t:dv": a letter
// followed by ':' takes a value). Parsing stops at "--" or at the first
// argument that is not an option; the rest is returned as positional
// arguments. Errors use getopt's wording, without the program name.
func Getopt(args []string, spec string) ([]Opt, []string, error) {
	takes := map[byte]bool{}
	known := map[byte]bool{}
	for i := 0; i < len(spec); i++ {
		c := spec[i]
		known[c] = true
		if i+1 < len(spec) && spec[i+1] == ':' {
			takes[c] = true
			i++
		}
	}
	var opts []Opt
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			if !known[c] || c == ':' {
				return nil, nil, fmt.Errorf("invalid option -- '%c'", c)
			}
			if !takes[c] {
				opts = append(opts, Opt{Name: c})
				continue
			}
			if j+1 < len(a) {
				opts = append(opts, Opt{Name: c, Value: a[j+1:]})
			} else if i+1 < len(args) {
				i++
				opts = append(opts, Opt{Name: c, Value: args[i]})
			} else {
				return nil, nil, fmt.Errorf("option requires an argument -- '%c'", c)
			}
			break
		}
	}
	return opts, args[i:], nil
}
