//! Topics of scorer comments, so a monthly overview can group its top papers by the criterion
//! or topic the scorer named.
//!
//! Real comments name their topic in a few ways (see the imported archive): a leading label
//! (`Compression/Efficiency: low-rank ...`, `Matches Representation Learning criterion: ...`),
//! a topic number (`Matches topic 2 ...`) or a quoted criterion (`... aligns with the 'Model
//! Architecture' criterion`). Many comments are free prose that names none. The primary topic is
//! the first of a combined label (`Model Architecture/Efficiency` → `Model Architecture`), so
//! near-identical labels fall into one group.

use std::collections::BTreeMap;

/// The group of papers selected for a followed author.
pub(crate) const FOLLOWED_GROUP: &str = "Followed authors";

/// The group of papers whose topic is unknown or shared with no other paper.
pub(crate) const OTHER_GROUP: &str = "Other papers";

/// Words that start prose, never a topic label (`The paper introduces X: ...`).
const PROSE_STARTS: [&str; 12] = [
    "the",
    "this",
    "a",
    "an",
    "we",
    "it",
    "its",
    "paper",
    "authors",
    "proposes",
    "introduces",
    "presents",
];

/// A label longer than this many words is a sentence, not a topic.
const MAX_LABEL_WORDS: usize = 7;

/// Names of numbered topics, by number.
pub(crate) type TopicNames = BTreeMap<u32, String>;

/// The numbered topics of a prompt's topics Markdown: headings such as `## 2. Model compression`
/// (or `## 2 Model compression`, `### Topic 2: Model compression`).
pub(crate) fn numbered_topic_names(topics_markdown: &str) -> TopicNames {
    topics_markdown
        .lines()
        .filter_map(|line| {
            let heading = line.trim_start().strip_prefix('#')?.trim_start_matches('#');
            let heading = heading.trim();
            let heading = heading
                .strip_prefix("Topic ")
                .or_else(|| heading.strip_prefix("topic "))
                .unwrap_or(heading);
            let digits_len = heading.bytes().take_while(u8::is_ascii_digit).count();
            let number = heading[..digits_len].parse().ok()?;
            let name = heading[digits_len..]
                .trim_start_matches(['.', ':', ')', ' '])
                .trim();
            (!name.is_empty()).then(|| (number, name.to_string()))
        })
        .collect()
}

/// The primary topic a comment names, if it names one. `Matches topic 2` takes the full name of
/// topic 2 from `names` (the day's prompt), or stays `Topic 2` when the prompt is unknown.
pub(crate) fn comment_topic(comment: &str, names: &TopicNames) -> Option<String> {
    let comment = comment.trim();
    if let Some(number) = topic_number(comment) {
        return Some(
            names
                .get(&number)
                .cloned()
                .unwrap_or_else(|| format!("Topic {number}")),
        );
    }
    leading_label(comment)
        .or_else(|| quoted_criterion(comment))
        .and_then(|label| primary_topic(&label))
}

