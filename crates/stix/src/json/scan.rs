//! Finding the end of plain string content, shared by the JSON reader and
//! writers.

/// The index of the first byte from `i` on that ends a run of plain string
/// characters (a quote, a backslash or a control character), or the length
/// of `b` when there is none. These are the bytes that a JSON string cannot
/// hold as they are, both when reading and when writing.
///
/// Strings are most of a STIX document, so this looks at eight bytes at a
/// time. For each byte `x` of a word, `(x - n) & !x & 0x80` is set when `x`
/// is below `n` (`n` ≤ 0x80). Flipping bit 1 maps the quote (0x22) to 0x20
/// and keeps control characters below 0x20 while every other byte stays
/// above 0x20, so one such test (`n` = 0x21) finds quotes and control
/// characters together, and another (`n` = 1, after an exclusive or with
/// the backslash) finds backslashes.
/// Borrows can set bits spuriously, but only above a byte that really
/// matched, so the lowest set bit is always exact.
#[inline]
pub(super) fn plain_run_end(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const BIT_1: u64 = ONES * 0x02;
    const BACKSLASHES: u64 = ONES * b'\\' as u64;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let quote_or_control = w ^ BIT_1;
        let backslash = w ^ BACKSLASHES;
        let special = ((quote_or_control.wrapping_sub(ONES * 0x21) & !quote_or_control)
            | (backslash.wrapping_sub(ONES) & !backslash))
            & HIGH;
        if special != 0 {
            // Little-endian: the first byte of the chunk is the lowest.
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_runs_end_at_the_first_special_byte() {
        // Bytes near every boundary the word-at-a-time test distinguishes.
        let alphabet = [
            0x00, 0x01, 0x1f, 0x20, 0x21, b'"', 0x23, b'\\', 0x5d, b'a', 0x7f, 0x80, 0xa2, 0xdc,
            0xff,
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 24) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|i| {
                    let pick = (state >> (i * 2 % 56)) as usize;
                    // Mostly plain bytes, so that runs are long.
                    if pick.is_multiple_of(5) {
                        alphabet[pick / 5 % alphabet.len()]
                    } else {
                        b'x'
                    }
                })
                .collect();
            for start in 0..=len {
                let expected = (start..len)
                    .find(|&i| matches!(bytes[i], b'"' | b'\\' | 0..=0x1f))
                    .unwrap_or(len);
                assert_eq!(
                    plain_run_end(&bytes, start),
                    expected,
                    "{bytes:?} from {start}"
                );
            }
        }
    }
}
