//! arXiv's announcement calendar: which dates have a page, which submissions each page carries,
//! and which page the live feed should show at a given instant.
//!
//! # The schedule, encoded once
//!
//! arXiv's published schedule (US Eastern time): submissions received before the 14:00 cut-off
//! are announced at 20:00 the same weekday, except that Thursday's cut-off is announced on
//! Sunday evening and Friday's on Monday evening. Each announcement appears in the RSS feed,
//! and on arXiv's own listings, under the *next* calendar date (the Wednesday 20:00
//! announcement is the feed dated Thursday: the cs.CL feed of Thu 13 Aug 2026 carries
//! `pubDate: Thu, 13 Aug 2026 00:00:00 -0400` and was built at 04:00 UTC, midnight in New
//! York). This module calls that date the **page date**; page dates run Monday to Friday.
//!
//! | page date (feed date) | announced (ET) | submissions received (ET), half-open |
//! |-----------------------|----------------|--------------------------------------|
//! | Monday                | Sunday 20:00   | Thursday 14:00 → Friday 14:00        |
//! | Tuesday               | Monday 20:00   | Friday 14:00 → Monday 14:00          |
//! | Wednesday             | Tuesday 20:00  | Monday 14:00 → Tuesday 14:00         |
//! | Thursday              | Wednesday 20:00| Tuesday 14:00 → Wednesday 14:00      |
//! | Friday                | Thursday 20:00 | Wednesday 14:00 → Thursday 14:00     |
//!
//! So a page date's window *ends* at 14:00 on the weekday before it (Friday for a Monday), and
//! *starts* where the previous page date's window ended.
//!
//! # Holidays
//!
//! `arxiv.holidays` lists **page dates** that have no page: the date arXiv would have printed
//! on the skipped listing (the same date the feed would have carried). arXiv names skipped
//! announcements the same way. Submissions of a skipped announcement roll into the next one,
//! which is what "starts where the previous page date's window ended" gives: with Friday
//! 25 Dec 2026 a holiday, the Monday 28 Dec window runs from Wednesday 23 Dec 14:00 to
//! Friday 25 Dec 14:00, two days instead of one. A cut-off itself never moves; only whether
//! an announcement happens does.
//!
//! All instants are converted with the bundled IANA database (`America/New_York`), so the
//! windows around the March and November clock changes are one hour shorter or longer in UTC.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::config::ArxivConfig;

/// The time zone arXiv's schedule is stated in.
pub(crate) const ARXIV_TIME_ZONE: &str = "America/New_York";

/// The daily submission cut-off, in New York local time (hour, minute).
pub(crate) const CUTOFF_HOUR_MINUTE: (i8, i8) = (14, 0);

static NEW_YORK: LazyLock<TimeZone> = LazyLock::new(|| {
    // The crate builds jiff with `tzdb-bundle-always`, so the zone is compiled in.
    TimeZone::get(ARXIV_TIME_ZONE).expect("the bundled tz database has America/New_York")
});

/// arXiv's announcement calendar with the configured holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
}

