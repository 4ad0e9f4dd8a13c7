package groundswell

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. Each maps to exactly one HTTP status in web.errorStatus.
const (
	ECONFLICT     = "conflict"     // the request clashes with what is stored (e.g. already pledged)
	EINTERNAL     = "internal"     // a fault of ours; details are logged, never shown
	EINVALID      = "invalid"      // the input is wrong; Fields says where
	ENOTFOUND     = "not_found"    // no such object
	EUNAUTHORIZED = "unauthorized" // sign-in needed
	EFORBIDDEN    = "forbidden"    // signed in, but not allowed
)

// Error is the one error type of the domain. Message is written for the person
// using Groundswell; Fields carries per-field messages for forms and the API.
type Error struct {
	Code    string
	Message string
	Fields  FieldErrors
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Fields)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Internal errors get a
// generic message so that no detail of the fault leaks to the user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}

// ErrorFields returns the per-field messages carried by err, if any.
func ErrorFields(err error) FieldErrors {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldErrors maps a form or JSON field name to a message about it.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message: the first
// problem found is the one worth fixing first.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

func (f FieldErrors) String() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + f[k]
	}
	return strings.Join(parts, "; ")
}

// Err returns an EINVALID *Error carrying the field messages, or nil if there
// are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "There is a problem with what was entered.", Fields: f}
}
