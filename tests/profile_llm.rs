//! The profile with an API key, through the real binary, on real labelled days, against the
//! test LLM mock in oracle mode (it judges each paper as the replaced tool's LLM did that day).
//! The cascade: the cold start says why nothing is cut; once calibrated on recorded picks it
//! cuts papers before the LLM (they are never sent, and are recorded as filtered with their
//! score); a cut that would drop too much, or "want" labels on papers it cut, make the LLM read
//! the whole day. Embeddings: sent once per paper, cached, costed on the page; a failing
//! endpoint, vectors of the wrong size or a corrupt cache are warnings, never a failed day.

#[path = "support/shared.rs"]
mod shared;

#[path = "support/repo.rs"]
mod repo;

#[path = "support/mock_llm.rs"]
mod mock_llm;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use mock_llm::{Behaviour, Embeddings, MOCK_KEY, MockLlm, Stage};
use repo::{papersift, read_json};

const DAYS: [&str; 6] = shared::FIRST_LABELLED_DAYS;

/// The recorded judgement of every picked paper (not picked for a followed author).
fn oracle() -> HashMap<String, (u8, u8)> {
    DAYS.iter()
        .flat_map(|day| shared::labelled_papers(day))
        .filter(|p| p["picked"] == true && p["author_match"] != true)
        .map(|p| {
            let score = |key: &str| p[key].as_u64().unwrap_or(8) as u8;
            (
                p["id"].as_str().unwrap().to_string(),
                (score("relevance"), score("novelty")),
            )
        })
        .collect()
}

fn run(repo: &Path, day: &str) -> (serde_json::Value, String) {
    let feed = shared::labelled_feed(day, repo);
    let output = papersift(repo)
        .env("OPENAI_API_KEY", MOCK_KEY)
        .args(["run", "--feed"])
        .arg(&feed)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let record = read_json(&repo.join(format!("data/{}.json", day.replace('-', "/"))));
    (record, stdout)
}

/// Every paper of a record as (id, decision, reason, profile), objects and filtered rows alike.
fn papers(record: &serde_json::Value) -> Vec<(String, String, String, Option<f64>)> {
    record["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| match p.as_array() {
            Some(row) => (
                row[0].as_str().unwrap().to_string(),
                "filtered".to_string(),
                row.get(5)
                    .and_then(|r| r.as_str())
                    .unwrap_or("below thresholds")
                    .to_string(),
                row.get(4).and_then(|s| s.as_f64()),
            ),
            None => (
                p["id"].as_str().unwrap().to_string(),
                p["decision"].as_str().unwrap().to_string(),
                p["reason"].as_str().unwrap_or("").to_string(),
                p["profile"].as_f64(),
            ),
        })
        .collect()
}

