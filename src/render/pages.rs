//! Pages: the tera templates (built in from `src/render/templates/`, overridable from the
//! user's `site-templates/`) and rendering the view models into output files.
//!
//! The built-in templates are embedded in the binary. A file of the same name in the user's
//! templates folder replaces one; other `.html` / `.md` files there are added, so overrides can
//! include partials of their own. HTML templates are autoescaped as HTML, Markdown templates
//! with `escape_markdown`, so untrusted text is inert in both unless a template says `| safe`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tera::Tera;

use super::OutputFile;
use super::status::StatusView;
use super::topic_pages::TopicView;
use super::view::TopicLink;
use super::view::{DayView, EmailView, HomeView, MonthView, NextStubView, SiteView, YearView};
use crate::text::escape_markdown;

/// Static files copied into the site as they are (overridable like templates): `(name in the
/// templates folder, path in the site, built-in text)`.
const ASSETS: [(&str, &str, &str); 4] = [
    (
        "favicon.svg",
        "favicon.svg",
        include_str!("templates/favicon.svg"),
    ),
    (
        "style.css",
        "style.css",
        include_str!("templates/style.css"),
    ),
    ("site.js", "site.js", include_str!("templates/site.js")),
    (
        "search.js",
        "search/search.js",
        include_str!("templates/search.js"),
    ),
];

/// The built-in templates, by name.
const BUILT_IN: [(&str, &str); 18] = [
    ("base.html", include_str!("templates/base.html")),
    ("head_meta.html", include_str!("templates/head_meta.html")),
    (
        "day_content.html",
        include_str!("templates/day_content.html"),
    ),
    ("day.html", include_str!("templates/day.html")),
    ("day.md", include_str!("templates/day.md")),
    ("next.html", include_str!("templates/next.html")),
    ("next.md", include_str!("templates/next.md")),
    ("month.html", include_str!("templates/month.html")),
    ("top_paper.html", include_str!("templates/top_paper.html")),
    ("paper.html", include_str!("templates/paper.html")),
    ("paper.md", include_str!("templates/paper.md")),
    ("topic.html", include_str!("templates/topic.html")),
    ("year.html", include_str!("templates/year.html")),
    ("home.html", include_str!("templates/home.html")),
    ("status.html", include_str!("templates/status.html")),
    ("search.html", include_str!("templates/search.html")),
    ("email.html", include_str!("templates/email.html")),
    ("email.txt", include_str!("templates/email.txt")),
];

/// The compiled templates of one build.
pub(crate) struct Templates {
    html: Tera,
    markdown: Tera,
    /// Plain-text templates (the e-mail's text part): nothing is escaped.
    text: Tera,
    /// The static files, built in or overridden.
    assets: Vec<OutputFile>,
    /// A hash of every template's name and text, built in or overridden.
    fingerprint: String,
    /// Whether an overridden template other than the home and search pages' names the years
    /// (`site.years`): a header of the old shape, which lists every year on every page.
    years_on_every_page: bool,
}

/// Templates the built-in site names the years in: both are rendered every run.
const TEMPLATES_LINKING_YEARS: [&str; 2] = ["home.html", "search.html"];

/// A template's text and, when the user overrides it, the file it came from.
struct Source {
    text: String,
    overridden_by: Option<PathBuf>,
}

