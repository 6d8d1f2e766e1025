//! Opening a share link: decoding it into actions for the store and a notice (pure, tested
//! natively), and the browser side: the link in the page's fragment at startup or pasted later,
//! and the data-version check once the catalog has loaded.

use std::cell::RefCell;
use std::rc::Rc;

use iam_engine::scenario::{FORMAT_VERSION, Scenario};
use iam_engine::share::{self, LinkVersions, SharePayload, ViewState};

use super::autosave::flush_autosave;
use super::backend::backend;
use super::slots::{SHARED_NAME, Slots, clean_name};
use crate::page::{clear_fragment, is_embed, location_hash};
use crate::store::{Action, Notice, NoticeLevel, RequestState, Store, StoreHandle, View};

/// Whether a URL fragment carries share-link data (`#s=...`, possibly among other parameters).
pub fn has_link(hash: &str) -> bool {
    hash.trim_start_matches('#')
        .split('&')
        .any(|part| part.starts_with("s="))
}

/// Maps a view name from a link or an embed URL to a view. Besides the view ids, `policy`
/// (the workspace with its policy editors) and `tests` (the simulator with the saved tests) are
/// understood. The share, examples and compare views are never restored: they are about this
/// page (its gallery, its undo history), not about the linked scenario.
pub fn view_from_link(name: &str) -> Option<View> {
    match name {
        "policy" | "policies" => Some(View::Workspace),
        "tests" => Some(View::Simulate),
        other => View::from_id(other)
            .filter(|v| !matches!(v, View::Share | View::Examples | View::Compare)),
    }
}

/// The scenario of a pasted share link, read to compare with (nothing is opened or saved), or
/// why it cannot be read, in words for the user.
pub fn scenario_from_link(link: &str) -> Result<Scenario, String> {
    if link.trim().is_empty() {
        return Err("Paste a share link (it contains #s=…) to compare with it.".to_string());
    }
    let payload = share::decode(link).map_err(|e| e.message())?;
    Scenario::from_json(&payload.scenario).map_err(|e| {
        format!(
            "The scenario in this share link could not be read: {}",
            e.message
        )
    })
}

/// The request a link's view state carries.
pub fn request_from_view(view: &ViewState) -> RequestState {
    RequestState {
        principal: view.principal.clone().unwrap_or_default(),
        action: view.action.clone().unwrap_or_default(),
        resource: view.resource.clone().unwrap_or_default(),
        context: Vec::new(),
    }
}

/// What opening a link does: actions for the store and a notice, or only an error notice.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkOutcome {
    /// Actions to apply in order (empty when the link could not be opened).
    pub actions: Vec<Action>,
    /// What to tell the user.
    pub notice: Notice,
    /// The versions recorded in the link, to compare the data version once it is known.
    pub versions: Option<LinkVersions>,
}

/// Decodes a share link and says how to open it: as a new, unsaved scenario named after its
/// title (made unique against `slots`), with its view and request. Versions are compared with
/// this build's engine and scenario format; the data version is compared later, once the
/// catalog has loaded ([`data_version_notice`]). Nothing is written anywhere.
pub fn open_link(slots: Option<&Slots<'_>>, link: &str) -> LinkOutcome {
    let error = |text: String| LinkOutcome {
        actions: Vec::new(),
        notice: Notice {
            details: None,
            level: NoticeLevel::Error,
            text,
        },
        versions: None,
    };
    let payload = match share::decode(link) {
        Ok(payload) => payload,
        Err(e) => {
            return error(format!(
                "{} Nothing was opened; your own scenarios are unchanged.",
                e.message()
            ));
        }
    };
    let scenario = match Scenario::from_json(&payload.scenario) {
        Ok(scenario) => scenario,
        Err(e) => {
            return error(format!(
                "The scenario in this share link could not be opened: {} Your own scenarios are \
                 unchanged.",
                e.message
            ));
        }
    };
    let base = if scenario.title.trim().is_empty() {
        SHARED_NAME
    } else {
        scenario.title.as_str()
    };
    let name = match slots {
        Some(slots) => slots.unique_name(base),
        None => clean_name(base),
    };
    let mut actions = vec![Action::Open {
        scenario: Rc::new(scenario),
        slot: name.clone(),
        unsaved_copy: true,
    }];
    if let Some(view) = &payload.view {
        actions.push(Action::SetRequest(request_from_view(view)));
        if let Some(v) = view.view.as_deref().and_then(view_from_link) {
            actions.push(Action::SetView(v));
        }
    }
    // The data version is checked once the catalog has loaded; here it is taken as equal.
    let compat = payload.compat(FORMAT_VERSION, &payload.versions.data);
    let notice = match compat.message() {
        Some(text) => Notice {
            details: None,
            level: NoticeLevel::Warning,
            text: format!(
                "{text} Opened “{name}” from the link; it is not saved in this browser until you \
                 keep it."
            ),
        },
        None => Notice {
            details: None,
            level: NoticeLevel::Info,
            text: format!(
                "Opened “{name}” from a share link. It is not saved in this browser until you \
                 choose “Keep this scenario”."
            ),
        },
    };
    LinkOutcome {
        actions,
        notice,
        versions: Some(payload.versions),
    }
}

