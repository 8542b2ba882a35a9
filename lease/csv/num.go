package csv

import (
	"errors"
	"strconv"
)

var errNumber = errors.New("invalid number")

// parseUint parses an unsigned decimal no larger than max, without sign or spaces.
func parseUint(b []byte, max uint64) (uint64, error) {
	if len(b) == 0 || len(b) > 20 {
		return 0, errNumber
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errNumber
		}
		d := uint64(c - '0')
		if v > max/10 {
			return 0, errNumber
		}
		v *= 10
		if d > max-v {
			return 0, errNumber
		}
		v += d
	}
	return v, nil
}

func parseU32(b []byte, name string) (uint32, error) {
	v, err := parseUint(b, 1<<32-1)
	if err != nil {
		return 0, errors.New("invalid " + name + " '" + string(b) + "'")
	}
	return uint32(v), nil
}

func parseBool(b []byte, name string) (bool, error) {
	if len(b) == 1 && (b[0] == '0' || b[0] == '1') {
		return b[0] == '1', nil
	}
	return false, errors.New("invalid " + name + " '" + string(b) + "'")
}

// parseCLTT returns expire - valid, computed as Kea does from the expire column.
func parseCLTT(b []byte, valid uint32) (int64, error) {
	v, err := parseUint(b, 1<<63-1)
	if err != nil {
		return 0, errors.New("invalid expire '" + string(b) + "'")
	}
	return int64(v) - int64(valid), nil
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, '1')
	}
	return append(dst, '0')
}

func appendU(dst []byte, v uint64) []byte { return strconv.AppendUint(dst, v, 10) }
