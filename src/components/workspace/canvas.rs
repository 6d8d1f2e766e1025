//! The workspace canvas: the account as lanes of cards (users, groups, roles, customer-managed
//! policies, the AWS-managed policies in use, resources) with the root user and the
//! organization above them, and an SVG layer drawing membership and attachment links between
//! the cards. The lines are measured from the laid-out cards, so they follow any layout the
//! stylesheet chooses; on phones the stylesheet hides them and the cards' chips say the same.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{Group, ManagedPolicy, Resource, ResourceKind, Role, Scenario, User};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use super::card::Card;
use super::ctx::{CanvasCtx, card_selector, connect, focus_later, select};
use super::links::{CardKey, Link, LinkKind, Rect, aws_in_use, curve, links};
use super::options::{STARTER_POLICY, aws_options, starter_trust_policy};
use super::picker::{PickOption, Picker};
use crate::data::Loadable;
use crate::store::{Action, View, edit, use_store};

/// The canvas's callbacks, made once (see [`Canvas`]).
struct Handles {
    on_drag: Callback<Option<CardKey>>,
    on_drop: Callback<(CardKey, CardKey)>,
    on_active: Callback<Option<CardKey>>,
    unpin: Callback<String>,
    announce: Callback<String>,
}

/// The lanes of the canvas, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// IAM users.
    Users,
    /// IAM groups.
    Groups,
    /// IAM roles.
    Roles,
    /// Customer-managed policies.
    Policies,
    /// AWS-managed policies in use.
    Aws,
    /// Resources with resource-based policies.
    Resources,
}

impl Lane {
    const ALL: [Lane; 6] = [
        Lane::Users,
        Lane::Groups,
        Lane::Roles,
        Lane::Policies,
        Lane::Aws,
        Lane::Resources,
    ];

    /// The stable name used in classes, ids and `data-lane`.
    pub fn id(self) -> &'static str {
        match self {
            Lane::Users => "users",
            Lane::Groups => "groups",
            Lane::Roles => "roles",
            Lane::Policies => "policies",
            Lane::Aws => "aws",
            Lane::Resources => "resources",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Lane::Users => "Users",
            Lane::Groups => "Groups",
            Lane::Roles => "Roles",
            Lane::Policies => "Customer-managed policies",
            Lane::Aws => "AWS-managed policies",
            Lane::Resources => "Resources",
        }
    }

    /// The singular noun for buttons and messages ("Add user").
    fn noun(self) -> &'static str {
        match self {
            Lane::Users => "user",
            Lane::Groups => "group",
            Lane::Roles => "role",
            Lane::Policies => "policy",
            Lane::Aws => "AWS-managed policy",
            Lane::Resources => "resource",
        }
    }

    /// The word in the add button's `data-action` ("add-user").
    fn action(self) -> &'static str {
        match self {
            Lane::Users => "user",
            Lane::Groups => "group",
            Lane::Roles => "role",
            Lane::Policies => "policy",
            Lane::Aws => "aws-policy",
            Lane::Resources => "resource",
        }
    }

    fn empty_text(self) -> &'static str {
        match self {
            Lane::Users => "No users yet. People and programs sign in as users.",
            Lane::Groups => "No groups yet. Groups give their members the same policies.",
            Lane::Roles => "No roles yet. Roles are assumed for temporary credentials.",
            Lane::Policies => "No policies of your own yet.",
            Lane::Aws => {
                "None attached. Find one by name, then drag it onto a user, group or role, \
                 or use a card's Attach policy… button."
            }
            Lane::Resources => {
                "No resources. Add an S3 bucket, SQS queue, SNS topic or KMS key to give it a resource-based policy."
            }
        }
    }
}

/// One measured link, ready to draw.
#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    path: String,
    kind: LinkKind,
    from: String,
    to: String,
}

