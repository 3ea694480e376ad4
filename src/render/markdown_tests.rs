//! Tests of the plan as Markdown: snapshots, limits, splitting, hostile strings, and a property
//! test over random plans. (A file of its own so that markdown.rs stays readable; the snapshots
//! keep the names and folder of `render::markdown::tests`.)

use super::*;
use crate::plan::fixtures;

/// Checks that every code fence and `<details>` element opened is closed, the way CommonMark
/// reads fences (a closing fence is at least as long as the opening one).
fn assert_balanced(md: &str) {
    let mut fence: Option<usize> = None;
    let mut details = 0i64;
    for line in md.lines() {
        let ticks = longest_leading_ticks(line);
        match fence {
            Some(n) => {
                if ticks >= n && line.trim_start_matches('`').trim().is_empty() {
                    fence = None;
                }
            }
            None => {
                if ticks >= 3 {
                    fence = Some(ticks);
                } else if line.starts_with("<details") {
                    details += 1;
                } else if line.starts_with("</details>") {
                    details -= 1;
                    assert!(details >= 0, "</details> without <details>:\n{md}");
                }
            }
        }
    }
    assert!(fence.is_none(), "a code block is left open");
    assert_eq!(details, 0, "a <details> element is left open");
}

fn longest_leading_ticks(line: &str) -> usize {
    line.len() - line.trim_start_matches('`').len()
}

/// The lines inside the `All N changes` code blocks of these parts.
fn change_lines(parts: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for md in parts {
        let mut in_details = false;
        let mut fence: Option<usize> = None;
        for line in md.lines() {
            if line.starts_with("<details><summary>All") {
                in_details = true;
            } else if line.starts_with("</details>") {
                in_details = false;
            } else if in_details {
                let ticks = longest_leading_ticks(line);
                match fence {
                    None if ticks >= 3 => fence = Some(ticks),
                    Some(n) if ticks >= n => fence = None,
                    Some(_) => out.push(line.to_string()),
                    None => {}
                }
            }
        }
    }
    out
}

#[test]
fn plan_as_markdown() {
    let md = markdown(&fixtures::plan());
    assert_balanced(&md);
    insta::assert_snapshot!(md);
}

#[test]
fn one_platform_as_markdown() {
    insta::assert_snapshot!(markdown(&fixtures::small()));
}

#[test]
fn basespace_manual_steps_as_markdown() {
    let md = markdown(&fixtures::with_basespace());
    assert_balanced(&md);
    assert!(md.contains("| manual (BaseSpace) |"));
    assert!(md.contains("#### BaseSpace: 3 manual steps (cannot be verified by API)"));
    assert!(md.contains("- [ ] Open the USERS tab and select Invite"));
    insta::assert_snapshot!(md);
    // Split, every manual step is in one part.
    let parts = markdown_parts(&fixtures::with_basespace(), MIN_PART_LIMIT);
    let steps: usize = parts
        .iter()
        .map(|p| p.matches("<sub>`basespace/").count())
        .sum();
    assert_eq!(steps, 3);
}

