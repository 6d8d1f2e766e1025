//! An ordered JSON-like tree, so the template keeps CloudFormation's conventional key order
//! (and the user's key order inside policy documents) in both YAML and JSON.
//!
//! `serde_json::Value` sorts object keys unless the workspace turns on `preserve_order`, which
//! would change every other user of serde_json; this small tree keeps insertion order instead
//! and serializes through any serde serializer.

use std::collections::HashMap;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value whose objects keep their keys in insertion order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, exactly as serde_json read it.
    Number(serde_json::Number),
    /// A string.
    Str(String),
    /// An array.
    Seq(Vec<Node>),
    /// An object, in key order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// A string node.
    pub(crate) fn str(text: impl Into<String>) -> Node {
        Node::Str(text.into())
    }

    /// An empty object.
    pub(crate) fn map() -> Node {
        Node::Map(Vec::new())
    }

    /// Adds a member to an object (a no-op on any other node), replacing an existing member
    /// with the same key in place so a key never appears twice.
    pub(crate) fn insert(&mut self, key: impl Into<String>, value: Node) {
        if let Node::Map(members) = self {
            let key = key.into();
            if let Some(slot) = members.iter_mut().find(|(k, _)| *k == key) {
                slot.1 = value;
            } else {
                members.push((key, value));
            }
        }
    }

    /// Adds a member whose key the caller knows is not in the object yet (a logical id from
    /// the allocator, which hands out each id once), without looking for it: a template with
    /// tens of thousands of resources would otherwise compare every key with every other.
    pub(crate) fn push_new(&mut self, key: String, value: Node) {
        if let Node::Map(members) = self {
            members.push((key, value));
        }
    }

    /// An object of members in order where a repeated key keeps its first position and its
    /// last value (as [`Node::insert`] one by one would), found through a hash index so a
    /// mapping of many keys is built in linear time.
    pub(crate) fn from_members(members: impl IntoIterator<Item = (String, Node)>) -> Node {
        let mut out: Vec<(String, Node)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (key, value) in members {
            match index.get(&key) {
                Some(&i) => {
                    if let Some(slot) = out.get_mut(i) {
                        slot.1 = value;
                    }
                }
                None => {
                    index.insert(key.clone(), out.len());
                    out.push((key, value));
                }
            }
        }
        Node::Map(out)
    }

    /// `{"Ref": name}`.
    pub(crate) fn reference(logical_id: &str) -> Node {
        Node::Map(vec![("Ref".to_string(), Node::str(logical_id))])
    }

    /// `{"Fn::Sub": text}`.
    pub(crate) fn sub(text: impl Into<String>) -> Node {
        Node::Map(vec![("Fn::Sub".to_string(), Node::str(text))])
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Number(n) => n.serialize(serializer),
            Node::Str(s) => serializer.serialize_str(s),
            Node::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Map(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        // JSON text never holds a NaN or an infinity, so this only guards the impossible.
        Ok(serde_json::Number::from_f64(v).map_or(Node::Null, Node::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::str(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        // A duplicate key keeps its first position and its last value, as most JSON readers
        // (and IAM) keep the last occurrence.
        let mut members = Vec::new();
        while let Some(entry) = map.next_entry::<String, Node>()? {
            members.push(entry);
        }
        Ok(Node::from_members(members))
    }
}
