package keactrl

import (
	"fmt"
	"strings"
)

// Conf holds the variables keactrl.conf sets.
type Conf map[string]string

// ParseConf reads keactrl.conf, a file of shell variable assignments,
// without running a shell. It accepts what Kea's keactrl.conf holds and
// what an operator writes there: comments, blank lines, NAME=VALUE with an
// optional "export", values quoted with '...' or "..." or unquoted, and
// $NAME, ${NAME}, ${NAME:-word} and ${NAME-word} expansions of variables
// set earlier in the file or, failing that, in the environment (getenv).
// Anything a shell would run (a command, $(...), `...`) is an error, since
// keactrl would otherwise silently read the file differently from Kea's
// script.
func ParseConf(data string, getenv func(string) string) (Conf, error) {
	c := Conf{}
	lookup := func(name string) (string, bool) {
		if v, ok := c[name]; ok {
			return v, true
		}
		if v := getenv(name); v != "" {
			return v, true
		}
		return "", false
	}
	lines := strings.Split(data, "\n")
	for i := 0; i < len(lines); i++ {
		no := i + 1
		line := lines[i]
		// A backslash at the end of a line continues it.
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = line[:len(line)-1] + lines[i]
		}
		s := strings.TrimSpace(line)
		if s == "" || s[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(s, "export "); ok {
			s = strings.TrimSpace(rest)
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || !isName(s[:eq]) {
			return nil, fmt.Errorf("line %d: not a variable assignment: %s", no, s)
		}
		v, rest, err := shellWord(s[eq+1:], lookup)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", no, err)
		}
		if rest = strings.TrimSpace(rest); rest != "" && rest[0] != '#' {
			return nil, fmt.Errorf("line %d: unsupported shell syntax after the value: %s", no, rest)
		}
		c[s[:eq]] = v
	}
	return c, nil
}

func isName(s string) bool {
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// shellWord reads one shell word from s (up to unquoted white space) with
// quote removal and parameter expansion; it returns the word and what
// follows it.
func shellWord(s string, lookup func(string) (string, bool)) (string, string, error) {
	var b strings.Builder
	i := 0
	for i < len(s) {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t':
			return b.String(), s[i:], nil
		case ch == ';' || ch == '&' || ch == '|' || ch == '<' || ch == '>' || ch == '(' || ch == ')' || ch == '`':
			return "", "", fmt.Errorf("unsupported shell syntax %q", string(ch))
		case ch == '\\':
			if i+1 < len(s) {
				b.WriteByte(s[i+1])
				i += 2
				continue
			}
			i++
		case ch == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return "", "", fmt.Errorf("unterminated quote")
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case ch == '"':
			i++
			for {
				if i >= len(s) {
					return "", "", fmt.Errorf("unterminated quote")
				}
				c := s[i]
				if c == '"' {
					i++
					break
				}
				switch c {
				case '\\':
					if i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0 {
						b.WriteByte(s[i+1])
						i += 2
						continue
					}
					b.WriteByte(c)
					i++
				case '`':
					return "", "", fmt.Errorf("command substitution is not supported")
				case '$':
					v, n, err := expand(s[i:], lookup)
					if err != nil {
						return "", "", err
					}
					b.WriteString(v)
					i += n
				default:
					b.WriteByte(c)
					i++
				}
			}
		case ch == '$':
			v, n, err := expand(s[i:], lookup)
			if err != nil {
				return "", "", err
			}
			b.WriteString(v)
			i += n
		default:
			b.WriteByte(ch)
			i++
		}
	}
	return b.String(), "", nil
}

// expand reads a parameter expansion at the start of s ("$NAME",
// "${NAME}", "${NAME:-word}", "${NAME-word}") and returns its value and
// length.
func expand(s string, lookup func(string) (string, bool)) (string, int, error) {
	if len(s) < 2 {
		return "$", 1, nil
	}
	switch {
	case s[1] == '(':
		return "", 0, fmt.Errorf("command substitution is not supported")
	case s[1] == '{':
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return "", 0, fmt.Errorf("unterminated ${")
		}
		body := s[2:end]
		name, word, op := body, "", ""
		if k := strings.Index(body, ":-"); k >= 0 {
			name, word, op = body[:k], body[k+2:], ":-"
		} else if k := strings.IndexByte(body, '-'); k >= 0 {
			name, word, op = body[:k], body[k+1:], "-"
		}
		if !isName(name) {
			return "", 0, fmt.Errorf("unsupported expansion ${%s}", body)
		}
		v, set := lookup(name)
		if (op == ":-" && v == "") || (op == "-" && !set) {
			v = word
		}
		return v, end + 1, nil
	}
	n := 1
	for n < len(s) && (s[n] == '_' || s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || n > 1 && s[n] >= '0' && s[n] <= '9') {
		n++
	}
	if n == 1 {
		return "$", 1, nil
	}
	v, _ := lookup(s[1:n])
	return v, n, nil
}
