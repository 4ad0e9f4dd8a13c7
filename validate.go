package groundswell

import (
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// text checks one free-text field: trimmed, required or not, within max
// characters, and free of control characters (newlines only where multiline).
// It returns the cleaned value. The label is used in messages, which follow the
// NHS.UK error-message style ("Enter your name").
func text(errs FieldErrors, field, label, value string, required bool, max int, multiline bool) string {
	value = strings.TrimSpace(value)
	if multiline {
		value = strings.ReplaceAll(value, "\r\n", "\n")
	}
	switch {
	case !utf8.ValidString(value):
		errs.Add(field, label+" contains characters that are not valid text")
	case value == "" && required:
		errs.Add(field, "Enter "+lowerFirst(label))
	case utf8.RuneCountInString(value) > max:
		errs.Add(field, label+" must be "+strconv.Itoa(max)+" characters or fewer")
	case hasControl(value, multiline):
		errs.Add(field, label+" must not contain control characters")
	}
	return value
}

func hasControl(s string, allowNewline bool) bool {
	for _, r := range s {
		if allowNewline && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || bidiControl(r) {
			return true
		}
	}
	return false
}

// bidiControl reports the explicit bidirectional embedding, override and
// isolate characters. No name or story needs them (right-to-left scripts
// are laid out without them), and they can make text read differently
// from what it is: a name shown reversed, a link disguised ("Trojan
// Source"). Joiners, which some scripts and emoji need, are allowed.
func bidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// NormalizeEmail lower-cases and trims an email address. Email is a person's
// identity, so two spellings of one address must meet.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// email checks an email address: a bare addr-spec with a dotted domain.
func email(errs FieldErrors, field, value string) string {
	value = NormalizeEmail(value)
	if value == "" {
		errs.Add(field, "Enter your email address")
		return value
	}
	if len(value) > 254 {
		errs.Add(field, "Email address must be 254 characters or fewer")
		return value
	}
	addr, err := mail.ParseAddress(value)
	at := strings.LastIndexByte(value, '@')
	if err != nil || addr.Address != value || hasControl(value, false) || strings.ContainsAny(value, " <>\"") ||
		at < 1 || !strings.Contains(value[at+1:], ".") || strings.HasSuffix(value, ".") {
		errs.Add(field, "Enter an email address in the correct format, like name@example.com")
	}
	return value
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	// Keep acronyms such as "NHS" as they are.
	if n < len(s) {
		next, _ := utf8.DecodeRuneInString(s[n:])
		if unicode.IsUpper(next) {
			return s
		}
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// ValidSlug reports whether s is a URL slug: 1–60 lower-case letters, digits
// and single hyphens.
func ValidSlug(s string) bool {
	if s == "" || len(s) > 60 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// Slugify makes a slug from a title: "Care-home leaders" → "care-home-leaders".
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}
