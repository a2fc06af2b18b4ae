//! Circadian zone inference: where on Earth does this person's day fall?
//!
//! The data is a contributor's *UTC* hour-of-week activity, read from the
//! author instant only (recorded offsets are ignored, so rewriting offsets does
//! not move the answer). The model is the real activity prior of
//! `data/diurnal.csv` (share of human commits by local weekday and hour, per
//! region), placed at every candidate offset from −12:00 to +14:00 in quarter
//! hours, with nuisance parameters for individual variation:
//!
//! * a small chronotype jitter of −1…+1 hour of the hour-of-day curve within
//!   each local calendar day (Gaussian prior, σ = 1 h), so the interval
//!   reflects ordinary individual variation.
//!
//! What comes out is the *apparent* offset: where a person with typical hours
//! would live. A night owl whose whole day (weekend included) runs five hours
//! late is, from timestamps alone, indistinguishable from someone five hours
//! further west; no model can separate them. So the rule that compares with
//! a claim (`detectors::circadian`) allows a chronotype band around the claim
//! (up to 7 h later, 2 h earlier) instead of pretending to know the shift.
//! Where the weekend falls in UTC still separates offsets 24 h apart (+9 vs
//! −15 ≡ a New York night owl at 19:00–04:00), which is what matters for
//! the Asia-vs-America case.
//! * how much the person works on Saturday and on Sunday (×0.3, ×1, ×3 each:
//!   weekend volunteers, six-day weeks);
//! * which regional curve fits best (Americas, Europe-Africa, Asia-Pacific);
//! * whether the clock keeps daylight saving time where clocks at that
//!   offset commonly do ([`infer_seasonal`]): the answer is a *standard*
//!   offset.
//!
//! Commits come in bursts, so the observations are distinct (UTC day, hour)
//! cells, not commits, and the log-likelihood is tempered (×`TEMPER`) to
//! account for day-to-day correlation; the posterior over offsets marginalises
//! the nuisances. Ties in hour-of-day between offset and chronotype are broken
//! only by the weekly structure and the chronotype prior, which is why the
//! reported interval can be wide for people with little weekend contrast.

use std::sync::OnceLock;

use serde::Serialize;

use crate::inference::profiles::{DAY, weekday_hour};
use crate::model::history::CommitRecord;

/// Candidate offsets: −12:00 … +14:00 in 15-minute steps.
pub const CANDIDATES: usize = 105;
const MIN_OFFSET_MINUTES: i32 = -720;
const QUARTERS: usize = 7 * 24 * 4;
const SHIFTS: [i32; 3] = [-1, 0, 1];
const SHIFT_SIGMA_HOURS: f64 = 1.0;
/// The same prior, narrower, for the point estimate only. A later or earlier
/// day than the reference curve and an offset further west or east explain
/// the same activity; the wide prior keeps that ambiguity in the posterior
/// (its 90 % interval and every mass a rule reads), while the point estimate
/// takes the typical schedule as the likelier reading. On the development
/// corpus this put 69.9 % of honest people within 1 h of their standard
/// offset (65.7 % with the wide prior) and 87.3 % within 2 h (83.1 %), with
/// no change to any scenario's flags (docs/inference.md).
const POINT_SHIFT_SIGMA_HOURS: f64 = 0.35;
const WEEKEND_FACTORS: [f64; 3] = [0.3, 1.0, 3.0];
/// Share of activity the model allows anywhere (noise floor).
const EPSILON: f64 = 0.03;
/// Tempering of the log-likelihood for correlated observations.
pub const TEMPER: f64 = 0.5;

const REGIONS: [&str; 3] = ["Americas", "Europe-Africa", "Asia-Pacific"];

/// Offsets (minutes) that clocks somewhere show, standard or summer time, other
/// than whole hours: people live at these, not at arbitrary quarter hours.
const PART_HOUR_OFFSETS: [i32; 13] = [
    -570, -210, -150, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825,
];

/// Prior weight of a candidate offset that no clock uses, against 1 for one
/// that some zone's clocks show.
const OFF_ZONE_WEIGHT: f64 = 0.3;

/// Share of the regional curves' prior that goes to the region an offset lies
/// in (the rest is split between the other two): people at +09:00 mostly keep
/// Asia-Pacific hours, but not all do.
const HOME_REGION_SHARE: f64 = 0.8;

/// Log prior weight of each regional curve (in `REGIONS` order) at an offset,
/// relative to the uniform 1/3 of the variant table.
fn region_log_weights(minutes: i32) -> [f64; 3] {
    let home = if minutes <= -150 {
        0
    } else if minutes <= 270 {
        1
    } else {
        2
    };
    let mut w = [((1.0 - HOME_REGION_SHARE) / 2.0 * 3.0).ln(); 3];
    w[home] = (HOME_REGION_SHARE * 3.0).ln();
    w
}

