//! A scenario's JSON a piece at a time: a real account's scenario is tens of megabytes of JSON,
//! and writing or reading it whole is a task of hundreds of milliseconds. [`PieceWriter`]
//! writes it in pieces of about a given size (the scenario without its lists, then each list a
//! run of entities at a time), and [`Assembler`] reads the pieces back into the scenario, one
//! piece per task, while [`Joiner`] joins them into exactly the text [`Scenario::to_json`]
//! writes (so the page can save it, or hand it to another worker, without writing it again).
//!
//! The worker sends an imported scenario to the page this way; the page keeps the joined text
//! ([`super::scenario_json`]) for saving and for the second worker.

use std::rc::Rc;

use iam_engine::scenario::{FORMAT_VERSION, Scenario};
use serde::{Deserialize, Serialize};

/// What a piece holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PieceKind {
    /// The scenario without its lists (a whole JSON object).
    Head,
    /// Users (a JSON array of some of them, in order).
    Users,
    /// Groups.
    Groups,
    /// Roles.
    Roles,
    /// Customer-managed policies.
    Policies,
    /// Resources.
    Resources,
    /// External principals.
    ExternalPrincipals,
    /// Saved tests.
    Tests,
}

impl PieceKind {
    /// The lists in the order the scenario's JSON writes them.
    const LISTS: [PieceKind; 7] = [
        PieceKind::Users,
        PieceKind::Groups,
        PieceKind::Roles,
        PieceKind::Policies,
        PieceKind::Resources,
        PieceKind::ExternalPrincipals,
        PieceKind::Tests,
    ];

    /// The list's key in the scenario's JSON.
    fn key(self) -> &'static str {
        match self {
            PieceKind::Head => "",
            PieceKind::Users => "users",
            PieceKind::Groups => "groups",
            PieceKind::Roles => "roles",
            PieceKind::Policies => "policies",
            PieceKind::Resources => "resources",
            PieceKind::ExternalPrincipals => "externalPrincipals",
            PieceKind::Tests => "tests",
        }
    }
}

/// One piece of a scenario's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioPiece {
    /// What it holds.
    pub kind: PieceKind,
    /// How many entities it holds (0 for the head).
    pub count: usize,
    /// The JSON: an object for the head, an array for a list's run of entities.
    pub json: String,
}

/// How many entities a scenario's lists hold together.
pub fn entity_count(s: &Scenario) -> usize {
    PieceKind::LISTS.iter().map(|&kind| list_len(s, kind)).sum()
}

/// The length of one of a scenario's lists.
fn list_len(s: &Scenario, kind: PieceKind) -> usize {
    match kind {
        PieceKind::Head => 0,
        PieceKind::Users => s.users.len(),
        PieceKind::Groups => s.groups.len(),
        PieceKind::Roles => s.roles.len(),
        PieceKind::Policies => s.policies.len(),
        PieceKind::Resources => s.resources.len(),
        PieceKind::ExternalPrincipals => s.external_principals.len(),
        PieceKind::Tests => s.tests.len(),
    }
}

/// Appends the JSON of entity `i` of list `kind` to `out`.
fn write_entity(s: &Scenario, kind: PieceKind, i: usize, out: &mut Vec<u8>) {
    fn write<T: Serialize>(list: &[T], i: usize, out: &mut Vec<u8>) {
        // Serializing plain data with string keys cannot fail.
        if let Some(entity) = list.get(i) {
            let _ = serde_json::to_writer(out, entity);
        }
    }
    match kind {
        PieceKind::Head => {}
        PieceKind::Users => write(&s.users, i, out),
        PieceKind::Groups => write(&s.groups, i, out),
        PieceKind::Roles => write(&s.roles, i, out),
        PieceKind::Policies => write(&s.policies, i, out),
        PieceKind::Resources => write(&s.resources, i, out),
        PieceKind::ExternalPrincipals => write(&s.external_principals, i, out),
        PieceKind::Tests => write(&s.tests, i, out),
    }
}

/// The scenario without its lists, as JSON (the lists are empty, so none is written).
fn head_json(s: &Scenario) -> String {
    let head = Scenario {
        format_version: FORMAT_VERSION,
        title: s.title.clone(),
        description: s.description.clone(),
        account: s.account.clone(),
        organization: s.organization.clone(),
        root_user: s.root_user,
        users: Vec::new(),
        groups: Vec::new(),
        roles: Vec::new(),
        policies: Vec::new(),
        resources: Vec::new(),
        external_principals: Vec::new(),
        tests: Vec::new(),
    };
    serde_json::to_string(&head).unwrap_or_default()
}

