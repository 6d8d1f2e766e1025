//! Share links: a whole scenario (plus the selected request and view) packed into a URL fragment.
//!
//! A share link needs no server: everything lives after the `#` of the playground's URL, so
//! browsers never send it anywhere. The fragment is `#s=` followed by the link data, which is
//! URL-safe base64 (no padding) of a small binary record:
//!
//! ```text
//! u8       link format (LINK_FORMAT, currently 1)
//! string   engine version that made the link       (varint byte length + UTF-8)
//! varint   scenario format version (u32)
//! string   data version (for example the catalog's data date)
//! varint   length n of the compressed body
//! n bytes  raw deflate of: varint length v, v bytes of view-state JSON (v = 0: no view state),
//!          then the scenario JSON text exactly as given
//! 4 bytes  Adler-32 (big-endian) of every byte before it
//! ```
//!
//! Design decisions, and why:
//! - The scenario text is compressed as it is, not minified. It holds the user's own policy
//!   formatting, which a link must give back unchanged, and deflate turns runs of indentation
//!   into a few bits: on the playground's examples minifying first shortened the link by only 5
//!   to 12 percent (`tests/share.rs` prints the numbers). Callers who prefer the shorter link
//!   can pass the text through [`minify_json`] first.
//! - The versions sit before the compressed body so a link can be described (and a newer
//!   format recognised) without inflating anything. The first two fields (format, then engine
//!   version) keep this layout in every future format, so an older build can name the version
//!   that made a link it cannot read.
//! - The body length is stored so that a link cut short (mail clients and chat apps truncate
//!   long URLs) is reported as truncated rather than as damaged.
//! - The checksum covers the transmitted bytes, not the inflated text, so tampering is caught
//!   before any decompression work and even in bits that deflate ignores. Adler-32 comes with
//!   miniz_oxide at no cost in code size, and it catches every change confined to two adjacent
//!   bytes, hence every single changed base64 character (6 bits), with certainty.
//! - The view state is a JSON object inside the compressed body: fields a newer build adds are
//!   ignored by older builds instead of making the link unreadable.
//!
//! Decoding never panics and is bounded: the link text is capped at [`MAX_LINK_CHARS`], the
//! inflated body at [`MAX_DECODED_BYTES`] (inflation stops at the cap, so a decompression bomb
//! costs at most the cap), and every length field is checked against the bytes present.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Serialize};

/// The link format this build writes and the newest one it reads.
pub const LINK_FORMAT: u8 = 1;

/// The name of the URL fragment parameter that carries the link data (`#s=...`).
pub const FRAGMENT_KEY: &str = "s";

/// The longest link text `decode` accepts, in bytes (2 MiB), before any other work.
pub const MAX_LINK_CHARS: usize = 2 * 1024 * 1024;

/// The largest inflated body (view state plus scenario text) a link may hold (1 MiB).
pub const MAX_DECODED_BYTES: usize = 1024 * 1024;

/// The deflate level used for links: miniz_oxide's best (10); links are small, so time is cheap.
const DEFLATE_LEVEL: u8 = 10;

/// Link formats above this are taken for damage rather than for a link from a newer build.
const MAX_PLAUSIBLE_FORMAT: u8 = 32;

/// An engine version longer than this is taken for damage rather than for a newer build's.
const MAX_PLAUSIBLE_VERSION_LEN: usize = 64;

/// The default height of an embedded playground, in CSS pixels.
pub const DEFAULT_EMBED_HEIGHT: u32 = 480;

/// What the sender was looking at: the selected request and view, restored when the link opens.
///
/// Every field is optional and unknown fields are ignored when reading, so builds can add fields
/// without changing the link format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewState {
    /// The view that was open (for example `policy` or `simulate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    /// The principal of the selected request (a name or an ARN, as the app stores it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The action of the selected request, such as `s3:GetObject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The resource of the selected request, usually an ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

/// The versions recorded in a link, so the app can warn when results may differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkVersions {
    /// The link format ([`LINK_FORMAT`] for links this build makes).
    pub link_format: u8,
    /// The scenario JSON format version, as given by the caller.
    pub scenario_format: u32,
    /// The engine version that made the link ([`crate::VERSION`] for links this build makes).
    pub engine: String,
    /// The data version (for example the action catalog's data date), as given by the caller.
    pub data: String,
}

/// Everything a share link carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharePayload {
    /// The scenario JSON text. It is opaque here and comes back byte for byte.
    pub scenario: String,
    /// The selected request and view, if the sender had one.
    pub view: Option<ViewState>,
    /// The versions of the build that made the link.
    pub versions: LinkVersions,
}

impl SharePayload {
    /// A payload made by this build: the current link format and engine version, with the
    /// caller's scenario format and data versions, and no view state.
    pub fn new(
        scenario: impl Into<String>,
        scenario_format: u32,
        data_version: impl Into<String>,
    ) -> Self {
        Self {
            scenario: scenario.into(),
            view: None,
            versions: LinkVersions {
                link_format: LINK_FORMAT,
                scenario_format,
                engine: crate::VERSION.to_owned(),
                data: data_version.into(),
            },
        }
    }

    /// Sets the view state (builder style).
    #[must_use]
    pub fn with_view(mut self, view: ViewState) -> Self {
        self.view = Some(view);
        self
    }

    /// Compares the link's versions with this build's engine and the caller's current scenario
    /// format and data versions.
    pub fn compat(&self, scenario_format: u32, data_version: &str) -> Compat {
        let mut differences = Vec::new();
        let mut push = |component, linked: String, current: String| {
            if linked != current {
                let relation = compare_versions(&linked, &current);
                differences.push(VersionDifference {
                    component,
                    linked,
                    current,
                    relation,
                });
            }
        };
        push(
            VersionComponent::Engine,
            self.versions.engine.clone(),
            crate::VERSION.to_owned(),
        );
        push(
            VersionComponent::ScenarioFormat,
            self.versions.scenario_format.to_string(),
            scenario_format.to_string(),
        );
        push(
            VersionComponent::Data,
            self.versions.data.clone(),
            data_version.to_owned(),
        );
        Compat { differences }
    }
}

