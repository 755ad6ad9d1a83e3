package prepush

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Update is one line of git's pre-push input: git is about to set
// RemoteRef, now at RemoteOID, to LocalOID, the value of LocalRef. A new
// ref has a zero RemoteOID; a deletion has LocalRef "(delete)" and a zero
// LocalOID. Object ids are lowercase hex, 40 digits (SHA-1) or 64 (SHA-256).
type Update struct {
	LocalRef, LocalOID, RemoteRef, RemoteOID string
}

// maxLineQuote bounds how much of a bad line an error quotes.
const maxLineQuote = 200

// ParseUpdates reads git's pre-push input: lines of
// "<local ref> <local oid> <remote ref> <remote oid>". Blank lines are
// skipped. Any other line that does not have four fields, or whose object
// ids are not hex of 40 or 64 digits, or of different lengths, is an error
// that names the line.
func ParseUpdates(r io.Reader) ([]Update, error) {
	var updates []Update
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("cannot read the pre-push input: %w", err)
		}
		if strings.TrimSpace(line) != "" {
			u, perr := parseUpdate(line)
			if perr != nil {
				return nil, fmt.Errorf("bad pre-push input line %d %s: %w", n, quote(line), perr)
			}
			updates = append(updates, u)
		}
		if err != nil {
			return updates, nil
		}
	}
}

func parseUpdate(line string) (Update, error) {
	f := strings.Fields(line)
	if len(f) != 4 {
		return Update{}, fmt.Errorf("want 4 fields (<local ref> <local oid> <remote ref> <remote oid>), got %d", len(f))
	}
	if err := checkOID(f[1]); err != nil {
		return Update{}, fmt.Errorf("local oid: %w", err)
	}
	if err := checkOID(f[3]); err != nil {
		return Update{}, fmt.Errorf("remote oid: %w", err)
	}
	if len(f[1]) != len(f[3]) {
		return Update{}, fmt.Errorf("the local oid has %d digits but the remote oid has %d", len(f[1]), len(f[3]))
	}
	// checkOID let only ASCII hex through, so ToLower keeps the lengths.
	return Update{LocalRef: f[0], LocalOID: strings.ToLower(f[1]), RemoteRef: f[2], RemoteOID: strings.ToLower(f[3])}, nil
}

// checkOID checks that oid is a hex object id of SHA-1 or SHA-256 length.
func checkOID(oid string) error {
	if len(oid) != 40 && len(oid) != 64 {
		return fmt.Errorf("%s has %d digits, want 40 (SHA-1) or 64 (SHA-256)", quote(oid), len(oid))
	}
	for i := 0; i < len(oid); i++ {
		if c := oid[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return fmt.Errorf("%s is not hex", quote(oid))
		}
	}
	return nil
}

// IsZero reports whether oid is the null object id: 40 or 64 zeros.
func IsZero(oid string) bool {
	if len(oid) != 40 && len(oid) != 64 {
		return false
	}
	return strings.Trim(oid, "0") == ""
}

// quote quotes s for an error message, shortened if long.
func quote(s string) string {
	s = strings.TrimRight(s, "\r\n")
	if len(s) > maxLineQuote {
		return fmt.Sprintf("%q...", s[:maxLineQuote])
	}
	return fmt.Sprintf("%q", s)
}
