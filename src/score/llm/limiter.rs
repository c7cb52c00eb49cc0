//! Request pacing for the LLM API: what the provider says is left, a rolling-window cap the
//! user may set, an optional tokens-per-minute cap, and a shared pause that a 429's
//! `Retry-After` sets.
//!
//! OpenAI, Azure, OpenRouter and GitHub Models answer every call with
//! `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`. From the first answer on, requests
//! start while the provider says requests (and tokens) remain, and wait for its reset when they
//! do not, so an account that allows 500 calls a minute is used at that rate and one that
//! allows 20 is not flooded. Before the first answer, and with providers that send no such
//! headers, only `concurrency` and the caps below bound the calls.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

/// The window a requests-per-minute cap counts in.
const WINDOW: Duration = Duration::from_secs(60);

/// Paces request starts. Shared by every call of a run.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    /// Held across the wait, so callers are served one after another in arrival order.
    slots: tokio::sync::Mutex<Slots>,
    /// Kept apart from `slots` so a 429 or an answer's headers never queue behind a waiter.
    shared: std::sync::Mutex<Shared>,
}

#[derive(Debug)]
struct Slots {
    /// `llm.requests_per_minute` when a number: at most this many starts in any 60 s.
    cap: Option<u32>,
    /// Starts within the last [`WINDOW`], oldest first (only kept under a cap).
    starts: VecDeque<Instant>,
    /// `llm.tokens_per_minute` when set.
    tokens: Option<TokenBucket>,
}

/// What the answers said, and the pause a 429 set.
#[derive(Debug, Default)]
struct Shared {
    paused_until: Option<Instant>,
    requests: Option<Budget>,
    tokens: Option<Budget>,
    /// Tickets handed out so far; a ticket is the index of one request start.
    issued: u64,
    /// The newest ticket whose answer's headers were applied: an older answer arriving later
    /// says less than the one applied already.
    applied: Option<u64>,
}

/// What the provider said remains of one limit, and when it is whole again. Nothing is
/// assumed to come back before the reset: a rolling-window provider frees slots only then, and
/// for a continuously refilling one this is merely cautious.
#[derive(Debug, Clone, Copy)]
struct Budget {
    limit: f64,
    remaining: f64,
    reset_at: Instant,
}

impl Budget {
    /// When `need` is available: now while it remains, else at the reset (a need larger than
    /// the whole limit waits for a full budget rather than forever).
    fn ready_at(&self, need: f64, now: Instant) -> Instant {
        if now >= self.reset_at || self.remaining >= need.min(self.limit) {
            now
        } else {
            self.reset_at
        }
    }

    fn take(&mut self, amount: f64, now: Instant) {
        if now >= self.reset_at {
            // Whole again; until the next answer says otherwise, assume a minute's window.
            self.remaining = self.limit;
            self.reset_at = now + WINDOW;
        }
        self.remaining -= amount;
    }
}

/// A cap of tokens per minute as a bucket that refills continuously and holds a minute's worth.
#[derive(Debug)]
struct TokenBucket {
    capacity: f64,
    per_second: f64,
    level: f64,
    updated: Instant,
}

impl TokenBucket {
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.level = (self.level + elapsed * self.per_second).min(self.capacity);
        self.updated = now;
    }

    /// When `tokens` can be taken. A request larger than the whole bucket waits for a full
    /// bucket rather than forever.
    fn ready_at(&mut self, tokens: u64, now: Instant) -> Instant {
        self.refill(now);
        let need = (tokens as f64).min(self.capacity);
        if self.level >= need {
            now
        } else {
            now + Duration::from_secs_f64((need - self.level) / self.per_second)
        }
    }
}

/// One request start, to match the answer's headers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ticket(u64);

impl RateLimiter {
    /// `requests_per_minute`: a hard cap per rolling minute, `None` for `auto`.
    /// `tokens_per_minute`: 0 means no cap of the user's.
    pub(crate) fn new(requests_per_minute: Option<u32>, tokens_per_minute: u32) -> RateLimiter {
        let tokens = (tokens_per_minute > 0).then(|| TokenBucket {
            capacity: f64::from(tokens_per_minute),
            per_second: f64::from(tokens_per_minute) / 60.0,
            level: f64::from(tokens_per_minute),
            updated: Instant::now(),
        });
        RateLimiter {
            slots: tokio::sync::Mutex::new(Slots {
                cap: requests_per_minute.map(|n| n.max(1)),
                starts: VecDeque::new(),
                tokens,
            }),
            shared: std::sync::Mutex::new(Shared::default()),
        }
    }