/// The submissions one page carries: received at or after `start` and before `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SubmissionWindow {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Calendar {
    /// A calendar whose holidays are the given page dates.
    pub(crate) fn new(holidays: impl IntoIterator<Item = Date>) -> Calendar {
        Calendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// The calendar of `[arxiv]`, with `holidays` parsed from `YYYY-MM-DD`.
    pub fn from_config(arxiv: &ArxivConfig) -> Result<Calendar> {
        let holidays = arxiv
            .holidays
            .iter()
            .map(|text| {
                text.parse::<Date>().with_context(|| {
                    format!("arxiv.holidays: {text:?} is not a date in YYYY-MM-DD form")
                })
            })
            .collect::<Result<Vec<Date>>>()?;
        Ok(Calendar::new(holidays))
    }

    /// This calendar with more holidays: weekdays on which arXiv was seen to announce nothing.
    pub(crate) fn with_holidays(&self, more: impl IntoIterator<Item = Date>) -> Calendar {
        let mut holidays = self.holidays.clone();
        holidays.extend(more);
        Calendar { holidays }
    }

    /// Whether arXiv skips the page of this date.
    pub(crate) fn is_holiday(&self, date: Date) -> bool {
        self.holidays.contains(&date)
    }

    /// Whether the date has a page: a weekday that is not a holiday.
    pub(crate) fn is_page_date(&self, date: Date) -> bool {
        is_weekday(date) && !self.is_holiday(date)
    }

    /// The last page date strictly before `date` (`None` only at the start of the date range).
    pub(crate) fn previous_page_date(&self, date: Date) -> Option<Date> {
        date.series(-1.day())
            .skip(1)
            .find(|&day| self.is_page_date(day))
    }

    /// The first page date strictly after `date` (`None` only at the end of the date range).
    #[cfg(test)]
    pub(crate) fn next_page_date(&self, date: Date) -> Option<Date> {
        date.series(1.day())
            .skip(1)
            .find(|&day| self.is_page_date(day))
    }

    /// The page dates from `from` to `to`, both included, oldest first; empty when `from > to`.
    pub(crate) fn page_dates_between(&self, from: Date, to: Date) -> Vec<Date> {
        from.series(1.day())
            .take_while(|&day| day <= to)
            .filter(|&day| self.is_page_date(day))
            .collect()
    }

    /// The `n` page dates strictly before `before`, **oldest first** (the order catch-up
    /// processes them in).
    pub(crate) fn recent_page_dates(&self, before: Date, n: usize) -> Vec<Date> {
        let mut dates: Vec<Date> = before
            .series(-1.day())
            .skip(1)
            .filter(|&day| self.is_page_date(day))
            .take(n)
            .collect();
        dates.reverse();
        dates
    }

    /// The submissions the page of `page_date` carries: from the cut-off that closed the
    /// previous page's window to this page's own cut-off (see the module table). Errors for a
    /// date that has no page.
    pub(crate) fn submission_window(&self, page_date: Date) -> Result<SubmissionWindow> {
        if !is_weekday(page_date) {
            bail!(
                "{page_date} is a {:?}: arXiv has no page on weekends",
                page_date.weekday()
            );
        }
        if self.is_holiday(page_date) {
            bail!("{page_date} is listed in arxiv.holidays: arXiv has no page that day");
        }
        let previous = self
            .previous_page_date(page_date)
            .with_context(|| format!("no arXiv page date before {page_date}"))?;
        Ok(SubmissionWindow {
            start: cutoff_closing(previous)?,
            end: cutoff_closing(page_date)?,
        })
    }

    /// The page date the live RSS feed should carry at `now`, or `None` when the New York date
    /// has no page (weekend or holiday: the feed is then expected to be empty). The feed is
    /// rebuilt at midnight New York time after the 20:00 announcement, so the answer changes
    /// at 00:00 New York time, not at 20:00 and not at midnight UTC. A run in the first minutes
    /// after midnight may still see the previous feed; the stale-feed check catches that.
    pub(crate) fn expected_feed_date(&self, now: Timestamp) -> Option<Date> {
        let today = new_york_date(now);
        self.is_page_date(today).then_some(today)
    }

    /// The newest page date whose feed has been published by `now`: today's in New York if
    /// today has a page, otherwise the page date before it.
    #[cfg(test)]
    pub(crate) fn latest_page_date(&self, now: Timestamp) -> Option<Date> {
        self.expected_feed_date(now)
            .or_else(|| self.previous_page_date(new_york_date(now)))
    }
}

impl SubmissionWindow {
    /// Whether a submission made at `instant` belongs to this window.
    pub(crate) fn contains(&self, instant: Timestamp) -> bool {
        self.start <= instant && instant < self.end
    }

    /// How long the window is; 24 hours for an ordinary weekday, 72 across a weekend, one
    /// hour less or more across a clock change.
    #[cfg(test)]
    pub(crate) fn duration(&self) -> jiff::SignedDuration {
        self.end.duration_since(self.start)
    }

