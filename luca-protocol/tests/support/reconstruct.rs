//! `x = Σ λ_i · x_i` over threshold shares: what only a test does (no office ever assembles a daily
//! private key), to open the same ciphertext with plain HPKE and compare. Shared by `tests/threshold.rs`
//! and the vector generator (`tests/vectors/threshold.rs`) through `#[path]`.

use luca_protocol::keys::DailyPrivateKey;
use luca_protocol::threshold::SecretShare;
use p256::elliptic_curve::PrimeField as _;

/// The daily private key the given shares interpolate to (`None` only for the zero scalar).
pub(crate) fn reconstruct(shares: &[&SecretShare]) -> Option<DailyPrivateKey> {
    let indices: Vec<u64> = shares.iter().map(|s| u64::from(s.index())).collect();
    let mut x = p256::Scalar::ZERO;
    for s in shares {
        let i = p256::Scalar::from(u64::from(s.index()));
        let (mut num, mut den) = (p256::Scalar::ONE, p256::Scalar::ONE);
        for &j in indices.iter().filter(|&&j| j != u64::from(s.index())) {
            let j = p256::Scalar::from(j);
            num *= j;
            den *= j - i;
        }
        let xi = p256::Scalar::from_repr((*s.expose_secret()).into()).unwrap();
        x += num * den.invert().unwrap() * xi;
    }
    DailyPrivateKey::from_slice(&x.to_bytes()).ok()
}
