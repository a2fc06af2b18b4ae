//! `calendar`: the holidays and working week assumed for a country.

use std::io::Write;

use crate::error::Error;
use crate::reports::{self, Format};

use super::*;

/// `calendar`: print the calendar data the rules assume for a country.
pub(super) fn calendar(a: CalendarArgs, stdout: &mut dyn Write) -> Result<i32, Error> {
    if !matches!(a.format, Format::Text | Format::Json) {
        return Err(Error::Usage {
            message: format!("calendar prints text or json, not {:?}", a.format).to_lowercase(),
            hint: "use --format text or --format json".into(),
        });
    }
    let all = crate::inference::calendars::calendars();
    let Some(cal) = all.get(&a.country) else {
        return Err(Error::UnknownCountry {
            country: a.country.clone(),
            known: all.countries.keys().cloned().collect(),
        });
    };
    let year = a.year.unwrap_or_else(crate::clock::current_year);
    let weekend: Vec<&str> = cal
        .weekend(year)
        .iter()
        .enumerate()
        .filter(|(_, w)| **w)
        .map(|(i, _)| crate::inference::calendars::WEEKDAYS[i])
        .collect();
    let holidays = cal.holidays_in(year);
    let makeup = cal.makeup_in(year);
    write_output(None, ColorChoice::Never, stdout, |stdout, _| {
        match a.format {
            Format::Json => {
                let v = serde_json::json!({
                    "country": cal.code,
                    "year": year,
                    "weekend": weekend,
                    "holidays": holidays.iter().map(|(d, n)| serde_json::json!({"date": d.to_string(), "name": n})).collect::<Vec<_>>(),
                    "makeup_workdays": makeup.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                    "data_years": [cal.years.0, cal.years.1],
                    "source": "data/calendars.tsv, generated from the holidays package 0.108 (PyPI)",
                });
                reports::json::write_value(&v, &mut *stdout).and_then(|_| writeln!(stdout))
            }
            _ => (|| {
                writeln!(
                    stdout,
                    "{} {year}: weekend {}",
                    cal.code,
                    weekend.join(" and ")
                )?;
                if year < cal.years.0 || year > cal.years.1 {
                    writeln!(
                        stdout,
                        "no holiday data for {year} (data covers {}-{})",
                        cal.years.0, cal.years.1
                    )?;
                }
                writeln!(stdout, "public holidays ({}):", holidays.len())?;
                for (d, n) in &holidays {
                    writeln!(stdout, "  {d} {:<9} {n}", d.format("%A"))?;
                }
                if !makeup.is_empty() {
                    writeln!(
                        stdout,
                        "make-up workdays (weekend days worked to bridge holidays):"
                    )?;
                    for d in &makeup {
                        writeln!(stdout, "  {d} {}", d.format("%A"))?;
                    }
                }
                writeln!(
                    stdout,
                    "source: data/calendars.tsv, generated from the holidays package 0.108 (PyPI); see docs/calendars.md"
                )
            })(),
        }
    })?;
    Ok(EXIT_OK)
}
