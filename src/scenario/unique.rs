//! Maps that reject a repeated key: in RON a key may appear twice and the last would silently
//! win, hiding typos in mixes and routes.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt::{self, Debug};
use std::marker::PhantomData;

struct MapVisitor<K, V>(PhantomData<(K, V)>);

impl<'de, K, V> Visitor<'de> for MapVisitor<K, V>
where
    K: Deserialize<'de> + Ord + Debug,
    V: Deserialize<'de>,
{
    type Value = BTreeMap<K, V>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map with each key once")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(k) = map.next_key::<K>()? {
            if out.contains_key(&k) {
                return Err(de::Error::custom(format!(
                    "the key {k:?} appears twice in this map"
                )));
            }
            let v = map.next_value()?;
            out.insert(k, v);
        }
        Ok(out)
    }
}

/// Deserialises a map, rejecting repeated keys.
pub fn unique<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + Debug,
    V: Deserialize<'de>,
{
    d.deserialize_map(MapVisitor(PhantomData))
}

struct OptVisitor<K, V>(PhantomData<(K, V)>);

impl<'de, K, V> Visitor<'de> for OptVisitor<K, V>
where
    K: Deserialize<'de> + Ord + Debug,
    V: Deserialize<'de>,
{
    type Value = Option<BTreeMap<K, V>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an optional map with each key once")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
        unique(d).map(Some)
    }
}

/// Deserialises an optional map, rejecting repeated keys.
pub fn unique_opt<'de, D, K, V>(d: D) -> Result<Option<BTreeMap<K, V>>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + Debug,
    V: Deserialize<'de>,
{
    d.deserialize_option(OptVisitor(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct S {
        #[serde(deserialize_with = "unique")]
        m: BTreeMap<String, f64>,
    }

    #[test]
    fn repeated_keys_are_rejected() {
        let e = ron::from_str::<S>(r#"(m: {"a": 1.0, "a": 2.0})"#).unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
        assert_eq!(
            ron::from_str::<S>(r#"(m: {"a": 1.0})"#).unwrap().m["a"],
            1.0
        );
    }
}
