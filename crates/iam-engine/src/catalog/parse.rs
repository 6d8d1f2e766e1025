//! The catalog asset parser (see the format in the module docs of [`crate::catalog`]).

use super::text::{cmp_ignore_case, split_with_offsets};
use super::{
    AccessLevel, ActionRec, ActionResourceRec, CATALOG_FORMAT_VERSION, CATALOG_MAGIC, Catalog,
    CatalogCounts, CatalogError, CatalogHeader, ConditionKeyType, KeyRec, Range32, ResourceTypeRec,
    ServiceRec, Str, action_hash, fnv1a64,
};
use crate::span::Span;
use std::cmp::Ordering;

fn err(code: &'static str, message: impl Into<String>, start: usize, len: usize) -> CatalogError {
    CatalogError::new(code, message, Span::new(start, start + len))
}

fn to_u32(value: usize, at: usize) -> Result<u32, CatalogError> {
    u32::try_from(value).map_err(|_| err("catalog-too-large", "the catalog is too large", at, 0))
}

fn str_at(start: usize, text: &str) -> Result<Str, CatalogError> {
    Ok(Str {
        start: to_u32(start, start)?,
        len: to_u32(text.len(), start)?,
    })
}

/// Header lines as `(name, offset of the value, value)`.
pub(crate) type HeaderFields<'t> = Vec<(&'t str, usize, &'t str)>;

/// Parses the header lines shared by the catalog and the managed-policy assets.
///
/// Returns the `key -> (offset, value)` pairs in order and the byte offset where the body
/// starts (just after the blank line).
pub(crate) fn parse_header<'t>(
    text: &'t str,
    magic: &str,
    format_version: u32,
) -> Result<(HeaderFields<'t>, usize), CatalogError> {
    let mut fields = Vec::new();
    let mut offset = 0usize;
    let mut first = true;
    for line in text.split('\n') {
        let line_start = offset;
        offset += line.len() + 1;
        if first {
            first = false;
            let expected = format!("{magic}\t{format_version}");
            if line != expected {
                return Err(err(
                    "catalog-magic",
                    format!("the asset must start with `{magic}<TAB>{format_version}`"),
                    line_start,
                    line.len(),
                ));
            }
            continue;
        }
        if line.is_empty() {
            return Ok((fields, offset.min(text.len())));
        }
        let (key, value) = line.split_once('\t').ok_or_else(|| {
            err(
                "catalog-header",
                "a header line must be `name<TAB>value`",
                line_start,
                line.len(),
            )
        })?;
        fields.push((key, line_start + key.len() + 1, value));
    }
    Err(err(
        "catalog-header",
        "the header does not end with a blank line",
        text.len(),
        0,
    ))
}

/// Finds a required header field.
pub(crate) fn header_field<'t>(
    fields: &[(&'t str, usize, &'t str)],
    name: &str,
) -> Result<(usize, &'t str), CatalogError> {
    fields
        .iter()
        .find(|(key, _, _)| *key == name)
        .map(|(_, at, value)| (*at, *value))
        .ok_or_else(|| {
            err(
                "catalog-header",
                format!("the header has no `{name}` line"),
                0,
                0,
            )
        })
}

/// Checks the `checksum` header field against the body.
pub(crate) fn check_checksum(
    fields: &[(&str, usize, &str)],
    body: &[u8],
) -> Result<u64, CatalogError> {
    let (at, value) = header_field(fields, "checksum")?;
    let stated = value
        .strip_prefix("fnv1a64:")
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .ok_or_else(|| {
            err(
                "catalog-header",
                "the checksum must be `fnv1a64:<16 hex digits>`",
                at,
                value.len(),
            )
        })?;
    let actual = fnv1a64(body);
    if stated != actual {
        return Err(err(
            "catalog-checksum",
            format!(
                "the body's checksum is {actual:016x} but the header says {stated:016x}: the asset was edited by hand or truncated; regenerate it with scripts/update-catalog.sh"
            ),
            at,
            value.len(),
        ));
    }
    Ok(stated)
}

