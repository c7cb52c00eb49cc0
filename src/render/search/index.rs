//! One segment of the inverted index: the papers of a month (or of a closed year), every word
//! with the papers holding it and how much it counts in each (a BM25 weight, computed here so
//! the browser only adds), split into chunks of neighbouring words.
//!
//! Postings are written as text, one number a paper: four times the gap to the previous
//! paper's number, plus the word's weight there (1-3; 0 for the filter words `@author` and
//! `#topic`, which only select), in base 32, most significant digit first, the digits before
//! the last from [`MORE_DIGITS`], the last from [`LAST_DIGIT`]. A common word's papers are
//! close together, so most of its postings take one character.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use jiff::civil::Date;

use crate::record::{DayRecord, PaperRecord};

use super::terms::{fold, for_each_word_of_folded};

/// The last (or only) base-32 digit of a number.
pub(crate) const LAST_DIGIT: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// The other digits of a number.
pub(crate) const MORE_DIGITS: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";

/// A chunk closes once its JSON reaches this many bytes (one word's postings are never split,
/// so a common word's chunk is larger): small enough that a word costs little to fetch from
/// each segment, large enough that a year makes a few hundred files, not thousands.
const CHUNK_BYTES: usize = 6 * 1024;

/// How much a field counts: a word in the title counts five times one in the abstract, so
/// papers about the words rank above papers that mention them.
const TITLE_WEIGHT: f32 = 5.0;
const AUTHOR_WEIGHT: f32 = 3.0;
const TEXT_WEIGHT: f32 = 1.0;

/// BM25's term-frequency saturation and length normalisation, with a fixed average length (in
/// words) so a paper's weights do not depend on which other papers share its segment.
const K1: f32 = 1.2;
const B: f32 = 0.75;
const AVERAGE_LENGTH: f32 = 110.0;

/// Weights run from 1 to this: a word the abstract mentions once, more often or in the title,
/// or everywhere. The words' IDF does most of the ranking, and every step more costs bytes.
const TOP_WEIGHT: f32 = 3.0;
/// Bits of a posting's number that hold the weight.
const WEIGHT_BITS: u32 = 2;
const WEIGHT_MASK: u32 = (1 << WEIGHT_BITS) - 1;

/// A segment being built: its days in order, with their papers' words.
#[derive(Default)]
pub(crate) struct SegmentBuilder {
    /// Each day and how many papers it adds.
    pub(crate) days: Vec<(Date, usize)>,
    /// One character a paper: relevance plus novelty as a [`LAST_DIGIT`], `~` without scores.
    pub(crate) scores: String,
    /// Each word's postings, a paper number and weight packed as `number << 2 | weight`: four
    /// bytes a posting, so the nine years before the newest fit in memory at once.
    postings: FxHashMap<String, Vec<u32>>,
}

/// The chunks of a finished segment, and the first word of each.
pub(crate) struct Chunks {
    pub(crate) first_words: Vec<String>,
    pub(crate) files: Vec<Vec<u8>>,
}

impl SegmentBuilder {
    /// Adds a day's searchable papers (see [`super::searchable_papers`]) in page order.
    pub(crate) fn add_day(&mut self, record: &DayRecord) {
        let papers = super::searchable_papers(record);
        self.days.push((record.date, papers.len()));
        let judges_novelty = super::super::view::judges_novelty(record);
        for (_, paper) in papers {
            let number = self.papers();
            self.scores.push(match &paper.scores {
                Some(s) => {
                    let novelty = if judges_novelty { s.novelty } else { 5 };
                    char::from(LAST_DIGIT[usize::from((s.relevance + novelty).min(31))])
                }
                None => '~',
            });
            paper_words(paper, |word, weight| {
                let posting = number << WEIGHT_BITS | u32::from(weight);
                match self.postings.get_mut(word) {
                    Some(postings) => postings.push(posting),
                    None => {
                        self.postings.insert(word.to_string(), vec![posting]);
                    }
                }
            });
        }
    }

    /// How many papers the segment holds: one score character each.
    fn papers(&self) -> u32 {
        u32::try_from(self.scores.len()).expect("a segment holds fewer than 4 billion papers")
    }

    /// Appends a later segment's days (a month to its year).
    pub(crate) fn append(&mut self, later: SegmentBuilder) {
        let offset = self.papers();
        self.days.extend(later.days);
        self.scores.push_str(&later.scores);
        for (word, postings) in later.postings {
            let joined = self.postings.entry(word).or_default();
            // Exactly: ten years of postings are the largest thing a build holds.
            joined.reserve_exact(postings.len());
            joined.extend(
                postings
                    .into_iter()
                    .map(|packed| packed + (offset << WEIGHT_BITS)),
            );
        }
    }

    /// The words in the order `search.js` compares strings (UTF-16 code units), in chunks.
    pub(crate) fn chunks(&self) -> Chunks {
        let mut words: Vec<(&String, &Vec<u32>)> = self.postings.iter().collect();
        words.par_sort_unstable_by(|a, b| utf16_order(a.0, b.0));
        let mut chunks = Chunks {
            first_words: Vec::new(),
            files: Vec::new(),
        };
        let mut current: Vec<u8> = Vec::new();
        // Each word's entry, `["word","postings"]`, encoded on every core, a few thousand words
        // at a time so the encoded entries never sit in memory beside all the chunks.
        for batch in words.chunks(4096) {
            let entries: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|(word, postings)| {
                    serde_json::to_vec(&(word, encode_postings(postings)))
                        .expect("strings serialise")
                })
                .collect();
            for ((word, _), entry) in batch.iter().zip(entries) {
                if current.is_empty() {
                    chunks.first_words.push((*word).clone());
                    current.extend_from_slice(b"{\"v\":4,\"words\":[");
                } else {
                    current.push(b',');
                }
                current.extend_from_slice(&entry);
                if current.len() >= CHUNK_BYTES {
                    current.extend_from_slice(b"]}\n");
                    chunks.files.push(std::mem::take(&mut current));
                }
            }
        }
        if !current.is_empty() {
            current.extend_from_slice(b"]}\n");
            chunks.files.push(current);
        }
        chunks
    }
}

fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// Calls `each` with a paper's words and their weights: BM25 over the title, authors, ID,
/// comments and abstract, then `@word` for each word of an author's name and `#topic` for each
/// topic, which the author and topic filters look up.
fn paper_words(paper: &PaperRecord, mut each: impl FnMut(&str, u8)) {
    let plain = |text: &str| fold(&super::super::math::text_to_plain(text));
    let title = plain(&paper.title);
    let id = fold(&paper.id);
    let comments: Vec<String> = [
        paper.scores.as_ref().map(|s| s.comment.as_str()),
        paper.reason.as_deref(),
        paper.spotlight.as_ref().and_then(|s| s.comment.as_deref()),
    ]
    .into_iter()
    .flatten()
    .map(plain)
    .collect();
    let abstract_text = paper
        .abstract_text
        .as_deref()
        .map(plain)
        .unwrap_or_default();
    let authors = fold(&paper.authors.join(", "));

    let mut weights: FxHashMap<&str, f32> = FxHashMap::default();
    let mut length = 0usize;
    let texts = [
        (title.as_str(), TITLE_WEIGHT, true),
        (id.as_str(), TITLE_WEIGHT, false),
    ]
    .into_iter()
    .chain(comments.iter().map(|c| (c.as_str(), TEXT_WEIGHT, true)))
    .chain([
        (abstract_text.as_str(), TEXT_WEIGHT, true),
        (authors.as_str(), AUTHOR_WEIGHT, false),
    ]);
    // Only the title, comments and abstract count towards the length BM25 normalises by.
    for (text, weight, counts_length) in texts {
        for_each_word_of_folded(text, |word| {
            length += usize::from(counts_length);
            *weights.entry(word).or_default() += weight;
        });
    }
    let norm = K1 * (1.0 - B + B * length.max(1) as f32 / AVERAGE_LENGTH);
    for (word, tf) in weights {
        let saturated = tf * (K1 + 1.0) / (tf + norm);
        let weight = (saturated / (K1 + 1.0) * TOP_WEIGHT)
            .round()
            .clamp(1.0, TOP_WEIGHT) as u8;
        each(word, weight);
    }
    let mut filters: Vec<String> = Vec::new();
    for_each_word_of_folded(&authors, |word| filters.push(format!("@{word}")));
    if let Some(topics) = &paper.topics {
        filters.extend(
            std::iter::once(&topics.primary)
                .chain(&topics.also)
                .map(|id| format!("#{id}")),
        );
    }
    filters.sort();
    filters.dedup();
    for word in &filters {
        each(word, 0);
    }
}

/// Packed postings (`number << 2 | weight`, numbers ascending) as text: see the module's
/// documentation.
pub(crate) fn encode_postings(postings: &[u32]) -> String {
    let mut out = String::with_capacity(postings.len() * 2);
    let mut previous: Option<u32> = None;
    for &packed in postings {
        let number = packed >> WEIGHT_BITS;
        let gap = previous.map_or(number + 1, |p| number - p);
        previous = Some(number);
        push_number(gap << WEIGHT_BITS | packed & WEIGHT_MASK, &mut out);
    }
    out
}

fn push_number(mut value: u32, out: &mut String) {
    let mut digits = [0u8; 7];
    let mut count = 0;
    loop {
        digits[count] = (value % 32) as u8;
        count += 1;
        value /= 32;
        if value == 0 {
            break;
        }
    }
    for (place, &digit) in digits[..count].iter().enumerate().rev() {
        let alphabet = if place == 0 { LAST_DIGIT } else { MORE_DIGITS };
        out.push(char::from(alphabet[usize::from(digit)]));
    }
}

#[cfg(test)]
/// The decoder `search.js` runs, in Rust: the encoding must read back.
pub(crate) fn decode_postings(text: &str) -> Vec<(u32, u8)> {
    let mut out = Vec::new();
    let mut previous: i64 = -1;
    let mut value: i64 = 0;
    for byte in text.bytes() {
        if let Some(digit) = MORE_DIGITS.iter().position(|&d| d == byte) {
            value = value * 32 + digit as i64;
            continue;
        }
        let digit = LAST_DIGIT.iter().position(|&d| d == byte).unwrap();
        value = value * 32 + digit as i64;
        previous += value / 4;
        out.push((previous as u32, (value % 4) as u8));
        value = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_read_back() {
        let postings = [(0, 3), (1, 1), (8, 2), (33, 3), (1_100, 0), (40_000, 1)];
        let packed: Vec<u32> = postings
            .iter()
            .map(|&(n, w)| n << WEIGHT_BITS | u32::from(w))
            .collect();
        let text = encode_postings(&packed);
        // Gaps up to seven take one character: gap 1 and weight 3 is 7, gap 7 and weight 2 30.
        assert_eq!(&text[..3], "75u");
        assert_eq!(decode_postings(&text), postings);
    }

    #[test]
    fn the_two_alphabets_share_no_character_and_need_no_json_escape() {
        assert!(LAST_DIGIT.iter().all(|d| !MORE_DIGITS.contains(d)));
        assert!(
            LAST_DIGIT
                .iter()
                .chain(MORE_DIGITS)
                .all(|&d| d.is_ascii_graphic() && d != b'"' && d != b'\\')
        );
    }
}