/// Log prior of each candidate offset (not normalised: the posterior is).
fn candidate_log_prior(i: usize) -> f64 {
    let m = candidate_minutes(i);
    if m % 60 == 0 || PART_HOUR_OFFSETS.contains(&m) {
        0.0
    } else {
        OFF_ZONE_WEIGHT.ln()
    }
}

pub fn candidate_minutes(i: usize) -> i32 {
    MIN_OFFSET_MINUTES + 15 * i as i32
}

/// The embedded prior: `fraction[region][weekday][hour]`.
pub struct Prior {
    pub regions: Vec<(String, [[f64; 24]; 7])>,
}

static PRIOR: OnceLock<Prior> = OnceLock::new();

pub fn prior() -> &'static Prior {
    PRIOR.get_or_init(|| Prior::parse(include_str!("../../data/diurnal.csv")))
}

impl Prior {
    fn parse(csv: &str) -> Prior {
        let mut regions: Vec<(String, [[f64; 24]; 7])> = Vec::new();
        for line in csv.lines() {
            if line.starts_with('#') || line.starts_with("region,") || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split(',').collect();
            if cols.len() != 4 {
                continue;
            }
            let (Ok(w), Ok(h), Ok(f)) = (
                cols[1].parse::<usize>(),
                cols[2].parse::<usize>(),
                cols[3].parse::<f64>(),
            ) else {
                continue;
            };
            if w >= 7 || h >= 24 {
                continue;
            }
            let idx = match regions.iter().position(|(r, _)| r == cols[0]) {
                Some(i) => i,
                None => {
                    regions.push((cols[0].to_owned(), [[0.0; 24]; 7]));
                    regions.len() - 1
                }
            };
            regions[idx].1[w][h] = f;
        }
        Prior { regions }
    }

    pub fn region(&self, name: &str) -> Option<&[[f64; 24]; 7]> {
        self.regions.iter().find(|(r, _)| r == name).map(|(_, t)| t)
    }

    /// Share of activity per local hour of day, over the whole week.
    pub fn hour_of_day(&self, name: &str) -> [f64; 24] {
        let mut out = [0.0; 24];
        if let Some(t) = self.region(name) {
            for day in t {
                for (h, v) in day.iter().enumerate() {
                    out[h] += v;
                }
            }
        }
        out
    }
}

/// One model variant: a log-probability per local quarter-hour-of-week
/// position, where the value at position `p` is the log of the mass of the
/// hour starting at `p`.
struct Variant {
    log_mass: Vec<f64>,
    log_prior: f64,
    /// Index of its chronotype shift in [`SHIFTS`].
    shift: usize,
}

/// All variants' log masses laid out position-major (`[position][variant]`), so
/// the scoring loop adds contiguous rows (vectorises well).
struct VariantTable {
    by_position: Vec<f64>,
    log_priors: Vec<f64>,
    /// Per variant, its shift's index in [`SHIFTS`].
    shifts: Vec<usize>,
    /// Per shift, the point estimate's prior over the posterior's: the point
    /// marginal reweights the same terms, so it costs no more exponentials.
    point_reweight: [f64; SHIFTS.len()],
    /// Per candidate offset: the regional curves' log weights there, and the
    /// offset's own log prior (computed once, read for every contributor).
    region_weights: Vec<[f64; 3]>,
    candidate_priors: Vec<f64>,
}

static VARIANTS: OnceLock<VariantTable> = OnceLock::new();

fn variants() -> &'static VariantTable {
    VARIANTS.get_or_init(|| {
        let list = build_variants();
        let nv = list.len();
        let mut by_position = vec![0.0; QUARTERS * nv];
        for (v, variant) in list.iter().enumerate() {
            for (p, value) in variant.log_mass.iter().enumerate() {
                by_position[p * nv + v] = *value;
            }
        }
        VariantTable {
            by_position,
            log_priors: list.iter().map(|v| v.log_prior).collect(),
            shifts: list.iter().map(|v| v.shift).collect(),
            point_reweight: {
                let (wide, point) = (
                    shift_prior(SHIFT_SIGMA_HOURS),
                    shift_prior(POINT_SHIFT_SIGMA_HOURS),
                );
                std::array::from_fn(|s| point[s] / wide[s])
            },
            region_weights: (0..CANDIDATES)
                .map(|ci| region_log_weights(candidate_minutes(ci)))
                .collect(),
            candidate_priors: (0..CANDIDATES).map(candidate_log_prior).collect(),
        }
    })
}