    /// The export API's `submittedDate:[FROM TO TO]` clause (GMT, minute precision).
    ///
    /// The API's range is inclusive at both ends and the manual does not say whether seconds
    /// within the upper minute count. Both bounds here are exact minutes (14:00 New York is
    /// always a whole minute in UTC), and the upper bound is the window's exclusive end
    /// itself, not one minute before it: subtracting a minute would lose the 13:59:xx
    /// submissions (the busiest minute of the day) if the API compared instants. The price is
    /// that submissions from the first minute after the cut-off may come back too, so callers
    /// keep only entries whose first-version time the window [`contains`](Self::contains);
    /// `fetch::api::fetch_window` does.
    pub(crate) fn api_date_range(&self) -> String {
        format!(
            "submittedDate:[{} TO {}]",
            self.start.strftime("%Y%m%d%H%M"),
            self.end.strftime("%Y%m%d%H%M")
        )
    }
}

impl fmt::Display for SubmissionWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} .. {}", self.start, self.end)
    }
}

/// The calendar date in New York at `instant`.
pub(crate) fn new_york_date(instant: Timestamp) -> Date {
    instant.to_zoned_datetime(NEW_YORK.clone()).date()
}

/// The cut-off that closes the window of `page_date`: 14:00 New York time on the weekday
/// before it (Friday for a Monday).
fn cutoff_closing(page_date: Date) -> Result<Timestamp> {
    let weekday_before = page_date
        .series(-1.day())
        .skip(1)
        .find(|&day| is_weekday(day))
        .with_context(|| format!("no weekday before {page_date}"))?;
    let (hour, minute) = CUTOFF_HOUR_MINUTE;
    let local = weekday_before.at(hour, minute, 0, 0);
    NEW_YORK
        .to_timestamp(local)
        .with_context(|| format!("{local} in {ARXIV_TIME_ZONE} is out of range"))
}

