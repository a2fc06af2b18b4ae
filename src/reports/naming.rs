//! How reports name people, under the privacy options. One place, because
//! who is named how is a privacy property: every report, `identities`,
//! `show` and the accepted-findings file go through these.

use crate::model::identities::Contributor;
use crate::privacy::Privacy;
use crate::text::{display_safe, limit, lossy_bounded};

/// The contributor's report id (`c-…`): the same under every option.
pub fn id(privacy: &Privacy, c: &Contributor) -> String {
    privacy.pseudonym("c", &c.key)
}

/// The name reports carry (escaped later, per format): as written and
/// bounded, or a pseudonym under `--pseudonymize`.
pub fn name(privacy: &Privacy, c: &Contributor) -> String {
    if privacy.pseudonymize {
        privacy.pseudonym("person", &c.key)
    } else {
        lossy_bounded(c.display_name(), limit::NAME_STORED)
    }
}

/// The name made safe for a terminal or a file that is not a report
/// (`identities`, the accepted-findings file).
pub fn name_shown(privacy: &Privacy, c: &Contributor) -> String {
    if privacy.pseudonymize {
        privacy.pseudonym("person", &c.key)
    } else {
        display_safe(c.display_name(), limit::NAME)
    }
}

/// One of a contributor's names as written (`identities` lists them).
pub fn raw_name_shown(privacy: &Privacy, name: &[u8]) -> String {
    if privacy.pseudonymize {
        privacy.pseudonym("person", name)
    } else {
        display_safe(name, limit::NAME_IN_LINE)
    }
}

/// An email: shown only with `--show-emails`, otherwise a pseudonym of the
/// address (case-blind, so one address is one pseudonym).
pub fn email(privacy: &Privacy, email: &[u8]) -> String {
    if privacy.show_emails {
        lossy_bounded(email, limit::NAME_STORED)
    } else {
        privacy.pseudonym("email", &email.to_ascii_lowercase())
    }
}