/// A Gaussian prior over [`SHIFTS`] with this deviation (hours), normalised.
fn shift_prior(sigma: f64) -> Vec<f64> {
    let weights: Vec<f64> = SHIFTS
        .iter()
        .map(|&s| (-(s as f64).powi(2) / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

fn build_variants() -> Vec<Variant> {
    let prior = prior();
    let mut out = Vec::new();
    let shift_weights = shift_prior(SHIFT_SIGMA_HOURS);
    let n_variants = (REGIONS.len() * WEEKEND_FACTORS.len() * WEEKEND_FACTORS.len()) as f64;
    for region in REGIONS {
        let Some(table) = prior.region(region) else {
            continue;
        };
        for (si, &shift) in SHIFTS.iter().enumerate() {
            for &sat in &WEEKEND_FACTORS {
                for &sun in &WEEKEND_FACTORS {
                    // Hourly local pattern for this variant.
                    let mut hourly = [[0.0f64; 24]; 7];
                    let mut total = 0.0;
                    for (w, day) in table.iter().enumerate() {
                        let factor = match w {
                            5 => sat,
                            6 => sun,
                            _ => 1.0,
                        };
                        for (h, slot) in hourly[w].iter_mut().enumerate() {
                            let src = (h as i32 - shift).rem_euclid(24) as usize;
                            *slot = day[src] * factor;
                            total += *slot;
                        }
                    }
                    // Quarter masses (an hour's mass spread evenly), with the noise floor.
                    let mut quarter = vec![0.0f64; QUARTERS];
                    for (w, day) in hourly.iter().enumerate() {
                        for (h, v) in day.iter().enumerate() {
                            let m = (1.0 - EPSILON) * v / total / 4.0 + EPSILON / QUARTERS as f64;
                            for q in 0..4 {
                                quarter[(w * 24 + h) * 4 + q] = m;
                            }
                        }
                    }
                    // log of the mass of the hour-long window starting at each quarter.
                    let log_mass = (0..QUARTERS)
                        .map(|p| {
                            (0..4)
                                .map(|k| quarter[(p + k) % QUARTERS])
                                .sum::<f64>()
                                .ln()
                        })
                        .collect();
                    out.push(Variant {
                        log_mass,
                        log_prior: (shift_weights[si] / n_variants).ln(),
                        shift: si,
                    });
                }
            }
        }
    }
    out
}

/// Distinct UTC hours with activity (hours since the epoch, sorted): a burst
/// of commits in one hour counts once.
pub fn active_hours<'a>(records: impl IntoIterator<Item = &'a CommitRecord>) -> Vec<i64> {
    let mut cells: Vec<i64> = records
        .into_iter()
        .map(|r| r.author_time.div_euclid(3600))
        .collect();
    cells.sort_unstable();
    cells.dedup();
    cells
}

/// UTC hour-of-week observations: distinct (UTC day, hour) cells with activity.
pub fn observations<'a>(records: impl IntoIterator<Item = &'a CommitRecord>) -> [u32; 168] {
    observations_of(&active_hours(records))
}

/// [`observations`] of already collected [`active_hours`].
pub fn observations_of(cells: &[i64]) -> [u32; 168] {
    let mut obs = [0u32; 168];
    for &cell in cells {
        let (w, h) = weekday_hour(cell * 3600, 0);
        obs[w * 24 + h] += 1;
    }
    obs
}

/// The result of inference for one contributor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Inference {
    /// Most probable standard offset, hours east of UTC (quarter-hour
    /// resolution): daylight saving time is read, not estimated in.
    pub utc_offset_hours: f64,
    /// Shortest interval of offsets (hours) holding 90 % of the posterior
    /// once later chronotypes than the model's are allowed for
    /// (`with_late_chronotypes`); it holds the point estimate.
    pub interval_90: [f64; 2],
    /// The same under the model's own posterior (chronotype within ±1 h):
    /// narrower, what rules that need plausible offsets read.
    #[serde(skip)]
    pub model_interval_90: [f64; 2],
    /// Posterior mass within ±1 h of the most probable offset.
    pub confidence: f64,
    /// Best-fitting chronotype shift, hours later than the reference curve.
    pub chronotype_shift_hours: i32,
    /// The zone whose summer-time dates the point estimate's clock keeps
    /// (New York's, Berlin's or Sydney's rule), if it keeps any.
    #[serde(skip)]
    pub summer_time: Option<chrono_tz::Tz>,
    /// Distinct (day, hour) cells used.
    pub observations: u32,
    #[serde(skip)]
    pub posterior: Vec<f64>,
    #[serde(skip)]
    pub log_likelihood_best: f64,
}

impl Inference {
    /// The inferred clock's offset (minutes) at an instant: the standard
    /// offset, and an hour more in the summers of the rule it keeps.
    pub fn clock_offset_minutes(&self, seconds: i64) -> i32 {
        let standard = (self.utc_offset_hours * 60.0).round() as i32;
        let summer = self
            .summer_time
            .is_some_and(|zone| in_summer_time(zone, seconds));
        standard + 60 * summer as i32
    }

    /// Posterior mass of candidate offsets (hours) for which `pred` holds.
    pub fn mass_where(&self, pred: impl Fn(f64) -> bool) -> f64 {
        self.posterior
            .iter()
            .enumerate()
            .filter(|(i, _)| pred(candidate_minutes(*i) as f64 / 60.0))
            .map(|(_, p)| p)
            .sum()
    }

