//! Reading the model's answers: scores per paper and title-prefilter rejections. Lenient about
//! the wrapping (JSONL, a JSON array, an object holding one, code fences, prose around it),
//! strict about the content (only the batch's IDs, integer scores 1-10).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::record::Scores;

/// Longest comment kept from an answer; the page shows one sentence.
pub(crate) const MAX_COMMENT_CHARS: usize = 600;

/// What a scoring answer gave for one batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ScoreAnswer {
    /// Valid scores, by batch ID.
    pub scores: BTreeMap<String, Scores>,
    /// The topic ids (or labels) the answer named for a paper, best first, by batch ID.
    pub topics: BTreeMap<String, Vec<String>>,
    /// Batch IDs without a usable score, with the reason (missing, out of range, ...).
    pub rejected: BTreeMap<String, String>,
    /// Answer lines that were ignored (IDs outside the batch, lines that are not records).
    pub ignored: Vec<String>,
}

/// Parses a scoring answer for a batch of version-free IDs. Every batch ID ends up either in
/// `scores` or in `rejected`; nothing outside the batch is ever scored. An ID answered twice
/// with different scores is rejected: one of the two lines was not the model's own judgement.
pub(crate) fn parse_score_answer(text: &str, batch: &[&str]) -> ScoreAnswer {
    let mut answer = ScoreAnswer::default();
    let mut found: BTreeMap<&str, Vec<Result<Scores, String>>> = BTreeMap::new();
    let records = json_values(text);
    let mut objects = Vec::new();
    for value in &records {
        collect_objects(value, &mut objects);
    }
    for object in objects {
        let Some(raw_id) = field(object, &["arxivid", "id", "paperid", "arxiv"]) else {
            answer
                .ignored
                .push(format!("a record without an ARXIVID: {}", preview(object)));
            continue;
        };
        let id = raw_id.as_str().map(normalise_id).unwrap_or_default();
        let Some(&batch_id) = batch.iter().find(|b| **b == id) else {
            answer
                .ignored
                .push(format!("ID {} is not in this batch", preview_value(raw_id)));
            continue;
        };
        found.entry(batch_id).or_default().push(scores_of(object));
        let topics = topics_of(object);
        if !topics.is_empty() {
            answer.topics.entry(batch_id.to_string()).or_insert(topics);
        }
    }
    if records.is_empty() {
        answer.ignored.push(format!(
            "the answer holds no JSON record: {:?}",
            preview_text(text)
        ));
    }
    for &id in batch {
        let verdict = match found.remove(id) {
            None => Err("the answer has no line for it".to_string()),
            Some(lines) => agree(lines),
        };
        match verdict {
            Ok(scores) => {
                answer.scores.insert(id.to_string(), scores);
            }
            Err(reason) => {
                answer.rejected.insert(id.to_string(), reason);
            }
        }
    }
    answer
}

/// Longest TL;DR kept from an answer, in characters (a few times `max_words` of any script).
pub(crate) const MAX_TLDR_CHARS: usize = 1200;

/// What a TL;DR answer gave for one batch: a text per batch ID, or why there is none. Like a
/// scoring answer, only the batch's IDs count.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct TldrAnswer {
    pub texts: BTreeMap<String, String>,
    pub missing: BTreeMap<String, String>,
}

/// Parses a TL;DR answer (JSONL of `ARXIVID` and `TLDR`; other fields are ignored).
pub(crate) fn parse_tldr_answer(text: &str, batch: &[&str]) -> TldrAnswer {
    let mut answer = TldrAnswer::default();
    let values = json_values(text);
    let mut objects = Vec::new();
    for value in &values {
        collect_objects(value, &mut objects);
    }
    for object in objects {
        let Some(id) = field(object, &["arxivid", "id", "paperid", "arxiv"])
            .and_then(Value::as_str)
            .map(normalise_id)
        else {
            continue;
        };
        if !batch.contains(&id.as_str()) || answer.texts.contains_key(&id) {
            continue;
        }
        let summary = match field(object, &["tldr", "summary"]) {
            Some(Value::String(text)) => crate::text::one_line(text),
            _ => String::new(),
        };
        if summary.is_empty() {
            answer
                .missing
                .insert(id, "the answer's TL;DR for it was empty".into());
            continue;
        }
        let summary = match summary.char_indices().nth(MAX_TLDR_CHARS) {
            Some((end, _)) => format!("{}…", &summary[..end]),
            None => summary,
        };
        answer.missing.remove(&id);
        answer.texts.insert(id, summary);
    }
    for &id in batch {
        if !answer.texts.contains_key(id) {
            answer
                .missing
                .entry(id.to_string())
                .or_insert_with(|| "the answer had no TL;DR for it".into());
        }
    }
    answer
}