/// Writes a scenario's JSON a piece at a time: the head first, then each non-empty list in
/// runs of entities.
#[derive(Debug)]
pub struct PieceWriter {
    scenario: Rc<Scenario>,
    /// Where the next piece starts: `None` before the head, else (list position in
    /// [`PieceKind::LISTS`], entity index).
    at: Option<(usize, usize)>,
    written: usize,
    total: usize,
}

impl PieceWriter {
    /// A writer of `scenario`'s pieces.
    pub fn new(scenario: Rc<Scenario>) -> PieceWriter {
        PieceWriter {
            total: entity_count(&scenario),
            scenario,
            at: None,
            written: 0,
        }
    }

    /// How many entities have been written so far.
    pub fn written(&self) -> usize {
        self.written
    }

    /// How many entities the scenario holds.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Whether every piece has been written.
    pub fn is_done(&self) -> bool {
        matches!(self.at, Some((list, _)) if list >= PieceKind::LISTS.len())
    }

    /// The next piece: the head, or a run of entities of one list of about `max_bytes` of JSON
    /// (at least one entity); `None` when every piece has been written.
    pub fn next_piece(&mut self, max_bytes: usize) -> Option<ScenarioPiece> {
        let s = Rc::clone(&self.scenario);
        let Some((mut list, mut index)) = self.at else {
            self.at = Some((0, 0));
            return Some(ScenarioPiece {
                kind: PieceKind::Head,
                count: 0,
                json: head_json(&s),
            });
        };
        // Skip the lists that are done or empty.
        while let Some(&kind) = PieceKind::LISTS.get(list) {
            if index < list_len(&s, kind) {
                break;
            }
            list += 1;
            index = 0;
        }
        let Some(&kind) = PieceKind::LISTS.get(list) else {
            self.at = Some((list, 0));
            return None;
        };
        let len = list_len(&s, kind);
        let mut out = Vec::with_capacity(max_bytes.min(1 << 20) + 1024);
        out.push(b'[');
        let first = index;
        while index < len && (index == first || out.len() < max_bytes) {
            if index > first {
                out.push(b',');
            }
            write_entity(&s, kind, index, &mut out);
            index += 1;
        }
        out.push(b']');
        let count = index - first;
        self.written += count;
        self.at = Some((list, index));
        Some(ScenarioPiece {
            kind,
            count,
            // serde_json writes UTF-8.
            json: String::from_utf8(out).unwrap_or_default(),
        })
    }
}

/// Joins pieces into the scenario's compact JSON, exactly as [`Scenario::to_json`] writes it.
#[derive(Debug, Default)]
pub struct Joiner {
    text: String,
    /// The list being written (its `[` is open).
    open: Option<PieceKind>,
}

impl Joiner {
    /// Adds the next piece (in the writer's order).
    pub fn push(&mut self, piece: &ScenarioPiece) {
        if piece.kind == PieceKind::Head {
            self.text.clear();
            self.text
                .push_str(piece.json.strip_suffix('}').unwrap_or(&piece.json));
            self.open = None;
            return;
        }
        let inner = piece
            .json
            .strip_prefix('[')
            .and_then(|j| j.strip_suffix(']'))
            .unwrap_or("");
        if self.open == Some(piece.kind) {
            self.text.push(',');
        } else {
            if self.open.is_some() {
                self.text.push(']');
            }
            self.text.push_str(",\"");
            self.text.push_str(piece.kind.key());
            self.text.push_str("\":[");
            self.open = Some(piece.kind);
        }
        self.text.push_str(inner);
    }

    /// The whole JSON.
    pub fn finish(mut self) -> String {
        if self.open.is_some() {
            self.text.push(']');
        }
        self.text.push('}');
        self.text
    }
}

/// Reads pieces back into a scenario.
#[derive(Debug, Default)]
pub struct Assembler {
    head: Option<Scenario>,
    joiner: Joiner,
    received: usize,
}

