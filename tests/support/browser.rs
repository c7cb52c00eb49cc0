//! Test support for the browser tests: a loopback static file server for built sites, and
//! headless Chromium driven through chromedriver (WebDriver, plus a few DevTools commands that
//! chromedriver passes through) with every page's errors, dialogs and overflow made visible.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value as Json, json};

/// The flags this machine needs: its network is closed, so anything that looks names up or
/// phones home would hang; `--no-sandbox` because CI runs as root.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// How long a page, a click's navigation or a condition may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(15);

/// Installed on every new document before any of its own scripts run: records uncaught
/// errors, failed resource loads, unhandled rejections and `console.error` calls in
/// `window.__problems`, and replaces the dialog functions so a payload that calls `alert`
/// is counted in `window.__dialogs` instead of blocking the page.
const PAGE_HOOK: &str = r#"
(() => {
  const problems = [];
  Object.defineProperty(window, '__problems', { value: problems });
  window.__dialogs = 0;
  const describe = (value) => {
    try { return value instanceof Error ? value.stack || String(value) : String(value); }
    catch (_) { return '(unprintable)'; }
  };
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = (...args) => {
      window.__dialogs += 1;
      problems.push(`dialog: ${name}(${args.map(describe).join(', ')})`);
    };
  }
  window.addEventListener('error', (event) => {
    const target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      problems.push(`failed to load ${target.tagName.toLowerCase()} ${target.src || target.href}`);
    } else {
      problems.push(`uncaught error: ${event.message} at ${event.filename}:${event.lineno}`);
    }
  }, true);
  window.addEventListener('unhandledrejection', (event) => {
    problems.push(`unhandled rejection: ${describe(event.reason)}`);
  });
  const consoleError = console.error.bind(console);
  console.error = (...args) => {
    problems.push(`console.error: ${args.map(describe).join(' ')}`);
    consoleError(...args);
  };
})();
"#;

/// Reports why the page scrolls sideways: its widths and the elements sticking out past the
/// right edge (innermost first), or null when nothing does.
const OVERFLOW_PROBE: &str = r#"
const root = document.documentElement;
const limit = root.clientWidth;
if (root.scrollWidth <= limit && window.innerWidth <= limit) { return null; }
const sticking = [];
for (const element of document.body.querySelectorAll('*')) {
  const box = element.getBoundingClientRect();
  if (box.right > limit + 0.5 && box.width > 0) {
    const inner = [...element.children].some((child) => child.getBoundingClientRect().right > limit + 0.5);
    if (!inner) {
      const name = element.tagName.toLowerCase() + (element.className ? '.' + String(element.className).trim().replace(/\s+/g, '.') : '');
      sticking.push(`${name} (right edge ${Math.round(box.right)}px): ${(element.textContent || '').trim().slice(0, 80)}`);
    }
  }
}
return `scrollWidth ${root.scrollWidth}px, clientWidth ${limit}px, innerWidth ${window.innerWidth}px; sticking out: ${sticking.slice(0, 6).join(' | ') || 'nothing visible'}`;
"#;

/// Lists boxes that scroll sideways inside the page (a wide table in its wrapper): allowed, but
/// worth knowing about on a phone.
const INNER_SCROLLER_PROBE: &str = r#"
return [...document.querySelectorAll('body *')]
  .filter((e) => e.scrollWidth > e.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(e).overflowX))
  .map((e) => `${e.tagName.toLowerCase()}.${String(e.className).trim()} scrolls inside (${e.scrollWidth} > ${e.clientWidth} px)`);
"#;

/// The browsers the tests can drive, in order of preference: Debian's Chromium, then the
/// names other systems (such as GitHub's Ubuntu runners) use.
const BROWSERS: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Chromium (or Chrome) and chromedriver, when both are installed.
pub struct BrowserTools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// Fails the test, saying how to get the browser: the browser tests are `#[ignore]`d by default
/// and run only when asked for (`--include-ignored`, as `.ci/run` does), so a missing browser
/// is an error there, never a silent pass.
fn unavailable(why: &str) -> ! {
    panic!(
        "{why}; install them with `apt-get install -y chromium chromium-driver` (these tests are ignored by a plain `cargo test`)"
    );
}