    /// Waits until a request estimated at `tokens` may start, books it, and returns its ticket
    /// for [`RateLimiter::observe`].
    pub(crate) async fn acquire(&self, tokens: u64) -> Ticket {
        let mut slots = self.slots.lock().await;
        loop {
            let now = Instant::now();
            while slots
                .starts
                .front()
                .is_some_and(|start| now.duration_since(*start) >= WINDOW)
            {
                slots.starts.pop_front();
            }
            let mut ready = now;
            if let Some(cap) = slots.cap
                && slots.starts.len() >= cap as usize
                && let Some(oldest) = slots.starts.front()
            {
                ready = ready.max(*oldest + WINDOW);
            }
            if let Some(bucket) = slots.tokens.as_mut() {
                ready = ready.max(bucket.ready_at(tokens, now));
            }
            {
                let mut shared = self.lock_shared();
                if let Some(paused) = shared.paused_until {
                    ready = ready.max(paused);
                }
                if let Some(budget) = &shared.requests {
                    ready = ready.max(budget.ready_at(1.0, now));
                }
                if let Some(budget) = &shared.tokens {
                    ready = ready.max(budget.ready_at(tokens as f64, now));
                }
                if ready <= now {
                    if let Some(budget) = shared.requests.as_mut() {
                        budget.take(1.0, now);
                    }
                    if let Some(budget) = shared.tokens.as_mut() {
                        budget.take(tokens as f64, now);
                    }
                    let ticket = Ticket(shared.issued);
                    shared.issued += 1;
                    drop(shared);
                    if slots.cap.is_some() {
                        slots.starts.push_back(now);
                    }
                    if let Some(bucket) = slots.tokens.as_mut() {
                        bucket.level -= tokens as f64;
                    }
                    return ticket;
                }
            }
            tokio::time::sleep_until(tokio::time::Instant::from_std(ready)).await;
        }
    }

    /// Learns the provider's remaining requests and tokens from the headers of the answer to
    /// `ticket` (any status: a 429 says it too). Requests started after `ticket` are counted
    /// as spent, since the provider may not have seen them when it answered.
    pub(crate) fn observe(&self, ticket: Ticket, headers: &HeaderMap) {
        let requests = budget_from(headers, "requests");
        let tokens = budget_from(headers, "tokens");
        if requests.is_none() && tokens.is_none() {
            return;
        }
        let mut shared = self.lock_shared();
        if shared.applied.is_some_and(|applied| applied > ticket.0) {
            return;
        }
        shared.applied = Some(ticket.0);
        let started_since = shared.issued.saturating_sub(ticket.0 + 1) as f64;
        if let Some(mut budget) = requests {
            budget.remaining -= started_since;
            shared.requests = Some(budget);
        }
        if let Some(budget) = tokens {
            // What the later requests will cost in tokens is unknown here; their estimates
            // were taken from the previous budget, so the provider's figure stands.
            shared.tokens = Some(budget);
        }
    }