/// Parses a title-prefilter answer: the batch IDs named as clearly irrelevant. An answer that
/// holds no JSON, or names an ID outside the batch, is not trusted at all (`Err` with why):
/// a wrong rejection would drop a paper unseen, so the batch is asked again instead.
pub(crate) fn parse_title_answer(text: &str, batch: &[&str]) -> Result<BTreeSet<String>, String> {
    let values = json_values(text);
    if values.is_empty() {
        return Err(format!(
            "the answer holds no JSON list: {:?}",
            preview_text(text)
        ));
    }
    let mut named = Vec::new();
    for value in &values {
        collect_named_ids(value, false, &mut named);
    }
    let mut rejected = BTreeSet::new();
    for raw in named {
        let id = normalise_id(raw);
        if !batch.contains(&id.as_str()) {
            return Err(format!(
                "the answer names {raw:?}, which is not in this batch"
            ));
        }
        rejected.insert(id);
    }
    Ok(rejected)
}

/// An ID as a model may write it (`arXiv:2501.01234v2`, `2501.01234 | Title`) reduced to the
/// version-free form the batch uses.
pub(crate) fn normalise_id(raw: &str) -> String {
    let trimmed = raw.trim();
    let without_prefix = trimmed
        .get(..6)
        .filter(|head| head.eq_ignore_ascii_case("arxiv:"))
        .map_or(trimmed, |_| &trimmed[6..]);
    let token = without_prefix
        .split(|c: char| c.is_whitespace() || c == '|')
        .next()
        .unwrap_or("")
        .trim_end_matches(['.', ',', ';', ':']);
    crate::paper::split_version(token).0
}

/// Every JSON value in the text: the whole text if it parses, otherwise each object or array
/// that starts somewhere in it (JSONL lines, a fenced block, a list inside prose).
fn json_values(text: &str) -> Vec<Value> {
    let trimmed = text.trim();
    if let Ok(value) = serde_json::from_str::<Value>(trimmed)
        && (value.is_array() || value.is_object())
    {
        return vec![value];
    }
    let mut values = Vec::new();
    let mut at = 0;
    while let Some(offset) = text[at..].find(['{', '[']) {
        let start = at + offset;
        let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) => {
                values.push(value);
                at = start + stream.byte_offset();
            }
            _ => at = start + 1,
        }
    }
    values
}

/// The objects that describe papers: objects themselves, elements of arrays, and arrays held
/// by a wrapping object such as `{"papers": [...]}`.
fn collect_objects<'a>(value: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| collect_objects(item, out)),
        Value::Object(object)
            if field(object, &["arxivid", "id", "paperid", "arxiv"]).is_some() =>
        {
            out.push(object)
        }
        Value::Object(object) => {
            let nested: Vec<&Value> = object
                .values()
                .filter(|v| v.is_array() || v.is_object())
                .collect();
            if nested.is_empty() {
                out.push(object);
            }
            nested.into_iter().for_each(|v| collect_objects(v, out));
        }
        _ => {}
    }
}

/// IDs a title answer names: strings listed in arrays, and the ID field of objects. Other
/// strings (a "reasoning" field, say) are not IDs.
fn collect_named_ids<'a>(value: &'a Value, in_array: bool, out: &mut Vec<&'a str>) {
    match value {
        Value::String(text) if in_array => out.push(text),
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_named_ids(item, true, out)),
        Value::Object(object) => match field(object, &["arxivid", "id", "paperid", "arxiv"]) {
            Some(Value::String(id)) => out.push(id),
            _ => object
                .values()
                .for_each(|v| collect_named_ids(v, false, out)),
        },
        _ => {}
    }
}