#[ignore = "needs ../shared/fixtures"]
#[tokio::test(flavor = "multi_thread")]
async fn the_cascade_calibrates_on_recorded_picks_cuts_before_the_llm_and_steps_back_when_distrusted()
 {
    let mock = MockLlm::start(Behaviour {
        oracle: Some(oracle()),
        gullible: false,
        ..Behaviour::default()
    })
    .await;
    let config = format!(
        "[arxiv]\ncategories = [\"cs.LG\", \"cs.AI\"]\n\
         [llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n",
        mock.base_url()
    );
    let repo = repo::user_repo(&config);
    let dir = repo.path();

    // Cold start: no profile on the first day, too few calibrated picks on the next two.
    let (first, stdout) = run(dir, DAYS[0]);
    assert!(
        first["cascade"]["note"]
            .as_str()
            .unwrap()
            .contains("no profile yet"),
        "{}",
        first["cascade"]
    );
    assert!(stdout.contains("cascade off: no profile yet"), "{stdout}");
    for day in &DAYS[1..3] {
        let (record, _) = run(dir, day);
        let note = record["cascade"]["note"].as_str().unwrap();
        assert!(note.contains("cascade_min_picks"), "{note}");
        assert_eq!(record["cascade"]["cut"], 0);
    }

    // Calibrated on two days of picks, the cascade cuts.
    let before = mock.calls().len();
    let (record, stdout) = run(dir, DAYS[3]);
    let cascade = &record["cascade"];
    let cut = cascade["cut"].as_u64().unwrap() as usize;
    let threshold = cascade["threshold"].as_f64().unwrap();
    assert!(cascade["note"].is_null(), "{cascade}");
    assert!(stdout.contains("cascade cut"), "{stdout}");
    let all = papers(&record);
    let cut_papers: Vec<_> = all
        .iter()
        .filter(|p| p.2.starts_with("profile: cut before the LLM"))
        .collect();
    assert_eq!(cut_papers.len(), cut);
    assert!(
        cut * 10 >= all.len() * 2,
        "the cascade cut only {cut} of {}",
        all.len()
    );
    assert_eq!(
        cascade["sent"].as_u64().unwrap() as usize + cut,
        record["counts"]["scanned"].as_u64().unwrap() as usize
    );
    for (id, decision, _, profile) in &cut_papers {
        assert_eq!(decision, "filtered");
        assert!(profile.unwrap() < threshold, "{id} {profile:?} {threshold}");
    }
    // None of the cut papers reached the LLM, at either stage.
    let cut_ids: HashSet<&str> = cut_papers.iter().map(|p| p.0.as_str()).collect();
    let sent: HashSet<String> = mock.calls()[before..]
        .iter()
        .filter(|c| matches!(c.stage, Stage::Title | Stage::Score))
        .flat_map(|c| c.ids.clone())
        .collect();
    assert!(!sent.is_empty());
    assert!(sent.iter().all(|id| !cut_ids.contains(id.as_str())));
    // It keeps what the LLM would pick.
    let picks: HashSet<String> = shared::labelled_papers(DAYS[3])
        .into_iter()
        .filter(|p| p["picked"] == true && p["author_match"] != true)
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    let selected: HashSet<String> = all
        .iter()
        .filter(|p| p.1 == "selected")
        .map(|p| p.0.clone())
        .collect();
    let kept = picks.intersection(&selected).count();
    assert!(
        kept * 100 >= picks.len() * 85,
        "kept {kept} of {} picks",
        picks.len()
    );
    let page =
        std::fs::read_to_string(dir.join(format!("docs/{}/index.html", DAYS[3].replace('-', "/"))))
            .unwrap();
    assert!(page.contains("Cascade cut"), "no cascade line on the page");

    // A cut trusted with almost nothing: the LLM reads the whole day, and the run says why.
    std::fs::write(
        dir.join("config.toml"),
        format!("{config}[profile]\ncascade_max_cut = 0.05\n"),
    )
    .unwrap();
    let (record, stdout) = run(dir, DAYS[4]);
    assert_eq!(record["cascade"]["cut"], 0);
    assert!(
        stdout.contains("cascade off: the cut would drop"),
        "{stdout}"
    );
    assert!(
        papers(&record)
            .iter()
            .all(|p| !p.2.starts_with("profile: cut"))
    );

    // The reader wanted two papers the cascade cut: it steps back until that is learned.
    std::fs::write(dir.join("config.toml"), &config).unwrap();
    let wanted: Vec<&str> = cut_papers.iter().take(2).map(|p| p.0.as_str()).collect();
    papersift(dir)
        .args(["labels", "import", "-"])
        .write_stdin(wanted.join("\n"))
        .assert()
        .success();
    let (record, stdout) = run(dir, DAYS[5]);
    assert_eq!(record["cascade"]["cut"], 0);
    assert!(stdout.contains("were cut by the cascade"), "{stdout}");
}