impl Templates {
    /// Compiles the built-in templates with the overrides found in `overrides_dir` (which need
    /// not exist).
    pub(crate) fn load(overrides_dir: &Path) -> Result<Templates> {
        let mut sources: BTreeMap<String, Source> = BUILT_IN
            .iter()
            .copied()
            .chain(ASSETS.iter().map(|&(name, _, text)| (name, text)))
            .map(|(name, text)| {
                let source = Source {
                    text: text.to_string(),
                    overridden_by: None,
                };
                (name.to_string(), source)
            })
            .collect();
        for (name, text, path) in read_overrides(overrides_dir)? {
            let source = Source {
                text,
                overridden_by: Some(path),
            };
            sources.insert(name, source);
        }
        let years_on_every_page = sources.iter().any(|(name, source)| {
            source.overridden_by.is_some()
                && !TEMPLATES_LINKING_YEARS.contains(&name.as_str())
                && source.text.contains("site.years")
        });
        let fingerprint = crate::text::short_hash(
            &sources
                .iter()
                .flat_map(|(name, source)| [name.as_bytes(), source.text.as_bytes()])
                .collect::<Vec<_>>(),
        );
        let assets = ASSETS
            .iter()
            .map(|(name, site_path, _)| OutputFile {
                path: site_path.into(),
                bytes: sources
                    .remove(*name)
                    .expect("every asset is built in")
                    .text
                    .into_bytes(),
            })
            .collect();
        let html = compile(&sources, "HTML", is_html, |_| {})?;
        let markdown = compile(
            &sources,
            "Markdown",
            |name| name.ends_with(".md"),
            |tera| {
                tera.set_escape_fn(escape_markdown);
                tera.autoescape_on([".md"]);
            },
        )?;
        let text = compile(
            &sources,
            "plain-text",
            |name| name.ends_with(".txt"),
            |tera| tera.autoescape_on(Vec::<&str>::new()),
        )?;
        Ok(Templates {
            html,
            markdown,
            text,
            assets,
            fingerprint,
            years_on_every_page,
        })
    }

    /// True when pages other than the home and search pages list the years (an overridden
    /// header of the old shape): a new year then changes every page.
    pub(crate) fn years_on_every_page(&self) -> bool {
        self.years_on_every_page
    }

    /// A hash of every template in use: a site rendered with other templates is rebuilt whole.
    pub(crate) fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The static files: the stylesheet and scripts every page links to.
    pub(crate) fn assets(&self) -> &[OutputFile] {
        &self.assets
    }

    /// `YYYY/MM/DD/index.html` and `YYYY/MM/DD/index.md`, the same day as HTML and as
    /// GitHub-flavoured Markdown. Both share one context, so the day is serialised once.
    pub(crate) fn day(&self, site: &SiteView, day: &DayView) -> Result<[OutputFile; 2]> {
        self.html_and_markdown(site, &day.path, ("day", day), "day")
    }

    /// `YYYY/MM/DD/next/index.html` and `index.md`: forward to the next day, or say there is
    /// none yet.
    pub(crate) fn next_stub(
        &self,
        site: &SiteView,
        stub: &NextStubView,
    ) -> Result<[OutputFile; 2]> {
        self.html_and_markdown(site, &stub.path, ("stub", stub), "next")
    }

