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
    /// The words and postings of the papers added since the last [`SegmentBuilder::seal`].
    vocabulary: Vocabulary,
    /// The sealed parts, in paper order: a closed year's segment is one part a month.
    parts: Vec<Part>,
}

/// Words as they are added: each word is looked up once where it occurs, and a paper's words
/// are counted in an array by word number, not a map of their own.
#[derive(Default)]
struct Vocabulary {
    /// Each word's number.
    numbers: FxHashMap<String, u32>,
    /// By word number: how much the word counts in the paper being added, 0 where it is not.
    frequencies: Vec<f32>,
    /// The numbers of the words the paper being added holds.
    in_paper: Vec<u32>,
    /// Every posting, a paper's number and weight packed as `number << 2 | weight`, with its
    /// word's number, in paper order.
    postings: Vec<(u32, u32)>,
}

impl Vocabulary {
    fn number(&mut self, word: &str) -> u32 {
        if let Some(&number) = self.numbers.get(word) {
            return number;
        }
        let number = u32::try_from(self.numbers.len()).expect("fewer than 4 billion words");
        self.numbers.insert(word.to_string(), number);
        self.frequencies.push(0.0);
        number
    }

    /// Counts an occurrence of `word` in the paper being added (`weight` is above 0).
    fn count(&mut self, word: &str, weight: f32) {
        let number = self.number(word);
        let frequency = &mut self.frequencies[number as usize];
        if *frequency == 0.0 {
            self.in_paper.push(number);
        }
        *frequency += weight;
    }

    /// Records the counted words of paper `paper` with their BM25 weights (see [`paper_words`]),
    /// and starts the next paper.
    fn finish_paper(&mut self, paper: u32, length: usize) {
        let norm = K1 * (1.0 - B + B * length.max(1) as f32 / AVERAGE_LENGTH);
        for number in self.in_paper.drain(..) {
            let frequency = std::mem::take(&mut self.frequencies[number as usize]);
            let saturated = frequency * (K1 + 1.0) / (frequency + norm);
            let weight = (saturated / (K1 + 1.0) * TOP_WEIGHT)
                .round()
                .clamp(1.0, TOP_WEIGHT) as u32;
            self.postings.push((number, paper << WEIGHT_BITS | weight));
        }
    }

    /// Records a filter word (`@author`, `#topic`) of paper `paper`: weight 0, it only selects.
    fn add_filter(&mut self, word: &str, paper: u32) {
        let number = self.number(word);
        self.postings.push((number, paper << WEIGHT_BITS));
    }

    /// The words sorted as `search.js` compares them, each with its postings, in one part.
    fn into_part(self) -> Part {
        let mut words: Vec<(String, u32)> = self.numbers.into_iter().collect();
        words.sort_unstable_by(|a, b| utf16_order(&a.0, &b.0));
        // Each word's postings placed together, in word order: counted, then moved in place.
        let mut counts = vec![0u32; words.len()];
        for &(number, _) in &self.postings {
            counts[number as usize] += 1;
        }
        let mut starts = vec![0u32; words.len()];
        let mut total = 0u32;
        for (_, number) in &words {
            starts[*number as usize] = total;
            total += counts[*number as usize];
        }
        let mut placed = vec![0u32; self.postings.len()];
        let mut next = starts.clone();
        for (number, posting) in self.postings {
            let at = &mut next[number as usize];
            placed[*at as usize] = posting;
            *at += 1;
        }
        let mut part = Part {
            offset: 0,
            text: String::with_capacity(words.iter().map(|(word, _)| word.len()).sum()),
            postings: placed,
            ends: Vec::with_capacity(words.len()),
        };
        for (word, number) in words {
            part.text.push_str(&word);
            let text_end = u32::try_from(part.text.len()).expect("a part holds under 4 GB");
            part.ends
                .push((text_end, starts[number as usize] + counts[number as usize]));
        }
        part
    }
}

/// Sealed words and postings, sorted as `search.js` compares words, packed into two arenas
/// so the many months of the `earlier` segment fit in memory at once (a `String` and a `Vec`
/// a word would cost more than the words do).
struct Part {
    /// Added to each paper number of the part: where it starts in its segment.
    offset: u32,
    /// The words, one after another.
    text: String,
    /// Every word's postings, one after another.
    postings: Vec<u32>,
    /// Where each word's text and postings end.
    ends: Vec<(u32, u32)>,
}

