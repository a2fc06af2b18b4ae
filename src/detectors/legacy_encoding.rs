//! Legacy encoding: an `encoding` header naming a national legacy code page
//! (EUC-KR, GBK, Big5, Shift_JIS, CP1251, KOI8-R…), which git writes only
//! when the committer's i18n.commitEncoding says so: a machine set up for
//! that language. Weighed against the claimed country's languages.

use schemars::JsonSchema;
use serde::Serialize;

use super::evidence::RuleEvidence;
use super::{Finding, Severity, Subject};

pub const ID: &str = "legacy-encoding";

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Evidence {
    /// Legacy encodings declared, most commits first.
    pub encodings: Vec<EncodingUse>,
    /// ISO 3166 code, or null without a claimed country.
    pub claimed_country: Option<String>,
}

impl RuleEvidence for Evidence {}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EncodingUse {
    /// As the `encoding` header writes it.
    pub encoding: String,
    pub commits: u64,
    pub language: &'static str,
    /// Countries where the encoding is expected.
    pub countries: &'static [&'static str],
}

/// Encoding → (language, countries where it is expected).
pub fn language_of(encoding: &str) -> Option<(&'static str, &'static [&'static str])> {
    let e = encoding.to_ascii_lowercase().replace('_', "-");
    Some(match e.as_str() {
        "euc-kr" | "cp949" | "ks-c-5601-1987" | "iso-2022-kr" | "uhc" | "windows-949" => {
            ("Korean", &["KR", "KP"])
        }
        "gbk" | "gb2312" | "gb18030" | "euc-cn" | "cp936" | "hz-gb-2312" => {
            ("Chinese (simplified)", &["CN", "SG", "MY"])
        }
        "big5" | "big5-hkscs" | "cp950" => ("Chinese (traditional)", &["TW", "HK"]),
        "shift-jis" | "sjis" | "cp932" | "euc-jp" | "iso-2022-jp" | "windows-31j" => {
            ("Japanese", &["JP"])
        }
        "cp1251" | "windows-1251" | "koi8-r" | "koi8-u" | "iso-8859-5" | "cp866" => {
            ("Cyrillic", &["RU", "UA", "BY", "KZ", "BG", "RS"])
        }
        "cp1256" | "windows-1256" | "iso-8859-6" => ("Arabic", &["AE", "SA", "EG"]),
        "cp1255" | "windows-1255" | "iso-8859-8" => ("Hebrew", &["IL"]),
        "tis-620" | "cp874" | "windows-874" => ("Thai", &["TH"]),
        "cp1258" | "windows-1258" | "viscii" => ("Vietnamese", &["VN"]),
        _ => return None,
    })
}

pub fn check(s: &Subject<'_>) -> Option<Finding> {
    let mut hits: Vec<(&str, u64, &'static str, &'static [&'static str])> = s
        .fingerprint
        .encodings
        .iter()
        .filter_map(|(e, n)| language_of(e).map(|(lang, cc)| (e.as_str(), *n, lang, cc)))
        .collect();
    if hits.is_empty() {
        return None;
    }
    hits.sort_by_key(|h| std::cmp::Reverse(h.1));
    let country = s.claim.and_then(|c| c.location.country.as_deref());
    let unexpected = country.is_some_and(|cc| hits.iter().any(|h| !h.3.contains(&cc)));
    let total: u64 = hits.iter().map(|h| h.1).sum();
    let expected = country.is_some() && !unexpected;
    let severity = if unexpected && total >= 5 {
        Severity::Medium
    } else if expected {
        // Consistent with the claim: context, not evidence against it.
        Severity::Info
    } else {
        Severity::Low
    };
    let (enc, n, lang, _) = hits[0];
    Some(Finding::new(
        ID,
        severity,
        format!(
            "{n} commit{} the legacy {lang} encoding `{enc}`{}",
            if n == 1 { " declares" } else { "s declare" },
            match (country, unexpected) {
                (Some(cc), true) => format!(", not a language of the claimed country ({cc})"),
                (Some(cc), false) => format!(", a language of the claimed country ({cc})"),
                _ => String::new(),
            }
        ),
        &Evidence {
            encodings: hits
                .iter()
                .map(|h| EncodingUse {
                    encoding: h.0.to_string(),
                    commits: h.1,
                    language: h.2,
                    countries: h.3,
                })
                .collect(),
            claimed_country: country.map(str::to_string),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::analysis::testing::{Person, severity_for};
    use crate::detectors::Severity;

    fn declaring(claim: &str, encoding: &str, commits: u64) -> Person {
        Person::new("Some Person")
            .claims(claim)
            .at("2023-03-01 10:00", 60)
            .showing(|f| {
                f.encodings.insert(encoding.to_owned(), commits);
            })
    }

    #[test]
    fn fires_on_a_code_page_of_another_country() {
        assert_eq!(
            severity_for(declaring("Europe/Berlin", "EUC-KR", 5), ID),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn honest_control_uses_the_claimed_country_s_code_page_or_none() {
        assert_eq!(
            severity_for(declaring("Asia/Seoul", "EUC-KR", 20), ID),
            Some(Severity::Info)
        );
        assert_eq!(
            severity_for(declaring("Europe/Berlin", "ISO-8859-1", 20), ID),
            None
        );
    }

    #[test]
    fn minimum_evidence_for_medium_is_five_commits() {
        assert_eq!(
            severity_for(declaring("Europe/Berlin", "EUC-KR", 4), ID),
            Some(Severity::Low)
        );
    }
}
