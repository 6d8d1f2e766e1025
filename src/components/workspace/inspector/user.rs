//! The user panel: name, path, console password (with "require a new password at next
//! sign-in"), MFA, access keys, groups, managed and inline policies, the permissions boundary,
//! tags and the user's quotas.

use std::rc::Rc;

use iam_engine::scenario::{
    AccessKey, EditError, IdentityRef, LoginProfile, Scenario, Target, User,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::fields::{ActionButton, Apply, CheckField, QuotaMeters, Section, TextField};
use super::sections::{
    BoundarySection, InlineSection, ManagedSection, Owner, TagsApply, TagsSection, open_document,
    simulate_as,
};
use crate::store::{StoreHandle, use_store};

/// Changes one user through the engine's whole-user update (which checks every rule).
fn with_user(s: &mut Scenario, name: &str, f: impl FnOnce(&mut User)) -> Result<(), EditError> {
    let mut user = s.user(name).cloned().ok_or_else(|| EditError {
        code: "unknown-user",
        message: format!("There is no user named \"{name}\"."),
    })?;
    f(&mut user);
    s.update_user(name, user)
}

/// A checkbox callback that edits the user.
fn toggle(
    store: &StoreHandle,
    name: &str,
    label: &'static str,
    f: impl Fn(&mut User, bool) + 'static,
) -> Callback<bool, Option<String>> {
    let (store, name) = (store.clone(), name.to_owned());
    Callback::from(move |on: bool| {
        crate::store::edit(&store, format!("{label} of user {name}"), |s| {
            with_user(s, &name, |u| f(u, on))
        })
        .err()
        .map(|e| e.message)
    })
}

/// Props of [`UserPanel`].
#[derive(Properties, PartialEq)]
pub struct UserPanelProps {
    /// The user's name.
    pub name: AttrValue,
}

/// The user panel.
#[component]
pub fn UserPanel(props: &UserPanelProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let Some(user) = store.scenario.user(&props.name).cloned() else {
        return html! { <p class="muted">{ format!("There is no user named {}.", props.name) }</p> };
    };
    let name = user.name.clone();
    let target = Target::User { name: name.clone() };
    let identity = IdentityRef::User(name.clone());
    let meters = store.scenario.quota_meters(&target);
    let arn = store.scenario.user_arn(&user);

    let rename = {
        let old = name.clone();
        Apply::new(move |s, new| s.rename_user(&old, new))
    };
    let follow = {
        let store = store.clone();
        Callback::from(move |new: String| open_document(&store, Target::User { name: new }, None))
    };
    let path = {
        let n = name.clone();
        Apply::new(move |s, text| with_user(s, &n, |u| u.path = text.to_owned()))
    };
    let password = toggle(&store, &name, "Console password", |u, on| {
        u.login_profile = on.then_some(LoginProfile {
            password_reset_required: true,
        });
    });
    let reset = toggle(&store, &name, "Password reset", |u, on| {
        if let Some(p) = &mut u.login_profile {
            p.password_reset_required = on;
        }
    });
    let mfa = toggle(&store, &name, "MFA", |u, on| u.mfa = on);
    let simulate = {
        let (store, name) = (store.clone(), name.clone());
        Callback::from(move |()| {
            simulate_as(&store, format!("user/{name}"));
            None
        })
    };
    let delete = {
        let (store, name) = (store.clone(), name.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, format!("Delete user {name}"), |s| {
                s.delete_user(&name)
            })
            .err()
            .map(|e| e.message)
        })
    };
    let tags = {
        let n = name.clone();
        TagsApply(Rc::new(move |s, tags| with_user(s, &n, |u| u.tags = tags)))
    };
    html! {
        <div class="panel" data-panel="user">
            <header class="panel-head">
                <h2><span class="kind">{ "User" }</span>{ " " }{ name.clone() }</h2>
                <p class="arn" title="ARN">{ arn }</p>
                <div class="panel-actions">
                    <ActionButton label="Simulate as this principal" class="btn-primary"
                        on_click={simulate} action="simulate-as" />
                    <ActionButton label="Delete user" class="btn-danger" on_click={delete}
                        action="delete" />
                </div>
            </header>
            <Section title="Details" id="details">
                <TextField label="User name" value={name.clone()} apply={rename} after={follow}
                    undo={format!("Rename user {name}")} field="name"
                    hint="1–64 letters, digits and + = , . @ _ -; unique in the account without regard to case." />
                <TextField label="Path" value={user.path.clone()} apply={path}
                    undo={format!("Change path of user {name}")} field="path"
                    hint="/ or /division/team/ (at most 512 characters)." />
            </Section>
            <Section title="Sign-in credentials" id="credentials">
                <CheckField label="Console password set" checked={user.login_profile.is_some()}
                    on_toggle={password} field="password" />
                <CheckField label="Require a new password at next sign-in"
                    checked={user.login_profile.as_ref().is_some_and(|p| p.password_reset_required)}
                    disabled={user.login_profile.is_none()} on_toggle={reset} field="password-reset" />
                <CheckField label="MFA device assigned" checked={user.mfa} on_toggle={mfa} field="mfa" />
                <AccessKeys user={name.clone()} keys={user.access_keys.clone()} />
            </Section>
            <Section title="Groups" id="groups">
                <Groups user={name.clone()} groups={user.groups.clone()} />
            </Section>
            <Section title="Permissions policies" id="policies">
                <h3>{ "Managed policies" }</h3>
                <ManagedSection identity={identity.clone()} attached={user.managed_policies.clone()} />
                <h3>{ "Inline policies" }</h3>
                <InlineSection owner={Owner::Identity(identity.clone())} policies={user.inline_policies.clone()} />
            </Section>
            <Section title="Permissions boundary" id="boundary">
                <BoundarySection {identity} boundary={user.permissions_boundary.clone()} />
            </Section>
            <Section title="Tags" id="tags" open={!user.tags.is_empty()}>
                <TagsSection tags={user.tags.clone()} apply={tags} />
            </Section>
            <Section title="Quotas" id="quotas">
                <QuotaMeters {meters} />
            </Section>
        </div>
    }
}

