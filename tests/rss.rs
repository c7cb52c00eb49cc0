//! The arXiv RSS parser against real recorded feeds, large synthetic days and hand-written edge cases.

#[path = "support/shared.rs"]
mod shared;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::date;
use papersift::fetch::FeedDay;
use papersift::fetch::rss::parse;
use papersift::paper::{AnnounceType, Paper};
use shared::shared_fixture;

const CS_CL_DAY: &str = "arxiv/rss-cs.CL-2026-08-13.xml";
const COMBINED_TRIMMED: &str = "arxiv/rss-cs.LG+cs.AI+cs.CL+stat.ML-2026-09-24-trimmed4.xml";
const CS_LG_RESERIALIZED: &str = "arxiv/rss-cs.LG-2026-04-27-trimmed3-reserialized.xml";
const SYNTHETIC_910: &str = "feeds/rss-cs.LG+cs.AI+cs.CL+stat.ML-2025-06-12-synthetic910.xml";

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn parse_file(path: &Path) -> FeedDay {
    parse(&read(path), &path.display().to_string())
        .unwrap_or_else(|e| panic!("parsing {}: {e:#}", path.display()))
}

fn own_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rss")
        .join(name)
}

fn paper<'a>(day: &'a FeedDay, id: &str) -> &'a Paper {
    day.items
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("{id} is not in the feed"))
}

fn announce_mix(day: &FeedDay) -> BTreeMap<AnnounceType, usize> {
    let mut counts = mix(0, 0, 0, 0);
    for paper in &day.items {
        *counts.get_mut(&paper.announce_type).unwrap() += 1;
    }
    counts
}

fn mix(
    new: usize,
    cross: usize,
    replace: usize,
    replace_cross: usize,
) -> BTreeMap<AnnounceType, usize> {
    BTreeMap::from([
        (AnnounceType::New, new),
        (AnnounceType::Cross, cross),
        (AnnounceType::Replace, replace),
        (AnnounceType::ReplaceCross, replace_cross),
    ])
}