/// Which recorded version differs from the running build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionComponent {
    /// The engine (the playground's own version).
    Engine,
    /// The scenario JSON format.
    ScenarioFormat,
    /// The AWS data (action catalog, managed policies).
    Data,
}

impl VersionComponent {
    /// The name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            Self::Engine => "playground",
            Self::ScenarioFormat => "scenario format",
            Self::Data => "AWS data",
        }
    }
}

/// How a link's version relates to the running one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionRelation {
    /// The link was made with an older version.
    Older,
    /// The link was made with a newer version.
    Newer,
    /// The versions differ but cannot be ordered (they are not dotted or dashed numbers).
    Different,
}

/// One version that differs between the link and the running build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionDifference {
    /// What differs.
    pub component: VersionComponent,
    /// The version recorded in the link.
    pub linked: String,
    /// The running version.
    pub current: String,
    /// Whether the link's version is older or newer.
    pub relation: VersionRelation,
}

/// The result of [`SharePayload::compat`]: the versions that differ, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Compat {
    /// Every differing version, in the order engine, scenario format, data.
    pub differences: Vec<VersionDifference>,
}

impl Compat {
    /// True when the link was made with exactly the running versions.
    pub fn is_same(&self) -> bool {
        self.differences.is_empty()
    }

    /// A sentence for the user when versions differ, such as "This link was made with an older
    /// version (playground 0.1.0, AWS data 2026-09-26); results may differ." `None` when the
    /// versions are the same.
    pub fn message(&self) -> Option<String> {
        if self.differences.is_empty() {
            return None;
        }
        let all = |relation| self.differences.iter().all(|d| d.relation == relation);
        let age = if all(VersionRelation::Older) {
            "an older version"
        } else if all(VersionRelation::Newer) {
            "a newer version"
        } else {
            "a different version"
        };
        let details = self
            .differences
            .iter()
            .map(|d| format!("{} {}, here {}", d.component.label(), d.linked, d.current))
            .collect::<Vec<_>>()
            .join("; ");
        Some(format!(
            "This link was made with {age} of the playground ({details}); results may differ."
        ))
    }
}

/// Orders two versions by their runs of digits (`0.10.1` > `0.9.3`, `2026-09-26` >
/// `2026-04-01`); versions that are not made of numbers and separators cannot be ordered.
fn compare_versions(linked: &str, current: &str) -> VersionRelation {
    fn numbers(version: &str) -> Option<Vec<u64>> {
        let parts: Option<Vec<u64>> = version
            .split(['.', '-'])
            .map(|part| part.parse::<u64>().ok())
            .collect();
        parts.filter(|p| !p.is_empty())
    }
    match (numbers(linked), numbers(current)) {
        (Some(a), Some(b)) if a < b => VersionRelation::Older,
        (Some(a), Some(b)) if a > b => VersionRelation::Newer,
        _ => VersionRelation::Different,
    }
}

/// Why a link could not be made or opened. Every variant has a message written for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// The text holds no link data: a URL without `#s=`, or nothing after it.
    Missing,
    /// The link data has characters that a share link never contains.
    InvalidCharacters,
    /// The link ends before its data does: it was cut off while being copied.
    Truncated,
    /// The link's checksum or structure does not match: it was changed after it was made.
    Corrupt,
    /// The link was made by a newer build, in a link format this build cannot read.
    NewerFormat {
        /// The link's format number.
        format: u8,
        /// The version of the playground that made it.
        engine: String,
    },
    /// The link text is longer than [`MAX_LINK_CHARS`].
    TooLong {
        /// The limit, in characters.
        max_chars: usize,
    },
    /// The scenario (unpacked) is larger than [`MAX_DECODED_BYTES`], either when making a
    /// link or when opening one (which includes decompression bombs).
    TooLarge {
        /// The limit, in bytes.
        max_bytes: usize,
    },
    /// The unpacked scenario is not valid UTF-8 text.
    InvalidText,
}

impl ShareError {
    /// A stable code for tests and telemetry-free logs, such as `share.truncated`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "share.missing",
            Self::InvalidCharacters => "share.invalid-characters",
            Self::Truncated => "share.truncated",
            Self::Corrupt => "share.corrupt",
            Self::NewerFormat { .. } => "share.newer-format",
            Self::TooLong { .. } => "share.too-long",
            Self::TooLarge { .. } => "share.too-large",
            Self::InvalidText => "share.invalid-text",
        }
    }

    /// The message shown to the user.
    pub fn message(&self) -> String {
        match self {
            Self::Missing => "This is not a playground share link: it has no scenario in it \
                (share links end with `#s=` followed by the scenario data)."
                .to_owned(),
            Self::InvalidCharacters => "This share link is damaged: it contains characters a \
                share link never has. Copy the whole link again from where it was shared."
                .to_owned(),
            Self::Truncated => "This share link is incomplete: it was cut off while being \
                copied or sent. Copy the whole link again from where it was shared."
                .to_owned(),
            Self::Corrupt => "This share link is damaged: it was changed after it was made, so \
                its contents cannot be trusted. Copy the whole link again from where it was \
                shared."
                .to_owned(),
            Self::NewerFormat { format, engine } => {
                format!(
                    "This share link was made with a newer version of the playground \
                     ({engine}) than this one ({}), which cannot read its link format \
                     ({format}). Open it with playground {engine} or later.",
                    crate::VERSION
                )
            }
            Self::TooLong { max_chars } => format!(
                "This share link is too long to open (the playground accepts links of up to {} \
                 characters).",
                max_chars
            ),
            Self::TooLarge { max_bytes } => format!(
                "This scenario is too large to share as a link (the limit is {} KiB once \
                 unpacked).",
                max_bytes / 1024
            ),
            Self::InvalidText => "This share link is damaged: the scenario in it is not valid \
                text. Copy the whole link again from where it was shared."
                .to_owned(),
        }
    }
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ShareError {}

