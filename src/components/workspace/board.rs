//! The canvas's board: the account as lanes of cards (users, groups, roles, customer-managed
//! policies, the AWS-managed policies in use, resources) with the root user and the
//! organization above them, and an SVG layer drawing membership and attachment links between
//! the cards. The canvas (`canvas`) shows it for an account with entities; the release build
//! fetches its code once the first view has rendered (an empty account is drawn without it).
//! The lines are measured from the laid-out cards, so they follow any layout the stylesheet
//! chooses; on phones the stylesheet hides them and the cards' chips say the same.
//!
//! A real account has thousands of roles: each lane is windowed (`lane_list`: only the cards in
//! or near the viewport are mounted, plus the selected and the focused one), links are drawn
//! between mounted cards only, and a search box above the lanes filters them by name, path, tag
//! and attached policy (the engine's `scenario::search` decides what matches) and groups them
//! by path or by attached policies, with counts ("37 of 5,000").

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use iam_engine::scenario::search::{
    EntityList, EntityQuery, GroupBy, SearchMatches, group_entities, search,
};
use iam_engine::scenario::{Scenario, Target};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use super::card::Card;
use super::ctx::{CanvasCtx, card_selector, connect, focus_later};
use super::frame::{self, CanvasStateProps};
use super::lane_list::{LaneList, Row};
use super::lanes::Lane;
use super::link_layer::{Drawn, KeyedLink, measure};
use super::links::{CardKey, Link, aws_in_use, change_marks, links, links_by_policy, path_drawing};
use super::path_banner::PathBanner;
use crate::analysis::account::{Comparison, EscalationProgress};
use crate::store::use_store;
use crate::text::thousands;

/// One lane's rows as shown (filtered and grouped) and its counts.
#[derive(PartialEq)]
struct LaneRows {
    lane: Lane,
    rows: Rc<Vec<Row>>,
    keys: Rc<Vec<String>>,
    /// How many cards match the search.
    shown: usize,
    /// How many cards the lane has.
    total: usize,
}

/// The lanes' rows for a search and a grouping.
fn lane_rows(
    scenario: &Scenario,
    matches: &SearchMatches,
    query: &EntityQuery,
    aws: &[String],
    by: GroupBy,
) -> Vec<LaneRows> {
    let grouped = |list: EntityList, members: &[usize], card: &dyn Fn(usize) -> Option<CardKey>| {
        let mut rows = Vec::with_capacity(members.len());
        for group in group_entities(scenario, list, members, by) {
            if !group.label.is_empty() {
                rows.push(Row::Head {
                    label: group.label,
                    count: group.members.len(),
                });
            }
            rows.extend(group.members.iter().filter_map(|&i| card(i)).map(Row::Card));
        }
        rows
    };
    Lane::ALL
        .iter()
        .map(|&lane| {
            let (rows, shown, total) = match lane {
                Lane::Users => (
                    grouped(EntityList::Users, &matches.users, &|i| {
                        scenario.users.get(i).map(|u| CardKey::User(u.name.clone()))
                    }),
                    matches.users.len(),
                    scenario.users.len(),
                ),
                Lane::Groups => (
                    grouped(EntityList::Groups, &matches.groups, &|i| {
                        scenario
                            .groups
                            .get(i)
                            .map(|g| CardKey::Group(g.name.clone()))
                    }),
                    matches.groups.len(),
                    scenario.groups.len(),
                ),
                Lane::Roles => (
                    grouped(EntityList::Roles, &matches.roles, &|i| {
                        scenario.roles.get(i).map(|r| CardKey::Role(r.name.clone()))
                    }),
                    matches.roles.len(),
                    scenario.roles.len(),
                ),
                Lane::Policies => (
                    grouped(EntityList::Policies, &matches.policies, &|i| {
                        scenario
                            .policies
                            .get(i)
                            .map(|p| CardKey::Policy(p.name.clone()))
                    }),
                    matches.policies.len(),
                    scenario.policies.len(),
                ),
                Lane::Aws => {
                    let rows: Vec<Row> = aws
                        .iter()
                        .filter(|arn| query.matches_aws_policy(arn))
                        .map(|arn| Row::Card(CardKey::Aws(arn.clone())))
                        .collect();
                    let shown = rows.len();
                    (rows, shown, aws.len())
                }
                Lane::Resources => (
                    matches
                        .resources
                        .iter()
                        .filter_map(|&i| scenario.resources.get(i))
                        .map(|r| Row::Card(CardKey::Resource(r.kind, r.name.clone())))
                        .collect(),
                    matches.resources.len(),
                    scenario.resources.len(),
                ),
            };
            let keys = rows.iter().map(Row::key).collect();
            LaneRows {
                lane,
                rows: Rc::new(rows),
                keys: Rc::new(keys),
                shown,
                total,
            }
        })
        .collect()
}

