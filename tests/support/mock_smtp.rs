//! A loopback SMTP server for tests: speaks enough of RFC 5321 for lettre (EHLO with AUTH
//! PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, QUIT), records every accepted message with its
//! envelope and the credentials it was given, and injects faults: a rejected recipient, and
//! a temporary refusal of the first N messages.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub from: String,
    pub recipients: Vec<String>,
    /// The message as sent (headers and body), dot-unstuffed.
    pub data: String,
}

/// What the server does wrong on purpose.
#[derive(Debug, Clone, Default)]
pub struct SmtpFaults {
    /// `RCPT TO` of this address gets 550.
    pub reject_recipient: Option<String>,
    /// The first N `MAIL FROM`s get 451 (a temporary failure).
    pub temporary_failures: usize,
    /// `AUTH PLAIN` is refused with a 535 that quotes the credentials' base64 back, as some
    /// servers echo the command they refuse.
    pub echo_auth: bool,
}

#[derive(Default)]
struct State {
    deliveries: Vec<Delivery>,
    auth: Vec<String>,
    mail_commands: usize,
    connections: usize,
}

/// The running server.
pub struct MockSmtp {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl MockSmtp {
    pub async fn start(faults: SmtpFaults) -> MockSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let state = Arc::clone(&shared);
                let faults = faults.clone();
                tokio::spawn(async move { session(socket, state, faults).await });
            }
        });
        MockSmtp { port, state }
    }

    /// `smtp://user:password@127.0.0.1:port` (plain SMTP: loopback only).
    pub fn url(&self, user: &str, password: &str) -> String {
        format!("smtp://{user}:{password}@127.0.0.1:{}", self.port)
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.lock().unwrap().deliveries.clone()
    }

    /// The decoded `AUTH PLAIN` credentials, `user:password`, per login.
    pub fn logins(&self) -> Vec<String> {
        self.state.lock().unwrap().auth.clone()
    }

    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }
}

async fn session(socket: tokio::net::TcpStream, state: Arc<Mutex<State>>, faults: SmtpFaults) {
    state.lock().unwrap().connections += 1;
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(b"220 mock.smtp ESMTP ready\r\n").await;
    let mut from = String::new();
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            reply("250-mock.smtp\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8")
        } else if upper.starts_with("AUTH PLAIN") {
            let encoded = command.split_whitespace().nth(2).unwrap_or("");
            let decoded = decode_base64(encoded);
            let parts: Vec<&str> = decoded.split('\0').collect();
            state.lock().unwrap().auth.push(format!(
                "{}:{}",
                parts.get(1).unwrap_or(&""),
                parts.get(2).unwrap_or(&"")
            ));
            if faults.echo_auth {
                reply(&format!(
                    "535 5.7.8 Authentication failed for AUTH PLAIN {encoded}"
                ))
            } else {
                reply("235 2.7.0 Authentication successful")
            }
        } else if upper.starts_with("MAIL FROM") {
            let mut st = state.lock().unwrap();
            st.mail_commands += 1;
            if st.mail_commands <= faults.temporary_failures {
                reply("451 4.3.0 Try again later")
            } else {
                from = address_of(&command);
                recipients.clear();
                reply("250 2.1.0 Ok")
            }
        } else if upper.starts_with("RCPT TO") {
            let address = address_of(&command);
            if faults.reject_recipient.as_deref() == Some(address.as_str()) {
                reply("550 5.1.1 No such user here")
            } else {
                recipients.push(address);
                reply("250 2.1.5 Ok")
            }
        } else if upper == "DATA" {
            let _ = write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await;
            let mut data = String::new();
            loop {
                let mut part = String::new();
                if lines.read_line(&mut part).await.unwrap_or(0) == 0 {
                    return;
                }
                if part == ".\r\n" {
                    break;
                }
                data.push_str(part.strip_prefix('.').unwrap_or(&part));
            }
            state.lock().unwrap().deliveries.push(Delivery {
                from: from.clone(),
                recipients: recipients.clone(),
                data,
            });
            reply("250 2.0.0 Ok: queued")
        } else if upper == "RSET" || upper == "NOOP" {
            reply("250 2.0.0 Ok")
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 2.0.0 Bye\r\n").await;
            return;
        } else {
            reply("502 5.5.2 Command not recognised")
        };
        let _ = write.write_all(format!("{answer}\r\n").as_bytes()).await;
    }
}

fn reply(text: &str) -> String {
    text.to_string()
}

fn address_of(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_string())
        .unwrap_or_default()
}

pub fn decode_base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|b| *b != b'=') {
        let Some(value) = ALPHABET.iter().position(|a| *a == byte) else {
            continue;
        };
        bits = (bits << 6) | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The text of every part of a MIME message, by content type (`text/plain`, `text/html`),
/// with quoted-printable and base64 undone; and the decoded Subject.
pub fn parts_and_subject(data: &str) -> (Vec<(String, String)>, String) {
    let unfolded = data.replace("\r\n ", " ").replace("\r\n\t", " ");
    let subject = unfolded
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .map(decode_words)
        .unwrap_or_default();
    let mut parts = Vec::new();
    for chunk in data.split("\r\n--") {
        let Some((head, body)) = chunk.split_once("\r\n\r\n") else {
            continue;
        };
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .starts_with(&name.to_ascii_lowercase())
                        .then(|| l[name.len()..].trim().to_string())
                })
                .unwrap_or_default()
        };
        let kind = header("Content-Type:");
        if !kind.starts_with("text/") {
            continue;
        }
        let kind = kind.split(';').next().unwrap_or("").to_string();
        let encoding = header("Content-Transfer-Encoding:").to_ascii_lowercase();
        let text = match encoding.as_str() {
            "base64" => decode_base64(&body.replace("\r\n", "")),
            "quoted-printable" => decode_quoted_printable(body),
            _ => body.to_string(),
        };
        parts.push((kind, text));
    }
    (parts, subject)
}

fn decode_words(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
                decode_base64(&word[10..word.len() - 2])
            } else if lower.starts_with("=?utf-8?q?") && word.ends_with("?=") {
                decode_quoted_printable(&word[10..word.len() - 2].replace('_', " "))
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
        .replace("  ", " ")
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'=', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