/// The warning for a link whose data version differs from the loaded catalog's (`None` when
/// every version matches).
pub fn data_version_notice(versions: &LinkVersions, data_date: &str) -> Option<Notice> {
    let payload = SharePayload {
        scenario: String::new(),
        view: None,
        versions: versions.clone(),
    };
    payload
        .compat(FORMAT_VERSION, data_date)
        .differences
        .iter()
        .any(|d| d.component == share::VersionComponent::Data)
        .then(|| payload.compat(FORMAT_VERSION, data_date).message())
        .flatten()
        .map(|text| Notice {
            details: None,
            level: NoticeLevel::Warning,
            text,
        })
}

/// Several notices as one: the most severe level, the texts in order.
pub fn merge_notices(notes: Vec<Notice>) -> Option<Notice> {
    let rank = |level: NoticeLevel| match level {
        NoticeLevel::Info => 0,
        NoticeLevel::Warning => 1,
        NoticeLevel::Error => 2,
    };
    let level = notes.iter().map(|n| n.level).max_by_key(|l| rank(*l))?;
    let text = notes
        .into_iter()
        .map(|n| n.text)
        .collect::<Vec<_>>()
        .join(" ");
    Some(Notice {
        level,
        text,
        details: None,
    })
}

thread_local! {
    /// The versions of a link opened before the catalog (and so its data version) was known.
    static PENDING_VERSIONS: RefCell<Option<LinkVersions>> = const { RefCell::new(None) };
}

/// The state the app starts with: a shared link from the URL fragment (as a new, unsaved
/// scenario), else the scenario open last, else a new one. In embed mode local storage is
/// never touched and the fragment stays (the embed's "open in the playground" link uses it).
pub fn startup() -> Store {
    let hash = location_hash();
    if is_embed() {
        return embed_startup(&hash);
    }
    let (kv, fallback) = backend();
    let slots = Slots::new(&*kv);
    let mut notes: Vec<Notice> = fallback.into_iter().collect();
    let mut store = slots.restore(&mut notes);
    if has_link(&hash) {
        let outcome = open_link(Some(&slots), &hash);
        for action in outcome.actions {
            store.apply(action);
        }
        PENDING_VERSIONS.with(|p| *p.borrow_mut() = outcome.versions);
        notes.push(outcome.notice);
        clear_fragment();
    }
    store.notice = merge_notices(notes);
    store
}

/// The embed's state at startup: the linked scenario, unsaved, or an empty one with a message.
pub fn startup_embed() -> Store {
    embed_startup(&location_hash())
}

/// The embed's state: the linked scenario, unsaved, or an empty one with a message.
fn embed_startup(hash: &str) -> Store {
    let mut store = embed_store(hash);
    // Set after the link is opened: from here on the store refuses every scenario change.
    store.read_only = crate::page::is_read_only_embed();
    store
}

/// The embed's store before read-only is applied.
fn embed_store(hash: &str) -> Store {
    let mut store = Store::default();
    store.unsaved_copy = true;
    if !has_link(hash) {
        store.notice = Some(Notice {
            details: None,
            level: NoticeLevel::Info,
            text: "This embedded playground was given no scenario link, so it shows an empty \
                   scenario."
                .to_owned(),
        });
        return store;
    }
    let outcome = open_link(None, hash);
    let opened = !outcome.actions.is_empty();
    for action in outcome.actions {
        store.apply(action);
    }
    PENDING_VERSIONS.with(|p| *p.borrow_mut() = outcome.versions);
    // A successful open needs no "not saved" note inside a documentation page; only version
    // differences and errors are worth the reader's attention.
    if !opened || outcome.notice.level != NoticeLevel::Info {
        store.notice = Some(outcome.notice);
    }
    store
}

/// Opens the link in the page's fragment (a link pasted into the address bar of an open page):
/// like at startup, the current scenario stays saved and the linked one opens unsaved.
pub fn open_link_from_location(store: &StoreHandle) {
    flush_autosave();
    let hash = location_hash();
    if !has_link(&hash) {
        return;
    }
    let (kv, _) = backend();
    let outcome = open_link(Some(&Slots::new(&*kv)), &hash);
    for action in outcome.actions {
        store.dispatch(action);
    }
    PENDING_VERSIONS.with(|p| *p.borrow_mut() = outcome.versions);
    store.dispatch(Action::SetNotice(Some(outcome.notice)));
    clear_fragment();
}

