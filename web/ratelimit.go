package web

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/ratelimit"
)

// Limits are the rate limits of the public forms. The zero value limits
// nothing (as tests want); cmd/groundswell sets the defaults an installation
// runs with. Limits per address are generous because an NHS trust's staff
// reach the internet through a few shared addresses; limits per email and
// per account are tight.
type Limits struct {
	PledgePerIP, PledgePerEmail   ratelimit.Limit
	SigninPerIP, SigninPerAccount ratelimit.Limit
	// TrustProxy takes the client's address from the last entry of
	// X-Forwarded-For, which the load balancer in front appends. Without a
	// proxy that sets it, a sender could write any address there.
	TrustProxy bool
}

// clientIP is the address a request came from.
func (s *Server) clientIP(r *http.Request) string {
	if s.opts.Limits.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allowed counts a request under each of its limits; when one is over, it
// answers 429 with a page that says when to try again, and returns false.
// Every limit is counted in turn, so an over-limit sender uses up nothing
// else.
func (s *Server) allowed(w http.ResponseWriter, r *http.Request, what string, checks ...rateCheck) bool {
	for _, c := range checks {
		if c.key == "" {
			continue
		}
		ok, retry := s.limiter.Allow(c.key, c.limit)
		if ok {
			continue
		}
		wait := max(time.Second, retry.Round(time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
		s.log.WarnContext(r.Context(), "rate limit", "limit", c.name, "path", r.URL.Path)
		s.render(w, r, http.StatusTooManyRequests, "error", page{Title: "Too many attempts", D: map[string]any{
			"Status": http.StatusTooManyRequests,
			"Message": "There have been too many " + what + " " + c.from + " in a short time. Please try again in " +
				waitWords(wait) + ". Nothing you entered has been saved.",
		}})
		return false
	}
	return true
}

type rateCheck struct {
	name, key, from string
	limit           ratelimit.Limit
}

func (s *Server) perIP(r *http.Request, name string, lim ratelimit.Limit) rateCheck {
	return rateCheck{name: name, key: name + ":ip:" + s.clientIP(r), from: "from your network", limit: lim}
}

func perEmail(name, email string, lim ratelimit.Limit) rateCheck {
	email = gs.NormalizeEmail(email)
	if email == "" {
		return rateCheck{}
	}
	return rateCheck{name: name, key: name + ":email:" + email, from: "for this email address", limit: lim}
}

func waitWords(d time.Duration) string {
	switch {
	case d < time.Minute:
		n := int(d / time.Second)
		return strconv.Itoa(n) + map[bool]string{true: " second", false: " seconds"}[n == 1]
	case d < time.Hour:
		n := int((d + time.Minute - 1) / time.Minute)
		return strconv.Itoa(n) + map[bool]string{true: " minute", false: " minutes"}[n == 1]
	}
	n := int((d + time.Hour - 1) / time.Hour)
	return strconv.Itoa(n) + map[bool]string{true: " hour", false: " hours"}[n == 1]
}
