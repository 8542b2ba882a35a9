package option

import (
	"errors"
	"fmt"
	"strings"
)

const (
	maxLabelLen = 63
	maxNameWire = 255
)

// appendFQDN writes a domain name in DNS wire format, always absolute (with
// the root label), as Kea's writeFqdn: "example.com" and "example.com."
// give the same bytes. The text follows DNS presentation rules: "\." keeps
// a dot inside a label and "\DDD" is a byte in decimal. With downcase the
// name is lower-cased (Kea does that for the DNR ADN only).
func appendFQDN(buf []byte, name string, downcase bool) ([]byte, error) {
	w, err := nameToWire(name, downcase)
	if err != nil {
		return nil, err
	}
	return append(buf, w...), nil
}

func nameToWire(name string, downcase bool) ([]byte, error) {
	if name == "" {
		return nil, errors.New("empty name")
	}
	if name == "." {
		return []byte{0}, nil
	}
	out := make([]byte, 1, len(name)+2)
	lenAt := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch c {
		case '.':
			if len(out)-lenAt-1 == 0 {
				return nil, fmt.Errorf("duplicate period in %s", name)
			}
			out = append(out, 0)
			lenAt = len(out) - 1
			continue
		case '\\':
			if i+1 >= len(name) {
				return nil, fmt.Errorf("incomplete textual name in %s", name)
			}
			if isDigit(name[i+1]) {
				if i+3 >= len(name) || !isDigit(name[i+2]) || !isDigit(name[i+3]) {
					return nil, fmt.Errorf("incomplete escape in %s", name)
				}
				v := int(name[i+1]-'0')*100 + int(name[i+2]-'0')*10 + int(name[i+3]-'0')
				if v > 255 {
					return nil, fmt.Errorf("escaped decimal is too large in %s", name)
				}
				c = byte(v)
				i += 3
			} else {
				c = name[i+1]
				i++
			}
		default:
			if downcase && c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
		}
		out = append(out, c)
		if len(out)-lenAt-1 > maxLabelLen {
			return nil, fmt.Errorf("label is too long in %s", name)
		}
		out[lenAt] = byte(len(out) - lenAt - 1)
	}
	// The last label is closed by the root label unless the text already
	// ended with a dot.
	if out[lenAt] != 0 || len(out)-lenAt-1 != 0 {
		out = append(out, 0)
	}
	if len(out) > maxNameWire {
		return nil, fmt.Errorf("name is too long in %s", name)
	}
	return out, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// readName reads one uncompressed absolute name from the start of b and
// returns its presentation text (with the final dot, as Kea renders it)
// and its wire length.
func readName(b []byte) (string, int, error) {
	var sb strings.Builder
	off := 0
	for {
		if off >= len(b) {
			return "", 0, errors.New("incomplete wire-format name")
		}
		l := int(b[off])
		if l == 0 {
			off++
			break
		}
		if l > maxLabelLen {
			return "", 0, errors.New("unknown label type in name data")
		}
		if off+1+l > len(b) {
			return "", 0, errors.New("incomplete wire-format name")
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		writeLabelText(&sb, b[off+1:off+1+l])
		off += 1 + l
		if off > maxNameWire {
			return "", 0, errors.New("name is too long")
		}
	}
	if off > maxNameWire {
		return "", 0, errors.New("name is too long")
	}
	if sb.Len() == 0 {
		return ".", off, nil
	}
	sb.WriteByte('.')
	return sb.String(), off, nil
}

// writeLabelText escapes a label as Kea's LabelSequence::toText.
func writeLabelText(sb *strings.Builder, label []byte) {
	for _, c := range label {
		switch c {
		case '"', '(', ')', '.', ';', '\\', '@', '$':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		default:
			if c > 0x20 && c < 0x7f {
				sb.WriteByte(c)
			} else {
				sb.WriteByte('\\')
				sb.WriteByte('0' + c/100)
				sb.WriteByte('0' + c/10%10)
				sb.WriteByte('0' + c%10)
			}
		}
	}
}

// decompressNames expands a list of names that may use RFC 1035 compression
// pointers into the list itself (the DHCPv4 domain-search style, RFC 3397),
// giving plain names one after another, as Kea does when it builds a DHCPv4
// FQDN-list option from a buffer.
func decompressNames(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, errors.New("FQDN list option has invalid length of 0")
	}
	out := make([]byte, 0, len(b))
	pos := 0
	for pos < len(b) {
		start := len(out)
		next := -1
		p := pos
		for hops := 0; ; {
			if p >= len(b) {
				return nil, errors.New("incomplete wire-format name")
			}
			l := int(b[p])
			if l&0xc0 == 0xc0 {
				if p+1 >= len(b) {
					return nil, errors.New("incomplete wire-format name")
				}
				target := (l&0x3f)<<8 | int(b[p+1])
				if next < 0 {
					next = p + 2
				}
				// A pointer must point backwards, and a name has at most 127
				// labels: both bound the work per name.
				if target >= p || hops >= 127 {
					return nil, errors.New("bad compression pointer")
				}
				hops++
				p = target
				continue
			}
			if l > maxLabelLen {
				return nil, errors.New("unknown label type in name data")
			}
			if p+1+l > len(b) {
				return nil, errors.New("incomplete wire-format name")
			}
			out = append(out, b[p:p+1+l]...)
			if len(out)-start > maxNameWire {
				return nil, errors.New("name is too long")
			}
			p += 1 + l
			if l == 0 {
				break
			}
		}
		if next < 0 {
			next = p
		}
		pos = next
	}
	return out, nil
}