/// Once the catalog has loaded: warns when the link opened at startup was made with other AWS
/// data. Runs at most once per opened link.
pub fn check_link_data_version(store: &StoreHandle, data_date: &str) {
    let Some(versions) = PENDING_VERSIONS.with(|p| p.borrow_mut().take()) else {
        return;
    };
    if let Some(notice) = data_version_notice(&versions, data_date) {
        store.dispatch(Action::SetNotice(Some(notice)));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::super::slots::MemoryStore;
    use super::super::slots::test_scenario as scenario;
    use super::*;

    #[test]
    fn links_open_as_unsaved_copies_with_their_view_and_request() {
        let kv = MemoryStore::default();
        let slots = Slots::new(&kv);
        let mut linked = scenario(&["alice"]);
        linked.title = "Demo".into();
        slots.write("Demo", &scenario(&[]), 1.0).unwrap();
        let payload = SharePayload::new(linked.to_json(), FORMAT_VERSION, "2026-09-26").with_view(
            ViewState {
                view: Some("simulate".into()),
                principal: Some("user/alice".into()),
                action: Some("s3:GetObject".into()),
                resource: None,
            },
        );
        let data = share::encode(&payload).unwrap();
        let outcome = open_link(Some(&slots), &format!("#s={data}"));
        assert_eq!(outcome.notice.level, NoticeLevel::Info);
        let mut store = Store::default();
        for action in outcome.actions {
            store.apply(action);
        }
        assert_eq!(store.slot, "Demo (2)");
        assert!(store.unsaved_copy);
        assert_eq!(store.view, View::Simulate);
        assert_eq!(store.request.principal, "user/alice");
        assert_eq!(store.scenario.users[0].name, "alice");
        // Nothing was written: the existing "Demo" is untouched.
        assert!(slots.read("Demo").unwrap().users.is_empty());
        assert!(!slots.exists("Demo (2)"));
        // The data version is compared once known.
        let versions = outcome.versions.unwrap();
        assert_eq!(data_version_notice(&versions, "2026-09-26"), None);
        let notice = data_version_notice(&versions, "2026-11-01").unwrap();
        assert!(notice.text.contains("older version"), "{}", notice.text);
    }

    #[test]
    fn bad_links_say_why_and_change_nothing() {
        let data = share::encode(&SharePayload::new(
            scenario(&[]).to_json(),
            FORMAT_VERSION,
            "d",
        ))
        .unwrap();
        let truncated = format!("#s={}", &data[..data.len() - 8]);
        for link in ["#s=abc!def", truncated.as_str(), "#s=hello-world"] {
            let outcome = open_link(None, link);
            assert!(outcome.actions.is_empty(), "{link}");
            assert_eq!(outcome.notice.level, NoticeLevel::Error);
            assert!(
                outcome.notice.text.contains("unchanged"),
                "{}",
                outcome.notice.text
            );
        }
        // A well-formed link whose scenario is not a scenario.
        let data = share::encode(&SharePayload::new("[1]", FORMAT_VERSION, "d")).unwrap();
        let outcome = open_link(None, &format!("#s={data}"));
        assert!(outcome.actions.is_empty());
        assert!(outcome.notice.text.contains("could not be opened"));
    }

    #[test]
    fn a_pasted_link_gives_its_scenario_to_compare_with_or_says_why_not() {
        let linked = scenario(&["alice"]);
        let data =
            share::encode(&SharePayload::new(linked.to_json(), FORMAT_VERSION, "d")).unwrap();
        let read = scenario_from_link(&format!("https://example.test/play/#s={data}")).unwrap();
        assert_eq!(read.to_json(), linked.to_json());
        assert!(
            scenario_from_link("  ")
                .unwrap_err()
                .contains("Paste a share link")
        );
        let truncated = format!("#s={}", &data[..data.len() - 8]);
        for bad in ["#s=abc!def", truncated.as_str()] {
            let message = scenario_from_link(bad).unwrap_err();
            assert!(!message.is_empty(), "{bad}");
        }
        let data = share::encode(&SharePayload::new("[1]", FORMAT_VERSION, "d")).unwrap();
        assert!(
            scenario_from_link(&data)
                .unwrap_err()
                .contains("could not be read")
        );
    }

    #[test]
    fn link_detection_and_view_names() {
        assert!(has_link("#s=abc"));
        assert!(has_link("#x=1&s=abc"));
        assert!(!has_link("#top"));
        assert!(!has_link(""));
        assert_eq!(view_from_link("policy"), Some(View::Workspace));
        assert_eq!(view_from_link("tests"), Some(View::Simulate));
        assert_eq!(view_from_link("share"), None);
        assert_eq!(view_from_link("compare"), None);
        assert_eq!(view_from_link("findings"), Some(View::Findings));
    }

    #[test]
    fn notices_merge_to_the_most_severe() {
        let n = |level, text: &str| Notice {
            level,
            text: text.into(),
            details: None,
        };
        let merged = merge_notices(vec![
            n(NoticeLevel::Warning, "a."),
            n(NoticeLevel::Error, "b."),
        ])
        .unwrap();
        assert_eq!(merged.level, NoticeLevel::Error);
        assert_eq!(merged.text, "a. b.");
        assert_eq!(merge_notices(Vec::new()), None);
    }
}