/// Encodes a payload as link data: the text that follows `#s=` (see [`share_url`]).
///
/// The link format and engine version written are this build's, whatever `payload.versions`
/// says about them, because the bytes are laid out by this build.
///
/// # Errors
/// [`ShareError::TooLarge`] when the scenario and view state exceed [`MAX_DECODED_BYTES`]: such a
/// link could not be opened, so it is not made.
pub fn encode(payload: &SharePayload) -> Result<String, ShareError> {
    // Serialising a struct of optional strings cannot fail; an empty result would only drop the
    // view state, never the scenario.
    let view_json = match &payload.view {
        Some(view) => serde_json::to_vec(view).unwrap_or_default(),
        None => Vec::new(),
    };
    let mut body = Vec::with_capacity(view_json.len() + payload.scenario.len() + 5);
    write_varint(&mut body, view_json.len() as u64);
    body.extend_from_slice(&view_json);
    body.extend_from_slice(payload.scenario.as_bytes());
    if body.len() > MAX_DECODED_BYTES {
        return Err(ShareError::TooLarge {
            max_bytes: MAX_DECODED_BYTES,
        });
    }
    let compressed = miniz_oxide::deflate::compress_to_vec(&body, DEFLATE_LEVEL);

    let versions = &payload.versions;
    let mut bytes = Vec::with_capacity(compressed.len() + 48);
    bytes.push(LINK_FORMAT);
    write_str(&mut bytes, crate::VERSION);
    write_varint(&mut bytes, u64::from(versions.scenario_format));
    write_str(&mut bytes, &versions.data);
    write_varint(&mut bytes, compressed.len() as u64);
    bytes.extend_from_slice(&compressed);
    let checksum = adler2::adler32_slice(&bytes);
    bytes.extend_from_slice(&checksum.to_be_bytes());

    let text = URL_SAFE_NO_PAD.encode(&bytes);
    if text.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLong {
            max_chars: MAX_LINK_CHARS,
        });
    }
    Ok(text)
}

/// Decodes a share link. The input may be a whole URL, its fragment (with or without `#`), the
/// `s=` parameter or the bare link data; percent-escapes, whitespace and line breaks (as mail
/// clients insert them), surrounding `<>` or quotes and the standard base64 alphabet are
/// tolerated.
///
/// # Errors
/// A [`ShareError`] whose message explains to the user what is wrong with the link.
pub fn decode(input: &str) -> Result<SharePayload, ShareError> {
    let data = link_data(input)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(data.as_bytes())
        .map_err(|error| match error {
            base64::DecodeError::InvalidByte(..) => ShareError::InvalidCharacters,
            base64::DecodeError::InvalidLength(_)
            | base64::DecodeError::InvalidLastSymbol { .. }
            | base64::DecodeError::InvalidPadding => diagnose_bad_tail(&data),
        })?;
    decode_bytes(&bytes)
}

/// Tells a link cut off in the middle of a base64 group (the common case: its last character
/// then has stray bits or stands alone) from other damage.
///
/// A last character with stray bits is also what changing the last character of a whole link
/// gives, so the stray bits are first ignored: when every byte the record announces is then
/// present, nothing was cut off and the link was changed. Otherwise the whole groups before the
/// last character are read, and a record that ends early there was cut off.
fn diagnose_bad_tail(data: &str) -> ShareError {
    if let Ok(bytes) = LENIENT.decode(data.as_bytes()) {
        return match decode_bytes(&bytes) {
            Err(ShareError::Truncated) => ShareError::Truncated,
            _ => ShareError::Corrupt,
        };
    }
    let whole_groups = data.len() - data.len() % 4;
    let prefix = data.get(..whole_groups).unwrap_or_default();
    match URL_SAFE_NO_PAD
        .decode(prefix)
        .map(|bytes| decode_bytes(&bytes))
    {
        Ok(Err(ShareError::Truncated)) => ShareError::Truncated,
        _ => ShareError::Corrupt,
    }
}

/// The link alphabet, decoding a last character whose unused bits are set (which
/// [`URL_SAFE_NO_PAD`] refuses): used only to tell a changed link from a cut-off one.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Builds the full share URL: `base_url` without its own fragment, then `#s=` and the link
/// data. `data` may also be given as [`fragment`] accepts it.
pub fn share_url(base_url: &str, data: &str) -> String {
    let base = base_url.split('#').next().unwrap_or(base_url);
    format!("{base}#{}", fragment(data))
}

/// The URL fragment (without `#`) for link data: `s=` followed by the data. `data` may also be
/// a fragment (with or without `#`) or a whole share URL, whose fragment is then used.
pub fn fragment(data: &str) -> String {
    let data = data.trim();
    let data = data.split_once('#').map_or(data, |(_, after)| after);
    let key = format!("{FRAGMENT_KEY}=");
    let data = data.strip_prefix(key.as_str()).unwrap_or(data);
    format!("{key}{data}")
}

/// Removes the whitespace outside JSON strings, for callers who prefer a shorter link to keeping
/// the scenario's own layout. Strings (and so policy documents kept as text inside the scenario)
/// are untouched, so valid JSON stays valid and means the same. `encode` never calls this: on the
/// playground's examples it shortens links by 5 to 12 percent, and a link that gives back the
/// exact text is worth more.
pub fn minify_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c.is_whitespace() {
            continue;
        } else {
            in_string = c == '"';
        }
        out.push(c);
    }
    out
}