async fn embedding_repo(embeddings: Embeddings) -> (MockLlm, tempfile::TempDir) {
    let mock = MockLlm::start(Behaviour {
        oracle: Some(oracle()),
        gullible: false,
        embeddings,
        ..Behaviour::default()
    })
    .await;
    let repo = repo::user_repo(&format!(
        "[arxiv]\ncategories = [\"cs.LG\", \"cs.AI\"]\n\
         [llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n\
         [profile]\nembeddings_model = \"text-embedding-3-small\"\ncascade = false\n",
        mock.base_url()
    ));
    (mock, repo)
}

#[ignore = "needs ../shared/fixtures"]
#[tokio::test(flavor = "multi_thread")]
async fn embeddings_are_sent_once_per_paper_costed_on_the_page_and_never_fail_a_day() {
    let (mock, repo) = embedding_repo(Embeddings::Working).await;
    let dir = repo.path();
    // No profile on the first day: nothing is embedded.
    let (first, _) = run(dir, DAYS[0]);
    assert!(first["embeddings"].is_null());
    assert!(mock.embedded().is_empty());
    // The second day embeds its papers and the first day's picks, at 256 dimensions.
    let (second, stdout) = run(dir, DAYS[1]);
    let scanned = second["counts"]["scanned"].as_u64().unwrap() as usize;
    let embedded = second["embeddings"]["embedded"].as_u64().unwrap() as usize;
    assert!(embedded > scanned, "{}", second["embeddings"]);
    assert_eq!(mock.embedded().len(), embedded);
    assert!(second["embeddings"]["usage"]["cost_usd"].as_f64().unwrap() > 0.0);
    assert!(second["embeddings"]["warning"].is_null(), "{stdout}");
    let page =
        std::fs::read_to_string(dir.join(format!("docs/{}/index.html", DAYS[1].replace('-', "/"))))
            .unwrap();
    assert!(page.contains("Embeddings by <code>text-embedding-3-small</code>"));
    // The third day sends its own papers and the second day's new picks, nothing twice.
    let before = mock.embedded().len();
    let (third, _) = run(dir, DAYS[2]);
    let cached = third["embeddings"]["cached"].as_u64().unwrap() as usize;
    assert!(cached >= embedded - scanned, "{}", third["embeddings"]);
    let sent_again = mock.embedded()[before..].len();
    assert_eq!(
        sent_again,
        third["embeddings"]["embedded"].as_u64().unwrap() as usize
    );
    // A corrupt cache is set aside, named in a warning, and rebuilt.
    let cache = dir.join("data/embeddings/text-embedding-3-small.json.zst");
    std::fs::write(&cache, b"garbage").unwrap();
    let (fourth, _) = run(dir, DAYS[3]);
    let warning = fourth["embeddings"]["warning"].as_str().unwrap();
    assert!(warning.contains("is not a zstd file"), "{warning}");
    assert_eq!(
        std::fs::read(dir.join("data/embeddings/text-embedding-3-small.json.zst.broken")).unwrap(),
        b"garbage"
    );
    assert!(std::fs::read(&cache).unwrap() != b"garbage");
    assert_eq!(fourth["status"], "ok");
}

#[ignore = "needs ../shared/fixtures"]
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_embeddings_endpoint_or_vectors_of_the_wrong_size_are_a_warning_not_a_failed_day()
{
    for (mode, expected) in [
        (Embeddings::Failing, "500"),
        (Embeddings::WrongSize, "255 dimensions where 256"),
    ] {
        let (_mock, repo) = embedding_repo(mode).await;
        let dir = repo.path();
        run(dir, DAYS[0]);
        let (second, stdout) = run(dir, DAYS[1]);
        assert_eq!(second["status"], "ok", "{stdout}");
        let warning = second["embeddings"]["warning"].as_str().unwrap();
        assert!(warning.contains(expected), "{warning}");
        assert!(warning.contains("without embeddings"), "{warning}");
        // Every paper still has its profile score.
        assert!(papers(&second).iter().all(|p| p.3.is_some()));
    }
}
