//! Request pacing for the LLM API: a minimum spacing between requests (requests per minute),
//! an optional tokens-per-minute bucket, and a shared pause that a 429's `Retry-After` sets.

use std::time::{Duration, Instant};

/// Paces request starts. Requests per minute are enforced as an even spacing, not a burst
/// allowance: providers enforce their per-minute limits over shorter windows (OpenAI
/// documents 60 RPM as possibly one request per second), so bursting invites 429s.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    spacing: Duration,
    /// Held across the wait, so callers are served one after another in arrival order.
    slots: tokio::sync::Mutex<Slots>,
    /// Kept apart from `slots` so a 429 can pause everyone without queueing behind a waiter.
    paused_until: std::sync::Mutex<Option<Instant>>,
}

#[derive(Debug)]
struct Slots {
    next_start: Instant,
    tokens: Option<TokenBucket>,
}

/// Tokens per minute as a bucket that refills continuously and holds at most a minute's worth.
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

impl RateLimiter {
    /// `tokens_per_minute` 0 means no token limit.
    pub(crate) fn new(requests_per_minute: u32, tokens_per_minute: u32) -> RateLimiter {
        let now = Instant::now();
        let tokens = (tokens_per_minute > 0).then(|| TokenBucket {
            capacity: f64::from(tokens_per_minute),
            per_second: f64::from(tokens_per_minute) / 60.0,
            level: f64::from(tokens_per_minute),
            updated: now,
        });
        RateLimiter {
            spacing: Duration::from_secs_f64(60.0 / f64::from(requests_per_minute.max(1))),
            slots: tokio::sync::Mutex::new(Slots {
                next_start: now,
                tokens,
            }),
            paused_until: std::sync::Mutex::new(None),
        }
    }

    /// Waits until a request estimated at `tokens` may start, and books its slot.
    pub(crate) async fn acquire(&self, tokens: u64) {
        let mut slots = self.slots.lock().await;
        loop {
            let now = Instant::now();
            let mut ready = slots.next_start;
            if let Some(paused) = self.paused_until() {
                ready = ready.max(paused);
            }
            if let Some(bucket) = slots.tokens.as_mut() {
                ready = ready.max(bucket.ready_at(tokens, now));
            }
            if ready <= now {
                slots.next_start = now + self.spacing;
                if let Some(bucket) = slots.tokens.as_mut() {
                    bucket.level -= tokens as f64;
                }
                return;
            }
            tokio::time::sleep_until(tokio::time::Instant::from_std(ready)).await;
        }
    }

    /// Holds back every request for `wait` (a 429's `Retry-After`: the limit is the account's,
    /// not one request's).
    pub(crate) fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut paused = self
            .paused_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *paused = Some(paused.map_or(until, |current| current.max(until)));
    }

    fn paused_until(&self) -> Option<Instant> {
        *self
            .paused_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_are_spaced_evenly() {
        let limiter = RateLimiter::new(600, 0); // one per 100 ms
        let start = Instant::now();
        for _ in 0..4 {
            limiter.acquire(1).await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");
    }

    #[tokio::test]
    async fn a_pause_holds_back_the_next_request() {
        let limiter = RateLimiter::new(60_000, 0);
        limiter.acquire(1).await;
        limiter.pause(Duration::from_millis(300));
        let start = Instant::now();
        limiter.acquire(1).await;
        assert!(start.elapsed() >= Duration::from_millis(290));
    }

    #[tokio::test]
    async fn the_token_bucket_waits_for_refill() {
        // 6000 tokens a minute = 100 a second; the bucket starts full.
        let limiter = RateLimiter::new(60_000, 6000);
        let start = Instant::now();
        limiter.acquire(6000).await;
        assert!(start.elapsed() < Duration::from_millis(100));
        limiter.acquire(30).await; // needs 0.3 s of refill
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(280), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(800), "{elapsed:?}");
    }
}
