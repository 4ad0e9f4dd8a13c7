-- Request counts per key (an IP address, an email) and fixed window, shared
-- by the nodes of an installation so that rate limits hold across them (see
-- package ratelimit). Each node adds what it counted every half second.
CREATE TABLE rate_counts (
	rate_key        TEXT NOT NULL,
	window_start    {{bigint}} NOT NULL,
	window_seconds  {{bigint}} NOT NULL,
	n               {{bigint}} NOT NULL,
	PRIMARY KEY (rate_key, window_start, window_seconds)
);
