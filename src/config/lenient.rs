//! Lenient parsing: deserialize a document with serde-saphyr while skipping the fields its type
//! does not know, and record each one (where it is, where in the document, what was expected).
//!
//! The model types deny unknown fields, so a plain parse stops at the first typo and the rest of
//! the document goes unchecked. The loader falls back to this parse when that happens: it yields
//! the typed document without the unknown fields plus every unknown field, so one run reports
//! them all and validation still checks everything else. It owns only the serde plumbing (a
//! deserializer that forwards to serde-saphyr's and filters struct keys); it must not build
//! diagnostics or decide anything about roster's documents.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde_saphyr::Spanned;

/// A key a struct does not declare, skipped by the lenient parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// Where the mapping holding the key is: `""` for the document, then field names and list
    /// indices, e.g. `members[2]` or `policy`. Values of free-form maps (`platforms`) add nothing.
    pub path: String,
    pub key: String,
    /// 1-based line and column of the key, relative to the document's text.
    pub line: u32,
    pub col: u32,
    /// The fields the struct declares, in declaration order.
    pub expected: &'static [&'static str],
}

/// Parse `text` into `T`, skipping and recording every field `T` (or a struct inside it) does
/// not declare. Errors are serde-saphyr's own, with their locations.
pub fn from_str<T: DeserializeOwned>(
    text: &str,
) -> (Result<T, serde_saphyr::Error>, Vec<UnknownField>) {
    let sink = RefCell::new(Vec::new());
    let result = serde_saphyr::with_deserializer_from_str(text, |d| {
        T::deserialize(Lenient {
            inner: d,
            sink: &sink,
            path: String::new(),
        })
    });
    (result, sink.into_inner())
}

type Sink = RefCell<Vec<UnknownField>>;

/// Structs serde-saphyr synthesizes for `Spanned` (the model has no types of these names).
const SAPHYR_STRUCTS: [&str; 2] = ["Location", "Span"];

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A deserializer that forwards to `inner`, wrapping every visitor so nested values stay lenient.
struct Lenient<'s, D> {
    inner: D,
    sink: &'s Sink,
    path: String,
}

/// A visitor that forwards to `inner`; `fields` is set when visiting a struct's mapping.
struct Wrap<'s, V> {
    inner: V,
    sink: &'s Sink,
    path: String,
    fields: Option<&'static [&'static str]>,
}

impl<'s, V> Wrap<'s, V> {
    fn new(inner: V, sink: &'s Sink, path: &str) -> Self {
        Wrap {
            inner,
            sink,
            path: path.to_string(),
            fields: None,
        }
    }
}

macro_rules! forward_deserialize {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            let w = Wrap::new(visitor, self.sink, &self.path);
            self.inner.$method(w)
        })*
    };
}

impl<'de, 's, D: Deserializer<'de>> Deserializer<'de> for Lenient<'s, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let w = Wrap::new(visitor, self.sink, &self.path);
        self.inner.deserialize_unit_struct(name, w)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let w = Wrap::new(visitor, self.sink, &self.path);
        self.inner.deserialize_newtype_struct(name, w)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let w = Wrap::new(visitor, self.sink, &self.path);
        self.inner.deserialize_tuple(len, w)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let w = Wrap::new(visitor, self.sink, &self.path);
        self.inner.deserialize_tuple_struct(name, len, w)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        if SAPHYR_STRUCTS.contains(&name) {
            // serde-saphyr's own location types, inside its `Spanned` wrapper: not the document's.
            return self.inner.deserialize_struct(name, fields, visitor);
        }
        let mut w = Wrap::new(visitor, self.sink, &self.path);
        w.fields = Some(fields);
        self.inner.deserialize_struct(name, fields, w)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        // The model has no serde enums; their contents would not be filtered.
        self.inner.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty))*) => {
        $(fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        })*
    };
}

impl<'de, 's, V: Visitor<'de>> Visitor<'de> for Wrap<'s, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
        visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
        visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str)
        visit_borrowed_str(&'de str) visit_string(String) visit_bytes(&[u8])
        visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Lenient {
            inner: d,
            sink: self.sink,
            path: self.path,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Lenient {
            inner: d,
            sink: self.sink,
            path: self.path,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(Seq {
            inner: seq,
            sink: self.sink,
            path: self.path,
            index: 0,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(Map {
            inner: map,
            sink: self.sink,
            path: self.path,
            fields: self.fields,
            value_path: None,
        })
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

/// A seed that deserializes its value leniently at `path`.
struct Seed<'s, S> {
    inner: S,
    sink: &'s Sink,
    path: String,
}

impl<'de, 's, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'s, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Lenient {
            inner: d,
            sink: self.sink,
            path: self.path,
        })
    }
}

