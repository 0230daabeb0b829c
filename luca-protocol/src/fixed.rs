//! Fixed-size byte layouts whose length is checked by the compiler.
//!
//! AAD layouts and derivation outputs are concatenations and prefixes of
//! fixed-size fields. Written as loops over slices, a layout whose parts do not
//! add up to its declared length would silently leave bytes zero or drop some;
//! written with these helpers it does not compile (the lengths are type-level,
//! through hybrid-array, the array type of the RustCrypto crates).

pub(crate) use p256::elliptic_curve::array::AsArrayRef;

/// Concatenates fixed-size byte arrays (`[u8; N]` values or references to them) into one `[u8; M]`;
/// it compiles only where `M` is the sum of the parts' lengths.
macro_rules! concat_fixed {
    ($first:expr $(, $rest:expr)* $(,)?) => {{
        use $crate::fixed::AsArrayRef as _;
        let out = ($first).as_array_ref().clone();
        $(let out = out.concat(($rest).as_array_ref().clone());)*
        out.into()
    }};
}
pub(crate) use concat_fixed;

/// The first `N` bytes of `bytes`; it compiles only where `N ≤ M`.
pub(crate) fn prefix<const N: usize, const M: usize>(bytes: &[u8; M]) -> [u8; N] {
    const { assert!(N <= M, "a prefix cannot be longer than its source") };
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = *b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_writes_the_parts_in_order() {
        let out: [u8; 7] = concat_fixed!([1u8, 2], [3u8; 4], [9u8]);
        assert_eq!(out, [1, 2, 3, 3, 3, 3, 9]);
    }

    #[test]
    fn prefix_takes_the_first_bytes() {
        assert_eq!(prefix::<3, 5>(&[5, 4, 3, 2, 1]), [5, 4, 3]);
        assert_eq!(prefix::<5, 5>(&[5, 4, 3, 2, 1]), [5, 4, 3, 2, 1]);
    }
}
