//! The workspace canvas: the account as lanes of cards (users, groups, roles, customer-managed
//! policies, the AWS-managed policies in use, resources) with the root user and the
//! organization above them, and an SVG layer drawing membership and attachment links between
//! the cards. The lines are measured from the laid-out cards, so they follow any layout the
//! stylesheet chooses; on phones the stylesheet hides them and the cards' chips say the same.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use iam_engine::scenario::Scenario;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use super::add_form::AddForm;
use super::aws_finder::AwsFinder;
use super::card::Card;
use super::ctx::{CanvasCtx, card_selector, connect, focus_later};
use super::lanes::Lane;
use super::link_layer::{Drawn, measure};
use super::links::{CardKey, Link, aws_in_use, change_marks, links, path_drawing};
use super::path_banner::PathBanner;
use crate::analysis::account::{Comparison, EscalationProgress};
use crate::store::{Action, View, use_store};

/// The canvas's callbacks, made once (see [`Canvas`]).
struct Handles {
    on_drag: Callback<Option<CardKey>>,
    on_drop: Callback<(CardKey, CardKey)>,
    on_active: Callback<Option<CardKey>>,
    unpin: Callback<String>,
    announce: Callback<String>,
}

/// The canvas: the account strip, the lanes, the link layer and the status line.
#[component]
pub fn Canvas() -> Html {
    let store = use_store();
    let dragging = use_state(|| None::<CardKey>);
    let active = use_state(|| None::<CardKey>);
    let pinned = use_state(Vec::<String>::new);
    let status = use_state(String::new);
    let adding = use_state(|| None::<Lane>);
    let drawn = use_state(Vec::<Drawn>::new);
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
            }
        }
    });

    // The measuring closure reads the latest links; a ResizeObserver and every render call it.
    let latest: Rc<RefCell<Rc<Vec<Link>>>> = use_mut_ref(|| Rc::new(Vec::new()));
    *latest.borrow_mut() = Rc::clone(&drawn_links);
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
        let remeasure = remeasure.clone();
        use_effect(remeasure);
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

    let Some(store) = store else {
        return html! {};
    };
    let in_use = aws_in_use(&scenario);
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
        announce: announce.clone(),
        unpin: handles.unpin.clone(),
    };

    let cards_of = |lane: Lane| -> Vec<CardKey> {
        match lane {
            Lane::Users => scenario
                .users
                .iter()
                .map(|u| CardKey::User(u.name.clone()))
                .collect(),
            Lane::Groups => scenario
                .groups
                .iter()
                .map(|g| CardKey::Group(g.name.clone()))
                .collect(),
            Lane::Roles => scenario
                .roles
                .iter()
                .map(|r| CardKey::Role(r.name.clone()))
                .collect(),
            Lane::Policies => scenario
                .policies
                .iter()
                .map(|p| CardKey::Policy(p.name.clone()))
                .collect(),
            Lane::Aws => in_use
                .iter()
                .chain(pinned.iter().filter(|p| !in_use.contains(p)))
                .map(|arn| CardKey::Aws(arn.clone()))
                .collect(),
            Lane::Resources => scenario
                .resources
                .iter()
                .map(|r| CardKey::Resource(r.kind, r.name.clone()))
                .collect(),
        }
    };

    let lanes = Lane::ALL.iter().map(|&lane| {
        let cards = cards_of(lane);
        let heading_id = format!("lane-{}-title", lane.id());
        let count = cards.len();
        let open = *adding == Some(lane);
        let on_open = {
            let adding = adding.clone();
            Callback::from(move |()| adding.set(Some(lane)))
        };
        let on_close = {
            let adding = adding.clone();
            Callback::from(move |()| adding.set(None))
        };
        let add = if lane == Lane::Aws {
            let on_pin = {
                let pinned = pinned.clone();
                let in_use = in_use.clone();
                let announce = announce.clone();
                Callback::from(move |arn: String| {
                    let name = arn.rsplit('/').next().unwrap_or(&arn).to_owned();
                    if !in_use.contains(&arn) && !pinned.contains(&arn) {
                        let mut next = (*pinned).clone();
                        next.push(arn.clone());
                        pinned.set(next);
                    }
                    announce.emit(format!(
                        "{name} is on the canvas: drag it onto a user, group or role, or use its Attach to… button."
                    ));
                    focus_later(card_selector(&CardKey::Aws(arn)));
                })
            };
            html! { <AwsFinder {open} {on_open} {on_close} {on_pin} in_use={in_use.clone()} /> }
        } else {
            html! { <AddForm {lane} {open} {on_open} {on_close} announce={announce.clone()} /> }
        };
        html! {
            <section class={classes!("lane", format!("lane-{}", lane.id()))} data-lane={lane.id()}
                aria-labelledby={heading_id.clone()}>
                <h2 id={heading_id} class="lane-title">
                    { lane.title() }<span class="lane-count">{ format!(" {count}") }</span>
                </h2>
                <div class="lane-cards">
                    { for cards.into_iter().map(|card| {
                        let key = card.dom_key();
                        let linked_to = lit.contains(&card).then(|| (*active).clone()).flatten();
                        let is_active = active.as_ref() == Some(&card);
                        let on_path = path_cards.contains(&card);
                        let change = changed.get(&card).cloned();
                        html! { <Card {key} {card} {linked_to} active={is_active} {on_path} {change} /> }
                    }) }
                    if count == 0 {
                        <p class="lane-empty muted">{ lane.empty_text() }</p>
                    }
                </div>
                { add }
            </section>
        }
    });

    let empty = scenario.users.is_empty()
        && scenario.groups.is_empty()
        && scenario.roles.is_empty()
        && scenario.policies.is_empty()
        && scenario.resources.is_empty();
    let empty_state = empty.then(|| {
        let open = |lane: Lane| {
            let adding = adding.clone();
            Callback::from(move |_| adding.set(Some(lane)))
        };
        let examples = {
            let store = store.clone();
            Callback::from(move |_| store.dispatch(Action::SetView(View::Examples)))
        };
        html! {
            <div class="canvas-empty" data-empty="">
                <h2>{ "An empty account" }</h2>
                <p>{ "Start by adding a user or a group, or open an example." }</p>
                <p class="muted">{ "Then attach policies by dragging them onto users, groups and roles, or with each card's buttons." }</p>
                <div class="canvas-empty-actions">
                    <button type="button" class="btn btn-primary" data-action="empty-add-user" onclick={open(Lane::Users)}>{ "Add a user" }</button>
                    <button type="button" class="btn" data-action="empty-add-group" onclick={open(Lane::Groups)}>{ "Add a group" }</button>
                    <button type="button" class="btn" data-action="open-examples" onclick={examples}>{ "Open an example" }</button>
                </div>
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
    let account_strip = {
        let org = scenario
            .organization
            .is_some()
            .then(|| html! { <Card card={CardKey::Organization} on_path={path_cards.contains(&CardKey::Organization)} /> });
        html! {
            <section class="account-strip" aria-label="Account">
                <Card card={CardKey::Root} active={active.as_ref() == Some(&CardKey::Root)}
                    linked_to={None::<CardKey>} on_path={path_cards.contains(&CardKey::Root)}
                    change={changed.get(&CardKey::Root).cloned()} />
                { org }
            </section>
        }
    };

    html! {
        <ContextProvider<CanvasCtx> context={ctx}>
            <div class="canvas" data-dragging={dragging.is_some().then_some("true")}>
                <div class="canvas-head">
                    <p class="canvas-legend muted">
                        <span class="legend-item legend-member">{ "solid line: member of group" }</span>
                        <span class="legend-item legend-attached">{ "dashed: policy attached" }</span>
                        <span class="legend-item legend-boundary">{ "dotted: permissions boundary" }</span>
                        if shown_path.is_some() {
                            <span class="legend-item legend-hop">{ "red dashes: a hop of the path to admin" }</span>
                        }
                        if !changed.is_empty() {
                            <span class="legend-item legend-change">{ "Access +N −M: what changes since the version Compare compares with" }</span>
                        }
                    </p>
                    <p class="canvas-status" role="status" aria-live="polite">{ (*status).clone() }</p>
                </div>
                if let Some(key) = wanted {
                    <PathBanner path_key={key} path={shown_path.clone()} />
                }
                { for empty_state }
                <div class={classes!("canvas-board", shown_path.is_some().then_some("showing-path"))} ref={container}>
                    <svg class="links-layer" aria-hidden="true" focusable="false">
                        { for paths }
                    </svg>
                    { account_strip }
                    <div class="lanes">{ for lanes }</div>
                </div>
            </div>
        </ContextProvider<CanvasCtx>>
    }
}