/// Finds a browser and chromedriver on PATH; fails the test when either is missing.
pub fn browser_tools() -> BrowserTools {
    let chromium = BROWSERS.iter().find_map(|name| on_path(name));
    let chromedriver = on_path("chromedriver");
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => BrowserTools {
            chromium,
            chromedriver,
        },
        (chromium, chromedriver) => {
            let mut missing = Vec::new();
            if chromium.is_none() {
                missing.push("chromium");
            }
            if chromedriver.is_none() {
                missing.push("chromedriver");
            }
            unavailable(&format!("{} not found on PATH", missing.join(" and ")))
        }
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|folder| folder.join(program))
        .find(|candidate| candidate.is_file())
}

/// A static file server on 127.0.0.1 (random port) for built sites, each mounted under its own
/// prefix, behaving like GitHub Pages: a folder URL serves its index.html, a folder without
/// its trailing slash redirects, files carry their content type. It runs until the test
/// process exits.
pub struct StaticServer {
    address: SocketAddr,
}

impl StaticServer {
    /// Serves each `(prefix, folder)`: `/prefix/x` is `folder/x`.
    pub fn start(mounts: Vec<(String, PathBuf)>) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mounts = mounts.clone();
                std::thread::spawn(move || serve_one(stream, &mounts));
            }
        });
        StaticServer { address }
    }

    /// The absolute URL of `path` (which starts with a mount's prefix, without a leading slash).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.address)
    }
}

/// Answers one request (GET or HEAD) and closes the connection.
fn serve_one(stream: TcpStream, mounts: &[(String, PathBuf)]) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Read and ignore the headers, up to the blank line.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let (status, headers, body) = match method {
        "GET" | "HEAD" => respond(target, mounts),
        _ => (
            "405 Method Not Allowed",
            vec![("Allow", "GET, HEAD".to_string())],
            Vec::new(),
        ),
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = &stream;
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

type Response = (&'static str, Vec<(&'static str, String)>, Vec<u8>);

fn respond(target: &str, mounts: &[(String, PathBuf)]) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = crate::site::percent_decode(path);
    let not_found = || {
        (
            "404 Not Found",
            vec![("Content-Type", "text/html; charset=utf-8".to_string())],
            b"<!DOCTYPE html><title>404 Not Found</title><h1>404 Not Found</h1>".to_vec(),
        )
    };
    let Some((prefix, folder)) = mounts
        .iter()
        .find(|(prefix, _)| path.starts_with(&format!("/{prefix}/")))
    else {
        return not_found();
    };
    let relative = &path[prefix.len() + 2..];
    if relative.split('/').any(|segment| segment == "..") {
        return not_found();
    }
    let mut file = folder.join(relative);
    if file.is_dir() {
        if !(relative.is_empty() || relative.ends_with('/')) {
            return (
                "301 Moved Permanently",
                vec![("Location", format!("{path}/"))],
                Vec::new(),
            );
        }
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => (
            "200 OK",
            vec![("Content-Type", content_type(&file).to_string())],
            body,
        ),
        Err(_) => not_found(),
    }
}

/// The content types GitHub Pages sends for the site's kinds of file.
fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml",
        "md" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// A chromedriver process and the one browser session it runs. Dropping it (also when a test
