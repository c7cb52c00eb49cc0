//! The user's topics, from `prompts/topics.md`: each `## ` heading is a topic with a stable id
//! (a slug of the heading, or an explicit `{#id}`), its text is what the model reads, and its
//! `Keywords:` line is what the keyword match uses. A heading the file marks as exclusions
//! ("Usually not relevant", or any heading ending `{.exclude}`) is no topic.
//!
//! [`TopicCatalog::assign`] gives each selected paper its topics: the ids the model named when
//! the catalog knows them, else the topics whose keywords the paper matches.

use crate::paper::Paper;
use crate::record::{PaperTopics, TopicLabel, TopicSource};
use crate::text::{PhraseSet, normalise, slug};

/// Heading starts that mark the exclusions section of existing forks' files.
const EXCLUSION_HEADINGS: [&str; 5] = [
    "usually not relevant",
    "not relevant",
    "irrelevant",
    "exclusions",
    "excluded",
];

/// One topic of `prompts/topics.md`.
#[derive(Debug, Clone)]
pub struct TopicDef {
    pub id: String,
    pub label: String,
    pub keywords: Vec<String>,
    phrases: PhraseSet,
}

/// The topics of a prompts folder, in the file's order.
#[derive(Debug, Clone, Default)]
pub struct TopicCatalog {
    pub topics: Vec<TopicDef>,
}

impl TopicCatalog {
    /// Reads the topics from the text of `topics.md`. Two headings with the same id keep the
    /// first; the second gets `-2` appended, so every topic has its own page.
    pub fn parse(topics_markdown: &str) -> TopicCatalog {
        let mut topics: Vec<TopicDef> = Vec::new();
        let mut current: Option<(String, String, Vec<String>)> = None;
        let finish = |current: Option<(String, String, Vec<String>)>,
                      topics: &mut Vec<TopicDef>| {
            if let Some((mut id, label, keywords)) = current {
                let base = id.clone();
                let mut n = 1;
                while topics.iter().any(|t| t.id == id) {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                topics.push(TopicDef {
                    phrases: PhraseSet::new(&keywords),
                    id,
                    label,
                    keywords,
                });
            }
        };
        let mut in_exclusions = false;
        for line in topics_markdown.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                finish(current.take(), &mut topics);
                match parse_heading(heading) {
                    Some((id, label)) => {
                        in_exclusions = false;
                        current = Some((id, label, Vec::new()));
                    }
                    None => in_exclusions = true,
                }
                continue;
            }
            if line.starts_with("# ") {
                finish(current.take(), &mut topics);
                in_exclusions = false;
                continue;
            }
            if let (Some((_, _, keywords)), false) = (current.as_mut(), in_exclusions) {
                for phrase in keyword_line(line) {
                    if !keywords.iter().any(|k| k.eq_ignore_ascii_case(&phrase)) {
                        keywords.push(phrase);
                    }
                }
            }
        }
        finish(current, &mut topics);
        TopicCatalog { topics }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    /// The topics as a day record lists them.
    pub(crate) fn labels(&self) -> Vec<TopicLabel> {
        self.topics
            .iter()
            .map(|t| TopicLabel {
                id: t.id.clone(),
                label: t.label.clone(),
            })
            .collect()
    }

    /// The lines that tell the model which ids to answer with.
    pub(crate) fn id_instructions(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut text = String::from(
            "# Topic ids\n\nIn TOPICS, name the topics a paper matches by these ids, the best match first (an empty list if it matches none):\n",
        );
        for topic in &self.topics {
            text.push_str(&format!("\n- `{}`: {}", topic.id, topic.label));
        }
        Some(text)
    }

    /// The topics of a paper: the ids the model gave (ids or labels of this catalog; others are
    /// ignored), or when it gave none this catalog knows, the topics whose keywords the title
    /// and abstract match (a title match counts two). `None` when neither names a topic.
    pub(crate) fn assign(&self, model_topics: &[String], paper: &Paper) -> Option<PaperTopics> {
        let known: Vec<&str> = model_topics
            .iter()
            .filter_map(|named| self.find(named))
            .fold(Vec::new(), |mut ids, id| {
                if !ids.contains(&id) {
                    ids.push(id);
                }
                ids
            });
        if let Some((primary, also)) = known.split_first() {
            return Some(PaperTopics {
                primary: (*primary).to_string(),
                also: also.iter().map(|id| (*id).to_string()).collect(),
                source: TopicSource::Llm,
            });
        }
        let (title, abstract_text) = (normalise(&paper.title), normalise(&paper.abstract_text));
        let mut matched: Vec<(usize, &str)> = self
            .topics
            .iter()
            .map(|t| {
                let weight = 2 * t.phrases.all_matches(&title).len()
                    + t.phrases.all_matches(&abstract_text).len();
                (weight, t.id.as_str())
            })
            .filter(|(weight, _)| *weight > 0)
            .collect();
        // Stable: equal weights keep the file's order.
        matched.sort_by_key(|(weight, _)| std::cmp::Reverse(*weight));
        let (primary, also) = matched.split_first()?;
        Some(PaperTopics {
            primary: primary.1.to_string(),
            also: also.iter().map(|(_, id)| (*id).to_string()).collect(),
            source: TopicSource::Keywords,
        })
    }

