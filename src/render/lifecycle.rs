//! Views of grants that end: the lines a plan shows for the ends a config change sets and for
//! the changes an `--expired-only` plan holds back, and the reminder list of `roster expiring`
//! (text, Markdown for the reminder issue, JSON). Every string from the config is cleaned
//! (text) or escaped (Markdown); nothing here reads the clock: the instant is given.

use serde::Serialize;

use crate::plan::expiry::{Grant, Span};
use crate::plan::{ExpiryChange, ExpiryEdit, Held, When};
use crate::render::escape::{code, escape};
use crate::render::view::clean;

/// `org/lab/member/user:x: end extended 2030-01-01 → 2030-03-01 (workshop)`, cleaned.
pub(crate) fn expiry_change(e: &ExpiryChange) -> String {
    let show = |w: &Option<When>| w.map_or("never".to_string(), |w| w.to_string());
    let what = match e.change {
        ExpiryEdit::Added => format!("ends {} (end added)", show(&e.after)),
        ExpiryEdit::Set => format!("ends {}", show(&e.after)),
        ExpiryEdit::Extended | ExpiryEdit::Shortened | ExpiryEdit::Removed => format!(
            "end {} {} → {}",
            e.change.as_str(),
            show(&e.before),
            show(&e.after)
        ),
    };
    let reason = e
        .reason
        .as_deref()
        .map(|r| format!(" ({})", clean(r)))
        .unwrap_or_default();
    format!("{}: {what}{reason}", clean(&e.address.to_string()))
}

/// The symbol of an end's edit in a `diff` block: `+` added, `!` moved or set, `-` removed
/// (the grant no longer ends).
pub(crate) fn expiry_symbol(e: &ExpiryChange) -> char {
    match e.change {
        ExpiryEdit::Added => '+',
        ExpiryEdit::Removed => '-',
        _ => '!',
    }
}

/// `~ member org/lab/member/user:x`, cleaned.
pub(crate) fn held(h: &Held) -> String {
    format!(
        "{} {} {}",
        h.action.symbol(),
        h.kind,
        clean(&h.address.to_string())
    )
}

/// The reminder list as text: a heading line, then one line per grant, soonest first.
pub fn expiring_text(grants: &[Grant], now: When, within: Span) -> String {
    let until = now.plus(within);
    let mut out = String::new();
    if grants.is_empty() {
        out.push_str(&format!(
            "No grant expires within {within} (after {now}, up to {until}).\n"
        ));
        return out;
    }
    out.push_str(&format!(
        "{} expire{} within {within} (after {now}, up to {until}):\n",
        plural(grants.len()),
        if grants.len() == 1 { "s" } else { "" },
    ));
    for g in grants {
        let mut line = format!("  {}  {}", g.expires, clean(&g.address.to_string()));
        if let Some(role) = &g.role {
            line.push_str(&format!(" ({})", clean(role)));
        }
        if let Some(r) = &g.reason {
            line.push_str(&format!("  {}", clean(r)));
        }
        if let Some(at) = &g.declared_at {
            line.push_str(&format!("  [{}]", clean(at)));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 grant".to_string()
    } else {
        format!("{n} grants")
    }
}

/// The reminder list as Markdown: the body of the reminder issue.
pub fn expiring_markdown(grants: &[Grant], now: When, within: Span) -> String {
    let until = now.plus(within);
    let mut out = format!("### Access that expires within {within}\n\n");
    if grants.is_empty() {
        out.push_str(&format!(
            "No grant expires after {now} and up to {until}.\n"
        ));
        return out;
    }
    out.push_str(&format!(
        "{} end{} after {now} and up to {until}. Extend `expires` in the config to keep the \
         access; otherwise `roster apply --expired-only` removes it once the date has passed.\n\n",
        plural(grants.len()),
        if grants.len() == 1 { "s" } else { "" },
    ));
    for g in grants {
        let mut line = format!("- **{}** {}", g.expires, code(&g.address.to_string()));
        if let Some(role) = &g.role {
            line.push_str(&format!(" ({})", escape(role)));
        }
        if let Some(r) = &g.reason {
            line.push_str(&format!(": {}", escape(r)));
        }
        if let Some(at) = &g.declared_at {
            line.push_str(&format!(" — declared at {}", code(at)));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The JSON form of the reminder list (docs/lifecycle.md).
#[derive(Serialize)]
struct Expiring<'a> {
    format_version: &'static str,
    now: When,
    within: String,
    until: When,
    grants: &'a [Grant],
}

/// The reminder list as pretty-printed JSON with a trailing newline.
pub fn expiring_json(grants: &[Grant], now: When, within: Span) -> String {
    let doc = Expiring {
        format_version: "1",
        now,
        within: within.to_string(),
        until: now.plus(within),
        grants,
    };
    serde_json::to_string_pretty(&doc).expect("the list serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::expiry::Grant;
    use crate::plan::{Address, Kind, fixtures};

    #[test]
    fn an_expired_only_plan_as_text_and_markdown() {
        let p = fixtures::expired_only();
        insta::assert_snapshot!("expired_only_text", crate::render::text(&p, false));
        insta::assert_snapshot!("expired_only_markdown", crate::render::markdown(&p));
    }

    #[test]
    fn the_ends_a_change_sets_as_text_and_markdown() {
        let p = fixtures::with_expiries();
        let text = crate::render::text(&p, false);
        assert!(
            text.contains("Ends of grants this change sets:\n  ! org/biocommons/member/user:jane.doe@uq.edu.au: end extended 2027-01-31 → 2027-06-30 (thesis)\n"),
            "{text}"
        );
        insta::assert_snapshot!("with_expiries_markdown", crate::render::markdown(&p));
    }

    fn grants() -> Vec<Grant> {
        vec![
            Grant {
                address: "org/lab/member/user:a@lab.org".parse::<Address>().unwrap(),
                platform: "default".into(),
                kind: Kind::Member,
                role: Some("member".into()),
                expires: When::parse("2030-01-12").unwrap(),
                reason: Some("summer *school* @team <b>".into()),
                declared_at: Some("lab.yaml:5:5".into()),
            },
            Grant {
                address: "org/lab/workspace/ws/participant/team:core"
                    .parse::<Address>()
                    .unwrap(),
                platform: "default".into(),
                kind: Kind::Participant,
                role: Some("view".into()),
                expires: When::parse("2030-01-20T09:00:00+10:00").unwrap(),
                reason: None,
                declared_at: None,
            },
        ]
    }

    #[test]
    fn the_reminder_list_in_every_format() {
        let now = When::parse("2030-01-10").unwrap();
        let within = Span::parse("14d").unwrap();
        let g = grants();
        insta::assert_snapshot!("expiring_text", expiring_text(&g, now, within));
        let md = expiring_markdown(&g, now, within);
        assert!(md.contains(r"summer \*school\* \@team \<b\>"), "{md}");
        insta::assert_snapshot!("expiring_markdown", md);
        insta::assert_snapshot!("expiring_json", expiring_json(&g, now, within));
        assert_eq!(
            expiring_text(&[], now, within),
            "No grant expires within 14d (after 2030-01-10, up to 2030-01-24).\n"
        );
    }
}