/// Props of [`AccessKeys`].
#[derive(Properties, PartialEq)]
struct AccessKeysProps {
    user: AttrValue,
    keys: Vec<AccessKey>,
}

/// A user's access keys: age in days, active or inactive, remove, add (at most two).
#[component]
fn AccessKeys(props: &AccessKeysProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let user = props.user.to_string();
    let rows = props.keys.iter().enumerate().map(|(i, key)| {
        let age = {
            let user = user.clone();
            Apply::new(move |s, text| {
                let days = text.trim().parse::<u32>().map_err(|_| EditError {
                    code: "access-key-age",
                    message: "Type the key's age as a whole number of days (0 or more).".to_owned(),
                })?;
                with_user(s, &user, |u| {
                    if let Some(k) = u.access_keys.get_mut(i) {
                        k.age_days = days;
                    }
                })
            })
        };
        let active = toggle(&store, &user, "Access key status", move |u, on| {
            if let Some(k) = u.access_keys.get_mut(i) {
                k.active = on;
            }
        });
        let remove = {
            let (store, user) = (store.clone(), user.clone());
            Callback::from(move |()| {
                crate::store::edit(&store, format!("Remove access key of user {user}"), |s| {
                    with_user(s, &user, |u| {
                        if i < u.access_keys.len() {
                            u.access_keys.remove(i);
                        }
                    })
                })
                .err()
                .map(|e| e.message)
            })
        };
        html! {
            <li class="access-key" key={i}>
                <strong>{ format!("Key {}", i + 1) }</strong>
                <TextField label="Age in days" value={key.age_days.to_string()} apply={age}
                    input_type="number" undo={format!("Change access key age of user {user}")}
                    field="key-age" class="field-narrow" />
                <CheckField label="Active" checked={key.active} on_toggle={active} field="key-active" />
                <ActionButton label="Remove" class="btn-quiet" on_click={remove}
                    aria_label={format!("Remove access key {}", i + 1)} />
            </li>
        }
    });
    let add = {
        let (store, user) = (store.clone(), user.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, format!("Add access key to user {user}"), |s| {
                with_user(s, &user, |u| {
                    u.access_keys.push(AccessKey {
                        age_days: 0,
                        active: true,
                    })
                })
            })
            .err()
            .map(|e| e.message)
        })
    };
    html! {
        <div class="access-keys">
            <h3>{ "Access keys" }</h3>
            if props.keys.is_empty() {
                <p class="muted">{ "No access keys." }</p>
            } else {
                <ul class="entity-list">{ for rows }</ul>
            }
            <ActionButton label="Add access key" on_click={add} action="add-key" />
        </div>
    }
}

