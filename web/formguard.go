package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// The public forms' defence against programs that fill them in, with no
// third-party CAPTCHA (which would send people's visits to another company,
// and shut out some disabled people):
//
//   - a honeypot: a text field a browser never shows, so that a person
//     leaves it empty and a program filling in every field does not;
//   - a minimum fill time: the form carries the time it was shown, signed
//     with the installation's own key (HMAC-SHA256), so a program cannot
//     write itself an earlier time, and a form sent back sooner than a
//     person could fill it in is not taken.
//
// Either way the answer is the form again, with what was typed, asking to
// press the button again, and nothing stored: a person who was merely quick
// (a browser that fills everything in) succeeds on the second press,
// because their form keeps its first time. A program that fetches the form
// and waits defeats this, which is why the rate limits stay: this stops the
// cheap, fast programs that make most unwanted submissions.
//
// The key is made on first start and kept in the database (app_secrets), so
// every node of an installation checks what any node signed.

const (
	honeypotField = "website"
	startedField  = "started"
	// stampMaxAge is how long a form's time stays good: a week, so a form
	// left open for days still works. A stamp is not single use: a program
	// that fetched the form once may send it back many times within the
	// week; the rate limits per address and per email bound what it gains.
	stampMaxAge = 7 * 24 * time.Hour
)

// formGuard signs and checks the time forms are shown.
type formGuard struct {
	key []byte
	// min is the shortest time a person takes to fill in a form; 0 turns
	// the check of time off (the honeypot stays), as tests want.
	min time.Duration
	now func() time.Time
}

// stamp is the signed time, now, for the named form.
func (g *formGuard) stamp(name string) string {
	ms := strconv.FormatInt(g.now().UnixMilli(), 10)
	return ms + "." + g.mac(name, ms)
}

func (g *formGuard) mac(name, ms string) string {
	h := hmac.New(sha256.New, g.key)
	h.Write([]byte("groundswell form " + name + " shown at " + ms))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// guardVerdict is what the defence made of a form sent back.
type guardVerdict struct {
	// reason is why the form was not taken, for the log; "" when it was.
	reason string
	// restamp is set when the form's time was missing, forged or too old:
	// the form shown again needs a new one.
	restamp bool
}

// check looks at a form sent back: its honeypot, and, when a minimum fill
// time is set, its signed time.
func (g *formGuard) check(name string, f *form) guardVerdict {
	var v guardVerdict
	if g.min > 0 {
		ms, mac, _ := strings.Cut(f.Get(startedField), ".")
		shown, err := strconv.ParseInt(ms, 10, 64)
		age := g.now().Sub(time.UnixMilli(shown))
		switch {
		case err != nil || !hmac.Equal([]byte(mac), []byte(g.mac(name, ms))):
			v = guardVerdict{reason: "form time missing or not ours", restamp: true}
		case age > stampMaxAge || age < -time.Minute:
			v = guardVerdict{reason: "form time out of range", restamp: true}
		case age < g.min:
			v.reason = "sent faster than a person fills it in"
		}
	}
	if strings.TrimSpace(f.Get(honeypotField)) != "" && v.reason == "" {
		v.reason = "hidden field filled in"
	}
	return v
}

// guardMessage is what a refused form says: the same to a person as to a
// program, and something a person can act on.
const guardMessage = "Please check your details and press the button again. " +
	"We ask because forms sent back very quickly, or with a hidden field filled in, are usually sent by automated programs. Nothing has been saved yet."

// refuse prepares a refused form to be shown again: the honeypot emptied, a
// new time when the old one will not do, and the message.
func (g *formGuard) refuse(name string, f *form, v guardVerdict) {
	f.Set(honeypotField, "")
	if v.restamp {
		f.Set(startedField, g.stamp(name))
	}
	f.Message = guardMessage
}