/// A field by any common spelling: case, `_`, `-` and spaces do not matter.
fn field<'a>(object: &'a serde_json::Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    object.iter().find_map(|(key, value)| {
        let folded: String = key
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        names.contains(&folded.as_str()).then_some(value)
    })
}

/// The topics a record names: `PRIMARY_TOPIC_ID` first, then `TOPICS` or `MATCHED_TOPIC_IDS`
/// (a list, or one string), each once. The names are checked against the user's topics later.
fn topics_of(object: &serde_json::Map<String, Value>) -> Vec<String> {
    let strings = |value: Option<&Value>| -> Vec<String> {
        match value {
            Some(Value::String(text)) => vec![text.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut topics: Vec<String> = Vec::new();
    for name in strings(field(object, &["primarytopicid", "primarytopic"]))
        .into_iter()
        .chain(strings(field(
            object,
            &["topics", "matchedtopicids", "topicids"],
        )))
    {
        let name = name.trim().to_string();
        if !name.is_empty() && !topics.contains(&name) {
            topics.push(name);
        }
    }
    topics
}

fn scores_of(object: &serde_json::Map<String, Value>) -> Result<Scores, String> {
    let relevance = score_field(object, "relevance")?;
    let novelty = score_field(object, "novelty")?;
    // Model-written text reaches pages, Markdown, e-mails and the terminal: one line, without
    // control or bidirectional characters (ESC, NUL, U+202E), as titles are.
    let comment = match field(object, &["comment", "reason"]) {
        Some(Value::String(text)) => crate::text::one_line(text),
        _ => String::new(),
    };
    let comment = match comment.char_indices().nth(MAX_COMMENT_CHARS) {
        Some((end, _)) => format!("{}…", &comment[..end]),
        None => comment,
    };
    Ok(Scores {
        relevance,
        novelty,
        comment,
    })
}

fn score_field(object: &serde_json::Map<String, Value>, name: &str) -> Result<u8, String> {
    let upper = name.to_uppercase();
    let value = field(object, &[name]).ok_or_else(|| format!("{upper} is missing"))?;
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|n| n.fract() == 0.0)
    .ok_or_else(|| format!("{upper} {} is not a whole number", preview_value(value)))?;
    if !(1.0..=10.0).contains(&number) {
        return Err(format!("{upper} {number} is outside 1-10"));
    }
    Ok(number as u8)
}

/// Several lines for one ID are fine only if they all agree.
fn agree(lines: Vec<Result<Scores, String>>) -> Result<Scores, String> {
    let mut first: Option<Scores> = None;
    for line in lines {
        let scores = line?;
        match &first {
            None => first = Some(scores),
            Some(seen) if seen.relevance == scores.relevance && seen.novelty == scores.novelty => {}
            Some(_) => return Err("the answer scores it twice, differently".to_string()),
        }
    }
    first.ok_or_else(|| "the answer has no line for it".to_string())
}

fn preview_value(value: &Value) -> String {
    preview_text(&value.to_string())
}

fn preview(object: &serde_json::Map<String, Value>) -> String {
    preview_text(&serde_json::to_string(object).unwrap_or_default())
}

fn preview_text(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BATCH: [&str; 3] = ["2501.00001", "2501.00002", "hep-th/9711200"];

    fn scores(answer: &ScoreAnswer) -> Vec<(&str, u8, u8)> {
        answer
            .scores
            .iter()
            .map(|(id, s)| (id.as_str(), s.relevance, s.novelty))
            .collect()
    }

    const ALL_THREE: [(&str, u8, u8); 3] = [
        ("2501.00001", 9, 7),
        ("2501.00002", 3, 4),
        ("hep-th/9711200", 6, 5),
    ];

    #[test]
    fn reads_jsonl_array_wrapped_and_fenced_answers_alike() {
        let jsonl = r#"{"ARXIVID": "2501.00001", "COMMENT": "Topic 2: pruning.", "RELEVANCE": 9, "NOVELTY": 7}
{"ARXIVID": "2501.00002", "COMMENT": "No topic.", "RELEVANCE": 3, "NOVELTY": 4}
{"ARXIVID": "hep-th/9711200", "COMMENT": "Topic 1.", "RELEVANCE": 6, "NOVELTY": 5}"#;
        let array = format!("[{}]", jsonl.replace('\n', ",\n"));
        let wrapped = format!("{{\"papers\": {array}}}");
        let fenced = format!("Here are the scores:\n```json\n{jsonl}\n```\nHope this helps.");
        let fenced_array = format!("```\n{array}\n```");
        let trailing_commas = jsonl.replace("}\n", "},\n");
        for text in [
            jsonl.to_string(),
            array,
            wrapped,
            fenced,
            fenced_array,
            trailing_commas,
        ] {
            let answer = parse_score_answer(&text, &BATCH);
            assert_eq!(scores(&answer), ALL_THREE, "{text}");
            assert!(answer.rejected.is_empty(), "{text}");
            assert_eq!(answer.scores["2501.00001"].comment, "Topic 2: pruning.");
        }
    }

    #[test]
    fn tolerates_key_spellings_versions_and_numeric_strings() {
        let text = r#"{"arxiv_id": "arXiv:2501.00001v3", "comment": "a", "relevance": "9", "novelty": 7.0}
{"ArXiv ID": "2501.00002", "Relevance": 3, "Novelty": 4}
{"id": "hep-th/9711200v1", "RELEVANCE": 6, "NOVELTY": 5, "EXTRA": true}"#;
        let answer = parse_score_answer(text, &BATCH);
        assert_eq!(scores(&answer), ALL_THREE);
        assert_eq!(answer.scores["2501.00002"].comment, "");
    }

    #[test]
    fn rejects_missing_foreign_out_of_range_and_non_numbers() {
        let text = r#"{"ARXIVID": "2501.00001", "RELEVANCE": 11, "NOVELTY": 7}
{"ARXIVID": "2501.00002", "RELEVANCE": "high", "NOVELTY": 4}
{"ARXIVID": "2501.99999", "RELEVANCE": 10, "NOVELTY": 10}"#;
        let answer = parse_score_answer(text, &BATCH);
        assert!(answer.scores.is_empty());
        assert_eq!(
            answer.rejected["2501.00001"],
            "RELEVANCE 11 is outside 1-10"
        );
        assert_eq!(
            answer.rejected["2501.00002"],
            "RELEVANCE \"high\" is not a whole number"
        );
        assert_eq!(
            answer.rejected["hep-th/9711200"],
            "the answer has no line for it"
        );
        assert_eq!(answer.ignored, ["ID \"2501.99999\" is not in this batch"]);
        for bad in ["0", "7.5", "null", "-3", "[8]"] {
            let text = format!(r#"{{"ARXIVID": "2501.00001", "RELEVANCE": {bad}, "NOVELTY": 5}}"#);
            let answer = parse_score_answer(&text, &BATCH);
            assert!(answer.scores.is_empty(), "{bad} was accepted");
            assert!(answer.rejected.contains_key("2501.00001"));
        }
    }

    #[test]
    fn conflicting_duplicates_are_rejected_but_repeats_are_fine() {
        let text = r#"{"ARXIVID": "2501.00001", "RELEVANCE": 9, "NOVELTY": 7}
{"ARXIVID": "2501.00002", "RELEVANCE": 3, "NOVELTY": 4}
{"ARXIVID": "2501.00002", "RELEVANCE": 10, "NOVELTY": 10}
{"ARXIVID": "2501.00001", "RELEVANCE": 9, "NOVELTY": 7}"#;
        let answer = parse_score_answer(text, &BATCH);
        assert_eq!(scores(&answer), [("2501.00001", 9, 7)]);
        assert_eq!(
            answer.rejected["2501.00002"],
            "the answer scores it twice, differently"
        );
    }

    #[test]
    fn garbage_rejects_every_paper_of_the_batch() {
        for text in [
            "",
            "I'm sorry, I cannot help with that.",
            "{\"ARXIVID\": \"2501.00001\", \"RELEV",
        ] {
            let answer = parse_score_answer(text, &BATCH);
            assert!(answer.scores.is_empty(), "{text}");
            assert_eq!(answer.rejected.len(), 3, "{text}");
        }
    }

    #[test]
    fn a_truncated_answer_keeps_its_complete_lines() {
        let text = "{\"ARXIVID\": \"2501.00001\", \"RELEVANCE\": 9, \"NOVELTY\": 7}\n{\"ARXIVID\": \"2501.00002\", \"RELEV";
        let answer = parse_score_answer(text, &BATCH);
        assert_eq!(scores(&answer), [("2501.00001", 9, 7)]);
        assert_eq!(answer.rejected.len(), 2);
    }

    #[test]
    fn long_comments_are_cut() {
        let text = format!(
            r#"{{"ARXIVID": "2501.00001", "COMMENT": "{}", "RELEVANCE": 9, "NOVELTY": 7}}"#,
            "x".repeat(2000)
        );
        let answer = parse_score_answer(&text, &BATCH);
        assert_eq!(
            answer.scores["2501.00001"].comment.chars().count(),
            MAX_COMMENT_CHARS + 1
        );
    }

    #[test]
    fn title_answers_in_every_shape() {
        let expected: BTreeSet<String> =
            ["2501.00002".to_string(), "hep-th/9711200".to_string()].into();
        for text in [
            r#"["2501.00002", "hep-th/9711200"]"#,
            "```json\n[\"2501.00002\", \"hep-th/9711200v2\"]\n```",
            r#"{"irrelevant": ["arXiv:2501.00002", "hep-th/9711200"], "note": "two"}"#,
            "{\"ARXIVID\": \"2501.00002\"}\n{\"ARXIVID\": \"hep-th/9711200\"}",
            "These are irrelevant: [\"2501.00002 | Some title\", \"hep-th/9711200\"].",
        ] {
            assert_eq!(
                parse_title_answer(text, &BATCH),
                Ok(expected.clone()),
                "{text}"
            );
        }
        assert_eq!(parse_title_answer("[]", &BATCH), Ok(BTreeSet::new()));
        assert_eq!(
            parse_title_answer(r#"{"irrelevant": []}"#, &BATCH),
            Ok(BTreeSet::new())
        );
    }

    #[test]
    fn untrustworthy_title_answers_are_refused() {
        let foreign = parse_title_answer(r#"["2501.00002", "2501.99999"]"#, &BATCH).unwrap_err();
        assert!(foreign.contains("2501.99999"), "{foreign}");
        let prose = parse_title_answer("None of these look irrelevant.", &BATCH).unwrap_err();
        assert!(prose.contains("no JSON"), "{prose}");
    }

    #[test]
    fn ids_are_normalised() {
        assert_eq!(normalise_id(" arXiv:2501.01234v2 "), "2501.01234");
        assert_eq!(normalise_id("2501.01234 | Title"), "2501.01234");
        assert_eq!(normalise_id("hep-th/9711200v1."), "hep-th/9711200");
        assert_eq!(normalise_id("2501.01234"), "2501.01234");
    }

    #[test]
    fn control_and_bidirectional_characters_never_leave_a_models_answer() {
        let text = "{\"ARXIVID\": \"2501.00001\", \"COMMENT\": \"Good \\u001b[31mred\\u0000 \\u202etxet\\u2066x\", \"RELEVANCE\": 9, \"NOVELTY\": 8}";
        let answer = parse_score_answer(text, &["2501.00001"]);
        let comment = &answer.scores["2501.00001"].comment;
        assert!(
            !comment.contains('\u{1b}')
                && !comment.contains('\0')
                && !comment.contains('\u{202e}')
                && !comment.contains('\u{2066}'),
            "{comment:?}"
        );
        assert!(comment.starts_with("Good "), "{comment:?}");
        let tldr = parse_tldr_answer(
            "{\"ARXIVID\": \"2501.00001\", \"TLDR\": \"Short\\u202e \\u001bsummary\"}",
            &["2501.00001"],
        );
        let summary = &tldr.texts["2501.00001"];
        assert!(
            !summary.contains('\u{202e}') && !summary.contains('\u{1b}'),
            "{summary:?}"
        );
    }
}