/// Names and titles must come out without TeX accent syntax.
fn assert_names_decoded(day: &FeedDay) {
    for paper in &day.items {
        for name in &paper.authors {
            assert!(
                !name.contains(['\\', '{', '}']) && name == name.trim() && !name.is_empty(),
                "{}: author {name:?} is not clean",
                paper.id
            );
        }
    }
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn real_cs_cl_day() {
    let path = shared_fixture(CS_CL_DAY);
    let day = parse_file(&path);
    assert_eq!(day.date, date(2026, 8, 13));
    assert_eq!(day.origin, path.display().to_string());
    assert_eq!(day.items.len(), 139);
    assert_eq!(announce_mix(&day), mix(56, 36, 32, 15));
    assert_eq!(day.items.iter().filter(|p| p.doi.is_some()).count(), 7);
    assert_eq!(
        day.items.iter().filter(|p| p.journal_ref.is_some()).count(),
        4
    );
    let primary_cs_cl = day
        .items
        .iter()
        .filter(|p| p.categories[0] == "cs.CL")
        .count();
    assert_eq!(primary_cs_cl, 88);
    for paper in &day.items {
        match paper.announce_type {
            AnnounceType::New | AnnounceType::Cross => assert_eq!(paper.version, 1, "{}", paper.id),
            _ => assert!((2..=5).contains(&paper.version), "{}", paper.id),
        }
        assert!(!paper.abstract_text.is_empty(), "{}", paper.id);
        assert!(!paper.abstract_text.starts_with(' '), "{}", paper.id);
        assert!(
            !paper.abstract_text.contains("Announce Type"),
            "{}",
            paper.id
        );
        assert!(paper.license.is_some(), "{}", paper.id);
    }
    let cc_by = day
        .items
        .iter()
        .filter(|p| p.license.as_deref() == Some("http://creativecommons.org/licenses/by/4.0/"))
        .count();
    assert_eq!(cc_by, 72);
    assert_names_decoded(&day);
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn real_cs_cl_first_item_in_detail() {
    let path = shared_fixture(CS_CL_DAY);
    let day = parse_file(&path);
    let first = &day.items[0];
    assert_eq!(first.id, "2608.11232");
    assert_eq!(first.version, 1);
    assert_eq!(
        first.title,
        "Backtrader-Bench: Benchmarking LLM Agents on Algorithmic Trading with Self-Generated MCQs"
    );
    assert_eq!(first.authors, ["Ruoxi Zhao", "Maziar Raissi"]);
    assert!(first.abstract_text.starts_with(
        "Evaluating LLM coding agents in algorithmic trading is difficult because static benchmarks"
    ));
    assert!(first.abstract_text.ends_with(
        "with the ultimate goal of building a specialized agent for quantitative trading workflows."
    ));
    assert!(
        first
            .abstract_text
            .contains("reach 90.0% accuracy in a single pass (GPT-5.5 and Opus 4.7)")
    );
    assert!(!first.abstract_text.contains('\n'));
    assert_eq!(first.categories, ["cs.CL", "cs.AI"]);
    assert_eq!(first.announce_type, AnnounceType::New);
    assert_eq!(first.doi, None);
    assert_eq!(first.journal_ref, None);
    assert_eq!(
        first.license.as_deref(),
        Some("http://creativecommons.org/licenses/by/4.0/")
    );
    assert_eq!(first.abs_url(), "https://arxiv.org/abs/2608.11232");
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn real_cs_cl_tex_entities_math_and_paragraphs() {
    let path = shared_fixture(CS_CL_DAY);
    let day = parse_file(&path);
    let all_authors: Vec<&str> = day
        .items
        .iter()
        .flat_map(|p| p.authors.iter().map(String::as_str))
        .collect();
    for name in [
        "Oğuz Akif Tüfekcioğlu",
        "Mustafa Kaan Çevik",
        "Bernal Jiménez Gutiérrez",
        "Tuğçe Kızıltepe",
        "Daniel Riofrío",
        "Bernhard Schölkopf",
    ] {
        assert!(all_authors.contains(&name), "{name} missing");
    }
    let turkish = day
        .items
        .iter()
        .find(|p| {
            p.authors
                .first()
                .is_some_and(|a| a == "Oğuz Akif Tüfekcioğlu")
        })
        .expect("the Tüfekcioğlu paper");
    assert_eq!(
        turkish.authors,
        [
            "Oğuz Akif Tüfekcioğlu",
            "Ezgi Ekin",
            "Mustafa Kaan Çevik",
            "Hacer Yalim Keles"
        ]
    );

    // Entities decoded by the XML reader; the math around them untouched.
    assert!(
        paper(&day, "2608.11361")
            .abstract_text
            .contains("($<$2% BPB spread)")
    );
    assert!(
        paper(&day, "2608.12150")
            .abstract_text
            .contains("($p {<} 0.01$, McNemar)")
    );
    let delta = day
        .items
        .iter()
        .find(|p| p.title.starts_with("CT-$"))
        .expect("the CT-Delta-Bench paper");
    assert!(
        delta
            .title
            .starts_with(r"CT-$\Delta$Bench: A Benchmark for Longitudinal 3D")
    );
    assert!(
        delta
            .abstract_text
            .contains(r"We introduce CT-$\Delta$Bench, a dedicated")
    );

    // Paragraph breaks survive as single newlines; the indentation does not.
    let compaction = paper(&day, "2608.11242");
    assert!(
        compaction
            .abstract_text
            .contains("long-horizon research.\nCurrent compactors retain only 17%"),
        "{}",
        compaction.abstract_text
    );

    let eacl = paper(&day, "2608.11788");
    assert_eq!(
        eacl.doi.as_deref(),
        Some("10.18653/v1/2026.findings-eacl.84")
    );
    assert_eq!(
        eacl.journal_ref.as_deref(),
        Some(
            "Findings of the Association for Computational Linguistics: EACL 2026, pages 1655-1677"
        )
    );
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn trimmed_combined_feed() {
    let path = shared_fixture(COMBINED_TRIMMED);
    let day = parse_file(&path);
    assert_eq!(day.date, date(2026, 9, 24));
    let ids: Vec<(&str, u32)> = day
        .items
        .iter()
        .map(|p| (p.id.as_str(), p.version))
        .collect();
    assert_eq!(
        ids,
        [
            ("2609.26811", 1),
            ("2609.26820", 1),
            ("2205.06398", 2),
            ("2009.13987", 3)
        ]
    );
    assert_eq!(announce_mix(&day), mix(2, 1, 1, 0));
    let cross = paper(&day, "2205.06398");
    assert_eq!(cross.announce_type, AnnounceType::Cross);
    assert_eq!(cross.categories, ["stat.ME", "stat.AP", "stat.ML"]);
    assert_eq!(cross.doi.as_deref(), Some("10.1093/bioinformatics/btac431"));
    assert_eq!(
        cross.authors,
        ["Pritam Dey", "Zhengwu Zhang", "David B. Dunson"]
    );
    assert_eq!(cross.title, "Outlier Detection for Multi-Network Data");
    assert_eq!(
        paper(&day, "2009.13987").announce_type,
        AnnounceType::Replace
    );
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn reserialized_feed_without_xml_declaration() {
    let path = shared_fixture(CS_LG_RESERIALIZED);
    assert!(!read(&path).starts_with("<?xml"));
    let day = parse_file(&path);
    assert_eq!(day.date, date(2026, 4, 27));
    let ids: Vec<&str> = day.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["2604.21952", "2604.21953", "2604.21956"]);
    assert_eq!(announce_mix(&day), mix(3, 0, 0, 0));
    assert_eq!(
        day.items[1].authors,
        ["Blessed Madukoma", "Prasenjit Mitra"]
    );
    assert!(day.items.iter().all(|p| p.categories[0] == "cs.LG"));
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn synthetic_large_days() {
    let cases = [
        (
            "feeds/rss-cs.LG+cs.AI+cs.CL+stat.ML-2025-06-10-synthetic620.xml",
            date(2025, 6, 10),
            620,
        ),
        (
            "feeds/rss-cs.LG+cs.AI+cs.CL+stat.ML-2025-06-11-synthetic540.xml",
            date(2025, 6, 11),
            540,
        ),
        (SYNTHETIC_910, date(2025, 6, 12), 910),
    ];
    for (name, expected_date, count) in cases {
        let path = shared_fixture(name);
        let day = parse_file(&path);
        assert_eq!(day.date, expected_date, "{name}");
        assert_eq!(day.items.len(), count, "{name}");
        assert_names_decoded(&day);
        let mut ids: Vec<&str> = day.items.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{name}: ids repeat");
        if name == SYNTHETIC_910 {
            assert_eq!(announce_mix(&day), mix(387, 211, 222, 90));
        }
    }
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn synthetic_names_with_many_accent_forms_decode() {
    let path = shared_fixture(SYNTHETIC_910);
    let day = parse_file(&path);
    let all_authors: Vec<&str> = day
        .items
        .iter()
        .flat_map(|p| p.authors.iter().map(String::as_str))
        .collect();
    for name in [
        "Pascal Bergsträßer",
        "Anders Søgaard",
        "Pål Halvorsen",
        "Ahmet Üstün",
    ] {
        assert!(all_authors.contains(&name), "{name} missing");
    }
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn truncated_feeds_are_errors() {
    let path = shared_fixture(CS_CL_DAY);
    let xml = read(&path);
    let last_item_end = xml.rfind("</item>").unwrap() + "</item>".len();
    let cuts = [
        xml.len() / 2,
        xml.len() / 3,
        last_item_end,
        xml.find("<channel>").unwrap() + 3,
        xml.len() - "</rss>\n".len(),
    ];
    for cut in cuts {
        let cut = (0..=cut)
            .rev()
            .find(|&at| xml.is_char_boundary(at))
            .unwrap();
        let message = format!(
            "{:#}",
            parse(&xml[..cut], "cut.xml").expect_err(&format!("cut at {cut} should fail"))
        );
        assert!(message.contains("cut.xml"), "{message}");
        assert!(
            message.contains("truncated") || message.contains("not well-formed XML"),
            "{message}"
        );
    }
    let after_all_items = format!("{:#}", parse(&xml[..last_item_end], "cut.xml").unwrap_err());
    assert!(
        after_all_items.contains("ends inside <channel> after 139 complete items"),
        "{after_all_items}"
    );
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn documents_that_are_not_rss_feeds_are_errors() {
    let sources = shared_fixture("arxiv/SOURCES.md");
    let message = format!("{:#}", parse(&read(&sources), "SOURCES.md").unwrap_err());
    assert!(message.contains("SOURCES.md"), "{message}");

    let atom = shared_fixture("arxiv/api-query-zero-results-2026-08-14.xml");
    let message = format!("{:#}", parse(&read(&atom), "api.xml").unwrap_err());
    assert!(message.contains("root element is <feed>"), "{message}");
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn hostile_text_parses_to_the_same_inert_text() {
    let day = parse_file(&own_fixture("hostile.xml"));
    assert_eq!(day.date, date(2026, 8, 18));
    let [paper] = day.items.as_slice() else {
        panic!("one item expected, got {}", day.items.len());
    };
    assert_eq!(
        paper.title,
        "<script>alert(1)</script> Attention {{ config }} Is javascript:alert(1)"
    );
    assert_eq!(
        paper.abstract_text,
        "We inject <img src=x onerror=alert(1)> and {{ config }} and {% raw %} into \
         javascript:alert(1) pages. Already escaped: &lt;b&gt; stays escaped once."
    );
    assert_eq!(
        paper.authors,
        [
            "<b onmouseover=\"alert(1)\">Eve</b>",
            "Robert'); DROP TABLE papers;--"
        ]
    );
    assert_eq!(paper.doi.as_deref(), Some("javascript:alert(1)"));
    assert_eq!(paper.license.as_deref(), Some("javascript:alert(1)"));
}

#[ignore = "needs ../shared/fixtures"]
#[test]
fn weekend_channel_without_items() {
    let day = parse_file(&own_fixture("weekend-empty.xml"));
    assert_eq!(day.date, date(2026, 8, 15));
    assert!(day.items.is_empty());
}
