//! Typed indices into the model's tables, so a team can never be passed where a channel or an
//! incident type is meant. Each is a `u16` (the model's tables are bounded far below that).

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u16);

        impl $name {
            /// The position in its table.
            #[inline]
            pub fn index(self) -> usize {
                usize::from(self.0)
            }
            /// The id at position `i` of its table (tables are bounded far below `u16::MAX`).
            #[inline]
            pub fn at(i: usize) -> Self {
                debug_assert!(i < usize::from(u16::MAX));
                $name(i as u16)
            }
        }

        impl PartialEq<u16> for $name {
            /// Compares with a raw position (as report scopes and tests number them).
            #[inline]
            fn eq(&self, i: &u16) -> bool {
                self.0 == *i
            }
        }

        impl From<u16> for $name {
            /// The id at a raw position (as report scopes and tests number them).
            #[inline]
            fn from(i: u16) -> Self {
                $name(i)
            }
        }
    };
}

id!(
    /// Index of a team in [`Model::teams`](super::Model::teams).
    TeamId
);
id!(
    /// Index of a channel in [`Model::channels`](super::Model::channels).
    ChannelId
);
id!(
    /// Index of an incident type in [`Model::types`](super::Model::types).
    TypeId
);
id!(
    /// Index of an incident stream in [`Model::streams`](super::Model::streams).
    StreamId
);
id!(
    /// Index of a queue (where contacts wait). A team is one queue served by one pool, so
    /// today queue `i` belongs to team `i`.
    QueueId
);
id!(
    /// Index of an agent pool (people with a schedule and availability). A team is one
    /// queue served by one pool, so today pool `i` belongs to team `i`.
    PoolId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_their_index() {
        assert_eq!(TeamId::at(7).index(), 7);
        assert_eq!(ChannelId(3).index(), 3);
        assert!(TypeId(1) < TypeId(2));
    }
}