    /// Posterior mass of candidate offsets at least `hours` away from every offset in `claimed` (minutes).
    pub fn mass_far_from(&self, claimed: &[i32], hours: f64) -> f64 {
        self.posterior
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                let c = candidate_minutes(*i);
                claimed
                    .iter()
                    .all(|&m| ((c - m).abs() as f64) / 60.0 >= hours)
            })
            .map(|(_, p)| p)
            .sum()
    }
}

/// (UTC hour of week, count) of the bins with activity: only they add to a likelihood.
fn nonzero_bins(obs: &[u32; 168]) -> Vec<(usize, f64)> {
    obs.iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(u, n)| (u, *n as f64))
        .collect()
}

/// Log-likelihood of the observations at every candidate offset and variant,
/// marginalised over variants: returns the per-offset log marginal under the
/// wide and under the point estimate's shift prior, and the best variant's
/// shift per offset.
fn score(obs: &[u32; 168], wanted: impl Fn(usize) -> bool) -> (Vec<f64>, Vec<f64>, Vec<i32>) {
    let variants = variants();
    let nonzero = nonzero_bins(obs);
    let mut log_marginal = vec![f64::NEG_INFINITY; CANDIDATES];
    let mut log_marginal_point = vec![f64::NEG_INFINITY; CANDIDATES];
    let mut best_shift = vec![0i32; CANDIDATES];
    let per_region = SHIFTS.len() * WEEKEND_FACTORS.len() * WEEKEND_FACTORS.len();
    let nv = variants.log_priors.len();
    let mut acc = vec![0.0f64; nv];
    for (ci, slot) in log_marginal.iter_mut().enumerate() {
        if !wanted(ci) {
            continue;
        }
        // The local quarter position of UTC hour u at this offset.
        let q = (candidate_minutes(ci) / 15).rem_euclid(QUARTERS as i32) as usize;
        acc.iter_mut().for_each(|a| *a = 0.0);
        for &(u, n) in &nonzero {
            let p = (u * 4 + q) % QUARTERS;
            let row = &variants.by_position[p * nv..(p + 1) * nv];
            for (a, l) in acc.iter_mut().zip(row) {
                *a += n * l;
            }
        }
        let mut best = f64::NEG_INFINITY;
        let region_weights = &variants.region_weights[ci];
        for (vi, a) in acc.iter_mut().enumerate() {
            *a = TEMPER * *a + variants.log_priors[vi] + region_weights[vi / per_region];
            if *a > best {
                best = *a;
                best_shift[ci] =
                    SHIFTS[(vi % per_region) / (WEEKEND_FACTORS.len() * WEEKEND_FACTORS.len())];
            }
        }
        let mut sum = 0.0;
        let mut by_shift = [0.0f64; SHIFTS.len()];
        for (t, &shift) in acc.iter().zip(&variants.shifts) {
            let e = (t - best).exp();
            sum += e;
            by_shift[shift] += e;
        }
        *slot = best + sum.ln();
        let point: f64 = by_shift
            .iter()
            .zip(&variants.point_reweight)
            .map(|(s, w)| s * w)
            .sum();
        log_marginal_point[ci] = best + point.ln();
    }
    (log_marginal, log_marginal_point, best_shift)
}

/// Infer the offset of a person's day from their UTC activity cells, read
/// as a clock without daylight saving time. `None` when there are no
/// observations.
pub fn infer(obs: &[u32; 168]) -> Option<Inference> {
    infer_seasonal(&SeasonalObservations {
        plain: *obs,
        by_rule: None,
    })
}

/// Daylight-saving rules a clock may follow, each read from a representative
/// zone of the tz database (its history included: the US rule of 2007, the
/// Australian one of 2008).
const DST_RULES: [chrono_tz::Tz; 3] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::Berlin,
    chrono_tz::Australia::Sydney,
];

/// The daylight-saving rule a clock at this standard offset (minutes) would
/// follow, and the prior share of people at that offset whose clocks do:
/// North America's rule west of −03:00 (the US and Canada; not Arizona,
/// Hawaii, Mexico since 2022, Central America, Colombia, Peru), Europe's
/// from 00:00 to +02:00 (not West Africa, Iceland, Nigeria, South Africa),
/// Australia's at +09:30/+10:00 (Adelaide, Sydney, Melbourne; not
/// Brisbane, Darwin) and New Zealand's at +12:00. Turkey and Russia (+03:00
/// since 2016 and 2014), Brazil, and Asia keep standard time.
fn dst_rule_at(minutes: i32) -> Option<(usize, f64)> {
    match minutes {
        -600 => Some((0, 0.1)),
        -540 => Some((0, 0.9)),
        -480 | -420 => Some((0, 0.8)),
        -360 | -300 => Some((0, 0.7)),
        -240 => Some((0, 0.3)),
        -210 => Some((0, 0.9)),
        0 => Some((1, 0.7)),
        60 => Some((1, 0.8)),
        120 => Some((1, 0.7)),
        570 => Some((2, 0.5)),
        600 => Some((2, 0.6)),
        720 => Some((2, 0.9)),
        _ => None,
    }
}

