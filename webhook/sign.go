// Package webhook delivers a campaign's events to the HTTPS endpoints its
// organisers registered: signed as Standard Webhooks (standardwebhooks.com)
// specifies, sent by the job queue, retried with backoff, each attempt
// recorded on its delivery. It also verifies such signatures, for receivers
// written in Go and for tests.
//
// The events themselves are written by the store, in the transaction of the
// change they report (store/webhook_events.go); this package only sends
// what is written. See docs/WEBHOOKS.md for the events, the payloads and the
// retry schedule.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// The headers of every message, as Standard Webhooks names them.
const (
	HeaderID        = "webhook-id"        // the message's id: the same on every attempt
	HeaderTimestamp = "webhook-timestamp" // when the attempt was signed, Unix seconds
	HeaderSignature = "webhook-signature" // "v1,<base64 HMAC-SHA256>", one per secret, space-separated
)

// Tolerance is how far from the receiver's clock a message's timestamp may
// be: a signed message replayed later than this is refused.
const Tolerance = 5 * time.Minute

// Verification errors.
var (
	ErrMissingHeaders = errors.New("webhook: the webhook-id, webhook-timestamp or webhook-signature header is missing")
	ErrTimestamp      = errors.New("webhook: the timestamp is too far from now")
	ErrSignature      = errors.New("webhook: no signature matches")
	ErrSecret         = errors.New("webhook: the secret is not whsec_ followed by base64")
)

// key decodes a secret: "whsec_" and the key in base64. Like the Standard
// Webhooks libraries, it also takes the base64 alone.
func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, gs.WebhookSecretPrefix))
	if err != nil || len(k) == 0 {
		return nil, ErrSecret
	}
	return k, nil
}

// signature is the base64 HMAC-SHA256, under key, of "id.timestamp.body".
func signature(key []byte, id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, ts, 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Sign returns the webhook-signature header of a message signed at ts: a
// "v1," signature for each secret, separated by spaces (two while a secret
// is being rotated, so that receivers holding either accept it).
func Sign(secrets []string, id string, ts time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		k, err := key(s)
		if err != nil {
			return "", err
		}
		sigs = append(sigs, "v1,"+signature(k, id, ts.Unix(), body))
	}
	return strings.Join(sigs, " "), nil
}

// SetHeaders sets the headers of a message signed now with secrets.
func SetHeaders(h http.Header, secrets []string, id string, now time.Time, body []byte) error {
	sig, err := Sign(secrets, id, now, body)
	if err != nil {
		return err
	}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return nil
}

// Verify checks a message received now: that its timestamp is within
// Tolerance of the clock, and that one of its signatures is the body's,
// signed with secret. Pass the body exactly as received: a body parsed and
// encoded again does not verify.
func Verify(secret string, h http.Header, body []byte) error {
	return VerifyAt(secret, h, body, time.Now())
}

// VerifyAt is Verify with the receiver's clock reading now.
func VerifyAt(secret string, h http.Header, body []byte, now time.Time) error {
	k, err := key(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(ts, 0)); d > Tolerance || d < -Tolerance {
		return ErrTimestamp
	}
	want := []byte(signature(k, id, ts, body))
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		// Signatures of versions this code does not know are skipped, as
		// the specification asks, so a sender may add them.
		if ok && version == "v1" && hmac.Equal([]byte(sig), want) {
			return nil
		}
	}
	return ErrSignature
}