/// Props of [`Groups`].
#[derive(Properties, PartialEq)]
struct GroupsProps {
    user: AttrValue,
    groups: Vec<String>,
}

/// The groups a user is in: open, leave, join another.
#[component]
fn Groups(props: &GroupsProps) -> Html {
    let store = use_store();
    let choice = use_state(String::new);
    let Some(store) = store else {
        return html! {};
    };
    let user = props.user.to_string();
    let rows = props.groups.iter().map(|g| {
        let open = {
            let (store, g) = (store.clone(), g.clone());
            Callback::from(move |()| {
                open_document(&store, Target::Group { name: g.clone() }, None);
                None
            })
        };
        let leave = {
            let (store, user, g) = (store.clone(), user.clone(), g.clone());
            Callback::from(move |()| {
                crate::store::edit(&store, format!("Remove {user} from group {g}"), |s| {
                    s.remove_user_from_group(&user, &g)
                })
                .err()
                .map(|e| e.message)
            })
        };
        html! {
            <li key={g.clone()}>
                <span class="entity-name">{ g.clone() }</span>
                <ActionButton label="Open" class="btn-quiet" on_click={open}
                    aria_label={format!("Open group {g}")} />
                <ActionButton label="Leave" class="btn-quiet" on_click={leave}
                    aria_label={format!("Remove from group {g}")} />
            </li>
        }
    });
    let candidates: Vec<String> = store
        .scenario
        .groups
        .iter()
        .filter(|g| !props.groups.iter().any(|m| m.eq_ignore_ascii_case(&g.name)))
        .map(|g| g.name.clone())
        .collect();
    let onchange = {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            choice.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let join = {
        let (store, user, choice) = (store.clone(), user.clone(), choice.clone());
        let first = candidates.first().cloned().unwrap_or_default();
        Callback::from(move |()| {
            let g = if choice.is_empty() {
                first.clone()
            } else {
                (*choice).clone()
            };
            crate::store::edit(&store, format!("Add {user} to group {g}"), |s| {
                s.add_user_to_group(&user, &g)
            })
            .err()
            .map(|e| e.message)
        })
    };
    html! {
        <div class="groups">
            if props.groups.is_empty() {
                <p class="muted">{ "Not in any group." }</p>
            } else {
                <ul class="entity-list compact">{ for rows }</ul>
            }
            if candidates.is_empty() {
                <p class="muted">{ "There are no other groups to join." }</p>
            } else {
                <div class="row">
                    <label class="field">
                        <span>{ "Add to group" }</span>
                        <select {onchange} data-field="join-group">
                            { for candidates.iter().map(|g| html! {
                                <option value={g.clone()} selected={*choice == *g}>{ g.clone() }</option>
                            }) }
                        </select>
                    </label>
                    <ActionButton label="Add to group" on_click={join} action="join-group" />
                </div>
            }
        </div>
    }
}