struct Seq<'s, A> {
    inner: A,
    sink: &'s Sink,
    path: String,
    index: usize,
}

impl<'de, 's, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'s, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let path = format!("{}[{}]", self.path, self.index);
        self.index += 1;
        self.inner.next_element_seed(Seed {
            inner: seed,
            sink: self.sink,
            path,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

struct Map<'s, A> {
    inner: A,
    sink: &'s Sink,
    path: String,
    /// Set for a struct's mapping: keys outside it are skipped and recorded.
    fields: Option<&'static [&'static str]>,
    /// The path of the value after the key just read.
    value_path: Option<String>,
}

impl<'de, 's, A: MapAccess<'de>> MapAccess<'de> for Map<'s, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(fields) = self.fields else {
            // A free-form map, or serde-saphyr's own location wrapper: keys pass untouched.
            self.value_path = None;
            return self.inner.next_key_seed(seed);
        };
        loop {
            let Some(key) = self.inner.next_key::<Spanned<String>>()? else {
                return Ok(None);
            };
            if fields.contains(&key.value.as_str()) {
                self.value_path = Some(join(&self.path, &key.value));
                return seed.deserialize(key.value.into_deserializer()).map(Some);
            }
            self.inner.next_value::<de::IgnoredAny>()?;
            self.sink.borrow_mut().push(UnknownField {
                path: self.path.clone(),
                key: key.value,
                line: key.referenced.line() as u32,
                col: key.referenced.column() as u32,
                expected: fields,
            });
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let path = self.value_path.take().unwrap_or_else(|| self.path.clone());
        self.inner.next_value_seed(Seed {
            inner: seed,
            sink: self.sink,
            path,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::model::{OrganizationDoc, SettingsDoc};

    #[test]
    fn every_unknown_field_is_recorded_with_its_place_and_the_rest_parses() {
        let text = "kind: Organization\nname: lab\nfulname: The Lab\nmembers:\n  - user: a@lab.org\n    rol: owner\n  - {user: b@lab.org, role: owner, extra: 1}\nteams:\n  - name: t1\n    membrs: [a@lab.org]\n";
        let (doc, unknown) = from_str::<OrganizationDoc>(text);
        let doc = doc.expect("parses without the unknown fields");
        assert_eq!(doc.name.value, "lab");
        assert_eq!((doc.name.line, doc.name.col), (2, 7));
        let members = doc.members.as_ref().unwrap();
        assert_eq!(members.len(), 2);
        assert!(members[0].value.role.is_none());
        assert_eq!(members[1].value.role.as_ref().unwrap().value, "owner");
        let got: Vec<(&str, &str, u32, u32)> = unknown
            .iter()
            .map(|u| (u.path.as_str(), u.key.as_str(), u.line, u.col))
            .collect();
        assert_eq!(
            got,
            [
                ("", "fulname", 3, 1),
                ("members[0]", "rol", 6, 5),
                ("members[1]", "extra", 7, 36),
                ("teams[0]", "membrs", 10, 5),
            ]
        );
        assert_eq!(unknown[0].expected[..3], ["kind", "name", "platform"]);
    }

    #[test]
    fn values_of_free_form_maps_are_filtered_too() {
        let text = "kind: Settings\nplatforms:\n  a:\n    endpoint: https://x.org\n    tokenenv: X\npolicy:\n  minOrgOwner: 2\n";
        let (doc, unknown) = from_str::<SettingsDoc>(text);
        assert!(doc.is_ok(), "{doc:?}");
        let got: Vec<(&str, &str)> = unknown
            .iter()
            .map(|u| (u.path.as_str(), u.key.as_str()))
            .collect();
        assert_eq!(got, [("platforms", "tokenenv"), ("policy", "minOrgOwner")]);
    }

    #[test]
    fn other_errors_are_the_parsers_own() {
        let (doc, unknown) =
            from_str::<OrganizationDoc>("kind: Organization\nnme: lab\nmembers: 3\n");
        assert!(doc.is_err());
        assert_eq!(unknown.len(), 1);
    }
}