impl Part {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn word(&self, index: usize) -> &str {
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i].0 as usize);
        &self.text[start..self.ends[index].0 as usize]
    }

    fn postings(&self, index: usize) -> &[u32] {
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i].1 as usize);
        &self.postings[start..self.ends[index].1 as usize]
    }

    /// The first word at or after `word`.
    fn position_of(&self, word: &str) -> usize {
        partition_point(self.len(), |index| {
            utf16_order(self.word(index), word).is_lt()
        })
    }
}

/// The first index in `0..len` for which `before` is false (it must be true, then false).
fn partition_point(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let middle = low + (high - low) / 2;
        if before(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// The chunks of a finished segment, and the first word of each.
pub(crate) struct Chunks {
    pub(crate) first_words: Vec<String>,
    pub(crate) files: Vec<Vec<u8>>,
}

/// Word ranges a segment's chunks are encoded in, on every core: enough that the cores stay
/// busy, few enough that finding each range's bounds in every part costs nothing.
const WORD_RANGES: usize = 64;

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
            paper_words(paper, number, &mut self.vocabulary);
        }
    }

    /// How many papers the segment holds: one score character each.
    fn papers(&self) -> u32 {
        u32::try_from(self.scores.len()).expect("a segment holds fewer than 4 billion papers")
    }

    /// Sorts the words added so far into a part. Call it where the segment was built (a
    /// month's render, on its core), so that [`SegmentBuilder::append`] only moves parts.
    pub(crate) fn seal(&mut self) {
        if self.vocabulary.numbers.is_empty() {
            return;
        }
        let part = std::mem::take(&mut self.vocabulary).into_part();
        self.parts.push(part);
    }

    /// Appends a later segment's days (a month to its year): its parts follow this one's.
    pub(crate) fn append(&mut self, mut later: SegmentBuilder) {
        self.seal();
        later.seal();
        let offset = self.papers();
        self.days.extend(later.days);
        self.scores.push_str(&later.scores);
        self.parts.extend(later.parts.into_iter().map(|mut part| {
            part.offset += offset;
            part
        }));
    }

    /// The words in the order `search.js` compares strings (UTF-16 code units), in chunks.
    /// The parts are merged word range by word range, each range on a core of its own.
    pub(crate) fn chunks(&mut self) -> Chunks {
        self.seal();
        let parts = std::mem::take(&mut self.parts);
        let ranges = word_ranges(&parts);
        let mut chunks = Chunks {
            first_words: Vec::new(),
            files: Vec::new(),
        };
        let mut current: Vec<u8> = Vec::new();
        // A few ranges per core at a time, so the encoded entries never sit in memory beside
        // all the chunks.
        for group in ranges.chunks(rayon::current_num_threads() * 2) {
            let encoded: Vec<Vec<(&str, Vec<u8>)>> = group
                .par_iter()
                .map(|bounds| merge_range(&parts, bounds))
                .collect();
            for (word, entry) in encoded.into_iter().flatten() {
                if current.is_empty() {
                    chunks.first_words.push(word.to_string());
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

/// Splits the words of all parts into about [`WORD_RANGES`] consecutive ranges, at words of
/// the largest part: for each range, the span of word indices it covers in each part.
fn word_ranges(parts: &[Part]) -> Vec<Vec<std::ops::Range<usize>>> {
    let Some(largest) = parts.iter().max_by_key(|part| part.len()) else {
        return Vec::new();
    };
    let step = largest.len().div_ceil(WORD_RANGES).max(1);
    let splitters: Vec<&str> = (step..largest.len())
        .step_by(step)
        .map(|index| largest.word(index))
        .collect();
    let bounds: Vec<Vec<usize>> = parts
        .iter()
        .map(|part| {
            std::iter::once(0)
                .chain(splitters.iter().map(|word| part.position_of(word)))
                .chain(std::iter::once(part.len()))
                .collect()
        })
        .collect();
    (0..=splitters.len())
        .map(|range| {
            bounds
                .iter()
                .map(|part| part[range]..part[range + 1])
                .collect()
        })
        .collect()
}

/// The entries `["word","postings"]` of one word range, in word order: each word's postings
/// from every part that has it, in part order (so paper numbers ascend).
fn merge_range<'a>(
    parts: &'a [Part],
    bounds: &[std::ops::Range<usize>],
) -> Vec<(&'a str, Vec<u8>)> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// The next word of a part; the heap yields the smallest word, and among equal words the
    /// earliest part.
    struct Head<'a> {
        word: &'a str,
        part: usize,
        index: usize,
    }
    impl PartialEq for Head<'_> {
        fn eq(&self, other: &Self) -> bool {
            self.cmp(other).is_eq()
        }
    }
    impl Eq for Head<'_> {}
    impl PartialOrd for Head<'_> {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Head<'_> {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            utf16_order(self.word, other.word).then(self.part.cmp(&other.part))
        }
    }

    let mut ends = Vec::with_capacity(parts.len());
    let mut heap = BinaryHeap::with_capacity(parts.len());
    for (part, range) in bounds.iter().enumerate() {
        ends.push(range.end);
        if !range.is_empty() {
            heap.push(Reverse(Head {
                word: parts[part].word(range.start),
                part,
                index: range.start,
            }));
        }
    }
    let mut entries = Vec::new();
    let mut holders: Vec<(usize, usize)> = Vec::new();
    while let Some(Reverse(first)) = heap.pop() {
        let word = first.word;
        holders.clear();
        let mut next = Some(first);
        while let Some(head) = next {
            holders.push((head.part, head.index));
            if head.index + 1 < ends[head.part] {
                heap.push(Reverse(Head {
                    word: parts[head.part].word(head.index + 1),
                    part: head.part,
                    index: head.index + 1,
                }));
            }
            next = match heap.peek() {
                Some(Reverse(top)) if top.word == word => heap.pop().map(|Reverse(h)| h),
                _ => None,
            };
        }
        let postings = holders.iter().flat_map(|&(part, index)| {
            let part = &parts[part];
            let offset = part.offset << WEIGHT_BITS;
            part.postings(index)
                .iter()
                .map(move |&packed| packed + offset)
        });
        let entry =
            serde_json::to_vec(&(word, encode_postings(postings))).expect("strings serialise");
        entries.push((word, entry));
    }
    entries
}

fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// Counts paper number `number`'s words into `vocabulary` with their weights: BM25 over the
/// title, authors, ID, comments and abstract, then `@word` for each word of an author's name
/// and `#topic` for each topic, which the author and topic filters look up.
fn paper_words(paper: &PaperRecord, number: u32, vocabulary: &mut Vocabulary) {
    let plain = |text: &str| fold(&super::super::textmode::text_to_plain(text));
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
            vocabulary.count(word, weight);
        });
    }
    vocabulary.finish_paper(number, length);
    let mut filters: Vec<String> = Vec::new();
    for_each_word_of_folded(&authors, |word| filters.push(["@", word].concat()));
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
        vocabulary.add_filter(word, number);
    }
}

/// Packed postings (`number << 2 | weight`, numbers ascending) as text: see the module's
/// documentation.
pub(crate) fn encode_postings(postings: impl IntoIterator<Item = u32>) -> String {
    let mut out = String::new();
    let mut previous: Option<u32> = None;
    for packed in postings {
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
        let text = encode_postings(packed.iter().copied());
        // Gaps up to seven take one character: gap 1 and weight 3 is 7, gap 7 and weight 2 30.
        assert_eq!(&text[..3], "75u");
        assert_eq!(decode_postings(&text), postings);
    }

    /// A builder of papers given as their words, each counted once in the abstract.
    fn builder_of(papers: &[Vec<String>]) -> SegmentBuilder {
        let mut built = SegmentBuilder::default();
        for words in papers {
            let number = built.papers();
            built.scores.push('~');
            words
                .iter()
                .for_each(|word| built.vocabulary.count(word, TEXT_WEIGHT));
            built.vocabulary.finish_paper(number, words.len());
        }
        built
    }

    #[test]
    fn a_segment_appended_from_parts_has_the_chunks_of_one_built_whole() {
        // Enough words for many chunks and every word range; words shared by both halves, words
        // only one has, and words past ASCII, which sort by UTF-16.
        let papers: Vec<Vec<String>> = (0..400)
            .map(|paper| {
                (0..60)
                    .map(|word| match (paper + word) % 7 {
                        0 => format!("shared{}", word % 11),
                        1 => format!("é{}", (paper * 7 + word) % 500),
                        _ => format!("w{}x{}", paper % 200, word),
                    })
                    .collect()
            })
            .collect();
        let mut whole = builder_of(&papers);
        let mut joined = builder_of(&papers[..150]);
        joined.seal();
        let mut later = builder_of(&papers[150..]);
        later.seal();
        joined.append(later);
        let (whole, joined) = (whole.chunks(), joined.chunks());
        assert!(whole.files.len() > 10, "{} chunks", whole.files.len());
        assert_eq!(joined.first_words, whole.first_words);
        assert!(joined.files == whole.files, "the chunks differ");
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
