//! Eight bytes at a time ("SIMD within a register"): the tests the text scanners use to
//! pass over stretches with nothing of interest, from Bit Twiddling Hacks. Each answers
//! "is there such a byte in the word" exactly (which byte it is, the scanners find out
//! one byte at a time).

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES * 0x80;
const LOW7: u64 = ONES * 0x7F;

/// Whether any byte of `w` is below `n` (`n` at most 128).
#[inline]
pub(crate) fn has_less(w: u64, n: u8) -> bool {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH != 0
}

/// Whether any byte of `w` equals `b`.
#[inline]
pub(crate) fn has_byte(w: u64, b: u8) -> bool {
    has_less(w ^ (ONES * u64::from(b)), 1)
}

/// Whether any byte of `w` lies strictly between `m` and `n` (both at most 128).
#[inline]
pub(crate) fn has_between(w: u64, m: u8, n: u8) -> bool {
    let low = w & LOW7;
    (ONES * (127 + u64::from(n))).wrapping_sub(low)
        & !w
        & low.wrapping_add(ONES * (127 - u64::from(m)))
        & HIGH
        != 0
}

/// The first position from `i` on, in steps of eight bytes, whose word `stop` says
/// needs a look (or from which fewer than eight bytes are left).
#[inline]
pub(crate) fn skip(bytes: &[u8], mut i: usize, stop: impl Fn(u64) -> bool) -> usize {
    while let Some(w) = bytes.get(i..i + 8) {
        if stop(u64::from_le_bytes([
            w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
        ])) {
            break;
        }
        i += 8;
    }
    i
}

/// Test words for the word-at-a-time tests: every byte value at every position among
/// fillers on both sides of the ranges they test, then `random` pseudo-random words.
#[cfg(test)]
pub(crate) fn for_each_test_word(random: usize, mut check: impl FnMut([u8; 8])) {
    for filler in [b'a', b' ', b'/', b':', 0x00, 0x80, 0xC3, 0xFF] {
        for pos in 0..8 {
            for b in 0..=255u8 {
                let mut w = [filler; 8];
                w[pos] = b;
                check(w);
            }
        }
    }
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..random {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        check(x.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every position among fillers, and pseudo-random words:
    /// each test gives the byte-wise answer.
    #[test]
    fn word_tests_match_the_bytewise_ones() {
        let check = |w: [u8; 8]| {
            let x = u64::from_le_bytes(w);
            for n in [1, 0x20, 0x30, 0x80] {
                assert_eq!(has_less(x, n), w.iter().any(|&b| b < n), "{w:?} < {n}");
            }
            for b in [0, b'"', b'\\', 0xE2, 0xFF] {
                assert_eq!(has_byte(x, b), w.contains(&b), "{w:?} has {b}");
            }
            for (m, n) in [(0x2F, 0x3A), (0, 128), (0x40, 0x5B)] {
                assert_eq!(
                    has_between(x, m, n),
                    w.iter().any(|&b| m < b && b < n),
                    "{w:?} in ({m}, {n})"
                );
            }
        };
        for_each_test_word(100_000, check);
    }

    #[test]
    fn skip_stops_at_the_word_that_needs_a_look() {
        let text = b"abcdefgh ijklmno 0123 xyz";
        let digit = |w| has_between(w, b'0' - 1, b'9' + 1);
        // Words at 0 and 8 have no digit; the one at 16 has.
        assert_eq!(skip(text, 0, digit), 16);
        assert_eq!(skip(text, 3, digit), 11);
        // Fewer than eight bytes left: stops there.
        assert_eq!(skip(b"abc", 0, digit), 0);
    }
}
