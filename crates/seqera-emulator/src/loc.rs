//! Located values: a value with the line and column of the world file it was read from.
//!
//! This module owns [`Loc`] and how it (de)serializes. It must not know what the values mean:
//! the world loader decides what is wrong and where.

/// A value with the 1-based line and character column it was read from (0 and 0 when built in
/// memory). Deserializes through serde-saphyr's `Spanned`, serializes as the bare value, and
/// compares by value alone.
#[derive(Debug, Clone, Default)]
pub struct Loc<T> {
    pub value: T,
    pub line: u32,
    pub col: u32,
}

impl<T> Loc<T> {
    /// A value with no location.
    pub fn new(value: T) -> Self {
        Loc {
            value,
            line: 0,
            col: 0,
        }
    }
}

impl<T> std::ops::Deref for Loc<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Loc<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Loc<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Loc {
            value: s.value,
            line: s.referenced.line() as u32,
            col: s.referenced.column() as u32,
        })
    }
}

impl<T: serde::Serialize> serde::Serialize for Loc<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}