/// Extracts the base64 text from whatever the user pasted, without decoding it.
fn link_data(input: &str) -> Result<String, ShareError> {
    // A byte-order mark from a text file the link was saved in is not part of the link.
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    if input.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLong {
            max_chars: MAX_LINK_CHARS,
        });
    }
    // Percent-escapes first: a `#` or `=` may itself arrive escaped. The result is never longer
    // than the input, so the cap above also bounds it.
    let unescaped: Cow<'_, [u8]> = percent_encoding::percent_decode(input.as_bytes()).into();
    let cleaned: Vec<u8> = unescaped
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    // Text wrapped in <...> or quotes by a mail client or a chat app. Unwrapping narrows a slice
    // (removing the first byte of a vector would move the rest, quadratic over many layers).
    let mut text: &[u8] = &cleaned;
    while let [first, inner @ .., last] = text {
        if !matches!((first, last), (b'<', b'>') | (b'"', b'"') | (b'\'', b'\'')) {
            break;
        }
        text = inner;
    }

    let fragment: &[u8] = if let Some(hash) = text.iter().position(|&b| b == b'#') {
        text.get(hash + 1..).unwrap_or_default()
    } else if text.iter().any(|&b| matches!(b, b':' | b'?')) {
        // A URL (or anything that is not link data) without a fragment.
        return Err(ShareError::Missing);
    } else {
        text
    };

    let param = fragment
        .split(|&b| b == b'&')
        .find_map(|part| part.strip_prefix(b"s="));
    let data = match param {
        Some(data) => data,
        None => {
            // Bare link data: no parameter syntax apart from base64 padding.
            let unpadded = trim_padding(fragment);
            if unpadded.contains(&b'=') || fragment.contains(&b'&') {
                return Err(ShareError::Missing);
            }
            fragment
        }
    };
    let data: String = trim_padding(data)
        .iter()
        .map(|&b| match b {
            b'+' => '-',
            b'/' => '_',
            other => char::from(other),
        })
        .collect();
    if data.is_empty() {
        return Err(ShareError::Missing);
    }
    Ok(data)
}

fn trim_padding(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    bytes.get(..end).unwrap_or_default()
}

/// Decodes the binary record (after base64).
fn decode_bytes(bytes: &[u8]) -> Result<SharePayload, ShareError> {
    let mut reader = Reader { rest: bytes };
    let format = reader.byte().ok_or(ShareError::Missing)?;
    if format == 0 {
        return Err(ShareError::Corrupt);
    }
    if format > LINK_FORMAT {
        // Every format starts with the engine version, so the message can name it. Text that
        // merely happens to start with a large byte (a random paste) has no plausible version
        // there and is reported as damaged instead.
        let engine = reader.string().ok().filter(|version| {
            !version.is_empty()
                && version.len() <= MAX_PLAUSIBLE_VERSION_LEN
                && version.bytes().all(|b| b.is_ascii_graphic())
        });
        return Err(match engine {
            Some(engine) if format <= MAX_PLAUSIBLE_FORMAT => {
                ShareError::NewerFormat { format, engine }
            }
            _ => ShareError::Corrupt,
        });
    }
    let engine = reader.string()?;
    let scenario_format = u32::try_from(reader.varint()?).map_err(|_| ShareError::Corrupt)?;
    let data = reader.string()?;
    let body_len = reader.len()?;

    // Truncation is checked before the checksum so that a link cut short gets its own message.
    let needed = body_len.checked_add(4).ok_or(ShareError::Corrupt)?;
    if reader.rest.len() < needed {
        return Err(ShareError::Truncated);
    }
    if reader.rest.len() > needed {
        return Err(ShareError::Corrupt);
    }
    let signed_len = bytes.len().saturating_sub(4);
    let (signed, trailer) = bytes
        .split_at_checked(signed_len)
        .ok_or(ShareError::Corrupt)?;
    let expected: [u8; 4] = trailer.try_into().map_err(|_| ShareError::Corrupt)?;
    if adler2::adler32_slice(signed) != u32::from_be_bytes(expected) {
        return Err(ShareError::Corrupt);
    }
    let compressed = reader.rest.get(..body_len).ok_or(ShareError::Truncated)?;

    // One byte over the cap tells a body of exactly the cap from a larger one.
    let body = miniz_oxide::inflate::decompress_to_vec_with_limit(
        compressed,
        MAX_DECODED_BYTES.saturating_add(1),
    )
    .map_err(|error| match error.status {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge {
            max_bytes: MAX_DECODED_BYTES,
        },
        _ => ShareError::Corrupt,
    })?;
    if body.len() > MAX_DECODED_BYTES {
        return Err(ShareError::TooLarge {
            max_bytes: MAX_DECODED_BYTES,
        });
    }

    let mut body_reader = Reader { rest: &body };
    let view_len = body_reader.len()?;
    let view_json = body_reader.take(view_len).ok_or(ShareError::Corrupt)?;
    let view = if view_json.is_empty() {
        None
    } else {
        Some(serde_json::from_slice::<ViewState>(view_json).map_err(|_| ShareError::Corrupt)?)
    };
    let scenario =
        String::from_utf8(body_reader.rest.to_vec()).map_err(|_| ShareError::InvalidText)?;

    Ok(SharePayload {
        scenario,
        view,
        versions: LinkVersions {
            link_format: format,
            scenario_format,
            engine,
            data,
        },
    })
}

/// A cursor over the binary record; running out of bytes means the link was truncated.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(first)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.rest.split_at_checked(n)?;
        self.rest = rest;
        Some(taken)
    }

    /// An unsigned LEB128 number of at most 64 bits.
    fn varint(&mut self) -> Result<u64, ShareError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte().ok_or(ShareError::Truncated)?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(ShareError::Corrupt);
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ShareError::Corrupt)
    }

    fn len(&mut self) -> Result<usize, ShareError> {
        usize::try_from(self.varint()?).map_err(|_| ShareError::Corrupt)
    }

    fn string(&mut self) -> Result<String, ShareError> {
        let len = self.len()?;
        let bytes = self.take(len).ok_or(ShareError::Truncated)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| ShareError::Corrupt)
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn write_str(out: &mut Vec<u8>, text: &str) {
    write_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// The colour theme of an embedded playground.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follow the reader's system preference (the default; not written into the URL).
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The value of the `theme` URL parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }
}