/// Do the zone's clocks show summer time at this instant?
fn in_summer_time(zone: chrono_tz::Tz, seconds: i64) -> bool {
    use chrono::TimeZone;
    use chrono_tz::OffsetComponents;
    chrono::DateTime::from_timestamp(seconds, 0).is_some_and(|t| {
        !zone
            .offset_from_utc_datetime(&t.naive_utc())
            .dst_offset()
            .is_zero()
    })
}

/// UTC hour-of-week observations, plain and as each daylight-saving rule
/// reads them: with that rule's summer cells an hour later, so that local
/// time is the standard offset plus the shifted UTC hour all year.
#[derive(Debug, Clone)]
pub struct SeasonalObservations {
    pub plain: [u32; 168],
    /// Per rule of `DST_RULES` (New York, Berlin, Sydney); `None` reads every clock as standard time.
    pub by_rule: Option<[[u32; 168]; 3]>,
}

/// [`observations_of`] these [`active_hours`], with their readings under each
/// daylight-saving rule.
pub fn seasonal_observations(cells: &[i64]) -> SeasonalObservations {
    let mut by_rule = [[0u32; 168]; 3];
    for &cell in cells {
        for (rule, zone) in DST_RULES.iter().enumerate() {
            let summer = in_summer_time(*zone, cell * 3600);
            let (w, h) = weekday_hour((cell + summer as i64) * 3600, 0);
            by_rule[rule][w * 24 + h] += 1;
        }
    }
    SeasonalObservations {
        plain: observations_of(cells),
        by_rule: Some(by_rule),
    }
}