    /// `{folder}index.html` and `{folder}index.md` from the templates `{name}.html` and
    /// `{name}.md`, with one context holding `value` as `key`.
    fn html_and_markdown(
        &self,
        site: &SiteView,
        folder: &str,
        (key, value): (&'static str, &impl serde::Serialize),
        name: &str,
    ) -> Result<[OutputFile; 2]> {
        let html_path = format!("{folder}index.html");
        let mut context = page_context(site, &html_path);
        context.insert(key, value);
        let html = render(&self.html, &format!("{name}.html"), &context, html_path)?;
        let markdown_path = format!("{folder}index.md");
        let markdown = render(
            &self.markdown,
            &format!("{name}.md"),
            &context,
            markdown_path,
        )?;
        Ok([html, markdown])
    }

    /// `YYYY/MM/index.html`.
    pub(crate) fn month(&self, site: &SiteView, month: &MonthView) -> Result<OutputFile> {
        let path = format!("{}index.html", month.path);
        let mut context = page_context(site, &path);
        context.insert("month", month);
        render(&self.html, "month.html", &context, path)
    }

    /// `YYYY/index.html`.
    pub(crate) fn year(&self, site: &SiteView, year: &YearView) -> Result<OutputFile> {
        let path = format!("{}index.html", year.path);
        let mut context = page_context(site, &path);
        context.insert("year", year);
        render(&self.html, "year.html", &context, path)
    }

    /// `index.html`: the latest day in full (`day` is absent before the first day) and the
    /// recent days.
    pub(crate) fn home(
        &self,
        site: &SiteView,
        latest: Option<&DayView>,
        home: &HomeView,
    ) -> Result<OutputFile> {
        let path = "index.html".to_string();
        let mut context = page_context(site, &path);
        context.insert("day", &latest);
        context.insert("home", home);
        render(&self.html, "home.html", &context, path)
    }

    /// The day's e-mail: its HTML part (`email.html`) and plain-text part (`email.txt`).
    pub(crate) fn email(&self, email: &EmailView) -> Result<(String, String)> {
        let mut context = tera::Context::new();
        context.insert("email", email);
        let html = render(&self.html, "email.html", &context, "e-mail".into())?;
        let text = render(&self.text, "email.txt", &context, "e-mail".into())?;
        let utf8 =
            |file: OutputFile| String::from_utf8(file.bytes).context("the e-mail is not UTF-8");
        Ok((utf8(html)?, utf8(text)?))
    }

    /// `topics/<id>/index.html`, a topic's newest papers.
    pub(crate) fn topic(&self, site: &SiteView, topic: &TopicView) -> Result<OutputFile> {
        let path = format!("{}index.html", topic.path);
        let mut context = page_context(site, &path);
        context.insert("topic", topic);
        render(&self.html, "topic.html", &context, path)
    }

    /// `status/index.html`, the run-health page.
    pub(crate) fn status(&self, site: &SiteView, status: &StatusView) -> Result<OutputFile> {
        let path = "status/index.html".to_string();
        let mut context = page_context(site, &path);
        context.insert("status", status);
        render(&self.html, "status.html", &context, path)
    }

    /// `search/index.html`, the search page (its index files are data, see `search`).
    pub(crate) fn search(&self, site: &SiteView, topics: &[TopicLink]) -> Result<OutputFile> {
        let path = "search/index.html".to_string();
        let mut context = page_context(site, &path);
        context.insert("topics", topics);
        render(&self.html, "search.html", &context, path)
    }
}

/// One tera instance holding the sources whose names `wanted` accepts.
fn compile(
    sources: &BTreeMap<String, Source>,
    kind: &str,
    wanted: impl Fn(&str) -> bool,
    configure: impl FnOnce(&mut Tera),
) -> Result<Tera> {
    let chosen: Vec<(&String, &Source)> = sources.iter().filter(|(name, _)| wanted(name)).collect();
    let mut tera = Tera::new();
    configure(&mut tera);
    tera.add_raw_templates(
        chosen
            .iter()
            .map(|(name, source)| (name.as_str(), source.text.as_str())),
    )
    .map_err(anyhow::Error::from)
    .with_context(|| {
        let overrides: Vec<String> = chosen
            .iter()
            .filter_map(|(_, source)| source.overridden_by.as_ref())
            .map(|path| path.display().to_string())
            .collect();
        if overrides.is_empty() {
            format!("the built-in {kind} templates do not compile")
        } else {
            format!(
                "the {kind} templates do not compile with the overrides {}",
                overrides.join(", ")
            )
        }
    })?;
    Ok(tera)
}

fn is_html(name: &str) -> bool {
    name.ends_with(".html") || name.ends_with(".htm")
}

/// The values every page gets: the site and `root`, the relative path from the page's folder
/// back to the site root (`./` on the home page, `../../../` on a day page).
fn page_context(site: &SiteView, page_path: &str) -> tera::Context {
    let depth = page_path.matches('/').count();
    let root = if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    };
    let mut context = tera::Context::new();
    context.insert("site", site);
    context.insert("root", &root);
    context
}

fn render(
    tera: &Tera,
    template: &str,
    context: &tera::Context,
    path: String,
) -> Result<OutputFile> {
    let mut bytes = Vec::with_capacity(64 * 1024);
    tera.render_to(template, context, &mut bytes)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("template {template} failed for {path}"))?;
    Ok(OutputFile {
        path: path.into(),
        bytes,
    })
}

/// Template files in the overrides folder (not its subfolders): `(name, text, path)`, by name.
/// Hidden files (editor backups), READMEs and files that are neither templates nor the
/// stylesheet are skipped.
fn read_overrides(dir: &Path) -> Result<Vec<(String, String, PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)
        .with_context(|| format!("cannot list templates in {}", dir.display()))?
    {
        let entry = entry.with_context(|| format!("cannot list templates in {}", dir.display()))?;
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        let asset = ASSETS.iter().any(|(asset, _, _)| *asset == name);
        let wanted = is_html(&name) || name.ends_with(".md") || name.ends_with(".txt") || asset;
        let readme = name.to_ascii_lowercase().starts_with("readme");
        if name.starts_with('.') || readme || !wanted || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read template {}", path.display()))?;
        found.push((name, text, path));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}