/// How an embedded playground looks: see [`embed_url`] and [`embed_snippet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedOptions {
    /// The single view to show (for example `policy` or `simulate`); `None` shows the default.
    pub view: Option<String>,
    /// Whether the reader may edit the scenario inside the embed.
    pub readonly: bool,
    /// The colour theme; the host page usually passes its own.
    pub theme: Theme,
    /// The iframe's initial height in CSS pixels (the embed then posts its real height).
    pub height: u32,
    /// The iframe's accessible title.
    pub title: String,
    /// For the "try it" view, the policy text to show, named as
    /// [`crate::scenario::Scenario::policy_text_named`] finds it ("customer-managed policy
    /// ReadLogs", "inline policy Dev of group Developers"); `None` shows the one that decides
    /// the request.
    pub policy: Option<String>,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        Self {
            policy: None,
            view: None,
            readonly: false,
            theme: Theme::Auto,
            height: DEFAULT_EMBED_HEIGHT,
            title: "IAM policy playground".to_owned(),
        }
    }
}

/// The name an embed goes by, the same in the embed's title bar and in its `<iframe>`'s title:
/// the scenario's own title, or "Untitled scenario" when it has none. Only what the link
/// carries may name it (a reader's browser knows nothing of the sharer's saved slots).
pub fn embed_title(scenario_title: &str) -> String {
    let title = scenario_title.trim();
    if title.is_empty() {
        "Untitled scenario".to_owned()
    } else {
        title.to_owned()
    }
}

/// Characters escaped in a query value: everything except the RFC 3986 unreserved ones.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The playground URL in embed mode: `base_url` (its own fragment dropped) with `embed` and the
/// options as query parameters, then the share fragment. `data` is link data, or anything
/// [`fragment`] accepts (such as a whole share URL).
pub fn embed_url(base_url: &str, data: &str, options: &EmbedOptions) -> String {
    let base = base_url.split('#').next().unwrap_or(base_url);
    let mut url = String::from(base);
    url.push(if base.contains('?') { '&' } else { '?' });
    url.push_str("embed");
    if let Some(view) = &options.view {
        url.push_str("&view=");
        url.extend(percent_encoding::utf8_percent_encode(view, QUERY_VALUE));
    }
    if let Some(policy) = &options.policy {
        url.push_str("&policy=");
        url.extend(percent_encoding::utf8_percent_encode(policy, QUERY_VALUE));
    }
    if options.readonly {
        url.push_str("&readonly=1");
    }
    if options.theme != Theme::Auto {
        url.push_str("&theme=");
        url.push_str(options.theme.as_str());
    }
    url.push('#');
    url.push_str(&fragment(data));
    url
}

/// An `<iframe>` element embedding the playground, for documentation pages: the [`embed_url`],
/// a title, full width, the configured height and lazy loading. Every attribute value is
/// HTML-escaped. On its own it keeps the configured height (for pages whose
/// Content-Security-Policy forbids scripts); [`embed_snippet`] adds the script that sizes it.
pub fn embed_iframe(base_url: &str, data: &str, options: &EmbedOptions) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{}\" loading=\"lazy\" \
         style=\"border: 0;\"></iframe>",
        escape_attribute(&embed_url(base_url, data, options)),
        escape_attribute(&options.title),
        options.height,
    )
}

/// The address of `embed.js`, the script served beside the playground that sizes every
/// playground iframe of a host page to its content: `base_url`'s folder (its query, fragment
/// and last path segment after the final `/` dropped) followed by `embed.js`.
pub fn embed_script_url(base_url: &str) -> String {
    let base = base_url.split(['#', '?']).next().unwrap_or(base_url);
    // The folder ends at the last `/` after the scheme's `//`, so a bare origin keeps its host.
    let path_start = base.find("//").map_or(0, |i| i + 2);
    let folder = match base.get(path_start..).and_then(|rest| rest.rfind('/')) {
        Some(slash) => base
            .get(..path_start + slash + 1)
            .unwrap_or(base)
            .to_owned(),
        None => format!("{base}/"),
    };
    format!("{folder}{EMBED_SCRIPT}")
}

/// The file name of the host pages' auto-height script, at the root of the built site.
pub const EMBED_SCRIPT: &str = "embed.js";

/// The embed code for documentation pages: the [`embed_iframe`] and one `<script async>` that
/// loads [`embed_script_url`], which sizes the frame (and every other playground frame on the
/// page) to its content. Pasting it several times is harmless: the script listens once.
pub fn embed_snippet(base_url: &str, data: &str, options: &EmbedOptions) -> String {
    format!(
        "{}\n<script src=\"{}\" async></script>",
        embed_iframe(base_url, data, options),
        escape_attribute(&embed_script_url(base_url)),
    )
}

/// What an embed shows, named by its `view` parameter. The first five are the compact views,
/// each made for a column of prose (640 to 900 px wide) and fitting without scrolling; the
/// others show a whole view of the playground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedView {
    /// One request, its decision and the deciding statement (`decision`).
    Decision,
    /// One policy's text with a small request form and the decision (`try`).
    TryIt,
    /// The saved tests with pass or fail, each row opening to its reason (`tests`).
    Tests,
    /// The account as cards, without edit affordances (`canvas`).
    Canvas,
    /// The scenario's findings (`findings`).
    Findings,
    /// The workspace and the simulator, one above the other (no `view` parameter).
    PolicyAndSimulation,
    /// The whole workspace with its inspector (`policy`, also `workspace`).
    Workspace,
    /// The whole simulator (`simulate`).
    Simulate,
    /// The CloudFormation export (`export`).
    Export,
}

impl EmbedView {
    /// The compact views, in the order the share view offers them.
    pub const COMPACT: [EmbedView; 5] = [
        EmbedView::Decision,
        EmbedView::TryIt,
        EmbedView::Tests,
        EmbedView::Canvas,
        EmbedView::Findings,
    ];

    /// The whole views an embed can also show.
    pub const WHOLE: [EmbedView; 3] = [
        EmbedView::PolicyAndSimulation,
        EmbedView::Workspace,
        EmbedView::Simulate,
    ];