    /// The id of a topic the model named by id or by label, in any spelling.
    fn find(&self, named: &str) -> Option<&str> {
        let wanted = slug(named);
        self.topics
            .iter()
            .find(|t| t.id == wanted || slug(&t.label) == wanted)
            .map(|t| t.id.as_str())
    }
}

/// The id and label of a `## ` heading; `None` for an exclusions heading.
fn parse_heading(heading: &str) -> Option<(String, String)> {
    let mut text = heading.trim();
    if text.ends_with("{.exclude}") {
        return None;
    }
    let mut explicit_id = None;
    if let Some(start) = text.rfind("{#")
        && text.ends_with('}')
    {
        explicit_id = Some(slug(&text[start + 2..text.len() - 1]));
        text = text[..start].trim();
    }
    // `1. Model architecture`, `2) …`, `Topic 3: …`: the numbering is not part of the name,
    // so renumbering the file keeps every id.
    let unnumbered = text
        .strip_prefix("Topic ")
        .or_else(|| text.strip_prefix("topic "))
        .unwrap_or(text);
    let digits = unnumbered.bytes().take_while(u8::is_ascii_digit).count();
    let label = if digits > 0 {
        unnumbered[digits..]
            .trim_start_matches(['.', ':', ')', ' '])
            .trim()
    } else {
        text
    };
    let label = if label.is_empty() { text } else { label };
    let lower = label.to_lowercase();
    if explicit_id.is_none() && EXCLUSION_HEADINGS.iter().any(|h| lower.starts_with(h)) {
        return None;
    }
    let id = explicit_id
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| slug(label));
    (!id.is_empty()).then(|| (id, label.to_string()))
}

/// The phrases of a `Keywords:` line (`- Keywords: a, b.`), or none for any other line.
pub(crate) fn keyword_line(line: &str) -> Vec<String> {
    let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '*');
    let Some(rest) = line
        .get(..9)
        .filter(|head| head.eq_ignore_ascii_case("keywords:"))
        .map(|_| &line[9..])
    else {
        return Vec::new();
    };
    rest.split(',')
        .map(|phrase| phrase.trim().trim_end_matches('.').trim_matches('*').trim())
        .filter(|phrase| !phrase.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paper::AnnounceType;

    const SHIPPED: &str = include_str!("../../prompts/topics.md");

    fn paper(title: &str, abstract_text: &str) -> Paper {
        Paper {
            id: "2601.00001".into(),
            version: 1,
            title: title.into(),
            authors: Vec::new(),
            abstract_text: abstract_text.into(),
            categories: Vec::new(),
            announce_type: AnnounceType::New,
            doi: None,
            journal_ref: None,
            license: None,
        }
    }

    #[test]
    fn the_shipped_topics_are_four_with_stable_ids_and_no_exclusions() {
        let catalog = TopicCatalog::parse(SHIPPED);
        let ids: Vec<&str> = catalog.topics.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            ["architecture", "efficiency", "systems", "representations"]
        );
        assert_eq!(catalog.topics[1].label, "Model compression and efficiency");
        assert!(catalog.topics[1].keywords.contains(&"KV cache".to_string()));
    }

    #[test]
    fn explicit_ids_exclusion_marks_and_duplicates() {
        let catalog = TopicCatalog::parse(
            "## Vision {#cv}\n- Keywords: image\n## Robots\n## Robots\n## Skip these {.exclude}\n- Keywords: never\n## Not relevant\n",
        );
        let ids: Vec<(&str, &str)> = catalog
            .topics
            .iter()
            .map(|t| (t.id.as_str(), t.label.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("cv", "Vision"),
                ("robots", "Robots"),
                ("robots-2", "Robots")
            ]
        );
        assert!(TopicCatalog::parse("# Topics\nJust prose, no headings.").is_empty());
    }

    #[test]
    fn the_model_names_topics_by_id_or_label_and_unknown_ones_fall_back_to_keywords() {
        let catalog = TopicCatalog::parse(SHIPPED);
        let pruning = paper(
            "Pruning experts",
            "We study quantization of a mixture of experts.",
        );
        let by_model = catalog
            .assign(
                &[
                    "Model Architecture".into(),
                    "model-compression-and-efficiency".into(),
                    "made-up".into(),
                ],
                &pruning,
            )
            .unwrap();
        assert_eq!(by_model.primary, "architecture");
        assert_eq!(by_model.also, ["efficiency"]);
        assert_eq!(by_model.source, TopicSource::Llm);

        let by_keywords = catalog.assign(&["made-up".into()], &pruning).unwrap();
        assert_eq!(by_keywords.source, TopicSource::Keywords);
        // pruning (title, 2) + quantization (1) beat mixture of experts (1).
        assert_eq!(by_keywords.primary, "efficiency");
        assert_eq!(by_keywords.also, ["architecture"]);
        assert_eq!(catalog.assign(&[], &paper("Weather", "Rain.")), None);
    }

    #[test]
    fn the_model_is_told_the_ids() {
        let text = TopicCatalog::parse(SHIPPED).id_instructions().unwrap();
        assert!(
            text.contains("- `architecture`: Model architecture"),
            "{text}"
        );
        assert_eq!(TopicCatalog::default().id_instructions(), None);
    }
}