/// `Matches topic 3 ...`, `Topic 3: ...` → 3.
fn topic_number(comment: &str) -> Option<u32> {
    let lower = comment.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("matches topic ")
        .or_else(|| lower.strip_prefix("topic "))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The label before a leading colon: `Compression/Efficiency: ...`.
fn leading_label(comment: &str) -> Option<String> {
    let colon = comment.find(':')?;
    let label = comment[..colon].trim();
    if label.contains(['.', '!', '?', '"']) {
        return None;
    }
    let label = strip_match_words(label);
    let words: Vec<&str> = label.split_whitespace().collect();
    let first = words.first()?.to_ascii_lowercase();
    // The keyword scorer's comments ("Keyword match — title: ...") name phrases, not topics.
    let keyword_scorer = first.starts_with("keyword");
    if words.len() > MAX_LABEL_WORDS || PROSE_STARTS.contains(&first.as_str()) || keyword_scorer {
        return None;
    }
    Some(label.to_string())
}

/// `... the 'Model Architecture' criterion ...` → `Model Architecture`.
fn quoted_criterion(comment: &str) -> Option<String> {
    for quote in ['\'', '"', '‘', '“'] {
        let closing = match quote {
            '‘' => '’',
            '“' => '”',
            other => other,
        };
        let mut rest = comment;
        while let Some(open) = rest.find(quote) {
            let after = &rest[open + quote.len_utf8()..];
            let Some(close) = after.find(closing) else {
                break;
            };
            let name = after[..close].trim();
            let tail = after[close + closing.len_utf8()..].trim_start();
            let named = tail.starts_with("criterion") || tail.starts_with("topic");
            if named && !name.is_empty() && name.split_whitespace().count() <= MAX_LABEL_WORDS {
                return Some(name.to_string());
            }
            rest = &after[close + closing.len_utf8()..];
        }
    }
    None
}

/// `Matches X criterion`, `Strong match to X` → `X`.
fn strip_match_words(label: &str) -> &str {
    let mut label = label.trim();
    for prefix in [
        "strong match to ",
        "strong match: ",
        "matches the ",
        "matches ",
        "match: ",
        "relevant to ",
    ] {
        // `get` rather than slicing: the label may have multi-byte characters anywhere.
        if let Some(rest) = label
            .get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| &label[prefix.len()..])
        {
            label = rest.trim_start();
        }
    }
    for suffix in [" criterion", " criteria", " topic"] {
        let cut = label.len().saturating_sub(suffix.len());
        if let Some(rest) = label
            .get(cut..)
            .filter(|tail| tail.eq_ignore_ascii_case(suffix))
            .map(|_| &label[..cut])
        {
            label = rest.trim_end();
        }
    }
    label
}