fn is_weekday(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;

    use super::*;
    use jiff::civil::date;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn default_calendar() -> Calendar {
        Calendar::from_config(&ArxivConfig::default()).unwrap()
    }

    #[test]
    fn each_weekday_window_follows_the_published_schedule() {
        let calendar = Calendar::default();
        // The week of Mon 10 Aug 2026 (EDT, UTC-4: 14:00 ET is 18:00 UTC).
        let table = [
            // page date, window start (UTC), window end (UTC), hours
            (
                date(2026, 8, 10),
                "2026-08-06T18:00:00Z",
                "2026-08-07T18:00:00Z",
                24,
            ),
            (
                date(2026, 8, 11),
                "2026-08-07T18:00:00Z",
                "2026-08-10T18:00:00Z",
                72,
            ),
            (
                date(2026, 8, 12),
                "2026-08-10T18:00:00Z",
                "2026-08-11T18:00:00Z",
                24,
            ),
            (
                date(2026, 8, 13),
                "2026-08-11T18:00:00Z",
                "2026-08-12T18:00:00Z",
                24,
            ),
            (
                date(2026, 8, 14),
                "2026-08-12T18:00:00Z",
                "2026-08-13T18:00:00Z",
                24,
            ),
        ];
        for (page, start, end, hours) in table {
            let window = calendar.submission_window(page).unwrap();
            assert_eq!(window.start, ts(start), "start of {page}");
            assert_eq!(window.end, ts(end), "end of {page}");
            assert_eq!(
                window.duration(),
                SignedDuration::from_hours(hours),
                "{page}"
            );
        }
    }

    #[test]
    fn windows_of_consecutive_pages_tile_without_gaps() {
        let calendar = default_calendar();
        let pages = calendar.page_dates_between(date(2026, 1, 1), date(2027, 1, 31));
        for pair in pages.windows(2) {
            let earlier = calendar.submission_window(pair[0]).unwrap();
            let later = calendar.submission_window(pair[1]).unwrap();
            assert_eq!(earlier.end, later.start, "{} then {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn winter_cutoff_is_19_utc() {
        let window = Calendar::default()
            .submission_window(date(2026, 12, 2))
            .unwrap();
        assert_eq!(window.start, ts("2026-11-30T19:00:00Z"));
        assert_eq!(window.end, ts("2026-12-01T19:00:00Z"));
    }

    #[test]
    fn window_across_the_march_clock_change_is_an_hour_shorter() {
        // Clocks go forward on Sun 8 Mar 2026: Fri 14:00 EST → Mon 14:00 EDT.
        let window = Calendar::default()
            .submission_window(date(2026, 3, 10))
            .unwrap();
        assert_eq!(window.start, ts("2026-03-06T19:00:00Z"));
        assert_eq!(window.end, ts("2026-03-09T18:00:00Z"));
        assert_eq!(window.duration(), SignedDuration::from_hours(71));
        // The Monday page before it does not span the change.
        let monday = Calendar::default()
            .submission_window(date(2026, 3, 9))
            .unwrap();
        assert_eq!(monday.duration(), SignedDuration::from_hours(24));
    }

    #[test]
    fn window_across_the_november_clock_change_is_an_hour_longer() {
        // Clocks go back on Sun 1 Nov 2026: Fri 14:00 EDT → Mon 14:00 EST.
        let window = Calendar::default()
            .submission_window(date(2026, 11, 3))
            .unwrap();
        assert_eq!(window.start, ts("2026-10-30T18:00:00Z"));
        assert_eq!(window.end, ts("2026-11-02T19:00:00Z"));
        assert_eq!(window.duration(), SignedDuration::from_hours(73));
    }

    #[test]
    fn a_holiday_has_no_page_and_widens_the_next_window() {
        let calendar = default_calendar();
        assert!(!calendar.is_page_date(date(2026, 12, 25)));
        let err = calendar.submission_window(date(2026, 12, 25)).unwrap_err();
        assert!(err.to_string().contains("arxiv.holidays"), "{err}");

        // Thu 24 Dec is ordinary: Tue 22 14:00 EST → Wed 23 14:00 EST.
        let thursday = calendar.submission_window(date(2026, 12, 24)).unwrap();
        assert_eq!(thursday.start, ts("2026-12-22T19:00:00Z"));
        assert_eq!(thursday.end, ts("2026-12-23T19:00:00Z"));
        // Mon 28 Dec takes the skipped Friday page's submissions too: Wed 23 → Fri 25.
        let monday = calendar.submission_window(date(2026, 12, 28)).unwrap();
        assert_eq!(monday.start, ts("2026-12-23T19:00:00Z"));
        assert_eq!(monday.end, ts("2026-12-25T19:00:00Z"));
        assert_eq!(monday.duration(), SignedDuration::from_hours(48));
        // Without the holiday the same Monday is an ordinary one-day window.
        let plain = Calendar::default()
            .submission_window(date(2026, 12, 28))
            .unwrap();
        assert_eq!(plain.start, ts("2026-12-24T19:00:00Z"));
    }

    #[test]
    fn a_monday_holiday_rolls_into_tuesday() {
        let calendar = Calendar::new([date(2026, 9, 7)]);
        let tuesday = calendar.submission_window(date(2026, 9, 8)).unwrap();
        // Thu 3 Sep 14:00 EDT → Mon 7 Sep 14:00 EDT: four days.
        assert_eq!(tuesday.start, ts("2026-09-03T18:00:00Z"));
        assert_eq!(tuesday.end, ts("2026-09-07T18:00:00Z"));
        assert_eq!(
            calendar.previous_page_date(date(2026, 9, 8)),
            Some(date(2026, 9, 4))
        );
    }

    #[test]
    fn weekend_dates_have_no_window() {
        let err = Calendar::default()
            .submission_window(date(2026, 8, 15))
            .unwrap_err();
        assert!(err.to_string().contains("weekend"), "{err}");
    }

    #[test]
    fn page_dates_of_december_2026_skip_weekends_and_christmas() {
        let calendar = default_calendar();
        let pages = calendar.page_dates_between(date(2026, 12, 1), date(2026, 12, 31));
        let days: Vec<i8> = pages.iter().map(|d| d.day()).collect();
        assert_eq!(
            days,
            [
                1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 21, 22, 23, 24, 28, 29, 30, 31
            ]
        );
        assert!(pages.iter().all(|&d| calendar.is_page_date(d)));
        assert!(
            calendar
                .page_dates_between(date(2026, 12, 31), date(2026, 12, 1))
                .is_empty()
        );
    }

    #[test]
    fn previous_and_next_skip_weekends_and_holidays() {
        let calendar = default_calendar();
        assert_eq!(
            calendar.next_page_date(date(2026, 12, 24)),
            Some(date(2026, 12, 28))
        );
        assert_eq!(
            calendar.previous_page_date(date(2026, 12, 28)),
            Some(date(2026, 12, 24))
        );
        assert_eq!(
            calendar.next_page_date(date(2026, 12, 31)),
            Some(date(2027, 1, 4))
        );
        assert_eq!(
            calendar.previous_page_date(date(2026, 8, 17)),
            Some(date(2026, 8, 14))
        );
        assert_eq!(
            calendar.next_page_date(date(2026, 8, 15)),
            Some(date(2026, 8, 17))
        );
        // Strictly before/after, even when the date itself has a page.
        assert_eq!(
            calendar.previous_page_date(date(2026, 8, 13)),
            Some(date(2026, 8, 12))
        );
    }

    #[test]
    fn recent_page_dates_are_oldest_first_and_strictly_before() {
        let calendar = default_calendar();
        assert_eq!(
            calendar.recent_page_dates(date(2026, 12, 29), 4),
            [
                date(2026, 12, 22),
                date(2026, 12, 23),
                date(2026, 12, 24),
                date(2026, 12, 28)
            ]
        );
        assert!(calendar.recent_page_dates(date(2026, 12, 29), 0).is_empty());
    }

    #[test]
    fn expected_feed_date_turns_at_midnight_in_new_york() {
        let calendar = default_calendar();
        let table = [
            // Thu 13 Aug 2026 00:00:13 EDT: the real cs.CL feed's lastBuildDate.
            (
                "2026-08-13T04:00:13Z",
                Some(date(2026, 8, 13)),
                date(2026, 8, 13),
            ),
            // Wed 23:59 EDT, already Thursday in UTC: still Wednesday's feed.
            (
                "2026-08-13T03:59:00Z",
                Some(date(2026, 8, 12)),
                date(2026, 8, 12),
            ),
            // Saturday: no page; Friday's is the latest.
            ("2026-08-15T12:00:00Z", None, date(2026, 8, 14)),
            // Sun 23:30 EDT.
            ("2026-08-17T03:30:00Z", None, date(2026, 8, 14)),
            // Fri 25 Dec 01:00 EST, a holiday.
            ("2026-12-25T06:00:00Z", None, date(2026, 12, 24)),
            // Sun 27 Dec 23:30 EST (UTC-5): Monday in UTC, still Sunday in New York.
            ("2026-12-28T04:30:00Z", None, date(2026, 12, 24)),
            // Mon 28 Dec 00:00 EST.
            (
                "2026-12-28T05:00:00Z",
                Some(date(2026, 12, 28)),
                date(2026, 12, 28),
            ),
        ];
        for (instant, expected, latest) in table {
            assert_eq!(
                calendar.expected_feed_date(ts(instant)),
                expected,
                "{instant}"
            );
            assert_eq!(
                calendar.latest_page_date(ts(instant)),
                Some(latest),
                "{instant}"
            );
        }
    }

    #[test]
    fn api_date_range_is_gmt_at_minute_precision() {
        let window = Calendar::default()
            .submission_window(date(2026, 8, 13))
            .unwrap();
        assert_eq!(
            window.api_date_range(),
            "submittedDate:[202608111800 TO 202608121800]"
        );
        let winter = Calendar::default()
            .submission_window(date(2026, 12, 28))
            .unwrap();
        assert_eq!(
            winter.api_date_range(),
            "submittedDate:[202612241900 TO 202612251900]"
        );
    }

    #[test]
    fn window_contains_is_half_open() {
        let window = Calendar::default()
            .submission_window(date(2026, 8, 13))
            .unwrap();
        assert!(window.contains(ts("2026-08-11T18:00:00Z")));
        assert!(window.contains(ts("2026-08-12T17:59:59Z")));
        assert!(!window.contains(ts("2026-08-12T18:00:00Z")));
        assert!(!window.contains(ts("2026-08-11T17:59:59Z")));
    }

    #[test]
    fn bad_holiday_in_config_names_the_key() {
        let arxiv = ArxivConfig {
            holidays: vec!["25/12/2026".into()],
            ..ArxivConfig::default()
        };
        let err = Calendar::from_config(&arxiv).unwrap_err();
        assert!(format!("{err:#}").contains("arxiv.holidays"), "{err:#}");
    }

    /// The channel's `lastBuildDate` and `pubDate` of a recorded feed.
    fn feed_dates(xml: &str) -> (Timestamp, Date) {
        let element = |name: &str| {
            let open = format!("<{name}>");
            let start = xml.find(&open).unwrap() + open.len();
            let end = start + xml[start..].find('<').unwrap();
            jiff::fmt::rfc2822::parse(&xml[start..end]).unwrap()
        };
        let built = element("lastBuildDate").timestamp();
        let published = element("pubDate");
        (built, published.date())
    }

    #[ignore = "needs ../shared/fixtures"]
    #[test]
    fn real_feeds_carry_the_page_date_expected_when_they_were_built() {
        let calendar = default_calendar();
        for (file, page_date) in [
            ("arxiv/rss-cs.CL-2026-08-13.xml", date(2026, 8, 13)),
            (
                "arxiv/rss-cs.LG-2026-04-27-trimmed3-reserialized.xml",
                date(2026, 4, 27),
            ),
            (
                "arxiv/rss-cs.AI-2026-04-27-trimmed3-reserialized.xml",
                date(2026, 4, 27),
            ),
            (
                "arxiv/rss-cs.LG+cs.AI+cs.CL+stat.ML-2026-09-24-trimmed4.xml",
                date(2026, 9, 24),
            ),
        ] {
            let path = crate::testing::shared_fixture(file);
            let xml = std::fs::read_to_string(path).unwrap();
            let (built, published) = feed_dates(&xml);
            assert_eq!(published, page_date, "{file}");
            assert!(calendar.is_page_date(published), "{file}");
            assert_eq!(
                calendar.expected_feed_date(built),
                Some(published),
                "{file}"
            );
        }
    }

    #[ignore = "needs ../shared/fixtures"]
    #[test]
    fn newest_api_submissions_stop_at_the_announced_windows_cutoff() {
        // Queried Thu 30 Apr 2026 17:33 UTC (13:33 EDT): the Wed 20:00 announcement (page Thu
        // 30 Apr) was out, the next one was not, so the newest submissions the API returns must
        // lie in page 30 Apr's window and end just before its 14:00 EDT cut-off.
        let path = crate::testing::shared_fixture(
            "arxiv/api-query-cat_cs.LG_OR_cat_cs.AI-max20-2026-04-30.xml",
        );
        let xml = std::fs::read_to_string(path).unwrap();
        let published: Vec<Timestamp> = xml
            .split("<published>")
            .skip(1)
            .map(|rest| ts(&rest[..rest.find('<').unwrap()]))
            .collect();
        assert_eq!(published.len(), 20);
        let window = Calendar::default()
            .submission_window(date(2026, 4, 30))
            .unwrap();
        assert!(published.iter().all(|&p| window.contains(p)), "{window}");
        let newest = published.iter().max().unwrap();
        assert!(window.end.duration_since(*newest) < SignedDuration::from_mins(1));
    }
}
