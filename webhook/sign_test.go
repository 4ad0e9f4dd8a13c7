package webhook_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/groundswell-health/groundswell/webhook"
)

// The example of the Standard Webhooks specification: a receiver using any
// of its libraries accepts what Groundswell signs.
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specBody      = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func specHeaders(sig string) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderID, specID)
	h.Set(webhook.HeaderTimestamp, strconv.Itoa(specTimestamp))
	h.Set(webhook.HeaderSignature, sig)
	return h
}

func TestSignMatchesTheSpecification(t *testing.T) {
	got, err := webhook.Sign([]string{specSecret}, specID, time.Unix(specTimestamp, 0), []byte(specBody))
	if err != nil || got != specSignature {
		t.Fatalf("Sign = %q, %v; want %q", got, err, specSignature)
	}
	at := time.Unix(specTimestamp, 0).Add(time.Minute)
	if err := webhook.VerifyAt(specSecret, specHeaders(specSignature), []byte(specBody), at); err != nil {
		t.Errorf("the specification's example does not verify: %v", err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	at := time.Unix(specTimestamp, 0)
	other := "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="
	cases := []struct {
		name   string
		secret string
		h      http.Header
		body   string
		now    time.Time
		want   error
	}{
		{"a wrong secret", other, specHeaders(specSignature), specBody, at, webhook.ErrSignature},
		{"a changed body", specSecret, specHeaders(specSignature), `{"test": 2432232315}`, at, webhook.ErrSignature},
		{"an old message", specSecret, specHeaders(specSignature), specBody, at.Add(6 * time.Minute), webhook.ErrTimestamp},
		{"a message from the future", specSecret, specHeaders(specSignature), specBody, at.Add(-6 * time.Minute), webhook.ErrTimestamp},
		{"no signature", specSecret, specHeaders(""), specBody, at, webhook.ErrMissingHeaders},
		{"an unknown version only", specSecret, specHeaders("v2," + specSignature[3:]), specBody, at, webhook.ErrSignature},
		{"a secret that is not base64", "whsec_not base64!", specHeaders(specSignature), specBody, at, webhook.ErrSecret},
	}
	for _, c := range cases {
		if err := webhook.VerifyAt(c.secret, c.h, []byte(c.body), c.now); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// During a rotation a message carries a signature per secret; a receiver
// holding either accepts it.
func TestVerifyDuringRotation(t *testing.T) {
	other := "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="
	now := time.Now()
	h := http.Header{}
	if err := webhook.SetHeaders(h, []string{other, specSecret}, specID, now, []byte(specBody)); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{other, specSecret} {
		if err := webhook.Verify(secret, h, []byte(specBody)); err != nil {
			t.Errorf("secret %.12s…: %v", secret, err)
		}
	}
}
