//! Conservation on randomly generated organisations: every contact that arrives is resolved,
//! abandoned, blocked, lost or still in the system, per channel and overall. The engine checks
//! this at the end of every run and fails loudly; these properties drive it over random
//! scenarios with every mechanism switched on and off.

use proptest::prelude::*;
use std::collections::BTreeMap;
use tiersim::engine::{RunOptions, simulate};
use tiersim::model::compile;
use tiersim::scenario::*;

fn mins(m: f64) -> Dur {
    Dur::from_mins(m)
}

#[derive(Debug, Clone)]
struct Knobs {
    teams: usize,
    channels: usize,
    agents: Vec<u32>,
    resolve: Vec<f64>,
    lose: Vec<f64>,
    availability: Vec<f64>,
    rate: Vec<f64>,
    lines: Vec<Option<u32>>,
    patience: Vec<Option<f64>>,
    retry: Vec<Option<f64>>,
    forget: Vec<f64>,
    self_service: Vec<f64>,
    triage: Option<f64>,
    priority_queue: bool,
    opening: bool,
    seed: u64,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (1usize..=4, 1usize..=3)
        .prop_flat_map(|(t, c)| {
            (
                (
                    Just(t),
                    Just(c),
                    prop::collection::vec(0u32..4, t),
                    prop::collection::vec(0.2f64..1.0, t),
                    prop::collection::vec(0.0f64..0.2, t),
                    prop::collection::vec(prop_oneof![Just(1.0), 0.2f64..1.0], t),
                ),
                (
                    prop::collection::vec(1.0f64..40.0, c),
                    prop::collection::vec(prop::option::of(1u32..6), c),
                    prop::collection::vec(prop::option::of(0.5f64..20.0), c),
                    prop::collection::vec(prop::option::of(0.0f64..1.0), c),
                    prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..0.5], c),
                    prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..1.0], c),
                ),
                (
                    prop::option::of(0.3f64..1.0),
                    any::<bool>(),
                    any::<bool>(),
                    any::<u64>(),
                ),
            )
        })
        .prop_map(
            |(
                (teams, channels, agents, resolve, lose, availability),
                (rate, lines, patience, retry, forget, self_service),
                (triage, priority_queue, opening, seed),
            )| Knobs {
                teams,
                channels,
                agents,
                resolve,
                lose,
                availability,
                rate,
                lines,
                patience,
                retry,
                forget,
                self_service,
                triage,
                priority_queue,
                opening,
                seed,
            },
        )
}