    /// The `view` parameter's value (`None` for the default view).
    pub fn param(self) -> Option<&'static str> {
        Some(match self {
            EmbedView::Decision => "decision",
            EmbedView::TryIt => "try",
            EmbedView::Tests => "tests",
            EmbedView::Canvas => "canvas",
            EmbedView::Findings => "findings",
            EmbedView::PolicyAndSimulation => return None,
            EmbedView::Workspace => "policy",
            EmbedView::Simulate => "simulate",
            EmbedView::Export => "export",
        })
    }

    /// A stable name for the embed's root element (`data-view`), for host pages and tests.
    pub fn id(self) -> &'static str {
        self.param().unwrap_or("policy-simulate")
    }

    /// The view's name in the share view.
    pub fn label(self) -> &'static str {
        match self {
            EmbedView::Decision => "Decision card: one request and its decision",
            EmbedView::TryIt => "Policy with \u{201c}try it\u{201d}: a policy and a request form",
            EmbedView::Tests => "Saved tests with pass or fail",
            EmbedView::Canvas => "Canvas: the account picture",
            EmbedView::Findings => "Findings",
            EmbedView::PolicyAndSimulation => "Policies and simulation",
            EmbedView::Workspace => "The workspace",
            EmbedView::Simulate => "The simulator",
            EmbedView::Export => "The CloudFormation export",
        }
    }

    /// Whether the view shows a request the reader can change.
    pub fn has_request(self) -> bool {
        matches!(
            self,
            EmbedView::Decision
                | EmbedView::TryIt
                | EmbedView::PolicyAndSimulation
                | EmbedView::Simulate
        )
    }

    /// Reads a `view` parameter: absent or empty is the default view.
    ///
    /// # Errors
    /// The sentence to show the reader when the name is not a view's.
    pub fn from_param(view: Option<&str>) -> Result<EmbedView, String> {
        let name = view.map(str::trim).unwrap_or_default();
        match name {
            "" => Ok(EmbedView::PolicyAndSimulation),
            "decision" | "card" => Ok(EmbedView::Decision),
            "try" | "try-it" => Ok(EmbedView::TryIt),
            "tests" => Ok(EmbedView::Tests),
            "canvas" => Ok(EmbedView::Canvas),
            "findings" => Ok(EmbedView::Findings),
            "policy" | "policies" | "workspace" => Ok(EmbedView::Workspace),
            "simulate" | "simulator" => Ok(EmbedView::Simulate),
            "export" => Ok(EmbedView::Export),
            other => {
                let shown: String = other.chars().take(60).collect();
                Err(format!(
                    "This embed asks for a view named \u{201c}{shown}\u{201d}, which the playground \
                     does not have (the views are decision, try, tests, canvas and findings); it \
                     shows the policies and the simulation instead."
                ))
            }
        }
    }
}

/// The sentence an embed shows when its `policy` parameter names no policy of the scenario.
pub fn unknown_policy_message(name: &str) -> String {
    let shown: String = name.trim().chars().take(80).collect();
    format!(
        "This embed asks for the policy \u{201c}{shown}\u{201d}, which its scenario does not have; it \
         shows the policy that decides the request instead."
    )
}