/// The first topic of a combined label, with a capital first letter:
/// `Model Architecture (MoE)` and `model architecture/efficiency` → `Model Architecture`.
fn primary_topic(label: &str) -> Option<String> {
    let label = strip_match_words(label);
    let cut = [" and ", " + ", " & ", "/", "(", ",", ";", " - ", " — "]
        .iter()
        .filter_map(|separator| label.find(separator))
        .min()
        .unwrap_or(label.len());
    let topic = label[..cut].trim();
    let mut chars = topic.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// Groups ranked items by topic, keeping their order inside each group.
///
/// `topic_of` gives an item's group (`None`: unknown). Groups come in the order of their best
/// item; topics with a single item join [`OTHER_GROUP`], which comes last. Returns `None` when
/// grouping would not help (no topic shared by two items, or everything in one group), so the
/// caller shows one list.
pub(crate) fn group_by_topic<T>(
    items: Vec<T>,
    topic_of: impl Fn(&T) -> Option<String>,
) -> Option<Vec<(String, Vec<T>)>> {
    let topics: Vec<Option<String>> = items.iter().map(&topic_of).collect();
    // Topics compare without case: "Model architecture" is "Model Architecture".
    let key = |topic: &str| topic.to_lowercase();
    let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
    for topic in topics.iter().flatten() {
        *sizes.entry(key(topic)).or_default() += 1;
    }
    let mut groups: Vec<(String, String, Vec<T>)> = Vec::new();
    let mut other: Vec<T> = Vec::new();
    for (item, topic) in items.into_iter().zip(topics) {
        match topic.filter(|t| sizes[&key(t)] > 1) {
            Some(topic) => {
                let topic_key = key(&topic);
                match groups.iter_mut().find(|(k, _, _)| *k == topic_key) {
                    Some((_, _, members)) => members.push(item),
                    None => groups.push((topic_key, topic, vec![item])),
                }
            }
            None => other.push(item),
        }
    }
    let group_count = groups.len() + usize::from(!other.is_empty());
    if groups.is_empty() || group_count < 2 {
        return None;
    }
    let mut out: Vec<(String, Vec<T>)> = groups
        .into_iter()
        .map(|(_, name, members)| (name, members))
        .collect();
    if !other.is_empty() {
        out.push((OTHER_GROUP.to_string(), other));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_comment_forms_name_their_topic() {
        let cases = [
            (
                "Compression/Efficiency: low-rank activation compression via one-shot HOSVD.",
                Some("Compression"),
            ),
            (
                "Matches Compression/Efficiency and Architecture: ResidualViT with token reduction.",
                Some("Compression"),
            ),
            (
                "Matches Representation Learning criterion: sparse autoencoders.",
                Some("Representation Learning"),
            ),
            (
                "Model Architecture (MoE): a new router.",
                Some("Model Architecture"),
            ),
            (
                "model architecture/efficiency: linear attention.",
                Some("Model architecture"),
            ),
            (
                "High Performance Computing/Systems: query-aware KV-cache page selection.",
                Some("High Performance Computing"),
            ),
            (
                "Strong match to Compression/Efficiency: pruning.",
                Some("Compression"),
            ),
            ("Matches topic 2 (sparsity) closely.", Some("Topic 2")),
            ("Keyword match — title: pruning; abstract: sparsity", None),
            (
                "The paper introduces MoxE. This aligns closely with the 'Model Architecture' criterion, particularly MoE.",
                Some("Model Architecture"),
            ),
            (
                "The paper proposes a novel framework: it uses sparsity.",
                None,
            ),
            (
                "Proposes a two-stage LLM compression method combining low-rank and sparse approximations.",
                None,
            ),
            ("Author match", None),
            ("", None),
        ];
        for (comment, topic) in cases {
            assert_eq!(
                comment_topic(comment, &TopicNames::new()).as_deref(),
                topic,
                "{comment}"
            );
        }
    }

    #[test]
    fn topic_numbers_take_the_names_of_the_prompt() {
        let topics = "# Topics\n\n## 1. Model architecture\n- Relevant: MoE\n\n## 2 Model compression and efficiency\n### Topic 3: Systems\n## Usually not relevant\n";
        let names = numbered_topic_names(topics);
        assert_eq!(
            names,
            TopicNames::from([
                (1, "Model architecture".to_string()),
                (2, "Model compression and efficiency".to_string()),
                (3, "Systems".to_string()),
            ])
        );
        let topic = |comment: &str| comment_topic(comment, &names);
        assert_eq!(
            topic("Matches topic 2: a pruning criterion.").as_deref(),
            Some("Model compression and efficiency")
        );
        assert_eq!(
            topic("Matches topic 1: routing.").as_deref(),
            Some("Model architecture")
        );
        assert_eq!(
            topic("Matches topic 7: unknown.").as_deref(),
            Some("Topic 7")
        );
    }

    #[test]
    fn groups_keep_rank_order_and_singletons_join_other() {
        let items = vec![
            (1, Some("Compression")),
            (2, Some("Architecture")),
            (3, Some("compression")),
            (4, None),
            (5, Some("Architecture")),
            (6, Some("Theory")),
        ];
        let groups = group_by_topic(items, |(_, t)| t.map(str::to_string)).unwrap();
        let shape: Vec<(String, Vec<i32>)> = groups
            .into_iter()
            .map(|(name, members)| (name, members.into_iter().map(|(n, _)| n).collect()))
            .collect();
        assert_eq!(
            shape,
            [
                ("Compression".to_string(), vec![1, 3]),
                ("Architecture".to_string(), vec![2, 5]),
                (OTHER_GROUP.to_string(), vec![4, 6]),
            ]
        );
    }

    #[test]
    fn without_shared_topics_there_is_one_list() {
        let distinct = vec![(1, Some("A")), (2, Some("B")), (3, None)];
        assert!(group_by_topic(distinct, |(_, t)| t.map(str::to_string)).is_none());
        let all_one = vec![(1, Some("A")), (2, Some("A"))];
        assert!(group_by_topic(all_one, |(_, t)| t.map(str::to_string)).is_none());
        let none: Vec<(i32, Option<&str>)> = vec![(1, None), (2, None)];
        assert!(group_by_topic(none, |(_, t)| t.map(str::to_string)).is_none());
    }
}