fn parse_counts(at: usize, value: &str) -> Result<CatalogCounts, CatalogError> {
    let mut counts = CatalogCounts::default();
    for (field_at, field) in split_with_offsets(value, at, '\t') {
        let bad = || {
            err(
                "catalog-header",
                "a count must be `name=number`",
                field_at,
                field.len(),
            )
        };
        let (name, number) = field.split_once('=').ok_or_else(bad)?;
        let number: usize = number.parse().map_err(|_| bad())?;
        match name {
            "services" => counts.services = number,
            "actions" => counts.actions = number,
            "resource-types" => counts.resource_types = number,
            "condition-keys" => counts.condition_keys = number,
            "global-condition-keys" => counts.global_condition_keys = number,
            // Counts of record kinds a later format adds are ignored by this reader.
            _ => {}
        }
    }
    Ok(counts)
}

/// The state of the service whose `R` and `A` lines are being read.
struct OpenService {
    index: usize,
    first_resource_type: usize,
    first_action: usize,
}

struct Parser<'t> {
    keys: Vec<KeyRec>,
    key_patterns: Vec<u32>,
    services: Vec<ServiceRec>,
    resource_types: Vec<ResourceTypeRec>,
    actions: Vec<ActionRec>,
    action_resources: Vec<ActionResourceRec>,
    key_refs: Vec<u32>,
    open: Option<OpenService>,
    last_key: Option<&'t str>,
    last_service: Option<&'t str>,
    last_action: Option<&'t str>,
    global_keys: usize,
}

impl<'t> Parser<'t> {
    fn key_list(&mut self, at: usize, list: &str) -> Result<Range32, CatalogError> {
        let start = to_u32(self.key_refs.len(), at)?;
        if !list.is_empty() {
            for (item_at, item) in split_with_offsets(list, at, ',') {
                let index: u32 = item.parse().map_err(|_| {
                    err(
                        "catalog-record",
                        "a condition key reference must be a number",
                        item_at,
                        item.len(),
                    )
                })?;
                if index as usize >= self.keys.len() {
                    return Err(err(
                        "catalog-record",
                        format!("condition key {index} does not exist"),
                        item_at,
                        item.len(),
                    ));
                }
                self.key_refs.push(index);
            }
        }
        Ok(Range32 {
            start,
            end: to_u32(self.key_refs.len(), at)?,
        })
    }

    fn close_service(&mut self) -> Result<(), CatalogError> {
        if let Some(open) = self.open.take() {
            let end_rt = to_u32(self.resource_types.len(), 0)?;
            let end_action = to_u32(self.actions.len(), 0)?;
            if let Some(service) = self.services.get_mut(open.index) {
                service.resource_types = Range32 {
                    start: to_u32(open.first_resource_type, 0)?,
                    end: end_rt,
                };
                service.actions = Range32 {
                    start: to_u32(open.first_action, 0)?,
                    end: end_action,
                };
            }
        }
        Ok(())
    }