/// panics) ends the session, which closes Chromium, then ends chromedriver.
struct Driver {
    process: Child,
    port: u16,
    session: Option<String>,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(session) = &self.session {
            // Blocking on purpose: the async runtime may already be gone when a test panics.
            let _ = http_request(self.port, "DELETE", &format!("/session/{session}"));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One plain HTTP/1.1 request to chromedriver on loopback; the status line's code and the body.
fn http_request(port: u16, method: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(PATIENCE))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // chromedriver may keep the connection open: read the head, then Content-Length bytes.
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let code = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let body = String::from_utf8_lossy(&body).into_owned();
    Ok((code, body))
}

/// A chromedriver extension endpoint under the session, with a JSON body.
#[derive(Debug)]
struct SessionPost {
    endpoint: &'static str,
    body: Json,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a session is open");
        base_url.join(&format!("session/{session}/{}", self.endpoint))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// A headless Chromium session with the page hook installed.
pub struct Browser {
    client: Client,
    // Declared after `client`, so it is dropped after it: the session ends, then chromedriver.
    _driver: Driver,
}

/// The window sizes the tests look at.
#[derive(Debug, Clone, Copy)]
pub enum Viewport {
    /// A 375×800 phone: the page's viewport meta tag applies, as on a real phone.
    Phone,
    /// A 1280×900 desktop window.
    Desktop,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a session with a fresh profile.
    /// Fails the test when no session opens, e.g. when chromedriver does not match the
    /// browser's version.
    pub async fn start(tools: &BrowserTools) -> Browser {
        let port = free_port();
        let process = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let mut driver = Driver {
            process,
            port,
            session: None,
            profile,
        };
        wait_for_driver(port);

        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!(
            "--user-data-dir={}",
            driver.profile.path().display()
        ));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": tools.chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let Json::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let connected =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities)
                .connect(&format!("http://127.0.0.1:{port}"))
                .await;
        let client = match connected {
            Ok(client) => client,
            Err(error) => unavailable(&format!(
                "{} cannot start {}: {error}",
                tools.chromedriver.display(),
                tools.chromium.display()
            )),
        };
        driver.session = client.session_id().await.unwrap();
        let browser = Browser {
            client,
            _driver: driver,
        };
        browser
            .devtools(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": PAGE_HOOK }),
            )
            .await;
        browser.set_viewport(Viewport::Desktop).await;
        browser
    }

    /// Runs a DevTools protocol command through chromedriver.
    pub async fn devtools(&self, method: &str, params: Json) -> Json {
        self.client
            .issue_cmd(SessionPost {
                endpoint: "goog/cdp/execute",
                body: json!({ "cmd": method, "params": params }),
            })
            .await
            .unwrap_or_else(|e| panic!("DevTools {method} failed: {e}"))
    }

    /// Emulates `viewport` for this and later pages of the session.
    pub async fn set_viewport(&self, viewport: Viewport) {
        let (width, height, mobile) = match viewport {
            Viewport::Phone => (375, 800, true),
            Viewport::Desktop => (1280, 900, false),
        };
        self.devtools(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        )
        .await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn eval(&self, script: &str, args: Vec<Json>) -> Json {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// The current page's `<title>`.
    pub async fn title(&self) -> String {
        self.client.title().await.unwrap()
    }

    /// The current page's URL.
    pub async fn url(&self) -> String {
        self.client.current_url().await.unwrap().to_string()
    }

    /// Opens `url`, waits for it to load, and fails the test on any problem the page shows.
    pub async fn open(&self, url: &str) {
        self.visit(url).await;
        self.assert_clean(url).await;
    }

    /// Opens `url` and waits for it to load, checking nothing.
    pub async fn visit(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
        self.wait_until_loaded(url).await;
    }

    /// Clicks the first element matching `css` (a link), waits for the page it leads to, checks
    /// that page, and returns the URL it landed on.
    pub async fn click_link(&self, css: &str) -> String {
        let link = self.find(css).await;
        let Some(href) = link.prop("href").await.unwrap() else {
            panic!("{css} has no href on {}", self.url().await);
        };
        link.click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
        self.wait_until_loaded(&href).await;
        self.assert_clean(&href).await;
        href
    }

    /// Clicks the link `css` whose page forwards at once (a day's `next/` page) and waits to
    /// arrive at `landing`; returns where it landed.
    pub async fn click_forwarding_link(&self, css: &str, landing: &str) -> String {
        let link = self.find(css).await;
        link.click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
        self.wait_until_loaded(landing).await;
        self.assert_clean(landing).await;
        landing.to_string()
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.url().await),
        }
    }

