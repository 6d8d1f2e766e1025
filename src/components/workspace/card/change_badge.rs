//! The change a comparison found for a principal's card ("+14 −1"): a button that opens the
//! Compare view, with the change in words as its name.

use yew::prelude::*;

use crate::components::workspace::links::ChangeMark;
use crate::store::{Action, View, use_store};
use crate::text::thousands;

/// Props of [`ChangeBadge`].
#[derive(Properties, PartialEq)]
pub struct ChangeBadgeProps {
    /// The principal's change.
    pub mark: ChangeMark,
}

/// The badge's short text and its words.
pub fn badge_text(mark: &ChangeMark) -> (String, String) {
    let mut short = Vec::new();
    let mut words = Vec::new();
    if mark.newly_allowed > 0 {
        short.push(format!("+{}", thousands(mark.newly_allowed)));
        words.push(format!("{} newly allowed", thousands(mark.newly_allowed)));
    }
    if mark.newly_denied > 0 {
        short.push(format!("−{}", thousands(mark.newly_denied)));
        words.push(format!("{} newly denied", thousands(mark.newly_denied)));
    }
    let what = if words.is_empty() {
        "its access changes".to_string()
    } else {
        format!(
            "{} {}",
            words.join(" and "),
            if mark.newly_allowed + mark.newly_denied == 1 {
                "action"
            } else {
                "actions"
            }
        )
    };
    (
        short.join(" "),
        format!(
            "Compared with the earlier version, {}: {what}. Open Compare.",
            mark.label
        ),
    )
}

/// The badge.
#[component]
pub fn ChangeBadge(props: &ChangeBadgeProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let (short, words) = badge_text(&props.mark);
    let onclick = Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        store.dispatch(Action::SetView(View::Compare));
    });
    html! {
        <button type="button" class="change-badge" data-action="open-compare"
            title={words.clone()} aria-label={words} {onclick}>
            <span class="change-badge-label">{ "Access " }</span>{ short }
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_counts_both_directions_and_says_them_in_words() {
        let mark = |up, down| ChangeMark {
            label: "user maria".into(),
            newly_allowed: up,
            newly_denied: down,
        };
        let (short, words) = badge_text(&mark(14, 1));
        assert_eq!(short, "+14 −1");
        assert_eq!(
            words,
            "Compared with the earlier version, user maria: 14 newly allowed and 1 newly denied actions. Open Compare."
        );
        let (short, words) = badge_text(&mark(21563, 0));
        assert_eq!(short, "+21,563");
        assert!(words.contains("21,563 newly allowed actions"), "{words}");
        assert_eq!(badge_text(&mark(0, 1)).0, "−1");
        assert!(badge_text(&mark(0, 1)).1.contains("1 newly denied action."));
    }
}