    fn record(&mut self, line_at: usize, line: &'t str) -> Result<(), CatalogError> {
        let fields: Vec<(usize, &'t str)> = split_with_offsets(line, line_at, '\t').collect();
        let field = |i: usize| fields.get(i).copied().unwrap_or((line_at + line.len(), ""));
        let (kind_at, kind) = field(0);
        match kind {
            "K" => self.key_record(field(1), field(2), fields.get(3).copied()),
            "S" => self.service_record(field(1), field(2)),
            "R" => self.resource_type_record(line_at, field(1), field(2), field(3)),
            "A" => self.action_record(line_at, field(1), field(2), field(3), field(4), field(5)),
            _ => Err(err(
                "catalog-record",
                format!("unknown record kind `{kind}`"),
                kind_at,
                kind.len(),
            )),
        }
    }

    fn key_record(
        &mut self,
        (name_at, name): (usize, &'t str),
        (type_at, type_name): (usize, &'t str),
        category: Option<(usize, &'t str)>,
    ) -> Result<(), CatalogError> {
        if !self.services.is_empty() {
            return Err(err(
                "catalog-record",
                "condition keys must come before the first service",
                name_at,
                name.len(),
            ));
        }
        if name.is_empty() {
            return Err(err("catalog-record", "empty condition key", name_at, 0));
        }
        if let Some(last) = self.last_key
            && cmp_ignore_case(last, name) != Ordering::Less
        {
            return Err(err(
                "catalog-order",
                format!("condition key `{name}` is out of order or repeated"),
                name_at,
                name.len(),
            ));
        }
        self.last_key = Some(name);
        let ty = ConditionKeyType::from_aws(type_name).ok_or_else(|| {
            err(
                "catalog-record",
                format!("unknown condition key type `{type_name}`"),
                type_at,
                type_name.len(),
            )
        })?;
        let global = match category {
            Some((at, text)) => {
                self.global_keys += 1;
                Some(str_at(at, text)?)
            }
            None => None,
        };
        if name.contains("${") {
            self.key_patterns.push(to_u32(self.keys.len(), name_at)?);
        }
        self.keys.push(KeyRec {
            name: str_at(name_at, name)?,
            ty,
            global,
        });
        Ok(())
    }

    fn service_record(
        &mut self,
        (prefix_at, prefix): (usize, &'t str),
        (name_at, name): (usize, &'t str),
    ) -> Result<(), CatalogError> {
        if prefix.is_empty() {
            return Err(err("catalog-record", "empty service prefix", prefix_at, 0));
        }
        if let Some(last) = self.last_service
            && cmp_ignore_case(last, prefix) != Ordering::Less
        {
            return Err(err(
                "catalog-order",
                format!("service `{prefix}` is out of order or repeated"),
                prefix_at,
                prefix.len(),
            ));
        }
        self.last_service = Some(prefix);
        self.last_action = None;
        self.close_service()?;
        self.open = Some(OpenService {
            index: self.services.len(),
            first_resource_type: self.resource_types.len(),
            first_action: self.actions.len(),
        });
        self.services.push(ServiceRec {
            prefix: str_at(prefix_at, prefix)?,
            name: str_at(name_at, name)?,
            actions: Range32::default(),
            resource_types: Range32::default(),
        });
        Ok(())
    }

    fn open_service(&self, at: usize) -> Result<&OpenService, CatalogError> {
        self.open
            .as_ref()
            .ok_or_else(|| err("catalog-record", "a record before the first service", at, 0))
    }

    fn resource_type_record(
        &mut self,
        line_at: usize,
        (name_at, name): (usize, &'t str),
        (arn_at, arn): (usize, &'t str),
        (keys_at, keys): (usize, &'t str),
    ) -> Result<(), CatalogError> {
        let open = self.open_service(line_at)?;
        let service = to_u32(open.index, line_at)?;
        if self.actions.len() > open.first_action {
            return Err(err(
                "catalog-order",
                "resource types must come before the service's actions",
                name_at,
                name.len(),
            ));
        }
        let keys = self.key_list(keys_at, keys)?;
        self.resource_types.push(ResourceTypeRec {
            service,
            name: str_at(name_at, name)?,
            arn: str_at(arn_at, arn)?,
            keys,
        });
        Ok(())
    }

    fn action_record(
        &mut self,
        line_at: usize,
        (name_at, name): (usize, &'t str),
        (level_at, level): (usize, &'t str),
        (resources_at, resources): (usize, &'t str),
        (keys_at, keys): (usize, &'t str),
        (deps_at, deps): (usize, &'t str),
    ) -> Result<(), CatalogError> {
        let open = self.open_service(line_at)?;
        let service = to_u32(open.index, line_at)?;
        let first_rt = open.first_resource_type;
        if name.is_empty() {
            return Err(err("catalog-record", "empty action name", name_at, 0));
        }
        if let Some(last) = self.last_action
            && cmp_ignore_case(last, name) != Ordering::Less
        {
            return Err(err(
                "catalog-order",
                format!("action `{name}` is out of order or repeated"),
                name_at,
                name.len(),
            ));
        }
        self.last_action = Some(name);
        let level = AccessLevel::from_code(level).ok_or_else(|| {
            err(
                "catalog-record",
                format!("unknown access level `{level}`"),
                level_at,
                level.len(),
            )
        })?;
        let local_rts = self.resource_types.len() - first_rt;
        let resources_start = to_u32(self.action_resources.len(), resources_at)?;
        if !resources.is_empty() {
            for (entry_at, entry) in split_with_offsets(resources, resources_at, ';') {
                let (head, entry_keys, keys_offset) = match entry.split_once(':') {
                    Some((head, rest)) => (head, rest, entry_at + head.len() + 1),
                    None => (entry, "", entry_at + entry.len()),
                };
                let (number, required) = match head.strip_suffix('+') {
                    Some(number) => (number, true),
                    None => (head, false),
                };
                let local: usize = number.parse().map_err(|_| {
                    err(
                        "catalog-record",
                        "a resource entry must be `<index>[+][:<keys>]`",
                        entry_at,
                        entry.len(),
                    )
                })?;
                if local >= local_rts {
                    return Err(err(
                        "catalog-record",
                        format!("the service has no resource type {local}"),
                        entry_at,
                        head.len(),
                    ));
                }
                let keys = self.key_list(keys_offset, entry_keys)?;
                self.action_resources.push(ActionResourceRec {
                    resource_type: to_u32(first_rt + local, entry_at)?,
                    required,
                    keys,
                });
            }
        }
        let resources = Range32 {
            start: resources_start,
            end: to_u32(self.action_resources.len(), resources_at)?,
        };
        let keys = self.key_list(keys_at, keys)?;
        self.actions.push(ActionRec {
            service,
            name: str_at(name_at, name)?,
            level,
            resources,
            keys,
            deps: str_at(deps_at, deps)?,
        });
        Ok(())
    }
}

/// Builds the open-addressing action index (see `Catalog::action_index`).
fn build_action_index(text: &str, services: &[ServiceRec], actions: &[ActionRec]) -> Vec<u32> {
    let slice = |s: Str| {
        let start = s.start as usize;
        text.get(start..start + s.len as usize).unwrap_or("")
    };
    // At most half full, so probe runs stay short.
    let size = (actions.len() * 2).max(2).next_power_of_two();
    let mask = size - 1;
    let mut index = vec![u32::MAX; size];
    for (i, action) in actions.iter().enumerate() {
        let prefix = services
            .get(action.service as usize)
            .map_or("", |s| slice(s.prefix));
        let mut slot = (action_hash(prefix, slice(action.name)) as usize) & mask;
        while index.get(slot).is_some_and(|&v| v != u32::MAX) {
            slot = (slot + 1) & mask;
        }
        if let Some(entry) = index.get_mut(slot) {
            *entry = i as u32;
        }
    }
    index
}

impl Catalog {
    /// Parses a catalog asset.
    ///
    /// The text is checked end to end (magic line, checksum, record syntax, references, sort
    /// order and the header's counts), so a stale, truncated or hand-edited asset is an error
    /// rather than a catalog that answers wrongly.
    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        // Offsets are stored as u32; on wasm32 every length fits, natively it may not.
        if u32::try_from(text.len()).is_err() {
            return Err(err("catalog-too-large", "the catalog is too large", 0, 0));
        }
        let (fields, body_start) = parse_header(text, CATALOG_MAGIC, CATALOG_FORMAT_VERSION)?;
        let body = text.get(body_start..).unwrap_or("");
        let checksum = check_checksum(&fields, body.as_bytes())?;
        let value = |name: &str| header_field(&fields, name).map(|(_, v)| v.to_owned());
        let (counts_at, counts_text) = header_field(&fields, "counts")?;
        let counts = parse_counts(counts_at, counts_text)?;
        let header = CatalogHeader {
            format_version: CATALOG_FORMAT_VERSION,
            source: value("source")?,
            source_version: value("version")?,
            data_date: value("date")?,
            licence: value("licence")?,
            counts,
            checksum,
        };

        let mut parser = Parser {
            keys: Vec::with_capacity(counts.condition_keys),
            key_patterns: Vec::new(),
            services: Vec::with_capacity(counts.services),
            resource_types: Vec::with_capacity(counts.resource_types),
            actions: Vec::with_capacity(counts.actions),
            action_resources: Vec::with_capacity(counts.actions),
            key_refs: Vec::new(),
            open: None,
            last_key: None,
            last_service: None,
            last_action: None,
            global_keys: 0,
        };
        let mut offset = body_start;
        for line in body.split('\n') {
            let line_at = offset;
            offset += line.len() + 1;
            if line.is_empty() {
                continue;
            }
            parser.record(line_at, line)?;
        }
        parser.close_service()?;

        let actual = CatalogCounts {
            services: parser.services.len(),
            actions: parser.actions.len(),
            resource_types: parser.resource_types.len(),
            condition_keys: parser.keys.len(),
            global_condition_keys: parser.global_keys,
        };
        if actual != counts {
            return Err(err(
                "catalog-counts",
                format!("the header's counts {counts:?} do not match the body's {actual:?}"),
                counts_at,
                counts_text.len(),
            ));
        }
        let action_index = build_action_index(text, &parser.services, &parser.actions);
        Ok(Catalog {
            action_index,
            text: text.to_owned(),
            header,
            keys: parser.keys,
            key_patterns: parser.key_patterns,
            services: parser.services,
            resource_types: parser.resource_types,
            actions: parser.actions,
            action_resources: parser.action_resources,
            key_refs: parser.key_refs,
        })
    }
}
