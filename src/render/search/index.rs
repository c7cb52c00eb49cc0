//! One segment of the inverted index: the papers of a month (or of a closed year), every word
//! with the papers holding it and how much it counts in each (a BM25 weight, computed here so
//! the browser only adds), split into chunks of neighbouring words.
//!
//! Postings are written as text, one number a paper: eight times the gap to the previous
//! paper's number, plus the word's weight there (1-7; 0 for the filter words `@author` and
//! `#topic`, which only select), in base 32, most significant digit first, the digits before
//! the last from [`MORE_DIGITS`], the last from [`LAST_DIGIT`]. A common word's papers are
//! close together, so most of its postings take one character.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::record::{DayRecord, PaperRecord};

use super::terms::for_each_word;

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

/// Weights run from 1 to this: ranking needs no finer steps, and each step more costs bytes.
const TOP_WEIGHT: f32 = 7.0;

/// A segment being built: its days in order, with their papers' words.
#[derive(Default)]
pub(crate) struct SegmentBuilder {
    /// Each day and how many papers it adds.
    pub(crate) days: Vec<(Date, usize)>,
    /// One character a paper: relevance plus novelty as a [`LAST_DIGIT`], `~` without scores.
    pub(crate) scores: String,
    /// Each word's postings, a paper number and weight packed as `number << 3 | weight`: four
    /// bytes a posting, so the nine years before the newest fit in memory at once.
    postings: HashMap<String, Vec<u32>>,
    papers: u32,
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
            let number = self.papers;
            self.papers += 1;
            self.scores.push(match &paper.scores {
                Some(s) => {
                    let novelty = if judges_novelty { s.novelty } else { 5 };
                    char::from(LAST_DIGIT[usize::from((s.relevance + novelty).min(31))])
                }
                None => '~',
            });
            for (word, weight) in paper_words(paper) {
                self.postings
                    .entry(word)
                    .or_default()
                    .push(number << 3 | u32::from(weight));
            }
        }
    }

    /// Appends a later segment's days (a month to its year).
    pub(crate) fn append(&mut self, later: SegmentBuilder) {
        let offset = self.papers;
        self.days.extend(later.days);
        self.scores.push_str(&later.scores);
        for (word, postings) in later.postings {
            self.postings
                .entry(word)
                .or_default()
                .extend(postings.into_iter().map(|packed| packed + (offset << 3)));
        }
        self.papers += later.papers;
    }

    /// The words in the order `search.js` compares strings (UTF-16 code units), in chunks.
    pub(crate) fn chunks(&self) -> Chunks {
        let mut words: Vec<(&String, &Vec<u32>)> = self.postings.iter().collect();
        words.sort_by(|a, b| utf16_order(a.0, b.0));
        let mut chunks = Chunks {
            first_words: Vec::new(),
            files: Vec::new(),
        };
        let mut current: Vec<u8> = Vec::new();
        for (word, postings) in words {
            if current.is_empty() {
                chunks.first_words.push(word.clone());
                current.extend_from_slice(b"{\"v\":4,\"words\":[");
            } else {
                current.push(b',');
            }
            let unpacked: Vec<(u32, u8)> = postings
                .iter()
                .map(|&packed| (packed >> 3, (packed & 7) as u8))
                .collect();
            let entry = (word, encode_postings(&unpacked));
            serde_json::to_writer(&mut current, &entry).expect("strings serialise");
            if current.len() >= CHUNK_BYTES {
                current.extend_from_slice(b"]}\n");
                chunks.files.push(std::mem::take(&mut current));
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

/// A paper's words and their weights: BM25 over the title, authors, ID, comments and abstract,
/// plus `@word` for each word of an author's name and `#topic` for each topic, which the author
/// and topic filters look up.
fn paper_words(paper: &PaperRecord) -> Vec<(String, u8)> {
    let mut weights: HashMap<String, f32> = HashMap::new();
    let mut filters: Vec<String> = Vec::new();
    let mut length = 0usize;
    let mut add = |text: &str, weight: f32, length: &mut usize| {
        for_each_word(text, |word| {
            *length += 1;
            *weights.entry(word.to_string()).or_default() += weight;
        });
    };
    add(
        &super::super::math::text_to_plain(&paper.title),
        TITLE_WEIGHT,
        &mut length,
    );
    add(&paper.id, TITLE_WEIGHT, &mut 0);
    let comments = [
        paper.scores.as_ref().map(|s| s.comment.as_str()),
        paper.reason.as_deref(),
        paper.spotlight.as_ref().and_then(|s| s.comment.as_deref()),
    ];
    for comment in comments.into_iter().flatten() {
        add(
            &super::super::math::text_to_plain(comment),
            TEXT_WEIGHT,
            &mut length,
        );
    }
    if let Some(text) = &paper.abstract_text {
        add(
            &super::super::math::text_to_plain(text),
            TEXT_WEIGHT,
            &mut length,
        );
    }
    for author in &paper.authors {
        add(author, AUTHOR_WEIGHT, &mut 0);
        for_each_word(author, |word| filters.push(format!("@{word}")));
    }
    if let Some(topics) = &paper.topics {
        filters.extend(
            std::iter::once(&topics.primary)
                .chain(&topics.also)
                .map(|id| format!("#{id}")),
        );
    }
    let norm = K1 * (1.0 - B + B * length.max(1) as f32 / AVERAGE_LENGTH);
    let mut words: Vec<(String, u8)> = weights
        .into_iter()
        .map(|(word, tf)| {
            let saturated = tf * (K1 + 1.0) / (tf + norm);
            let weight = (saturated / (K1 + 1.0) * TOP_WEIGHT)
                .round()
                .clamp(1.0, TOP_WEIGHT) as u8;
            (word, weight)
        })
        .collect();
    filters.sort();
    filters.dedup();
    words.extend(filters.into_iter().map(|word| (word, 0)));
    words
}

/// Postings (paper numbers ascending, weights) as text: see the module's documentation.
pub(crate) fn encode_postings(postings: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(postings.len() * 2);
    let mut previous: Option<u32> = None;
    for &(number, weight) in postings {
        let gap = previous.map_or(number + 1, |p| number - p);
        previous = Some(number);
        push_number(gap * 8 + u32::from(weight.min(7)), &mut out);
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
        previous += value / 8;
        out.push((previous as u32, (value % 8) as u8));
        value = 0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_read_back() {
        let postings = [(0, 7), (1, 1), (3, 2), (33, 7), (1_100, 0), (40_000, 5)];
        let text = encode_postings(&postings);
        // The first three papers are one character each: gap 1 and weight 7 is 15, and so on.
        assert_eq!(&text[..3], "f9i");
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
