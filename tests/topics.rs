//! Topics through the real binary: the sections of a day page and the per-topic pages and
//! feeds follow the model's topic ids with an LLM (a loopback mock), and the keyword lines of
//! `prompts/topics.md` without one; the monthly overview of the imported archive lists each
//! paper once.

#[path = "support/repo.rs"]
mod repo;

#[path = "support/mock_llm.rs"]
mod mock_llm;

#[path = "support/shared.rs"]
mod shared;

use std::path::Path;

use mock_llm::{Behaviour, MOCK_KEY, MockLlm};
use papersift::record::{self, DayRecord, Decision, TopicSource};
use repo::user_repo;
use shared::shared_fixture;

/// The shipped topics' ids, in the file's order.
const SHIPPED_TOPICS: [&str; 4] = ["architecture", "efficiency", "systems", "representations"];

fn only_record(repo: &Path) -> DayRecord {
    let records = record::load_all(&repo.join("data")).unwrap();
    assert_eq!(records.len(), 1);
    records.into_iter().next().unwrap()
}

/// The section ids of a day page, in page order.
fn sections(html: &str) -> Vec<String> {
    html.match_indices("<section class=\"topic\" id=\"")
        .map(|(at, marker)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_model_s_topic_ids_decide_the_sections_pages_and_feeds() {
    let mock = MockLlm::start(Behaviour::default()).await;
    let repo = user_repo(&format!(
        "[llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n[selection]\nrelevance_min = 1\nnovelty_min = 1\n",
        mock.base_url()
    ));
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e-hostile-feed.xml");
    let output = repo::papersift(repo.path())
        .env("OPENAI_API_KEY", MOCK_KEY)
        .args(["run", "--feed"])
        .arg(feed)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The model was told the ids, and answered with them.
    let prompt = mock
        .calls()
        .iter()
        .map(|c| c.body.to_string())
        .collect::<String>();
    assert!(prompt.contains("- `architecture`: Model architecture"));
    let day = only_record(repo.path());
    let ids: Vec<&str> = day.topics.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, SHIPPED_TOPICS);
    let topic_ids: Vec<String> = SHIPPED_TOPICS.iter().map(|s| s.to_string()).collect();
    let selected: Vec<_> = day
        .papers
        .iter()
        .filter(|p| p.decision == Decision::Selected)
        .collect();
    assert!(!selected.is_empty());
    for paper in &selected {
        let topics = paper
            .topics
            .as_ref()
            .expect("every selected paper has a topic");
        assert_eq!(topics.source, TopicSource::Llm, "{}", paper.id);
        assert_eq!(
            Some(topics.primary.as_str()),
            mock_llm::expected_topic(&paper.id, &topic_ids),
            "{}",
            paper.id
        );
    }

    // The page's sections are the model's topics, in the file's order, each paper once.
    let date = day.date.to_string().replace('-', "/");
    let html =
        std::fs::read_to_string(repo.path().join(format!("docs/{date}/index.html"))).unwrap();
    let mut expected: Vec<String> = SHIPPED_TOPICS
        .iter()
        .filter(|id| {
            selected
                .iter()
                .any(|p| p.topics.as_ref().unwrap().primary == **id)
        })
        .map(|id| format!("topic-{id}"))
        .collect();
    if selected.iter().any(|p| !p.followed_authors.is_empty()) {
        expected.insert(0, "followed".into());
    }
    assert_eq!(sections(&html), expected);
    let articles = html.matches("<article class=\"paper\"").count();
    assert_eq!(articles, selected.len(), "a paper appears once");

    // A page and a feed per topic, with every paper of the topic linking to its day entry.
    for id in SHIPPED_TOPICS {
        let members: Vec<_> = selected
            .iter()
            .filter(|p| {
                let t = p.topics.as_ref().unwrap();
                t.primary == id || t.also.iter().any(|a| a == id)
            })
            .collect();
        let folder = repo.path().join(format!("docs/topics/{id}"));
        if members.is_empty() {
            assert!(!folder.exists(), "{id} has no papers and no page");
            continue;
        }
        let feed = std::fs::read_to_string(folder.join("feed.xml")).unwrap();
        let page = std::fs::read_to_string(folder.join("index.html")).unwrap();
        for paper in &members {
            assert!(feed.contains(&format!("<id>https://arxiv.org/abs/{}</id>", paper.id)));
        }
        assert_eq!(
            page.matches(&format!("href=\"../../{date}/#link")).count(),
            members.len(),
            "{id}"
        );
    }
    let home = std::fs::read_to_string(repo.path().join("docs/index.html")).unwrap();
    assert!(home.contains("<h2 id=\"topics-heading\">Topics</h2>"));
    let search = std::fs::read_to_string(repo.path().join("docs/search/index.html")).unwrap();
    assert!(search.contains("<option value=\"architecture\">Model architecture</option>"));
}

#[test]
#[ignore = "needs ../shared/fixtures"]
fn without_a_key_the_keyword_lines_give_the_910_paper_day_its_sections_and_feeds() {
    let repo = user_repo("");
    let feed = shared_fixture("feeds/rss-cs.LG+cs.AI+cs.CL+stat.ML-2025-06-12-synthetic910.xml");
    let output = repo::papersift(repo.path())
        .env_remove("OPENAI_API_KEY")
        .args(["run", "--feed"])
        .arg(feed)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let day = only_record(repo.path());
    let selected: Vec<_> = day
        .papers
        .iter()
        .filter(|p| p.decision == Decision::Selected)
        .collect();
    let with_topic: Vec<&str> = selected
        .iter()
        .filter_map(|p| p.topics.as_ref())
        .inspect(|t| assert_eq!(t.source, TopicSource::Keywords))
        .map(|t| t.primary.as_str())
        .collect();
    assert!(
        with_topic.len() * 2 > selected.len(),
        "most papers match a topic's keywords"
    );
    let date = day.date.to_string().replace('-', "/");
    let html =
        std::fs::read_to_string(repo.path().join(format!("docs/{date}/index.html"))).unwrap();
    let shown = sections(&html);
    for id in SHIPPED_TOPICS {
        let has_papers = with_topic.contains(&id);
        assert_eq!(
            shown.contains(&format!("topic-{id}")),
            has_papers,
            "{id}: {shown:?}"
        );
        if has_papers {
            let feed =
                std::fs::read_to_string(repo.path().join(format!("docs/topics/{id}/feed.xml")))
                    .unwrap();
            assert!(feed.contains("<entry>"), "{id}'s feed has entries");
        }
    }
    assert!(shown.len() >= 2, "{shown:?}");
}

#[test]
#[ignore = "needs ../shared/fixtures"]
fn no_monthly_overview_of_the_imported_archive_lists_a_paper_twice() {
    let repo = user_repo("");
    let output = repo::papersift(repo.path())
        .arg("import")
        .arg(shared_fixture("archive/daily-json-2025"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut months = 0;
    for year in ["2025"] {
        for month in 1..=12 {
            let path = repo
                .path()
                .join(format!("docs/{year}/{month:02}/index.html"));
            let Ok(html) = std::fs::read_to_string(&path) else {
                continue;
            };
            months += 1;
            let top = &html[html.find("Top papers").unwrap_or(0)..];
            let mut seen = std::collections::BTreeSet::new();
            for (at, _) in top.match_indices("<li value=\"") {
                let item = &top[at..];
                let title = &item[item.find("\">").unwrap()..item.find("</a>").unwrap()];
                assert!(
                    seen.insert(title.to_string()),
                    "{year}-{month:02} lists {title} twice"
                );
            }
            assert!(seen.len() <= 48, "{year}-{month:02}: {}", seen.len());
        }
    }
    assert!(months >= 8, "{months}");
}
