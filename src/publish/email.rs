//! The day by e-mail (`[notify] email_to`): one multipart/alternative message per run to every
//! recipient, through the SMTP server whose URL (with its credentials) is in the environment
//! variable `notify.smtp_url_env`. lettre speaks SMTP. A failed delivery is a warning naming
//! the server's answer with the credentials taken out; temporary (4xx) failures are retried once.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::record::DayRecord;

/// How long one connection may take, and the wait before the one retry of a temporary failure.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
const RETRY_AFTER: Duration = Duration::from_secs(2);

/// The SMTP server's address from the environment; its credentials are registered with
/// [`crate::secrets`], which keeps them out of every message.
pub(crate) struct SmtpServer {
    url: String,
}

impl SmtpServer {
    /// Reads `notify.smtp_url_env`; `None` when it is unset or empty.
    pub(crate) fn from_env(config: &Config) -> Option<SmtpServer> {
        let url = std::env::var(&config.notify.smtp_url_env).ok()?;
        let url = url.trim().to_string();
        (!url.is_empty()).then(|| SmtpServer::new(url))
    }

    pub(crate) fn new(url: String) -> SmtpServer {
        crate::secrets::register_url(&url, false);
        SmtpServer { url }
    }

    /// The server for people: scheme, host and port, never the credentials.
    pub(crate) fn shown(&self) -> String {
        crate::http::display_url(&self.url)
    }

    /// `text` with every credential of the URL (and every other secret) redacted.
    pub(crate) fn redact(&self, text: &str) -> String {
        crate::secrets::redact(text).into_owned()
    }

    /// Checks the URL's scheme: `smtps://` (TLS), `smtp://` (plain, or STARTTLS with
    /// `?tls=required`).
    pub(crate) fn check_scheme(&self) -> Result<()> {
        let scheme = self.url.split("://").next().unwrap_or("");
        match scheme {
            "smtp" | "smtps" => Ok(()),
            _ => bail!(
                "the SMTP URL {} has the scheme {scheme:?}; use smtps://user:password@host:465 or smtp://user:password@host:587?tls=required",
                self.shown()
            ),
        }
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
        self.check_scheme()?;
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.url)
            .map_err(|error| anyhow::anyhow!(self.redact(&error.to_string())))
            .with_context(|| format!("the SMTP URL {} is not usable", self.shown()))?;
        Ok(builder.timeout(Some(SMTP_TIMEOUT)).build())
    }

    /// Connects and says EHLO without sending anything (`doctor --online`).
    pub(crate) async fn test_connection(&self) -> Result<()> {
        let transport = self.transport()?;
        match transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => bail!("{} did not answer EHLO", self.shown()),
            Err(error) => bail!("{}: {}", self.shown(), self.describe(&error)),
        }
    }

    fn describe(&self, error: &SmtpError) -> String {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        self.redact(&text)
    }
}

/// The recipients and sender of `[notify]`, parsed; an error names the address that is wrong.
pub(crate) fn addresses(config: &Config) -> Result<(Mailbox, Vec<Mailbox>)> {
    let notify = &config.notify;
    if notify.email_from.trim().is_empty() {
        bail!(
            "notify.email_from is empty: set it to the sender, e.g. \"papersift <bot@example.org>\""
        );
    }
    let from = notify.email_from.trim().parse::<Mailbox>().with_context(|| {
        format!(
            "notify.email_from {:?} is not an e-mail address (e.g. \"papersift <bot@example.org>\")",
            notify.email_from
        )
    })?;
    let to = notify
        .email_to
        .iter()
        .map(|address| {
            address.trim().parse::<Mailbox>().with_context(|| {
                format!("notify.email_to has {address:?}, which is not an e-mail address")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((from, to))
}

/// Builds the message of `day`.
fn message(config: &Config, day: &DayRecord) -> Result<Message> {
    let (from, to) = addresses(config)?;
    let email = crate::render::email(config, day)?;
    let mut builder = Message::builder().from(from.clone()).subject(email.subject);
    if config.notify.email_bcc {
        // The sender is the visible recipient; the list stays private.
        builder = builder.to(from);
        for mailbox in to {
            builder = builder.bcc(mailbox);
        }
    } else {
        for mailbox in to {
            builder = builder.to(mailbox);
        }
    }
    builder
        .multipart(MultiPart::alternative_plain_html(email.text, email.html))
        .context("cannot build the e-mail")
}

/// Sends the day's e-mail when `[notify] email_to` names recipients. Every problem is a
/// warning; nothing here fails the day.
pub(crate) async fn send_day(config: &Config, day: &DayRecord) {
    if config.notify.email_to.is_empty() {
        return;
    }
    let Some(server) = SmtpServer::from_env(config) else {
        tracing::warn!(
            variable = %config.notify.smtp_url_env,
            "e-mail not sent: notify.email_to is set but the SMTP URL variable is empty"
        );
        return;
    };
    match send(&server, config, day).await {
        Ok(()) => tracing::info!(
            server = %server.shown(),
            recipients = config.notify.email_to.len(),
            "e-mail sent"
        ),
        Err(error) => tracing::warn!("e-mail not sent: {}", server.redact(&format!("{error:#}"))),
    }
}

async fn send(server: &SmtpServer, config: &Config, day: &DayRecord) -> Result<()> {
    let message = message(config, day)?;
    let transport = server.transport()?;
    match transport.send(message.clone()).await {
        Ok(_) => Ok(()),
        Err(error) if error.is_transient() => {
            tracing::info!(
                answer = %server.describe(&error),
                "the SMTP server refused for now; trying once more"
            );
            tokio::time::sleep(RETRY_AFTER).await;
            transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| anyhow::anyhow!("{}: {}", server.shown(), server.describe(&error)))
        }
        Err(error) => bail!("{}: {}", server.shown(), server.describe(&error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show() {
        let server =
            SmtpServer::new("smtps://bot%40example.org:app%2Fpass-123@smtp.example.org:465".into());
        let shown = server.shown();
        assert!(
            !shown.contains("app") && shown.contains("smtp.example.org"),
            "{shown}"
        );
        let redacted = server
            .redact("535 auth failed for bot%40example.org with app/pass-123 and app%2Fpass-123");
        assert!(
            !redacted.contains("pass-123") && !redacted.contains("bot%40"),
            "{redacted}"
        );
        assert!(server.check_scheme().is_ok());
        let message = format!(
            "{:#}",
            SmtpServer::new("http://u:secretpw@h".into())
                .check_scheme()
                .unwrap_err()
        );
        assert!(
            message.contains("smtps://") && !message.contains("secretpw"),
            "{message}"
        );
    }

    #[test]
    fn addresses_are_checked_with_the_bad_one_named() {
        let mut config = Config::parse("").unwrap();
        config.notify.email_to = vec!["a@example.org".into(), "not an address".into()];
        config.notify.email_from = "papersift <bot@example.org>".into();
        let message = format!("{:#}", addresses(&config).unwrap_err());
        assert!(message.contains("\"not an address\""), "{message}");
        config.notify.email_to.pop();
        let (from, to) = addresses(&config).unwrap();
        assert_eq!(from.email.to_string(), "bot@example.org");
        assert_eq!(to.len(), 1);
        config.notify.email_from.clear();
        assert!(format!("{:#}", addresses(&config).unwrap_err()).contains("email_from is empty"));
    }
}
