//! Fetch: arXiv's RSS feed (today) and export API (backfill), and Semantic Scholar, over [`crate::http`].

pub(crate) mod api;
pub mod rss;
pub mod s2;

use jiff::civil::Date;

use crate::paper::Paper;

/// One announcement as a feed states it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedDay {
    /// The announcement date in New York, from the channel's `pubDate` (never the machine clock).
    pub date: Date,
    /// Every item in feed order, before any filtering.
    pub items: Vec<Paper>,
    /// The URL or file name the feed came from.
    pub origin: String,
}
