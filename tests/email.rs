//! TL;DRs and the e-mail through the real binary: a loopback mock LLM writes TL;DRs in the
//! configured language, a loopback SMTP server receives the day as one multipart message for
//! every recipient, and delivery problems (refused connection, rejected recipient, temporary
//! refusal) only warn. No credential reaches any output.

#[path = "support/repo.rs"]
mod repo;

#[path = "support/mock_llm.rs"]
mod mock_llm;

#[path = "support/mock_smtp.rs"]
mod mock_smtp;

use std::path::Path;

use mock_llm::{Behaviour, MOCK_KEY, MockLlm};
use mock_smtp::{MockSmtp, SmtpFaults, parts_and_subject};
use papersift::record::{self, Decision};
use repo::{files_under, user_repo};

const FEED: &str = "tests/fixtures/e2e-hostile-feed.xml";
const PASSWORD: &str = "s3cr3t-app-pw";
const USER: &str = "bot@example.org";

fn feed() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FEED)
}

const EMAIL_CONFIG: &str = "[notify]\nemail_to = [\"ada@example.org\", \"alan@example.org\"]\nemail_from = \"papersift <bot@example.org>\"\n";

/// Runs the day and returns (exit success, stdout + stderr).
fn run(repo: &Path, key: Option<&str>, smtp_url: &str) -> (bool, String) {
    let mut cmd = repo::papersift(repo);
    cmd.env("SMTP_URL", smtp_url)
        .args(["run", "--feed"])
        .arg(feed());
    match key {
        Some(key) => cmd.env("OPENAI_API_KEY", key),
        None => cmd.env_remove("OPENAI_API_KEY"),
    };
    let output = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn assert_no_password(repo: &Path, output: &str) {
    assert!(
        !output.contains(PASSWORD),
        "the password is in the output:\n{output}"
    );
    for (file, bytes) in files_under(repo) {
        if file.starts_with("config.toml") {
            continue;
        }
        assert!(
            !String::from_utf8_lossy(&bytes).contains(PASSWORD),
            "{} holds the password",
            file.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tldrs_in_the_configured_language_reach_the_page_and_an_email_to_every_recipient() {
    let llm = MockLlm::start(Behaviour {
        title_reject_permille: 0,
        ..Behaviour::default()
    })
    .await;
    let smtp = MockSmtp::start(SmtpFaults::default()).await;
    let repo = user_repo(&format!(
        "[llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n[selection]\nrelevance_min = 1\nnovelty_min = 1\n[tldr]\nenabled = true\nlanguage = \"Deutsch\"\nbatch_size = 1\n{EMAIL_CONFIG}",
        llm.base_url()
    ));
    let (ok, output) = run(repo.path(), Some(MOCK_KEY), &smtp.url(USER, PASSWORD));
    assert!(ok, "{output}");

    let day = record::load_all(&repo.path().join("data"))
        .unwrap()
        .remove(0);
    let selected: Vec<_> = day
        .papers
        .iter()
        .filter(|p| p.decision == Decision::Selected)
        .collect();
    assert!(selected.len() >= 2);
    for paper in &selected {
        assert_eq!(
            paper.tldr.as_deref(),
            Some(mock_llm::expected_tldr(&paper.id, "Deutsch").as_str())
        );
    }
    let account = day.tldr.as_ref().unwrap();
    assert_eq!((account.written, account.missing), (selected.len(), 0));
    assert!(account.usage.calls >= 1 && account.usage.prompt_tokens > 0);
    let tldr_calls = llm
        .calls()
        .iter()
        .filter(|c| c.stage == mock_llm::Stage::Tldr)
        .count();
    assert_eq!(tldr_calls, selected.len(), "batched by tldr.batch_size");

    let date = day.date.to_string().replace('-', "/");
    let page =
        std::fs::read_to_string(repo.path().join(format!("docs/{date}/index.html"))).unwrap();
    assert!(page.contains("<strong>TL;DR:</strong> [Deutsch] Summary of"));
    assert!(page.contains("TL;DRs in Deutsch by <code>"));
    let feed = std::fs::read_to_string(repo.path().join("docs/feed.xml")).unwrap();
    assert!(feed.contains("[Deutsch] Summary of"));

    // One message, every recipient, both parts, TL;DRs and links in each.
    let deliveries = smtp.deliveries();
    assert_eq!(deliveries.len(), 1, "one message per run");
    let message = &deliveries[0];
    assert_eq!(message.recipients, ["ada@example.org", "alan@example.org"]);
    assert_eq!(smtp.logins(), [format!("{USER}:{PASSWORD}")]);
    assert!(message.data.contains("multipart/alternative"));
    let (parts, subject) = parts_and_subject(&message.data);
    assert_eq!(
        subject,
        format!("papersift · {} · {} papers", day.date, selected.len())
    );
    let kinds: Vec<&str> = parts.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["text/plain", "text/html"]);
    for (kind, text) in &parts {
        for paper in &selected {
            assert!(
                text.contains(&mock_llm::expected_tldr(&paper.id, "Deutsch")),
                "{kind} lacks the TL;DR of {}",
                paper.id
            );
            assert!(text.contains(&format!("https://arxiv.org/abs/{}", paper.id)));
        }
        assert!(
            text.contains(&format!("{date}/#link1")),
            "{kind} links the day's page"
        );
    }
    let html = &parts[1].1;
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "no script, no remote image"
    );
    assert!(
        !html.contains("<link") && !html.contains("<style"),
        "inline styles only"
    );
    assert_no_password(repo.path(), &output);

    // A re-run asks the model for nothing: the TL;DRs come from the cache.
    std::fs::remove_file(record::record_path(&repo.path().join("data"), day.date)).unwrap();
    let before = llm.calls().len();
    let (ok, output) = run(repo.path(), Some(MOCK_KEY), &smtp.url(USER, PASSWORD));
    assert!(ok, "{output}");
    assert_eq!(llm.calls().len(), before, "a re-run made calls");
    let again = record::load_all(&repo.path().join("data"))
        .unwrap()
        .remove(0);
    assert_eq!(again.tldr.as_ref().unwrap().written, selected.len());
    assert_eq!(
        again.tldr.as_ref().unwrap().usage.cache_hits as usize,
        selected.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_tldr_is_asked_again_then_left_out_and_counted() {
    let mut behaviour = Behaviour {
        title_reject_permille: 0,
        ..Behaviour::default()
    };
    let feed_ids = ["2608.90001"];
    behaviour.faults = feed_ids
        .iter()
        .map(|id| {
            mock_llm::Fault::always(
                mock_llm::When::Stage(mock_llm::Stage::Tldr),
                mock_llm::FaultKind::Omit((*id).to_string()),
            )
        })
        .collect();
    let llm = MockLlm::start(behaviour).await;
    let repo = user_repo(&format!(
        "[llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\n[selection]\nrelevance_min = 1\nnovelty_min = 1\n[tldr]\nenabled = true\n",
        llm.base_url()
    ));
    let (ok, output) = run(repo.path(), Some(MOCK_KEY), "");
    assert!(ok, "the day never fails for a TL;DR: {output}");
    let day = record::load_all(&repo.path().join("data"))
        .unwrap()
        .remove(0);
    let omitted = day
        .papers
        .iter()
        .find(|p| p.decision == Decision::Selected && feed_ids.contains(&p.id.as_str()));
    let Some(omitted) = omitted else {
        panic!("the fixture's paper {feed_ids:?} is not selected; pick another ID");
    };
    assert_eq!(omitted.tldr, None);
    let account = day.tldr.as_ref().unwrap();
    assert_eq!(account.missing, 1);
    // Asked with the others, then alone: the reason is what the second answer was.
    assert_eq!(
        account.missing_reasons.values().sum::<usize>(),
        1,
        "{account:?}"
    );
    assert!(
        account
            .missing_reasons
            .keys()
            .all(|reason| reason.contains("empty") || reason.contains("no TL;DR")),
        "{account:?}"
    );
    let asked: usize = llm
        .calls()
        .iter()
        .filter(|c| c.stage == mock_llm::Stage::Tldr)
        .filter(|c| {
            c.body
                .to_string()
                .contains(&format!("<paper id=\\\"{}\\\">", omitted.id))
        })
        .count();
    assert_eq!(asked, 2, "asked once, then once again");
}

#[test]
fn without_a_key_the_page_says_once_that_there_are_no_tldrs() {
    let repo =
        user_repo("[selection]\nrelevance_min = 1\nnovelty_min = 1\n[tldr]\nenabled = true\n");
    let (ok, output) = run(repo.path(), None, "");
    assert!(ok, "{output}");
    let day = record::load_all(&repo.path().join("data"))
        .unwrap()
        .remove(0);
    let date = day.date.to_string().replace('-', "/");
    let page =
        std::fs::read_to_string(repo.path().join(format!("docs/{date}/index.html"))).unwrap();
    assert_eq!(page.matches("No TL;DRs on this day").count(), 1);
    assert!(!page.contains("TL;DR:</strong>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_a_rejected_recipient_and_a_bad_scheme_only_warn() {
    // Nothing listens on the discard port.
    let repo = user_repo(EMAIL_CONFIG);
    let (ok, output) = run(
        repo.path(),
        None,
        &format!("smtp://{USER}:{PASSWORD}@127.0.0.1:9"),
    );
    assert!(ok, "{output}");
    assert!(
        output.contains("e-mail not sent") && output.contains("127.0.0.1:9"),
        "{output}"
    );
    assert_no_password(repo.path(), &output);

    let smtp = MockSmtp::start(SmtpFaults {
        reject_recipient: Some("alan@example.org".into()),
        ..SmtpFaults::default()
    })
    .await;
    let repo = user_repo(EMAIL_CONFIG);
    let (ok, output) = run(repo.path(), None, &smtp.url(USER, PASSWORD));
    assert!(ok, "{output}");
    assert!(
        output.contains("e-mail not sent") && output.contains("No such user here"),
        "{output}"
    );
    assert_no_password(repo.path(), &output);

    let repo = user_repo(EMAIL_CONFIG);
    let (ok, output) = run(
        repo.path(),
        None,
        &format!("https://{USER}:{PASSWORD}@mail.example.org"),
    );
    assert!(ok, "{output}");
    assert!(output.contains("smtps://"), "{output}");
    assert_no_password(repo.path(), &output);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_temporary_refusal_is_retried_once_and_bcc_hides_the_list() {
    let smtp = MockSmtp::start(SmtpFaults {
        temporary_failures: 1,
        ..SmtpFaults::default()
    })
    .await;
    let repo = user_repo(&format!(
        "{EMAIL_CONFIG}email_bcc = true\nemail_subject_prefix = \"arXiv\"\n"
    ));
    let (ok, output) = run(repo.path(), None, &smtp.url(USER, PASSWORD));
    assert!(ok, "{output}");
    let deliveries = smtp.deliveries();
    assert_eq!(deliveries.len(), 1, "{output}");
    let message = &deliveries[0];
    assert_eq!(
        message.recipients,
        ["bot@example.org", "ada@example.org", "alan@example.org"]
    );
    assert!(
        !message.data.contains("ada@example.org"),
        "Bcc recipients are not in the headers"
    );
    let (_, subject) = parts_and_subject(&message.data);
    assert!(subject.starts_with("arXiv · "), "{subject}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_day_sends_a_notice_when_asked() {
    let llm = MockLlm::start(Behaviour::default()).await;
    let smtp = MockSmtp::start(SmtpFaults::default()).await;
    let repo = user_repo(&format!(
        "[llm]\nbase_url = \"{}\"\nrequests_per_minute = 6000\nmax_retries = 0\n{EMAIL_CONFIG}email_on_failure = true\n",
        llm.base_url()
    ));
    let (ok, output) = run(
        repo.path(),
        Some("sk-wrong-key-0123456789"),
        &smtp.url(USER, PASSWORD),
    );
    assert!(!ok, "an LLM outage fails the run: {output}");
    let deliveries = smtp.deliveries();
    assert_eq!(deliveries.len(), 1, "{output}");
    let (parts, subject) = parts_and_subject(&deliveries[0].data);
    assert!(subject.ends_with("· llm-failed"), "{subject}");
    assert!(parts[0].1.contains("No page was published"));
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_checks_the_email_settings_and_says_ehlo_online() {
    let repo = user_repo(EMAIL_CONFIG);
    let output = repo::papersift(repo.path())
        .env_remove("SMTP_URL")
        .arg("doctor")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(
        stdout.contains("notify.email_to is set but SMTP_URL is not"),
        "{stdout}"
    );

    let smtp = MockSmtp::start(SmtpFaults::default()).await;
    let output = repo::papersift(repo.path())
        .env("SMTP_URL", smtp.url(USER, PASSWORD))
        .env_remove("OPENAI_API_KEY")
        .args(["doctor", "--online"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("answered EHLO"), "{stdout}");
    assert!(stdout.contains("2 recipient(s)"), "{stdout}");
    assert!(!stdout.contains(PASSWORD));
    assert_eq!(smtp.deliveries().len(), 0, "doctor sends nothing");
    assert!(smtp.connections() >= 1);

    let bad =
        user_repo("[notify]\nemail_to = [\"not an address\"]\nemail_from = \"bot@example.org\"\n");
    let output = repo::papersift(bad.path())
        .env("SMTP_URL", smtp.url(USER, PASSWORD))
        .arg("doctor")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("\"not an address\""), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_that_echoes_the_auth_blob_prints_no_encoding_of_the_credentials() {
    let smtp = MockSmtp::start(SmtpFaults {
        echo_auth: true,
        ..SmtpFaults::default()
    })
    .await;
    let repo = user_repo(EMAIL_CONFIG);
    let (ok, output) = run(repo.path(), None, &smtp.url(USER, PASSWORD));
    assert!(ok, "{output}");
    assert!(output.contains("535"), "{output}");
    let blob = base64(&format!("\0{USER}\0{PASSWORD}"));
    assert!(
        !output.contains(&blob),
        "the AUTH PLAIN blob is printed:\n{output}"
    );
    assert!(output.contains("[redacted]"), "{output}");
    assert_no_password(repo.path(), &output);
    // doctor --online says the same, redacted the same.
    let doctor = repo::papersift(repo.path())
        .env("SMTP_URL", smtp.url(USER, PASSWORD))
        .args(["doctor", "--online"])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&doctor.stdout),
        String::from_utf8_lossy(&doctor.stderr)
    );
    assert!(text.contains("535"), "{text}");
    assert!(!text.contains(&blob) && !text.contains(PASSWORD), "{text}");
}

/// Standard base64 with padding (the form AUTH PLAIN sends).
fn base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}
