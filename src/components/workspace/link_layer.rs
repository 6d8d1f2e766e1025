//! The canvas's link layer: every mounted card measured where the stylesheet laid it out, and
//! the curves of the links between two mounted cards (the lanes mount the cards in or near the
//! viewport and the selected one, so a large account draws a screenful of links, not all).

use std::collections::HashMap;

use wasm_bindgen::JsCast;

use super::links::{LinkKind, Rect, curve};

/// One measured link, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// The SVG path of the curve.
    pub path: String,
    /// What the link means.
    pub kind: LinkKind,
    /// The `data-card` of the card it starts at.
    pub from: String,
    /// The `data-card` of the card it ends at.
    pub to: String,
}

/// A link by its ends' `data-card` keys.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedLink {
    /// The `data-card` of the card it starts at.
    pub from: String,
    /// The `data-card` of the card it ends at.
    pub to: String,
    /// What the link means.
    pub kind: LinkKind,
}

/// Measures every mounted card of the canvas and returns the curves of the links between them.
pub fn measure(container: &web_sys::Element, links: &[KeyedLink]) -> Vec<Drawn> {
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
            let (a, b) = (find(&l.from)?, find(&l.to)?);
            Some(Drawn {
                path: curve(&a, &b),
                kind: l.kind,
                from: l.from.clone(),
                to: l.to.clone(),
            })
        })
        .collect()
}
