package web

import (
	"crypto/rand"
	"encoding/base32"
)

// randomToken returns 128 random bits as base32 text.
func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b) // never returns an error; see crypto/rand.
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}