    /// Holds back every request for `wait` (a 429's `Retry-After`: the limit is the account's,
    /// not one request's).
    pub(crate) fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut shared = self.lock_shared();
        shared.paused_until = Some(
            shared
                .paused_until
                .map_or(until, |current| current.max(until)),
        );
    }

    fn lock_shared(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One limit's budget from `x-ratelimit-limit-KIND`, `-remaining-KIND` and `-reset-KIND`.
fn budget_from(headers: &HeaderMap, kind: &str) -> Option<Budget> {
    let text = |name: String| headers.get(name)?.to_str().ok().map(str::trim);
    let number = |name: String| text(name)?.parse::<f64>().ok().filter(|n| n.is_finite());
    let limit = number(format!("x-ratelimit-limit-{kind}"))?;
    let remaining = number(format!("x-ratelimit-remaining-{kind}"))?;
    let reset = text(format!("x-ratelimit-reset-{kind}"))
        .and_then(parse_reset)
        .unwrap_or(WINDOW);
    Some(Budget {
        limit: limit.max(1.0),
        remaining: remaining.max(0.0),
        reset_at: Instant::now() + reset.min(Duration::from_secs(3600)),
    })
}

/// A reset as providers write it: OpenAI's Go-style durations (`1s`, `6m0s`, `20ms`,
/// `1m30.5s`, `2h`), or plain seconds (`0.5`).
pub(crate) fn parse_reset(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&end| end > 0)?;
        let value: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += value * seconds_per_unit;
        rest = &rest[unit_end..];
    }
    (!text.is_empty()).then(|| Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(limit: u32, remaining: u32, reset: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit-requests", limit.into());
        headers.insert("x-ratelimit-remaining-requests", remaining.into());
        headers.insert("x-ratelimit-reset-requests", reset.parse().unwrap());
        headers
    }

    #[test]
    fn resets_read_as_providers_write_them() {
        for (text, millis) in [
            ("1s", 1000),
            ("6m0s", 360_000),
            ("20ms", 20),
            ("1m30.5s", 90_500),
            ("2h", 7_200_000),
            ("0.25", 250),
        ] {
            assert_eq!(
                parse_reset(text),
                Some(Duration::from_millis(millis)),
                "{text}"
            );
        }
        for bad in ["", "soon", "5x", "-1"] {
            assert_eq!(parse_reset(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn a_cap_is_a_rolling_window_not_an_even_spacing() {
        let limiter = RateLimiter::new(Some(5), 0);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire(1).await;
        }
        // All five fit in the window at once: no call waited a second for the previous one.
        assert!(
            start.elapsed() < Duration::from_millis(100),
            "{:?}",
            start.elapsed()
        );
        // The sixth would be the sixth in 60 s: it is held back.
        let sixth = tokio::time::timeout(Duration::from_millis(300), limiter.acquire(1)).await;
        assert!(sixth.is_err(), "a sixth call started inside the window");
    }

    #[tokio::test]
    async fn without_headers_or_cap_nothing_waits() {
        let limiter = RateLimiter::new(None, 0);
        let start = Instant::now();
        for _ in 0..100 {
            limiter.acquire(1).await;
        }
        assert!(start.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn an_exhausted_budget_waits_for_the_providers_reset() {
        let limiter = RateLimiter::new(None, 0);
        let first = limiter.acquire(1).await;
        // Two more start before the first answer arrives.
        limiter.acquire(1).await;
        limiter.acquire(1).await;
        // The first answer says 3 remain: the two already started leave one.
        limiter.observe(first, &headers(20, 3, "400ms"));
        let start = Instant::now();
        limiter.acquire(1).await;
        assert!(start.elapsed() < Duration::from_millis(50));
        limiter.acquire(1).await;
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(380), "{waited:?}");
        assert!(waited < Duration::from_millis(900), "{waited:?}");
    }

    #[tokio::test]
    async fn an_older_answer_never_overrides_a_newer_one() {
        let limiter = RateLimiter::new(None, 0);
        let first = limiter.acquire(1).await;
        let second = limiter.acquire(1).await;
        limiter.observe(second, &headers(500, 400, "1s"));
        limiter.observe(first, &headers(500, 0, "1m"));
        let start = Instant::now();
        limiter.acquire(1).await;
        assert!(start.elapsed() < Duration::from_millis(50));
    }

    #[tokio::test]
    async fn a_cap_holds_even_when_the_provider_allows_more() {
        let limiter = RateLimiter::new(Some(2), 0);
        let first = limiter.acquire(1).await;
        limiter.observe(first, &headers(10_000, 9_999, "1ms"));
        limiter.acquire(1).await;
        let third = tokio::time::timeout(Duration::from_millis(200), limiter.acquire(1)).await;
        assert!(third.is_err());
    }

    #[tokio::test]
    async fn a_pause_holds_back_the_next_request() {
        let limiter = RateLimiter::new(None, 0);
        limiter.acquire(1).await;
        limiter.pause(Duration::from_millis(300));
        let start = Instant::now();
        limiter.acquire(1).await;
        assert!(start.elapsed() >= Duration::from_millis(290));
    }

    #[tokio::test]
    async fn the_token_bucket_waits_for_refill() {
        // 6000 tokens a minute = 100 a second; the bucket starts full.
        let limiter = RateLimiter::new(None, 6000);
        let start = Instant::now();
        limiter.acquire(6000).await;
        assert!(start.elapsed() < Duration::from_millis(100));
        limiter.acquire(30).await; // needs 0.3 s of refill
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(280), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(800), "{elapsed:?}");
    }
}