/// The card of the selected entity, if it has one.
fn card_of_target(target: &Target) -> Option<CardKey> {
    Some(match target {
        Target::RootUser => CardKey::Root,
        Target::Organization => CardKey::Organization,
        Target::User { name } => CardKey::User(name.clone()),
        Target::Group { name } => CardKey::Group(name.clone()),
        Target::Role { name } => CardKey::Role(name.clone()),
        Target::Policy { name } => CardKey::Policy(name.clone()),
        Target::AwsPolicy { arn } => CardKey::Aws(arn.clone()),
        Target::Resource {
            resource_kind,
            name,
        } => CardKey::Resource(*resource_kind, name.clone()),
        _ => return None,
    })
}

/// The canvas's callbacks, made once (see [`Canvas`]).
struct Handles {
    on_drag: Callback<Option<CardKey>>,
    on_drop: Callback<(CardKey, CardKey)>,
    on_active: Callback<Option<CardKey>>,
    unpin: Callback<String>,
    announce: Callback<String>,
    focus_card: Callback<CardKey>,
    on_focus: Callback<Option<CardKey>>,
    on_moved: Callback<()>,
}

/// The board: the account strip, the lanes, the link layer and the status line.
#[component]
pub fn Board(props: &CanvasStateProps) -> Html {
    let store = use_store();
    let state = &props.state;
    let dragging = use_state(|| None::<CardKey>);
    let active = use_state(|| None::<CardKey>);
    let pinned = state.pinned.clone();
    let status = state.status.clone();
    let drawn = use_state(Vec::<Drawn>::new);
    let query_text = use_state(String::new);
    let group_by = use_state(GroupBy::default);
    let focused = use_state(|| None::<CardKey>);
    let focus_target = use_state(|| None::<CardKey>);
    let redraw = use_force_update();
    let container = use_node_ref();
    let scenario = store
        .as_ref()
        .map(|s| Rc::clone(&s.scenario))
        .unwrap_or_else(|| Rc::new(Scenario::new("123456789012")));
    let revision = store.as_ref().map_or(0, |s| s.revision);
    let all_links = use_memo(revision, {
        let scenario = Rc::clone(&scenario);
        move |_| links(&scenario)
    });
    let links_now: Rc<Vec<Link>> = Rc::clone(&all_links);
    let policy_links = use_memo(revision, {
        let all_links = Rc::clone(&all_links);
        move |_| links_by_policy(&all_links)
    });
    // The escalation path the analysis view asked to show, looked up in the analysis of this
    // very revision (a path that is gone, or an analysis still following an edit, draws
    // nothing).
    let escalation = use_context::<EscalationProgress>().unwrap_or_default();
    let wanted = store.as_ref().and_then(|s| s.path_on_canvas.clone());
    let shown_path = wanted.as_ref().and_then(|key| {
        escalation
            .current(revision)
            .and_then(|r| r.report.paths.iter().find(|p| &p.key() == key))
            .map(|p| Rc::new(p.clone()))
    });
    // The principals whose access the comparison of this very revision (with the version the
    // Compare view picked) says changes.
    let comparison = use_context::<Comparison>().unwrap_or_default();
    let changed = store
        .as_ref()
        .and_then(|s| {
            let baseline = s.baseline()?;
            comparison
                .progress
                .current(revision, &baseline.scenario)
                .map(|r| change_marks(&r.answer))
        })
        .unwrap_or_default();
    let (path_cards, hop_links): (HashSet<CardKey>, Vec<Link>) = shown_path
        .as_ref()
        .map(|p| {
            let (cards, hops) = path_drawing(p);
            (cards.into_iter().collect(), hops)
        })
        .unwrap_or_default();
    // The lines drawn: the scenario's links and the path's hops.
    let drawn_links: Rc<Vec<Link>> = if hop_links.is_empty() {
        Rc::clone(&links_now)
    } else {
        Rc::new(links_now.iter().cloned().chain(hop_links).collect())
    };
    let lit = use_memo(((*active).clone(), revision), {
        let links_now = Rc::clone(&links_now);
        move |(active, _)| -> HashSet<CardKey> {
            active
                .as_ref()
                .map(|a| {
                    links_now
                        .iter()
                        .filter(|l| l.touches(a))
                        .flat_map(|l| [l.from.clone(), l.to.clone()])
                        .filter(|k| k != a)
                        .collect()
                })
                .unwrap_or_default()
        }
    });
    // The callbacks the cards get are created once, so that a render of the canvas alone (after
    // the lines are re-measured on a resize) does not re-render every card; they read the
    // latest store and pins through this cell.
    let current = use_mut_ref(|| (store.clone(), pinned.clone()));
    *current.borrow_mut() = (store.clone(), pinned.clone());
    let handles = use_memo((), {
        let current = Rc::clone(&current);
        let dragging = dragging.setter();
        let active = active.setter();
        let status = status.setter();
        let focused = focused.setter();
        let focus_target = focus_target.setter();
        let redraw = redraw.clone();
        move |_| {
            let announce = Callback::from(move |text: String| status.set(text));
            Handles {
                on_drag: {
                    let dragging = dragging.clone();
                    Callback::from(move |card: Option<CardKey>| dragging.set(card))
                },
                on_drop: {
                    let current = Rc::clone(&current);
                    let announce = announce.clone();
                    Callback::from(move |(source, target): (CardKey, CardKey)| {
                        dragging.set(None);
                        let store = current.borrow().0.clone();
                        if let Some(store) = store {
                            match connect(&store, &source, &target) {
                                Ok(done) => announce.emit(done),
                                Err(e) => announce.emit(e.message),
                            }
                        }
                    })
                },
                on_active: Callback::from(move |card: Option<CardKey>| active.set(card)),
                unpin: {
                    let current = Rc::clone(&current);
                    Callback::from(move |arn: String| {
                        let pinned = current.borrow().1.clone();
                        pinned.set(pinned.iter().filter(|p| **p != arn).cloned().collect());
                    })
                },
                announce,
                focus_card: Callback::from(move |card: CardKey| {
                    focus_later(card_selector(&card));
                    focus_target.set(Some(card));
                }),
                on_focus: Callback::from(move |card: Option<CardKey>| focused.set(card)),
                on_moved: Callback::from(move |()| redraw.force_update()),
            }
        }
    });

    // The links by their cards' `data-card` keys, made once per revision and path.
    let keyed: Rc<Vec<KeyedLink>> = use_memo((revision, wanted.clone(), drawn_links.len()), {
        let drawn_links = Rc::clone(&drawn_links);
        move |_| {
            drawn_links
                .iter()
                .map(|l| KeyedLink {
                    from: l.from.dom_key(),
                    to: l.to.dom_key(),
                    kind: l.kind,
                })
                .collect()
        }
    });
    // The measuring closure reads the latest links; a ResizeObserver, every render and every
    // move of a lane's window call it.
    let latest: Rc<RefCell<Rc<Vec<KeyedLink>>>> = use_mut_ref(|| Rc::new(Vec::new()));
    *latest.borrow_mut() = Rc::clone(&keyed);
    let remeasure = {
        let container = container.clone();
        let latest = Rc::clone(&latest);
        let drawn = drawn.clone();
        move || {
            if let Some(el) = container.cast::<web_sys::Element>() {
                let next = measure(&el, &latest.borrow());
                if *drawn != next {
                    drawn.set(next);
                }
            }
        }
    };
    {
        // After the browser's own layout of this render (see `window_hook`), not inside it.
        let remeasure = remeasure.clone();
        let pending = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
        use_effect(move || {
            *pending.borrow_mut() = Some(gloo::timers::callback::Timeout::new(0, remeasure));
        });
    }
    {
        let container = container.clone();
        let drawn = drawn.setter();
        let latest = Rc::clone(&latest);
        use_effect_with((), move |_| {
            let observed = container.cast::<web_sys::Element>();
            let callback = {
                let container = container.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(el) = container.cast::<web_sys::Element>() {
                        drawn.set(measure(&el, &latest.borrow()));
                    }
                })
            };
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(observer), Some(el)) = (&observer, &observed) {
                observer.observe(el);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(callback);
            }
        });
    }

    let in_use = use_memo(revision, {
        let scenario = Rc::clone(&scenario);
        move |_| aws_in_use(&scenario)
    });
    let query = use_memo((*query_text).clone(), |text| EntityQuery::parse(text));
    let matches = use_memo((revision, (*query_text).clone()), {
        let scenario = Rc::clone(&scenario);
        let query = Rc::clone(&query);
        move |_| search(&scenario, &query)
    });
    // The AWS-managed lane: the policies in use, then those pinned by the finder.
    let aws: Vec<String> = in_use
        .iter()
        .chain(pinned.iter().filter(|p| !in_use.contains(p)))
        .cloned()
        .collect();
    let lanes_now = use_memo((revision, (*query_text).clone(), *group_by, aws.clone()), {
        let scenario = Rc::clone(&scenario);
        let matches = Rc::clone(&matches);
        let query = Rc::clone(&query);
        move |(_, _, by, aws)| lane_rows(&scenario, &matches, &query, aws, *by)
    });
    let order = use_memo((Rc::clone(&lanes_now), scenario.organization.is_some()), {
        move |(lanes, org)| {
            let org = *org;
            let strip: Vec<CardKey> = std::iter::once(CardKey::Root)
                .chain(org.then_some(CardKey::Organization))
                .collect();
            std::iter::once(strip)
                .chain(lanes.iter().map(|l| {
                    l.rows
                        .iter()
                        .filter_map(|r| match r {
                            Row::Card(c) => Some(c.clone()),
                            Row::Head { .. } => None,
                        })
                        .collect()
                }))
                .collect::<Vec<Vec<CardKey>>>()
        }
    });

    let Some(store) = store else {
        return html! {};
    };
    {
        // A pinned policy that got attached is now "in use"; keep the pin list short.
        let still: Vec<String> = pinned
            .iter()
            .filter(|arn| !in_use.contains(arn))
            .cloned()
            .collect();
        if still.len() != pinned.len() {
            pinned.set(still);
        }
    }
    let announce = handles.announce.clone();
    let ctx = CanvasCtx {
        dragging: (*dragging).clone(),
        on_drag: handles.on_drag.clone(),
        on_drop: handles.on_drop.clone(),
        on_active: handles.on_active.clone(),
        links: Rc::clone(&links_now),
        policy_links: Rc::clone(&policy_links),
        announce: announce.clone(),
        unpin: handles.unpin.clone(),
        order: Rc::clone(&order),
        focus_card: handles.focus_card.clone(),
        on_focus: handles.on_focus.clone(),
    };
    // The cards that stay mounted wherever the lanes' windows are.
    let pinned_cards: Vec<CardKey> = store
        .selection
        .target
        .as_ref()
        .and_then(card_of_target)
        .into_iter()
        .chain((*focused).clone())
        .chain((*focus_target).clone())
        .collect();
    let path_set = Rc::new(path_cards.clone());
    let changed_map = Rc::new(changed.clone());
    let searching = !query.is_empty();

    let lanes = lanes_now.iter().map(|rows| {
        let lane = rows.lane;
        let count = if searching && rows.total > 0 {
            format!(" {} of {}", thousands(rows.shown), thousands(rows.total))
        } else {
            format!(" {}", thousands(rows.total))
        };
        let cards = html! {
            <LaneList rows={Rc::clone(&rows.rows)} keys={Rc::clone(&rows.keys)}
                pinned={pinned_cards.clone()} active={(*active).clone()} lit={Rc::clone(&lit)}
                path_cards={Rc::clone(&path_set)} changed={Rc::clone(&changed_map)}
                on_moved={handles.on_moved.clone()} />
        };
        let empty_text = (rows.shown == 0).then(|| {
            if rows.total > 0 {
                format!("No {} match the search.", lane_plural(lane))
            } else {
                lane.empty_text().to_owned()
            }
        });
        let add = frame::add_control(lane, state, &in_use, &announce, &handles.focus_card);
        frame::lane_section(lane, count, cards, empty_text, add)
    });

    let total_entities = scenario.users.len()
        + scenario.groups.len()
        + scenario.roles.len()
        + scenario.policies.len()
        + scenario.resources.len()
        + in_use.len();
    let shown_entities: usize = lanes_now.iter().map(|l| l.shown).sum();
    let tools = (total_entities > 0).then(|| {
        let oninput = {
            let query_text = query_text.clone();
            Callback::from(move |e: InputEvent| {
                if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                    query_text.set(input.value());
                }
            })
        };
        let onchange = {
            let group_by = group_by.clone();
            Callback::from(move |e: Event| {
                if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                    group_by.set(match select.value().as_str() {
                        "path" => GroupBy::Path,
                        "policy" => GroupBy::Policy,
                        _ => GroupBy::Nothing,
                    });
                }
            })
        };
        let cards = if total_entities == 1 { "card" } else { "cards" };
        let summary = if searching {
            format!(
                "{} of {} {cards} match",
                thousands(shown_entities),
                thousands(total_entities)
            )
        } else {
            format!("{} {cards}", thousands(total_entities))
        };
        let selected = |v: GroupBy| *group_by == v;
        html! {
            <div class="canvas-tools" role="search" aria-label="Find cards">
                <label class="canvas-search-field">
                    <span class="canvas-tool-label">{ "Find" }</span>
                    <input type="search" class="canvas-search" data-action="canvas-search"
                        value={(*query_text).clone()} {oninput} autocomplete="off" spellcheck="false"
                        placeholder="name, path, tag or policy"
                        aria-describedby="canvas-search-help canvas-search-count" />
                </label>
                <label class="canvas-group-field">
                    <span class="canvas-tool-label">{ "Group by" }</span>
                    <select class="canvas-group" data-action="canvas-group" {onchange}>
                        <option value="none" selected={selected(GroupBy::Nothing)}>{ "Nothing" }</option>
                        <option value="path" selected={selected(GroupBy::Path)}>{ "Path" }</option>
                        <option value="policy" selected={selected(GroupBy::Policy)}>{ "Attached policies" }</option>
                    </select>
                </label>
                <p id="canvas-search-count" class="canvas-search-count" role="status" aria-live="polite">{ summary }</p>
                <p id="canvas-search-help" class="canvas-search-help muted">
                    { "Words must all match. Narrow a word with " }<code>{ "name:" }</code>{ ", " }
                    <code>{ "path:" }</code>{ ", " }<code>{ "tag:" }</code>{ " or " }<code>{ "policy:" }</code>
                    { " (" }<code>{ "path:/sso/ tag:team=ci" }</code>{ ")." }
                </p>
            </div>
        }
    });

    let highlighted = |d: &Drawn| {
        active
            .as_ref()
            .is_some_and(|a| a.dom_key() == d.from || a.dom_key() == d.to)
    };
    let lit_keys: HashSet<String> = path_cards.iter().map(CardKey::dom_key).collect();
    let on_path = |d: &Drawn| lit_keys.contains(&d.from) && lit_keys.contains(&d.to);
    let paths = drawn.iter().map(|d| {
        let class = classes!(
            "link",
            format!("link-{}", d.kind.id()),
            highlighted(d).then_some("link-active"),
            on_path(d).then_some("link-path"),
            (active.is_some() && !highlighted(d)).then_some("link-faded")
        );
        html! { <path {class} d={d.path.clone()} data-link={d.kind.id()} data-from={d.from.clone()} data-to={d.to.clone()} /> }
    });
    let org = scenario
        .organization
        .is_some()
        .then(|| html! { <Card card={CardKey::Organization} on_path={path_cards.contains(&CardKey::Organization)} /> });
    let strip = html! {
        <>
            <Card card={CardKey::Root} active={active.as_ref() == Some(&CardKey::Root)}
                linked_to={None::<CardKey>} on_path={path_cards.contains(&CardKey::Root)}
                change={changed.get(&CardKey::Root).cloned()} />
            { org }
        </>
    };
    let board = frame::board(
        classes!(shown_path.is_some().then_some("showing-path")),
        container,
        html! { <>{ for paths }</> },
        strip,
        html! { <>{ for lanes }</> },
    );

    html! {
        <ContextProvider<CanvasCtx> context={ctx}>
            <div class="canvas" data-dragging={dragging.is_some().then_some("true")}>
                { frame::head(&status, shown_path.is_some(), !changed.is_empty()) }
                if let Some(key) = wanted {
                    <PathBanner path_key={key} path={shown_path.clone()} />
                }
                { for tools }
                { board }
            </div>
        </ContextProvider<CanvasCtx>>
    }
}

/// The lane's cards in words, for "No roles match the search."
fn lane_plural(lane: Lane) -> &'static str {
    match lane {
        Lane::Users => "users",
        Lane::Groups => "groups",
        Lane::Roles => "roles",
        Lane::Policies => "customer-managed policies",
        Lane::Aws => "AWS-managed policies",
        Lane::Resources => "resources",
    }
}
