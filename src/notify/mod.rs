//! Notifications (SPEC §9): the nightly job's news — the weekly KPIs, reminders due, grade
//! changes, a failed run — sent where the owner already is: Slack, Kakao Talk ("send to me"),
//! 알림톡 through Solapi or NHN Cloud, Notion, a signed JSON webhook, or e-mail with the weekly
//! PDF.
//!
//! The flow is plan, then execute: [`content`] turns analyses into [`Message`]s (text in the
//! workbook's language, names masked for chat), [`channels`] turns a message into the exact
//! request of one channel (pure: no clock, no network), and [`send`] delivers it — only with
//! `--send` — through the [`journal`], which makes sure no message goes twice. Secrets come
//! from [`secrets`] and never reach output, errors, dry-run files or the journal.

pub mod channels;
pub mod content;
pub mod dispatch;
pub mod email;
pub mod journal;
pub mod mask;
pub mod secrets;
pub mod send;
pub mod settings;

pub use settings::NotifySettings;

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Weekly,
    Reminders,
    Today,
    LowStock,
    GradeChanges,
    RunFailed,
}

impl Kind {
    /// The names accepted by `--what`, in order.
    pub const NAMES: [&'static str; 6] = [
        "weekly",
        "reminders",
        "today",
        "low-stock",
        "grade-changes",
        "run-failed",
    ];
    const ALL: [Kind; 6] = [
        Kind::Weekly,
        Kind::Reminders,
        Kind::Today,
        Kind::LowStock,
        Kind::GradeChanges,
        Kind::RunFailed,
    ];

    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Kind::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Kind::ALL[i])
    }

    pub fn name(self) -> &'static str {
        Kind::NAMES[Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)]
    }

    /// Why a kind cannot be sent yet: its feature is not built.
    pub fn unavailable(self) -> Option<&'static str> {
        // Every kind is built (`today` since the lifecycle flows, SPEC §8).
        None
    }

    /// `KIND: why` for each of `kinds` that cannot be sent yet (reported, exit 1).
    pub fn unavailable_of(kinds: &[Kind]) -> Vec<String> {
        kinds
            .iter()
            .filter_map(|k| k.unavailable().map(|why| format!("{}: {why}", k.name())))
            .collect()
    }
}

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Slack,
    Kakao,
    Alimtalk,
    Notion,
    Webhook,
    Email,
}

impl Channel {
    pub const NAMES: [&'static str; 6] =
        ["slack", "kakao", "alimtalk", "notion", "webhook", "email"];
    const ALL: [Channel; 6] = [
        Channel::Slack,
        Channel::Kakao,
        Channel::Alimtalk,
        Channel::Notion,
        Channel::Webhook,
        Channel::Email,
    ];

    pub fn parse(s: &str) -> Option<Channel> {
        let s = s.trim().to_ascii_lowercase();
        let s = match s.as_str() {
            "알림톡" | "kakao-alimtalk" => "alimtalk",
            "mail" | "smtp" => "email",
            other => other,
        };
        Channel::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Channel::ALL[i])
    }

    pub fn name(self) -> &'static str {
        Channel::NAMES[Channel::ALL.iter().position(|c| *c == self).unwrap_or(0)]
    }

    /// Chat-like channels, where names are masked unless `notify.mask = false`. E-mail goes
    /// to the owner's own mailbox with the PDF, which names customers anyway.
    pub fn masks_names(self) -> bool {
        self != Channel::Email
    }

    /// `to` with each channel once, in the order first given (`--to slack,slack`).
    pub fn unique(to: &[Channel]) -> Vec<Channel> {
        let mut v: Vec<Channel> = Vec::new();
        for c in to {
            if !v.contains(c) {
                v.push(*c);
            }
        }
        v
    }
}

/// One message, in the workbook's language, ready for any channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: Kind,
    /// What the message covers, part of its key: `2025-W16` for the weekly summary, the
    /// as-of day for daily news.
    pub period: String,
    pub lang: crate::model::Lang,
    pub shop: String,
    /// One line: the header of a chat message, an e-mail subject, a Notion page title.
    pub title: String,
    /// The body, line by line.
    pub lines: Vec<String>,
    /// Named values for templates (알림톡 variables, webhook fields), in a fixed order.
    pub fields: Vec<(String, String)>,
}

impl Message {
    /// The key that makes a message unique: (channel, kind, recipient, period).
    pub fn key(&self, channel: Channel, recipient: &str) -> String {
        format!(
            "{}|{}|{}|{}",
            channel.name(),
            self.kind.name(),
            recipient,
            self.period
        )
    }

    /// Title and body as plain text.
    pub fn plain(&self) -> String {
        let mut s = self.title.clone();
        for l in &self.lines {
            s.push('\n');
            s.push_str(l);
        }
        s
    }
}

/// Cut `text` to at most `max` characters, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_go_once_each_in_the_order_given() {
        let to = [
            Channel::Email,
            Channel::Slack,
            Channel::Email,
            Channel::Slack,
        ];
        assert_eq!(Channel::unique(&to), [Channel::Email, Channel::Slack]);
    }

    #[test]
    fn every_kind_is_available() {
        assert!(Kind::unavailable_of(&Kind::ALL).is_empty());
    }
}