#[test]
fn empty_plan_as_markdown() {
    insta::assert_snapshot!(markdown(&fixtures::empty()), @r"
    ### roster plan: no changes

    **No changes.** The platform matches the config.

    <sub>roster `0.1.0` · plan format `1` · desired state `e3b0c44298fc…`</sub>
    ");
}

#[test]
fn markdown_is_deterministic() {
    let plan = fixtures::plan();
    assert_eq!(markdown(&plan), markdown(&plan.clone()));
    assert_eq!(markdown_parts(&plan, 4_000), markdown_parts(&plan, 4_000));
}

#[test]
fn a_plan_that_fits_is_one_part_equal_to_the_comment() {
    let plan = fixtures::plan();
    assert_eq!(markdown_parts(&plan, 65_536), vec![markdown(&plan)]);
}

#[test]
fn a_huge_plan_is_shortened_with_a_note() {
    let plan = fixtures::many(5_000);
    let md = markdown(&plan);
    assert!(md.len() <= MARKDOWN_LIMIT, "{} bytes", md.len());
    assert!(md.chars().count() <= MARKDOWN_LIMIT);
    assert_balanced(&md);
    assert!(
        md.ends_with(
            "or post it in several comments with `roster plan --format markdown --split PREFIX`.\n"
        ),
        "{}",
        &md[md.len() - 600..]
    );
    let shown = change_lines(std::slice::from_ref(&md))
        .iter()
        .filter(|l| l.starts_with('+'))
        .count();
    let note = format!("{} of 5,000 changes", count(5_000 - shown));
    assert!(md.contains(&note), "the note says {note}");
    assert!(md.contains("Run `roster plan` locally or see the job log"));
    // Every section got a share: the access summary and the risky changes are there.
    assert!(md.contains("#### Who gains and who loses access (5,000 users)"));
    assert!(md.contains("#### Risky changes (500)"));
    assert!(shown > 100, "{shown} changes shown");
}

#[test]
fn a_huge_plan_splits_into_parts_that_cover_every_change_once() {
    let plan = fixtures::many(5_000);
    let parts = markdown_parts(&plan, 65_536);
    assert!(parts.len() > 2, "{} parts", parts.len());
    let n = parts.len();
    for (i, part) in parts.iter().enumerate() {
        assert!(
            part.len() <= 65_536,
            "part {} is {} bytes",
            i + 1,
            part.len()
        );
        assert!(
            part.starts_with(&format!("### roster plan, part {} of {n}: ", i + 1)),
            "part {} says which it is",
            i + 1
        );
        assert_balanced(part);
    }
    // Each change line names its member (`+   member user:… (role: …)`): count them.
    let mut listed = std::collections::BTreeMap::<&str, usize>::new();
    let lines = change_lines(&parts);
    for line in lines.iter().filter(|l| l.starts_with('+')) {
        let name = line.split_whitespace().nth(2).expect("a member line");
        *listed.entry(name).or_default() += 1;
    }
    for c in &plan.changes {
        let name = c.address.subject();
        assert_eq!(
            listed.get(name.as_str()),
            Some(&1),
            "{} is listed once",
            c.address
        );
    }
    assert_eq!(listed.len(), plan.changes.len());
}

#[test]
fn parts_repeat_the_group_heading_and_reopen_the_details() {
    let parts = markdown_parts(&fixtures::many(400), 8_000);
    assert!(parts.len() > 2);
    let last = parts.last().unwrap();
    assert!(last.contains("<details><summary>All 400 changes (continued)</summary>"));
    assert!(
        last.contains("````diff\n  organization biocommons\n+   member")
            || last.contains("```diff\n  organization biocommons\n+   member")
    );
}

#[test]
fn small_limits_are_raised_and_every_part_stays_within_its_limit() {
    let plan = fixtures::plan();
    for limit in [0, 100, MIN_PART_LIMIT, 2_500, 3_000, 5_000] {
        for part in markdown_parts(&plan, limit) {
            assert!(part.len() <= limit.max(MIN_PART_LIMIT));
            assert_balanced(&part);
        }
    }
}

#[test]
fn an_item_too_large_for_a_part_is_cut_with_a_note() {
    let mut plan = fixtures::small();
    let long: String = (0..3_000).map(|i| format!("line {i}\n")).collect();
    plan.changes[1]
        .after
        .as_mut()
        .unwrap()
        .insert("description".into(), long.into());
    let parts = markdown_parts(&plan, 10_000);
    assert!(parts.iter().all(|p| p.len() <= 10_000));
    assert!(
        parts
            .iter()
            .any(|p| p.contains("… (cut to fit the comment)"))
    );
    parts.iter().for_each(|p| assert_balanced(p));
    let md = markdown(&plan);
    assert!(md.len() <= MARKDOWN_LIMIT);
    assert_balanced(&md);
}

#[test]
fn nothing_in_the_plan_breaks_out_of_a_code_block_or_details() {
    let mut plan = fixtures::small();
    let evil = "```\n</details>\n# heading\n````\n<script>x</script> @everyone";
    plan.changes[1]
        .after
        .as_mut()
        .unwrap()
        .insert("description".into(), evil.into());
    plan.changes[0].note = Some(evil.into());
    plan.access[0].user = "```".into();
    plan.unmanaged[0].reason = evil.into();
    plan.unmanaged[0].address = crate::plan::Address::org("a`b``c");
    plan.violations.push(crate::plan::Violation {
        rail: crate::plan::Rail::Destroy,
        message: evil.into(),
        override_flag: crate::plan::OverrideFlag::AllowDestroy,
        addresses: vec![crate::plan::Address::workspace("<details>", "`--x`")],
        overridden: false,
    });
    let md = markdown(&plan);
    assert_balanced(&md);
    // The description sits in a code block with a longer fence.
    assert!(md.contains("`````diff\n"));
    // In prose, it is escaped.
    assert!(md.contains("\\<script\\>"));
    assert!(md.contains("\\@everyone"));
    assert!(!md.lines().any(|l| l.starts_with("# heading")));
    assert!(md.contains("``org/a`b``c``") || md.contains("```org/a`b``c```"));
}

#[test]
fn unicode_and_long_values_are_safe() {
    let mut plan = fixtures::plan();
    for c in &mut plan.changes {
        c.org = format!("{}-ü", c.org);
        c.note = Some("Génomique 基因组学 🧬 ".repeat(2_000));
    }
    let md = markdown(&plan);
    assert!(md.len() <= MARKDOWN_LIMIT);
    assert_balanced(&md);
    for part in markdown_parts(&plan, 65_536) {
        assert!(part.len() <= 65_536);
        assert_balanced(&part);
    }
}

mod props {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;
    use crate::plan::*;

    /// Strings as a plan might hold them, hostile ones included: fences, HTML, escapes,
    /// control characters, newlines, any Unicode.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9@._:/=-]{0,16}",
            "\\PC{0,40}",
            "(?s).{0,80}",
            "(```|````|`|</details>|<details>|\n|\u{1b}\\[31m|\u{202e}|@all|\\||#|> |- |x){0,12}",
        ]
    }

    /// A name as an address may hold one: hostile, but without the `/` and `#` that
    /// separate an address's parts, and not blank.
    fn name() -> impl Strategy<Value = String> {
        text()
            .prop_map(|s| s.replace(['/', '#'], "|").trim().to_string())
            .prop_filter("not blank", |s| !s.is_empty())
    }

    /// Addresses of every shape, with hostile names.
    fn address() -> impl Strategy<Value = Address> {
        (name(), name(), name(), 0..4u8).prop_map(|(o, w, x, shape)| match shape {
            0 => Address::org(&o),
            1 => Address::workspace(&o, &w),
            2 => Address::label(&o, &w, &x, None),
            _ => Address::participant(&o, &w, crate::scope::Principal::user(&x)),
        })
    }

    fn attrs() -> impl Strategy<Value = Option<Attrs>> {
        proptest::option::of(proptest::collection::btree_map(
            "[a-zA-Z]{1,8}",
            prop_oneof![
                text().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                Just(Value::Null),
            ],
            0..4,
        ))
    }

    fn change() -> impl Strategy<Value = Change> {
        (
            (address(), 0..3u8, 0..8u8, text(), text()),
            (proptest::option::of(text()), attrs(), attrs()),
            (
                proptest::collection::vec(0..4u8, 0..3),
                proptest::option::of(text()),
                0..4u32,
            ),
        )
            .prop_map(
                |(
                    (address, action, kind, platform, org),
                    (workspace, before, after),
                    (risks, note, wave),
                )| {
                    Change {
                        address,
                        role: None,
                        participant_type: None,
                        action: [Action::Create, Action::Update, Action::Delete][action as usize],
                        kind: [
                            Kind::Organization,
                            Kind::Member,
                            Kind::Team,
                            Kind::TeamMember,
                            Kind::Workspace,
                            Kind::Studios,
                            Kind::Label,
                            Kind::Participant,
                        ][kind as usize],
                        platform,
                        org,
                        workspace,
                        before,
                        after,
                        risks: risks
                            .into_iter()
                            .map(|r| {
                                [
                                    Risk::GrantsOwner,
                                    Risk::GrantsAdmin,
                                    Risk::RemovesAccess,
                                    Risk::Destructive,
                                ][r as usize]
                            })
                            .collect(),
                        depends_on: vec![],
                        wave,
                        note,
                        expired: None,
                        exec: Exec::RemoveMember {
                            org_id: 1,
                            member_id: 2,
                        },
                    }
                },
            )
    }

    fn plan() -> impl Strategy<Value = Plan> {
        let texts = || proptest::collection::vec(text(), 0..3);
        (
            proptest::collection::vec(change(), 0..30),
            proptest::collection::vec(
                (text(), texts(), texts(), texts()).prop_map(|(user, gains, changes, loses)| {
                    AccessChange {
                        user,
                        gains,
                        changes,
                        loses,
                        ..AccessChange::default()
                    }
                }),
                0..6,
            ),
            proptest::collection::vec(
                (address(), text()).prop_map(|(address, reason)| Unmanaged { address, reason }),
                0..3,
            ),
            proptest::collection::vec(
                (
                    0..6usize,
                    text(),
                    proptest::collection::vec(address(), 0..4),
                    any::<bool>(),
                )
                    .prop_map(|(rail, message, addresses, overridden)| Violation {
                        rail: Rail::ALL[rail],
                        message,
                        override_flag: Rail::ALL[rail].override_flag(),
                        addresses,
                        overridden,
                    }),
                0..3,
            ),
            proptest::collection::vec(
                (text(), text(), text()).prop_map(|(platform, endpoint, acting_user)| Target {
                    platform,
                    endpoint,
                    token_env: "TOWER_ACCESS_TOKEN".to_string(),
                    acting_user,
                    fingerprints: BTreeMap::new(),
                    scope: Default::default(),
                }),
                0..3,
            ),
            proptest::option::of(proptest::collection::vec(address(), 0..4)),
            (text(), text()),
        )
            .prop_map(
                |(
                    changes,
                    access,
                    unmanaged,
                    violations,
                    targets,
                    scope,
                    (roster_version, desired_digest),
                )| {
                    Plan {
                        summary: summarize(&changes),
                        changes,
                        access,
                        unmanaged,
                        violations,
                        targets,
                        scope,
                        roster_version,
                        desired_digest,
                        ..fixtures::empty()
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Any plan renders without panicking, within its limits, with every code block and
        /// `<details>` element closed, and the coloured text is the plain text styled.
        #[test]
        fn any_plan_renders_safely(plan in plan(), limit in 4_000usize..12_000) {
            let plain = crate::render::text(&plan, false);
            prop_assert!(!plain.contains('\x1b'), "no escape codes without colour");
            let coloured = crate::render::text(&plan, true);
            prop_assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain);

            let md = markdown(&plan);
            prop_assert!(md.len() <= MARKDOWN_LIMIT);
            assert_balanced(&md);

            let short = Doc::new(&plan).single(limit);
            prop_assert!(short.len() <= limit, "{} > {limit}", short.len());
            assert_balanced(&short);

            for part in markdown_parts(&plan, limit / 2) {
                prop_assert!(part.len() <= (limit / 2).max(MIN_PART_LIMIT));
                assert_balanced(&part);
            }

            let json = crate::render::json(&plan);
            let back: Plan = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, plan);
        }
    }
}