    /// Whether an element matches `css` right now.
    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap()
            .is_empty()
    }

    /// Polls `script` (a function body; `arguments` holds `args`) until it returns true;
    /// `what` explains a timeout.
    pub async fn wait_for(&self, script: &str, args: Vec<Json>, what: &str) {
        let deadline = Instant::now() + PATIENCE;
        while self.eval(script, args.clone()).await != Json::Bool(true) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} on {}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_until_loaded(&self, url: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let here = self.url().await;
            let complete =
                self.eval("return document.readyState;", vec![]).await == json!("complete");
            if here == url && complete {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "expected to arrive at {url}, still at {here}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Fails the test when the page (named `context`) logged an error, failed to load a
    /// resource, opened a dialog or ran a payload (`window.__pwned` set).
    pub async fn assert_clean(&self, context: &str) {
        let problems = self.problems().await;
        assert!(
            problems.is_empty(),
            "{context} is not clean:\n{}",
            problems.join("\n")
        );
    }

    /// What is wrong with the current page: the hook's records, the payload marker, and the
    /// browser log's errors since the last call (failed loads included).
    pub async fn problems(&self) -> Vec<String> {
        let page = self
            .eval(
                "return {
                   hooked: Array.isArray(window.__problems),
                   problems: window.__problems || [],
                   pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
                   dialogs: window.__dialogs || 0,
                 };",
                vec![],
            )
            .await;
        let mut problems: Vec<String> = page["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p.as_str().unwrap_or_default().to_string())
            .collect();
        if page["hooked"] != json!(true) {
            problems.push("the error hook is missing: the checks saw nothing".into());
        }
        if !page["pwned"].is_null() {
            problems.push(format!("a payload ran: window.__pwned = {}", page["pwned"]));
        }
        if page["dialogs"] != json!(0) {
            problems.push(format!("{} dialogs were opened", page["dialogs"]));
        }
        let log = self
            .client
            .issue_cmd(SessionPost {
                endpoint: "se/log",
                body: json!({ "type": "browser" }),
            })
            .await
            .expect("read the browser log");
        for entry in log.as_array().into_iter().flatten() {
            let message = entry["message"].as_str().unwrap_or_default();
            if entry["level"] == "SEVERE" && !is_root_favicon_miss(message) {
                problems.push(format!("browser log: {message}"));
            }
        }
        problems
    }

    /// `None` when the page fits its window's width; otherwise what sticks out.
    pub async fn horizontal_overflow(&self) -> Option<String> {
        self.eval(OVERFLOW_PROBE, vec![])
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Boxes of the page that scroll sideways within themselves.
    pub async fn inner_scrollers(&self) -> Vec<String> {
        let found = self.eval(INNER_SCROLLER_PROBE, vec![]).await;
        found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect()
    }

    /// A PNG of the window, written to `path`.
    pub async fn screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// Reloads the page and waits for it.
    pub async fn reload(&self) {
        let url = self.url().await;
        self.client.refresh().await.unwrap();
        self.wait_until_loaded(&url).await;
        self.assert_clean(&url).await;
    }
}

/// Chromium asks the host's root for `/favicon.ico`; that is outside every mounted site, so
/// its 404 is no fault of a page.
fn is_root_favicon_miss(message: &str) -> bool {
    message
        .split_whitespace()
        .next()
        .and_then(|url| url::Url::parse(url).ok())
        .is_some_and(|url| url.path() == "/favicon.ico")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

fn wait_for_driver(port: u16) {
    let deadline = Instant::now() + PATIENCE;
    while !http_request(port, "GET", "/status").is_ok_and(|(code, _)| code == 200) {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