/// Measures every card of the canvas and returns the links' curves.
fn measure(container: &web_sys::Element, links: &[Link]) -> Vec<Drawn> {
    let origin = container.get_bounding_client_rect();
    let mut rects: HashMap<String, Rect> = HashMap::new();
    if let Ok(cards) = container.query_selector_all("[data-card]") {
        for i in 0..cards.length() {
            let Some(el) = cards
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let Some(key) = el.get_attribute("data-card") else {
                continue;
            };
            let r = el.get_bounding_client_rect();
            if r.width() <= 0.0 || r.height() <= 0.0 {
                continue;
            }
            rects.insert(
                key,
                Rect {
                    x: r.left() - origin.left(),
                    y: r.top() - origin.top(),
                    w: r.width(),
                    h: r.height(),
                },
            );
        }
    }
    let find = |key: &str| rects.get(key).copied();
    links
        .iter()
        .filter_map(|l| {
            let (from, to) = (l.from.dom_key(), l.to.dom_key());
            let (a, b) = (find(&from)?, find(&to)?);
            Some(Drawn {
                path: curve(&a, &b),
                kind: l.kind,
                from,
                to,
            })
        })
        .collect()
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
    *latest.borrow_mut() = Rc::clone(&links_now);
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
                        html! { <Card {key} {card} {linked_to} active={is_active} /> }
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
    let paths = drawn.iter().map(|d| {
        let class = classes!(
            "link",
            format!("link-{}", d.kind.id()),
            highlighted(d).then_some("link-active"),
            (active.is_some() && !highlighted(d)).then_some("link-faded")
        );
        html! { <path {class} d={d.path.clone()} data-link={d.kind.id()} data-from={d.from.clone()} data-to={d.to.clone()} /> }
    });
    let account_strip = {
        let org = scenario
            .organization
            .is_some()
            .then(|| html! { <Card card={CardKey::Organization} /> });
        html! {
            <section class="account-strip" aria-label="Account">
                <Card card={CardKey::Root} active={active.as_ref() == Some(&CardKey::Root)}
                    linked_to={None::<CardKey>} />
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
                    </p>
                    <p class="canvas-status" role="status" aria-live="polite">{ (*status).clone() }</p>
                </div>
                { for empty_state }
                <div class="canvas-board" ref={container}>
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

/// Properties of a lane's add form.
#[derive(Properties, PartialEq)]
struct AddFormProps {
    lane: Lane,
    open: bool,
    on_open: Callback<()>,
    on_close: Callback<()>,
    announce: Callback<String>,
}

/// "Add user" and its siblings: a button that opens a name field; Enter creates the entity
/// through the engine, whose message is shown beside the field when it refuses the name.
#[component]
fn AddForm(props: &AddFormProps) -> Html {
    let store = use_store();
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let kind = use_state(|| ResourceKind::S3Bucket);
    let input_ref = use_node_ref();
    {
        // The field takes the focus as it opens, before any further key reaches the page.
        let input_ref = input_ref.clone();
        use_effect_with(props.open, move |open| {
            if *open && let Some(el) = input_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let lane = props.lane;
    let noun = lane.noun();
    let Some(store) = store else {
        return html! {};
    };
    if !props.open {
        let onclick = {
            let on_open = props.on_open.clone();
            let error = error.clone();
            Callback::from(move |_| {
                error.set(None);
                on_open.emit(());
            })
        };
        return html! {
            <button type="button" class="btn lane-add" data-action={format!("add-{}", lane.action())} {onclick}>
                { format!("+ Add {noun}") }
            </button>
        };
    }
    let submit = {
        let store = store.clone();
        let text = text.clone();
        let error = error.clone();
        let kind = kind.clone();
        let on_close = props.on_close.clone();
        let announce = props.announce.clone();
        move || {
            let name = text.trim().to_owned();
            let account = store.scenario.account.id.clone();
            let (result, card) = match lane {
                Lane::Users => (
                    edit(&store, format!("Add user {name}"), |s| {
                        s.add_user(User::new(&name))
                    }),
                    CardKey::User(name.clone()),
                ),
                Lane::Groups => (
                    edit(&store, format!("Add group {name}"), |s| {
                        s.add_group(Group::new(&name))
                    }),
                    CardKey::Group(name.clone()),
                ),
                Lane::Roles => (
                    edit(&store, format!("Add role {name}"), |s| {
                        s.add_role(Role::new(&name, starter_trust_policy(&account)))
                    }),
                    CardKey::Role(name.clone()),
                ),
                Lane::Policies => (
                    edit(&store, format!("Add policy {name}"), |s| {
                        s.add_policy(ManagedPolicy::new(&name, STARTER_POLICY))
                    }),
                    CardKey::Policy(name.clone()),
                ),
                Lane::Resources => (
                    edit(&store, format!("Add {} {name}", kind.describe()), |s| {
                        s.add_resource(Resource::new(*kind, &name))
                    }),
                    CardKey::Resource(*kind, name.clone()),
                ),
                Lane::Aws => return,
            };
            match result {
                Ok(()) => {
                    text.set(String::new());
                    error.set(None);
                    on_close.emit(());
                    select(&store, &card);
                    announce.emit(format!("Added {} {name}.", card.kind()));
                    focus_later(card_selector(&card));
                }
                Err(e) => error.set(Some(e.message)),
            }
        }
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                text.set(el.value());
            }
        })
    };
    let onkeydown = {
        let submit = submit.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                submit();
            }
            "Escape" => {
                e.prevent_default();
                on_close.emit(());
                focus_later(format!("[data-lane=\"{}\"] .lane-add", lane.id()));
            }
            _ => {}
        })
    };
    let onclick = Callback::from(move |_| submit());
    let cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| {
            on_close.emit(());
            focus_later(format!("[data-lane=\"{}\"] .lane-add", lane.id()));
        })
    };
    let error_id = format!("add-{}-error", lane.id());
    let kind_select = (lane == Lane::Resources).then(|| {
        let onchange = {
            let kind = kind.clone();
            Callback::from(move |e: Event| {
                if let Some(el) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                {
                    let i = el.selected_index().max(0) as usize;
                    if let Some(k) = ResourceKind::ALL.get(i) {
                        kind.set(*k);
                    }
                }
            })
        };
        html! {
            <select class="add-kind" aria-label="Kind of resource" {onchange}>
                { for ResourceKind::ALL.iter().map(|k| html! {
                    <option selected={*k == *kind}>{ k.describe() }</option>
                }) }
            </select>
        }
    });
    html! {
        <div class="add-form">
            { kind_select }
            <input ref={input_ref} type="text" class="add-input" aria-label={format!("Name of the new {noun}")}
                placeholder={format!("New {noun} name")} value={(*text).clone()}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={error.is_some().then(|| error_id.clone())}
                autocomplete="off" spellcheck="false" {oninput} {onkeydown} />
            <div class="add-buttons">
                <button type="button" class="btn btn-primary" data-action="add-confirm" {onclick}>{ format!("Add {noun}") }</button>
                <button type="button" class="btn btn-quiet" onclick={cancel}>{ "Cancel" }</button>
            </div>
            if let Some(message) = &*error {
                <p id={error_id} class="field-error" role="alert">{ message }</p>
            }
        </div>
    }
}