impl Assembler {
    /// Reads the next piece.
    ///
    /// # Errors
    /// Why the piece could not be read (the worker and the page disagree on the format).
    pub fn add(&mut self, piece: &ScenarioPiece) -> Result<(), String> {
        fn list<T: for<'de> Deserialize<'de>>(json: &str, into: &mut Vec<T>) -> Result<(), String> {
            let mut items: Vec<T> = serde_json::from_str(json).map_err(|e| e.to_string())?;
            into.append(&mut items);
            Ok(())
        }
        if piece.kind == PieceKind::Head {
            self.head = Some(Scenario::from_json(&piece.json).map_err(|e| e.message)?);
        } else {
            let Some(head) = self.head.as_mut() else {
                return Err("a part of the scenario came before its head".to_owned());
            };
            match piece.kind {
                PieceKind::Head => {}
                PieceKind::Users => list(&piece.json, &mut head.users)?,
                PieceKind::Groups => list(&piece.json, &mut head.groups)?,
                PieceKind::Roles => list(&piece.json, &mut head.roles)?,
                PieceKind::Policies => list(&piece.json, &mut head.policies)?,
                PieceKind::Resources => list(&piece.json, &mut head.resources)?,
                PieceKind::ExternalPrincipals => {
                    list(&piece.json, &mut head.external_principals)?;
                }
                PieceKind::Tests => list(&piece.json, &mut head.tests)?,
            }
        }
        self.received += piece.count;
        self.joiner.push(piece);
        Ok(())
    }

    /// How many entities have been read.
    pub fn received(&self) -> usize {
        self.received
    }

    /// The scenario and its compact JSON ([`Scenario::to_json`]'s text).
    ///
    /// # Errors
    /// When no head was read.
    pub fn finish(self) -> Result<(Scenario, String), String> {
        let head = self
            .head
            .ok_or_else(|| "the scenario's head never came".to_owned())?;
        Ok((head, self.joiner.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_engine::scenario::{gallery, gallery_json};

    fn pieces(s: &Rc<Scenario>, max: usize) -> Vec<ScenarioPiece> {
        let mut w = PieceWriter::new(Rc::clone(s));
        let mut out = Vec::new();
        while let Some(p) = w.next_piece(max) {
            out.push(p);
        }
        assert!(w.is_done());
        assert_eq!(w.written(), w.total());
        out
    }

    #[test]
    fn every_example_comes_back_whole_with_the_same_json() {
        for entry in gallery() {
            let s = Rc::new(Scenario::from_json(gallery_json(entry.id).unwrap()).unwrap());
            for max in [1, 200, 1 << 20] {
                let mut a = Assembler::default();
                for p in pieces(&s, max) {
                    // Through bincode, as the worker sends them.
                    let p: ScenarioPiece = crate::analysis::round_trip(&p);
                    a.add(&p).unwrap();
                }
                assert_eq!(a.received(), entity_count(&s));
                let (back, json) = a.finish().unwrap();
                assert_eq!(back, *s, "{} at {max} bytes", entry.id);
                assert_eq!(json, s.to_json(), "{} at {max} bytes", entry.id);
            }
        }
    }

    #[test]
    fn small_pieces_cut_the_lists_and_a_large_piece_holds_one_list() {
        let s = Rc::new(Scenario::from_json(gallery_json("root-vs-admin").unwrap()).unwrap());
        let one_each = pieces(&s, 1);
        assert_eq!(one_each.len(), 1 + entity_count(&s));
        assert!(one_each.iter().skip(1).all(|p| p.count == 1));
        let whole = pieces(&s, 1 << 20);
        let lists = PieceKind::LISTS
            .iter()
            .filter(|k| list_len(&s, **k) > 0)
            .count();
        assert_eq!(whole.len(), 1 + lists);
    }

    #[test]
    fn an_empty_scenario_is_its_head() {
        let s = Rc::new(Scenario::new("123456789012"));
        let p = pieces(&s, 100);
        assert_eq!(p.len(), 1);
        let mut a = Assembler::default();
        a.add(&p[0]).unwrap();
        let (back, json) = a.finish().unwrap();
        assert_eq!(back, *s);
        assert_eq!(json, s.to_json());
    }

    #[test]
    fn a_list_before_the_head_is_refused() {
        let mut a = Assembler::default();
        let piece = ScenarioPiece {
            kind: PieceKind::Users,
            count: 0,
            json: "[]".into(),
        };
        assert!(a.add(&piece).is_err());
        assert!(Assembler::default().finish().is_err());
    }
}