fn scenario(k: &Knobs) -> Scenario {
    let types = vec!["a".to_string(), "b".to_string()];
    let team_name = |i: usize| format!("T{i}");
    let teams = (0..k.teams)
        .map(|i| {
            // Team i passes forward to i+1 (and the last back to the first): cycles are possible,
            // but every team resolves or loses with positive probability, so they end.
            let mut pass = BTreeMap::new();
            let rest = 1.0 - k.resolve[i] - k.lose[i].min(1.0 - k.resolve[i]);
            if k.teams > 1 && rest > 0.0 {
                pass.insert(team_name((i + 1) % k.teams), rest);
            }
            let lose = if pass.is_empty() {
                1.0 - k.resolve[i]
            } else {
                k.lose[i].min(1.0 - k.resolve[i])
            };
            Team {
                name: team_name(i),
                agents: k.agents[i],
                schedule: if i == 0 {
                    vec![(Clock::parse("10:00").unwrap(), k.agents[i] + 1)]
                } else {
                    vec![]
                },
                schedule_by_day: Vec::new(),
                availability: k.availability[i],
                duty_cycle: Some(mins(30.0)),
                handling: BTreeMap::from([
                    ("a".into(), Dist::Exponential { mean: mins(4.0) }),
                    (
                        "*".into(),
                        Dist::LogNormal {
                            mean: mins(6.0),
                            sd: mins(3.0),
                        },
                    ),
                ]),
                discipline: if k.priority_queue {
                    Discipline::Priority
                } else {
                    Discipline::Fifo
                },
                routes: BTreeMap::from([(
                    "*".into(),
                    Route {
                        resolve: k.resolve[i],
                        pass,
                        lose,
                    },
                )]),
                triage: if i == 0 {
                    k.triage.map(|accuracy| Triage {
                        accuracy,
                        confused_with: (0..k.teams).map(team_name).collect(),
                    })
                } else {
                    None
                },
                cost_per_hour: None,
                reopen: BTreeMap::new(),
                concurrency: BTreeMap::new(),
                wrap_up: BTreeMap::new(),
                shifts: Vec::new(),
                temporary: Vec::new(),
                cost_per_contact: None,
                // Blending and time-triggered escalation (up the chain, never back), on some seeds.
                blend: (i == 0 && k.seed % 5 < 2).then_some(if k.seed.is_multiple_of(5) {
                    Blend::LiveFirst
                } else {
                    Blend::Reserve(1)
                }),
                escalate: (i + 1 < k.teams && (k.seed >> 7).is_multiple_of(2)).then(|| Escalate {
                    after: mins(20.0),
                    to: team_name(i + 1),
                }),
            }
        })
        .collect();
    let channels = (0..k.channels)
        .map(|c| Channel {
            name: format!("C{c}"),
            kind: if c == 0 {
                ChannelKind::Phone
            } else {
                ChannelKind::Email
            },
            arrivals: Some(if c == 1 {
                Arrivals::Daily {
                    per_day: k.rate[c] * 10.0,
                    weekdays: None,
                    intraday: Some(Profile {
                        from: Clock::parse("08:00").unwrap(),
                        weights: vec![1.0, 3.0, 2.0, 0.0, 1.0],
                    }),
                }
            } else {
                Arrivals::Poisson {
                    per_hour: k.rate[c],
                }
            }),
            mix: BTreeMap::from([("a".into(), 0.4), ("b".into(), 0.6)]),
            priorities: Some(BTreeMap::from([
                (Priority::Urgent, 0.1),
                (Priority::Medium, 0.7),
                (Priority::Low, 0.2),
            ])),
            entry: team_name(c % k.teams),
            entry_by_type: BTreeMap::new(),
            after_hours: None,
            // Every closing policy, varied by the seed and the channel.
            at_closing: match (k.seed >> (2 * c)) % 4 {
                0 => None,
                1 => Some(AtClosing::Wait),
                2 => Some(AtClosing::Disconnect(Disconnected::Blocked)),
                _ => Some(AtClosing::Disconnect(Disconnected::Abandoned)),
            },
            lines: k.lines[c],
            patience: k.patience[c].map(|m| Dist::Exponential { mean: mins(m) }),
            retry: k.retry[c].map(|prob| Retry {
                prob,
                delay: Dist::Uniform {
                    min: mins(1.0),
                    max: mins(30.0),
                },
                max_attempts: 3,
                channel: None,
                raise_priority: true,
            }),
            forget: k.forget[c],
            chase: (c == 0).then(|| Chase {
                prob: 0.5,
                after: Dist::Exponential { mean: mins(45.0) },
                channel: Some(format!("C{}", k.channels - 1)),
            }),
            self_service: Some(SelfService {
                resolves: BTreeMap::from([("a".into(), k.self_service[c])]),
                time: Some(Dist::Deterministic(mins(2.0))),
            }),
            // Callbacks on the phone channel, on some seeds, with calls back that can fail.
            callback: (c == 0 && (k.seed >> 9).is_multiple_of(2)).then(|| Callback {
                threshold: mins(1.0),
                accept: 0.6,
                reach: 0.7,
                dial: mins(0.5),
                retry_after: mins(10.0),
                max_tries: 3,
            }),
        })
        .collect();
    Scenario {
        name: "random".into(),
        description: String::new(),
        calendar: Calendar {
            days: 2,
            start: Weekday::Fri,
            open: k.opening.then(|| {
                vec![Opening {
                    days: vec![
                        Weekday::Mon,
                        Weekday::Tue,
                        Weekday::Wed,
                        Weekday::Thu,
                        Weekday::Fri,
                        Weekday::Sat,
                    ],
                    from: Clock::parse("08:00").unwrap(),
                    to: Clock::parse("18:00").unwrap(),
                }]
            }),
            interval: mins(30.0),
            warmup: mins(90.0),
        },
        incident_types: types,
        // Incident streams too, on some seeds: one preferring a channel that does not exist
        // (so it falls back to the last one), with its own rate.
        demand: if k.seed.is_multiple_of(3) {
            vec![IncidentStream {
                name: "customers".into(),
                arrivals: Arrivals::Poisson {
                    per_hour: k.rate[0],
                },
                mix: BTreeMap::from([("a".into(), 0.3), ("b".into(), 0.7)]),
                priorities: None,
                prefer: "nowhere".into(),
                fallback: vec![format!("C{}", k.channels - 1)],
                customers: None,
            }]
        } else {
            vec![]
        },
        channels,
        teams,
        pools: Vec::new(),
        targets: Targets {
            answer_within: vec![Dur::from_secs(20.0)],
            sla: BTreeMap::from([(
                Priority::Urgent,
                Sla {
                    response: Some(mins(10.0)),
                    resolution: Some(mins(60.0)),
                    clock: None,
                },
            )]),
            ..Targets::default()
        },
        urgency: None,
        mentions: Vec::new(),
        monitoring: Vec::new(),
        business_hours: Vec::new(),
        priorities_by_type: BTreeMap::new(),
        waiting_on_customer: BTreeMap::new(),
        routing: Default::default(),
        skills: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_contact_is_accounted_for(k in knobs()) {
        let s = scenario(&k);
        let src = Source { path: "random.ron".into(), text: String::new() };
        let m = compile(&s, &src).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // simulate() returns Err if conservation fails for any channel or overall.
        let out = simulate(&m, k.seed, 0, &RunOptions { trace: true }).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let all = &out.collector.scopes[0];
        // Incidents: everything that started after warm-up ended (resolved or not) or is open.
        let first_contacts = all.arrived - all.duplicates;
        prop_assert!(all.incidents + all.incidents_open_end <= first_contacts + out.trace.iter().filter(|t| t.attempt == 1 && t.arrival < m.warmup).count() as u64);
        // An incident ends resolved, unresolved, or deflected (a later attempt self-served).
        prop_assert!(all.incidents_resolved + all.incidents_unresolved + all.cases.incidents_deflected == all.incidents);
        // The trace holds one record per ended attempt.
        prop_assert!(out.trace.len() as u64 >= all.resolved + all.abandoned + all.blocked + all.lost);
        // Team utilisation is a share.
        // Agents present while open never exceed the largest roster.
        for (t, tm) in out.collector.teams.iter().zip(&m.teams) {
            prop_assert!(t.busy_area <= t.capacity_area * (1.0 + 1e-9));
            let roster = f64::from(*tm.agents.iter().max().unwrap_or(&0));
            prop_assert!(t.capacity_area <= t.open_time * roster * (1.0 + 1e-9) + 1e-6);
        }
    }
}