/// Infer the *standard* offset of a person's clock from their activity: at
/// each candidate offset where clocks keep daylight saving time, the
/// activity is read both as a standard-time clock and under that offset's
/// rule (`dst_rule_at`), mixed by the share of clocks there that keep it.
/// A Berliner's summer days fall an hour earlier in UTC than her winter
/// days; read as one clock, she looked half an hour to an hour east.
pub fn infer_seasonal(seasonal: &SeasonalObservations) -> Option<Inference> {
    let obs = &seasonal.plain;
    let n: u32 = obs.iter().sum();
    if n == 0 {
        return None;
    }
    let (mut log_marginal, mut log_marginal_point, mut best_shift) = score(obs, |_| true);
    // Per candidate, the rule whose reading the point estimate prefers.
    let mut summer_rule: Vec<Option<usize>> = vec![None; CANDIDATES];
    if let Some(by_rule) = &seasonal.by_rule {
        for (rule, rule_obs) in by_rule.iter().enumerate() {
            let applies =
                |ci: usize| dst_rule_at(candidate_minutes(ci)).is_some_and(|(r, _)| r == rule);
            let (dst, dst_point, dst_shift) = score(rule_obs, applies);
            for ci in (0..CANDIDATES).filter(|&ci| applies(ci)) {
                let w = dst_rule_at(candidate_minutes(ci)).map_or(0.0, |(_, w)| w);
                let mix = |plain: f64, dst: f64| {
                    let (a, b) = ((1.0 - w).ln() + plain, w.ln() + dst);
                    let m = a.max(b);
                    m + ((a - m).exp() + (b - m).exp()).ln()
                };
                if w.ln() + dst_point[ci] > (1.0 - w).ln() + log_marginal_point[ci] {
                    best_shift[ci] = dst_shift[ci];
                    summer_rule[ci] = Some(rule);
                }
                log_marginal[ci] = mix(log_marginal[ci], dst[ci]);
                log_marginal_point[ci] = mix(log_marginal_point[ci], dst_point[ci]);
            }
        }
    }
    for ((l, lp), prior) in log_marginal
        .iter_mut()
        .zip(log_marginal_point.iter_mut())
        .zip(&variants().candidate_priors)
    {
        *l += prior;
        *lp += prior;
    }
    let max = log_marginal
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max);
    let mut posterior: Vec<f64> = log_marginal.iter().map(|l| (l - max).exp()).collect();
    let total: f64 = posterior.iter().sum();
    posterior.iter_mut().for_each(|p| *p /= total);
    let mode = (0..CANDIDATES)
        .max_by(|&a, &b| posterior[a].total_cmp(&posterior[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    // The point estimate: the mode under the narrow shift prior.
    let map = (0..CANDIDATES)
        .max_by(|&a, &b| {
            log_marginal_point[a]
                .total_cmp(&log_marginal_point[b])
                .then(b.cmp(&a))
        })
        .unwrap_or(0);
    let confidence: f64 = posterior
        .iter()
        .enumerate()
        .filter(|(i, _)| (candidate_minutes(*i) - candidate_minutes(map)).abs() <= 60)
        .map(|(_, p)| p)
        .sum();
    let (lo, hi) = shortest_90(&posterior, mode);
    let model_interval = (lo.min(map), hi.max(map));
    let (lo, hi) = {
        let reported = with_late_chronotypes(&posterior);
        let reported_mode = (0..CANDIDATES)
            .max_by(|&a, &b| reported[a].total_cmp(&reported[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        let (lo, hi) = shortest_90(&reported, reported_mode);
        (lo.min(model_interval.0), hi.max(model_interval.1))
    };
    Some(Inference {
        utc_offset_hours: candidate_minutes(map) as f64 / 60.0,
        interval_90: [
            candidate_minutes(lo) as f64 / 60.0,
            candidate_minutes(hi) as f64 / 60.0,
        ],
        model_interval_90: [
            candidate_minutes(model_interval.0) as f64 / 60.0,
            candidate_minutes(model_interval.1) as f64 / 60.0,
        ],
        confidence: round3(confidence),
        chronotype_shift_hours: best_shift[map],
        summer_time: summer_rule[map].map(|r| DST_RULES[r]),
        observations: n,
        posterior,
        log_likelihood_best: max,
    })
}

/// Shortest contiguous run of candidates around `mode` holding at least 90 %
/// of `mass` (inclusive candidate indices).
fn shortest_90(mass: &[f64], mode: usize) -> (usize, usize) {
    let (mut lo, mut hi) = (mode, mode);
    let mut held = mass[mode];
    while held < 0.9 && (lo > 0 || hi + 1 < mass.len()) {
        let left = if lo > 0 { mass[lo - 1] } else { -1.0 };
        let right = if hi + 1 < mass.len() {
            mass[hi + 1]
        } else {
            -1.0
        };
        if left >= right {
            lo -= 1;
            held += left;
        } else {
            hi += 1;
            held += right;
        }
    }
    (lo, hi)
}

/// The posterior spread east by a later chronotype than the model allows:
/// a person whose whole day runs ℓ hours late looks ℓ hours further west, so
/// they may live up to ℓ hours east of where the model puts them. Mass pushed
/// past +14:00 stays at the last candidate.
fn with_late_chronotypes(posterior: &[f64]) -> Vec<f64> {
    let weights: Vec<f64> = (0..=LATE_MAX_HOURS)
        .map(|l| (-(l as f64).powi(2) / (2.0 * LATE_SIGMA_HOURS * LATE_SIGMA_HOURS)).exp())
        .collect();
    let total: f64 = weights.iter().sum();
    let mut out = vec![0.0; posterior.len()];
    for (l, w) in weights.iter().enumerate() {
        let step = l * 4;
        for (i, p) in posterior.iter().enumerate() {
            let j = (i + step).min(posterior.len() - 1);
            out[j] += p * w / total;
        }
    }
    out
}

/// How much later than the model's chronotype band (±1 h) real people run:
/// a half-normal over whole hours, σ 1 h, up to 4 h. On the development
/// corpus 29 of the 33 honest people outside the model's own 90 % interval
/// lay east of it (teams that work into the night); σ 1 h is the smallest
/// that brings coverage to 90 % on half A of the corpus (B: 87.8 %, all:
/// 89.8 %; docs/accuracy.md).
const LATE_SIGMA_HOURS: f64 = 1.0;
const LATE_MAX_HOURS: usize = 4;

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Log-likelihood (untempered) of the observations under a two-zone mixture
/// with the reference curve, against the best single zone; used to detect two
/// working days far apart on one identity. Returns (gain, offset_a, offset_b, weight_a) in minutes.
pub fn two_zone_gain(obs: &[u32; 168]) -> Option<(f64, i32, i32, f64)> {
    let prior = prior();
    let table = prior.region("all")?;
    // Hour-of-week masses at whole-hour offsets −12 … +14.
    let mut total = 0.0;
    for day in table {
        total += day.iter().sum::<f64>();
    }
    let offsets: Vec<i32> = (-12..=14).collect();
    // masses[i][u]: share of activity in UTC hour-of-week u at offsets[i].
    let masses: Vec<Vec<f64>> = offsets
        .iter()
        .map(|&o| {
            (0..168)
                .map(|u| {
                    let local = (u + o).rem_euclid(168) as usize;
                    (1.0 - EPSILON) * table[local / 24][local % 24] / total + EPSILON / 168.0
                })
                .collect()
        })
        .collect();
    let nonzero = nonzero_bins(obs);
    let single = masses
        .iter()
        .map(|m| nonzero.iter().map(|&(u, n)| n * m[u].ln()).sum::<f64>())
        .fold(f64::NEG_INFINITY, f64::max);
    let mixture = |a: usize, b: usize, w: f64| -> f64 {
        nonzero
            .iter()
            .map(|&(u, n)| n * (w * masses[a][u] + (1.0 - w) * masses[b][u]).ln())
            .sum()
    };
    let apart = |a: usize, b: usize| b > a && offsets[b] - offsets[a] >= 6;
    // Coarse grid (2-hour steps, three weights), then refine around the best
    // pair (±1 hour, five weights): a fifth of the logarithms of a full search.
    let mut best = (f64::NEG_INFINITY, 0usize, 0usize, 0.0f64);
    for a in (0..offsets.len()).step_by(2) {
        for b in (a..offsets.len()).step_by(2) {
            if !apart(a, b) {
                continue;
            }
            for w in [0.3, 0.5, 0.7] {
                let ll = mixture(a, b, w);
                if ll > best.0 {
                    best = (ll, a, b, w);
                }
            }
        }
    }
    let (_, ca, cb, _) = best;
    for a in ca.saturating_sub(1)..=(ca + 1).min(offsets.len() - 1) {
        for b in cb.saturating_sub(1)..=(cb + 1).min(offsets.len() - 1) {
            if !apart(a, b) {
                continue;
            }
            for w in [0.3, 0.4, 0.5, 0.6, 0.7] {
                let ll = mixture(a, b, w);
                if ll > best.0 {
                    best = (ll, a, b, w);
                }
            }
        }
    }
    if best.0 == f64::NEG_INFINITY {
        return None;
    }
    let best = (best.0, offsets[best.1] * 60, offsets[best.2] * 60, best.3);
    Some((best.0 - single, best.1, best.2, best.3))
}

/// Local hour of day (0–23) at which the quietest `window`-hour stretch
/// begins, and the share of activity inside it, for hour-of-day counts.
pub fn quietest_window(by_hour: &[u64; 24], window: usize) -> (usize, f64) {
    let total: u64 = by_hour.iter().sum();
    if total == 0 {
        return (0, 0.0);
    }
    (0..24)
        .map(|start| {
            let s: u64 = (0..window).map(|k| by_hour[(start + k) % 24]).sum();
            (start, s as f64 / total as f64)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        .unwrap_or((0, 0.0))
}

/// Activity per claimed-local hour of day, given each commit's claimed offset.
pub fn by_local_hour<'a>(
    records: impl IntoIterator<Item = &'a CommitRecord>,
    offset_at: impl Fn(i64) -> i32,
) -> [u64; 24] {
    let mut out = [0u64; 24];
    for r in records {
        let local = r.author_time + offset_at(r.author_time) as i64 * 60;
        out[(local.rem_euclid(DAY) / 3600) as usize] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Observations drawn deterministically from the prior at a given offset:
    /// a person keeping the hours of the region that offset lies in.
    fn synthetic(offset_h: i32, weeks: u32) -> [u32; 168] {
        let home = region_log_weights(offset_h * 60)
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i)
            .unwrap();
        let table = prior().region(REGIONS[home]).unwrap();
        let mut obs = [0u32; 168];
        for (w, day) in table.iter().enumerate() {
            for (h, f) in day.iter().enumerate() {
                let local = (w * 24 + h) as i32;
                let utc = (local - offset_h).rem_euclid(168) as usize;
                obs[utc] += (f * 40.0 * weeks as f64).round() as u32;
            }
        }
        obs
    }

    /// The same observations one hour later in UTC (bins wrap over the week).
    fn an_hour_later(obs: &[u32; 168]) -> [u32; 168] {
        std::array::from_fn(|u| obs[(u + 167) % 168])
    }

    #[test]
    fn a_daylight_saving_clock_reads_at_its_standard_offset() {
        // A Berliner: 20 winter weeks at +01:00, 32 summer weeks at +02:00.
        let (winter, summer) = (synthetic(1, 20), synthetic(2, 32));
        let plain: [u32; 168] = std::array::from_fn(|u| winter[u] + summer[u]);
        let under_europe: [u32; 168] = {
            let later = an_hour_later(&summer);
            std::array::from_fn(|u| winter[u] + later[u])
        };
        let seasonal = SeasonalObservations {
            plain,
            by_rule: Some([plain, under_europe, plain]),
        };
        let berliner = infer_seasonal(&seasonal).unwrap();
        assert_eq!(berliner.utc_offset_hours, 1.0);
        // Her clock: +02:00 on 2024-07-10, +01:00 on 2024-01-10.
        assert_eq!(berliner.summer_time, Some(chrono_tz::Europe::Berlin));
        assert_eq!(berliner.clock_offset_minutes(1_720_605_600), 120);
        assert_eq!(berliner.clock_offset_minutes(1_704_880_800), 60);
        // Read as one clock, the summer pulls her east.
        assert!(infer(&plain).unwrap().utc_offset_hours > 1.0);
        // Standard time all year at +03:00 (Istanbul): no rule applies there.
        let istanbul = synthetic(3, 52);
        let seasonal = SeasonalObservations {
            plain: istanbul,
            by_rule: Some([istanbul, an_hour_later(&istanbul), istanbul]),
        };
        let istanbul = infer_seasonal(&seasonal).unwrap();
        assert_eq!(istanbul.utc_offset_hours, 3.0);
        assert_eq!(istanbul.summer_time, None);
        assert_eq!(istanbul.clock_offset_minutes(1_720_605_600), 180);
    }

    #[test]
    fn seasonal_readings_follow_each_rule_summer() {
        let at = |author_time: i64| CommitRecord {
            id: [0; 20],
            author_time,
            committer_time: author_time,
            contributor: 0,
            committer: 0,
            author_offset: 0,
            committer_offset: 0,
            flags: 0,
            repo: 0,
            provenance: Default::default(),
        };
        // 2024-07-10 (a Wednesday) and 2024-01-10 (a Wednesday), 10:00 UTC.
        let records = [at(1_720_605_600), at(1_704_880_800)];
        let s = seasonal_observations(&active_hours(&records));
        let wednesday = |h: usize| 2 * 24 + h;
        assert_eq!(s.plain[wednesday(10)], 2);
        let [us, europe, australia] = s.by_rule.unwrap();
        // July: summer in New York and Berlin, winter in Sydney.
        assert_eq!((us[wednesday(11)], us[wednesday(10)]), (1, 1));
        assert_eq!((europe[wednesday(11)], europe[wednesday(10)]), (1, 1));
        // January: summer in Sydney only.
        assert_eq!((australia[wednesday(11)], australia[wednesday(10)]), (1, 1));
    }

    #[test]
    fn prior_loads_all_regions() {
        let p = prior();
        for r in ["all", "Americas", "Europe-Africa", "Asia-Pacific"] {
            let t = p.region(r).unwrap();
            let s: f64 = t.iter().flatten().sum();
            assert!((s - 1.0).abs() < 1e-3, "{r} sums to {s}");
        }
    }

    #[test]
    fn recovers_offsets() {
        for offset in [-8, -5, 0, 1, 3, 8, 9] {
            let inf = infer(&synthetic(offset, 26)).unwrap();
            assert!(
                (inf.utc_offset_hours - offset as f64).abs() <= 1.0,
                "offset {offset}: inferred {}",
                inf.utc_offset_hours
            );
            assert!(inf.interval_90[0] <= offset as f64 && offset as f64 <= inf.interval_90[1]);
        }
    }

    /// A team at +03:00 whose whole day runs an hour later than the curve
    /// looks like +02:00 to the model; the reported interval still reaches
    /// +03:00, the model's own (what rules read) does not.
    #[test]
    fn the_reported_interval_allows_a_late_team() {
        const LATE: usize = 1;
        let on_time = synthetic(3, 26);
        let mut late = [0u32; 168];
        for (utc, n) in on_time.iter().enumerate() {
            late[(utc + LATE) % 168] = *n;
        }
        let inf = infer(&late).unwrap();
        assert_eq!(inf.utc_offset_hours, 2.0);
        assert!(
            inf.model_interval_90[1] < 3.0,
            "{:?}",
            inf.model_interval_90
        );
        assert!(inf.interval_90[1] >= 3.0, "{:?}", inf.interval_90);
        assert_eq!(inf.interval_90[0], inf.model_interval_90[0]);
    }

    proptest::proptest! {
        /// Any activity: the interval holds the point estimate, the
        /// posterior is a distribution, the confidence a share.
        #[test]
        fn the_interval_holds_the_point_estimate(cells in proptest::collection::vec(0u32..6, 168)) {
            let mut obs = [0u32; 168];
            obs.copy_from_slice(&cells);
            if let Some(inf) = infer(&obs) {
                proptest::prop_assert!(inf.interval_90[0] <= inf.utc_offset_hours);
                proptest::prop_assert!(inf.utc_offset_hours <= inf.interval_90[1]);
                proptest::prop_assert!(inf.model_interval_90[0] <= inf.utc_offset_hours);
                proptest::prop_assert!(inf.utc_offset_hours <= inf.model_interval_90[1]);
                proptest::prop_assert!(inf.interval_90[0] <= inf.model_interval_90[0]);
                proptest::prop_assert!(inf.model_interval_90[1] <= inf.interval_90[1]);
                proptest::prop_assert!((0.0..=1.0).contains(&inf.confidence));
                let total: f64 = inf.posterior.iter().sum();
                proptest::prop_assert!((total - 1.0).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn quiet_window() {
        let mut h = [10u64; 24];
        for v in &mut h[2..8] {
            *v = 0;
        }
        assert_eq!(quietest_window(&h, 6), (2, 0.0));
    }
}
