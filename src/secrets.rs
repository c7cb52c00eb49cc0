//! Every secret of the run in one place, with every form it can leak in: as given, percent-
//! encoded, and in base64 (alone or inside a longer blob, as `Basic user:password` headers and
//! SMTP's `AUTH PLAIN \0user\0password` carry it). Secrets are registered once, when the
//! config is loaded (the API keys, tokens and URLs named by the environment variables it
//! lists, and credentials in any URL); every output path redacts through [`redact`]: the log
//! writer, the run's printed summary, errors, `doctor`, the day record (and so every page built
//! from it), job summaries and the failure issue.

use std::borrow::Cow;
use std::sync::RwLock;

/// The replacement text.
pub const REDACTED: &str = "[redacted]";

/// Shortest secret taken: a shorter one would redact ordinary words.
const MIN_SECRET: usize = 4;
/// Shortest user name or password taken: these are known to be credentials.
const MIN_CREDENTIAL: usize = 3;
/// Shortest base64 fragment taken (about six bytes of the secret).
const MIN_BASE64: usize = 8;

static FORMS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers a secret: its text, percent-encoding and base64 forms.
pub fn register(secret: &str) {
    register_at_least(secret, MIN_SECRET);
}

fn register_at_least(secret: &str, shortest: usize) {
    let secret = secret.trim();
    if secret.chars().count() < shortest {
        return;
    }
    let mut forms = vec![secret.to_string(), percent_encode(secret)];
    forms.extend(base64_fragments(secret.as_bytes()));
    add(forms);
}

/// Registers a user name and password: each alone, and the exact blobs of HTTP Basic
/// (`user:password`) and SMTP AUTH PLAIN (`\0user\0password`, `user\0user\0password`).
pub fn register_credentials(user: &str, password: &str) {
    register_at_least(user, MIN_CREDENTIAL);
    register_at_least(password, MIN_CREDENTIAL);
    if password.is_empty() {
        return;
    }
    let blobs = [
        format!("{user}:{password}"),
        format!("\0{user}\0{password}"),
        format!("{user}\0{user}\0{password}"),
    ];
    add(blobs
        .iter()
        .flat_map(|blob| {
            [
                encode(blob.as_bytes(), STANDARD),
                encode(blob.as_bytes(), URL_SAFE),
            ]
        })
        .collect());
}

/// Registers the credentials in a URL's user info (`scheme://user:password@host`), decoded;
/// with `whole`, also the URL itself and its path (a webhook URL is a secret as a whole).
pub fn register_url(url: &str, whole: bool) {
    let Ok(parsed) = reqwest::Url::parse(url.trim()) else {
        if whole {
            register(url);
        }
        return;
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        register_credentials(
            &percent_decode(parsed.username()),
            &percent_decode(parsed.password().unwrap_or("")),
        );
    }
    if whole {
        register(url);
        if parsed.path().len() > 1 {
            register(parsed.path());
        }
    }
}

fn add(new: Vec<String>) {
    let mut forms = FORMS.write().unwrap_or_else(|e| e.into_inner());
    for form in new {
        if form.chars().count() >= MIN_CREDENTIAL && !forms.contains(&form) {
            forms.push(form);
        }
    }
    // Longest first: a password that contains the user name goes whole.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
}

/// `text` with every form of every registered secret replaced by [`REDACTED`].
pub fn redact(text: &str) -> Cow<'_, str> {
    let forms = FORMS.read().unwrap_or_else(|e| e.into_inner());
    if forms.iter().all(|form| !text.contains(form.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for form in forms.iter() {
        if out.contains(form.as_str()) {
            out = out.replace(form.as_str(), REDACTED);
        }
    }
    Cow::Owned(out)
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 with padding.
fn encode(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The base64 text that encodes `secret` wherever it sits in a longer blob: for each of the
/// three byte offsets it can start at, the characters that depend on the secret's bytes only
/// (the whole groups inside it), in both alphabets; and the secret's own padded encoding.
fn base64_fragments(secret: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for alphabet in [STANDARD, URL_SAFE] {
        out.push(encode(secret, alphabet));
        for offset in 0..3usize {
            // Bytes of the secret before the first group boundary it reaches.
            let skip = (3 - offset) % 3;
            if secret.len() <= skip {
                continue;
            }
            let whole = (secret.len() - skip) / 3 * 3;
            let fragment = encode(&secret[skip..skip + whole], alphabet);
            let fragment = fragment.trim_end_matches('=');
            if fragment.len() >= MIN_BASE64 {
                out.push(fragment.to_string());
            }
        }
    }
    out
}

/// A `tracing` writer that redacts every line before it reaches standard error.
pub struct RedactingStderr;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingWriter;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(Vec::new())
    }
}

/// Buffers one event and writes it redacted when dropped.
pub struct RedactingWriter(Vec<u8>);

impl std::io::Write for RedactingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingWriter {
    fn drop(&mut self) {
        use std::io::Write;
        let text = String::from_utf8_lossy(&self.0);
        let _ = std::io::stderr().write_all(redact(&text).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_standard() {
        assert_eq!(encode(b"user:pass", STANDARD), "dXNlcjpwYXNz");
        assert_eq!(encode(b"ab", STANDARD), "YWI=");
        assert_eq!(encode(b"\xfb\xff", URL_SAFE), "-_8=");
    }

    #[test]
    fn every_encoding_of_a_secret_is_redacted_wherever_it_sits() {
        // The registry is global and shared by tests running at once: these secrets are used
        // by no other test, and nothing is ever removed from it.
        register_credentials("mailer@example.org", "hunter2-very-secret");
        register("sk-live-abcdefghijklmnop");
        let plain = encode(b"\0mailer@example.org\0hunter2-very-secret", STANDARD);
        let basic = encode(b"mailer@example.org:hunter2-very-secret", STANDARD);
        for text in [
            format!("535 5.7.8 Authentication failed: {plain}"),
            format!("echo: Authorization: Basic {basic}"),
            "user mailer%40example.org, password hunter2-very-secret".to_string(),
            format!(
                "embedded {}",
                encode(b"xx sk-live-abcdefghijklmnop yy", STANDARD)
            ),
            format!(
                "shifted {}",
                encode(b"x:sk-live-abcdefghijklmnop", URL_SAFE)
            ),
        ] {
            let out = redact(&text);
            assert!(out.contains(REDACTED), "{text} -> {out}");
            for leak in ["hunter2", "mailer@", "sk-live", &plain, &basic] {
                assert!(!out.contains(leak), "{text} -> {out}");
            }
        }
        assert_eq!(redact("nothing to hide"), "nothing to hide");
        // Short secrets would redact ordinary words: not taken.
        register("ab");
        assert_eq!(redact("abc"), "abc");
    }
}