/// Properties of the AWS-managed policy finder.
#[derive(Properties, PartialEq)]
struct AwsFinderProps {
    open: bool,
    on_open: Callback<()>,
    on_close: Callback<()>,
    on_pin: Callback<String>,
    in_use: Vec<String>,
}

/// Finds an AWS-managed policy by name and puts it on the canvas, ready to be dragged.
#[component]
fn AwsFinder(props: &AwsFinderProps) -> Html {
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let ctx = use_context::<CanvasCtx>();
    if !props.open {
        let onclick = {
            let on_open = props.on_open.clone();
            Callback::from(move |_| on_open.emit(()))
        };
        return html! {
            <button type="button" class="btn lane-add" data-action="find-aws-policy" {onclick}>
                { "+ Find an AWS-managed policy" }
            </button>
        };
    }
    let options = {
        let in_use = props.in_use.clone();
        Callback::from(move |query: String| aws_options(&managed, &query, &[], &in_use))
    };
    let on_pick = {
        let on_pin = props.on_pin.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |option: PickOption| {
            on_close.emit(());
            on_pin.emit(option.value);
        })
    };
    let on_close = {
        let on_close = props.on_close.clone();
        Callback::from(move |()| {
            on_close.emit(());
            focus_later("[data-action=\"find-aws-policy\"]".to_owned());
        })
    };
    // A result can be dragged straight onto a user, group or role.
    let on_drag = ctx.map(|ctx| {
        Callback::from(move |option: Option<PickOption>| {
            ctx.on_drag.emit(option.map(|o| CardKey::Aws(o.value)));
        })
    });
    html! {
        <div class="aws-finder">
            <Picker label="Find an AWS-managed policy by name" {options} {on_pick} {on_close} {on_drag}
                empty="No AWS-managed policy has that name." />
            <p class="muted aws-finder-hint">{ "Drag a result onto a user, group or role, or pick it to put it on the canvas." }</p>
        </div>
    }
}
