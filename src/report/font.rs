//! The charts' font, embedded in the page. The SVG charts lay their text out
//! with DejaVu Sans metrics (src/charts/style.rs) but name it "sans-serif";
//! a browser would substitute whatever sans-serif it has, or nothing on a
//! machine without fonts. The page carries DejaVu Sans itself (regular and
//! bold) as data URIs, so it looks the same everywhere and needs no network.
//! DejaVu is under the Bitstream Vera licence, which allows this.

/// The family name the page's CSS gives the embedded font.
pub const FAMILY: &str = "flowsim-dejavu-sans";

/// `@font-face` rules for the embedded regular and bold faces.
pub fn face_css() -> String {
    let face = |weight: &str, ttf: &[u8]| {
        format!(
            "@font-face{{font-family:\"{FAMILY}\";font-weight:{weight};font-style:normal;src:url(data:font/ttf;base64,{})format(\"truetype\");}}\n",
            base64(ttf)
        )
    };
    face("normal", dejavu::sans::regular()) + &face("bold", dejavu::sans::bold())
}

/// Standard base64 with padding (RFC 4648), for data URIs.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(super::base64(plain.as_bytes()), coded);
        }
    }
}