/// Escapes text for a double-quoted HTML attribute value.
fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> SharePayload {
        SharePayload::new("{\"format\": 1}", 1, "2026-09-26").with_view(ViewState {
            view: Some("simulate".into()),
            action: Some("s3:GetObject".into()),
            ..ViewState::default()
        })
    }

    fn link_bytes(p: &SharePayload) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(encode(p).unwrap()).unwrap()
    }

    fn resign(bytes: &mut Vec<u8>) {
        let n = bytes.len() - 4;
        bytes.truncate(n);
        let sum = adler2::adler32_slice(bytes);
        bytes.extend_from_slice(&sum.to_be_bytes());
    }

    /// Regression: unwrapping removed the first byte of a vector per layer, quadratic in the
    /// depth (2 MiB of quotes took 19 s). Nearly a megabyte of layers around a real link still
    /// unwraps to the payload.
    #[test]
    fn deeply_quoted_link_unwraps() {
        let p = payload();
        let data = encode(&p).unwrap();
        let layers = (MAX_LINK_CHARS - data.len()) / 2 - 8;
        let half = layers / 2;
        let wrapped = format!(
            "{}{}{}{}",
            "\"".repeat(half),
            "<".repeat(layers - half),
            data,
            ">".repeat(layers - half)
        ) + &"\"".repeat(half);
        assert!(wrapped.len() <= MAX_LINK_CHARS);
        assert_eq!(decode(&wrapped), Ok(p));
        assert_eq!(decode(&format!("\u{feff}{data}")), Ok(payload()));
        // Only quotes: nothing is left, which is a missing link, not a hang.
        assert_eq!(
            decode(&"\"".repeat(MAX_LINK_CHARS)),
            Err(ShareError::Missing)
        );
    }

    #[test]
    fn round_trip_keeps_everything() {
        let p = payload();
        assert_eq!(decode(&encode(&p).unwrap()), Ok(p));
    }

    #[test]
    fn header_layout_is_as_documented() {
        let bytes = link_bytes(&payload());
        assert_eq!(bytes[0], LINK_FORMAT);
        assert_eq!(usize::from(bytes[1]), crate::VERSION.len());
        assert_eq!(
            &bytes[2..2 + crate::VERSION.len()],
            crate::VERSION.as_bytes()
        );
    }

    #[test]
    fn tolerates_url_forms_and_noise() {
        let data = encode(&payload()).unwrap();
        let url = share_url("https://example.com/play/?x=1#old", &data);
        assert_eq!(url, format!("https://example.com/play/?x=1#s={data}"));
        let (head, tail) = data.split_at(data.len() / 2);
        let forms = [
            url.clone(),
            format!("#s={data}"),
            format!("s={data}"),
            data.clone(),
            format!("  <{url}>\n"),
            format!("https://example.com/play/%23s%3D{data}"),
            format!("{head}\r\n  {tail}"),
            format!("#x=1&s={data}&y=2"),
            format!("\"{url}\""),
        ];
        for form in forms {
            assert_eq!(decode(&form), Ok(payload()), "{form}");
        }
        // The standard alphabet with padding, as some tools re-encode base64.
        let standard = base64::engine::general_purpose::STANDARD.encode(link_bytes(&payload()));
        assert_eq!(decode(&standard), Ok(payload()));
    }

    #[test]
    fn missing_data() {
        for input in [
            "",
            "   ",
            "https://example.com/play/",
            "#",
            "#s=",
            "#view=policy",
            "s=",
        ] {
            assert_eq!(decode(input), Err(ShareError::Missing), "{input:?}");
        }
    }

    #[test]
    fn invalid_characters() {
        assert_eq!(decode("#s=abc!def"), Err(ShareError::InvalidCharacters));
    }

    #[test]
    fn truncated_link() {
        let data = encode(&payload()).unwrap();
        for cut in [1, 5, 10] {
            let short = &data[..data.len() - cut];
            let error = decode(short).unwrap_err();
            assert!(
                matches!(error, ShareError::Truncated | ShareError::Corrupt),
                "{cut}: {error:?}"
            );
        }
        assert_eq!(decode(&data[..data.len() - 8]), Err(ShareError::Truncated));
    }

    #[test]
    fn a_changed_last_character_is_damage_not_a_cut() {
        let data = encode(&payload()).unwrap();
        let (head, last) = data.split_at(data.len() - 1);
        let mut damaged = 0;
        for c in "AQgwzZ09-_".chars().filter(|c| !last.starts_with(*c)) {
            let changed = format!("{head}{c}");
            let error = decode(&changed).unwrap_err();
            assert_ne!(error, ShareError::Truncated, "{c}: {error:?}");
            damaged += usize::from(error == ShareError::Corrupt);
        }
        assert!(damaged > 0);
    }

    #[test]
    fn tampered_link_is_corrupt() {
        let mut bytes = link_bytes(&payload());
        let last_body_byte = bytes.len() - 5;
        bytes[last_body_byte] ^= 0x01;
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(&bytes)),
            Err(ShareError::Corrupt)
        );
    }

    #[test]
    fn newer_format_names_the_version() {
        let mut bytes = link_bytes(&payload());
        bytes[0] = LINK_FORMAT + 1;
        let error = decode(&URL_SAFE_NO_PAD.encode(&bytes)).unwrap_err();
        assert_eq!(
            error,
            ShareError::NewerFormat {
                format: LINK_FORMAT + 1,
                engine: crate::VERSION.to_owned()
            }
        );
        assert!(error.message().contains("newer version"), "{error}");
        // A format byte alone, an implausible version or an implausible format: damage.
        assert_eq!(decode("#s=Ag"), Err(ShareError::Corrupt));
        let mut bytes = link_bytes(&payload());
        bytes[2] = 0x07;
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(&bytes)),
            Err(ShareError::Corrupt)
        );
        bytes = link_bytes(&payload());
        bytes[0] = 200;
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(&bytes)),
            Err(ShareError::Corrupt)
        );
        // Random text is not mistaken for a link from the future.
        assert_eq!(decode("#s=hello-world"), Err(ShareError::Corrupt));
    }

    #[test]
    fn format_zero_is_corrupt() {
        let mut bytes = link_bytes(&payload());
        bytes[0] = 0;
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(&bytes)),
            Err(ShareError::Corrupt)
        );
    }

    #[test]
    fn invalid_utf8_scenario_is_reported() {
        // A correctly signed link whose scenario bytes are not UTF-8.
        let body = [0u8, 0xff, 0xfe];
        let compressed = miniz_oxide::deflate::compress_to_vec(&body, 6);
        let mut bytes = vec![LINK_FORMAT];
        write_str(&mut bytes, "0.1.0");
        write_varint(&mut bytes, 1);
        write_str(&mut bytes, "d");
        write_varint(&mut bytes, compressed.len() as u64);
        bytes.extend_from_slice(&compressed);
        bytes.extend_from_slice(&[0; 4]);
        resign(&mut bytes);
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(&bytes)),
            Err(ShareError::InvalidText)
        );
    }

    #[test]
    fn oversized_inputs_are_refused() {
        let long = "A".repeat(MAX_LINK_CHARS + 1);
        assert_eq!(
            decode(&long),
            Err(ShareError::TooLong {
                max_chars: MAX_LINK_CHARS
            })
        );
        let big = SharePayload::new("x".repeat(MAX_DECODED_BYTES), 1, "d");
        assert_eq!(
            encode(&big),
            Err(ShareError::TooLarge {
                max_bytes: MAX_DECODED_BYTES
            })
        );
        // Exactly at the cap (with the one-byte view length) still opens.
        let at_cap = SharePayload::new("x".repeat(MAX_DECODED_BYTES - 1), 1, "d");
        assert_eq!(decode(&encode(&at_cap).unwrap()), Ok(at_cap));
    }

    #[test]
    fn varints_round_trip_and_reject_overflow() {
        for value in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            write_varint(&mut out, value);
            assert_eq!(Reader { rest: &out }.varint(), Ok(value));
        }
        let overflow = [0xff; 10];
        assert_eq!(
            Reader { rest: &overflow }.varint(),
            Err(ShareError::Corrupt)
        );
        assert_eq!(
            Reader { rest: &[0x80] }.varint(),
            Err(ShareError::Truncated)
        );
    }

    #[test]
    fn compat_reports_older_newer_and_same() {
        let p = SharePayload::new("{}", 1, "2026-09-26");
        assert!(p.compat(1, "2026-09-26").is_same());
        assert_eq!(p.compat(1, "2026-09-26").message(), None);

        let older = p.compat(2, "2026-11-01");
        assert_eq!(older.differences.len(), 2);
        assert!(
            older
                .differences
                .iter()
                .all(|d| d.relation == VersionRelation::Older)
        );
        let message = older.message().unwrap();
        assert!(message.contains("an older version"), "{message}");
        assert!(
            message.contains("AWS data 2026-09-26, here 2026-11-01"),
            "{message}"
        );

        let mut from_future = p.clone();
        from_future.versions.engine = "99.0.0".into();
        let newer = from_future.compat(1, "2026-09-26");
        assert_eq!(newer.differences[0].component, VersionComponent::Engine);
        assert_eq!(newer.differences[0].relation, VersionRelation::Newer);
        assert!(newer.message().unwrap().contains("a newer version"));

        assert_eq!(compare_versions("0.9.3", "0.10.1"), VersionRelation::Older);
        assert_eq!(compare_versions("dev", "0.1.0"), VersionRelation::Different);
    }

    #[test]
    fn error_messages_speak_to_the_user() {
        let errors = [
            ShareError::Missing,
            ShareError::InvalidCharacters,
            ShareError::Truncated,
            ShareError::Corrupt,
            ShareError::NewerFormat {
                format: 9,
                engine: "9.0.0".into(),
            },
            ShareError::TooLong { max_chars: 10 },
            ShareError::TooLarge { max_bytes: 2048 },
            ShareError::InvalidText,
        ];
        for error in errors {
            let message = error.to_string();
            assert!(message.ends_with('.'), "{message}");
            assert!(message.contains("link"), "{message}");
            assert!(error.code().starts_with("share."));
        }
        assert!(
            ShareError::TooLarge { max_bytes: 2048 }
                .message()
                .contains("2 KiB")
        );
    }

    #[test]
    fn minify_json_keeps_strings() {
        let text = "{\n  \"a b\": \"x \\\" y\\\\\",\n  \"c\": [ 1, 2 ]\n}\n";
        assert_eq!(minify_json(text), "{\"a b\":\"x \\\" y\\\\\",\"c\":[1,2]}");
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let minified: serde_json::Value = serde_json::from_str(&minify_json(text)).unwrap();
        assert_eq!(value, minified);
    }

    #[test]
    fn the_embed_script_sits_beside_the_playground() {
        for (base, script) in [
            (
                "https://example.com/play/",
                "https://example.com/play/embed.js",
            ),
            (
                "https://example.com/play/index.html?x=1#s=a",
                "https://example.com/play/embed.js",
            ),
            ("https://example.com", "https://example.com/embed.js"),
            ("/playground/", "/playground/embed.js"),
        ] {
            assert_eq!(embed_script_url(base), script, "{base}");
        }
    }

    #[test]
    fn embed_title_is_the_scenario_title_or_untitled() {
        assert_eq!(embed_title("  Root versus admin "), "Root versus admin");
        assert_eq!(embed_title(" "), "Untitled scenario");
    }

    #[test]
    fn embed_url_and_snippet() {
        let options = EmbedOptions {
            view: Some("simulate".into()),
            readonly: true,
            theme: Theme::Dark,
            height: 600,
            title: "Admins & \"Auditors\" <demo>".into(),
            policy: None,
        };
        let url = embed_url("https://example.com/play/#old", "#s=abc", &options);
        assert_eq!(
            url,
            "https://example.com/play/?embed&view=simulate&readonly=1&theme=dark#s=abc"
        );
        let snippet = embed_iframe("https://example.com/play/?lang=en", "abc", &options);
        assert_eq!(
            embed_snippet("https://example.com/play/?lang=en", "abc", &options),
            format!("{snippet}\n<script src=\"https://example.com/play/embed.js\" async></script>")
        );
        assert_eq!(
            snippet,
            "<iframe src=\"https://example.com/play/?lang=en&amp;embed&amp;view=simulate&amp;\
             readonly=1&amp;theme=dark#s=abc\" title=\"Admins &amp; &quot;Auditors&quot; \
             &lt;demo&gt;\" width=\"100%\" height=\"600\" loading=\"lazy\" \
             style=\"border: 0;\"></iframe>"
        );
        let defaults = embed_snippet(
            "https://x.test/\"><script>",
            "abc",
            &EmbedOptions::default(),
        );
        assert!(!defaults.contains("<script>"), "{defaults}");
        assert!(defaults.contains("height=\"480\""), "{defaults}");
        assert!(
            defaults.contains("title=\"IAM policy playground\""),
            "{defaults}"
        );
        let odd_view = EmbedOptions {
            view: Some("a&b=c d".into()),
            ..EmbedOptions::default()
        };
        assert_eq!(
            embed_url("https://x.test/", "abc", &odd_view),
            "https://x.test/?embed&view=a%26b%3Dc%20d#s=abc"
        );
    }

    #[test]
    fn embed_views_round_trip_and_bad_names_say_why() {
        for view in EmbedView::COMPACT
            .into_iter()
            .chain(EmbedView::WHOLE)
            .chain([EmbedView::Export])
        {
            assert_eq!(EmbedView::from_param(view.param()), Ok(view));
        }
        assert_eq!(
            EmbedView::from_param(Some(" ")),
            Ok(EmbedView::PolicyAndSimulation)
        );
        assert_eq!(
            EmbedView::from_param(Some("workspace")),
            Ok(EmbedView::Workspace)
        );
        let long = "x".repeat(10_000);
        let message = EmbedView::from_param(Some(&long)).unwrap_err();
        assert!(message.contains("does not have"), "{message}");
        assert!(message.len() < 400, "the name is shortened");
        assert!(unknown_policy_message("nope").contains("\u{201c}nope\u{201d}"));
    }

    #[test]
    fn embed_url_names_the_policy() {
        let options = EmbedOptions {
            view: Some("try".into()),
            policy: Some("inline policy Dev of group Ops & Co".into()),
            ..EmbedOptions::default()
        };
        assert_eq!(
            embed_url("https://x.test/", "abc", &options),
            "https://x.test/?embed&view=try&policy=inline%20policy%20Dev%20of%20group%20Ops%20%26%20Co#s=abc"
        );
    }
}
