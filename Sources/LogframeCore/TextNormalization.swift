import Foundation

/// Unicode NFC normalisation, so that "Ağcabədi" typed with combining marks and with precomposed
/// letters is one value. ASCII text is already NFC and skips the work.
public enum TextNormalization {
    public static func nfc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }

    /// Decodes UTF-8 bytes and normalises them; nil when the bytes are not valid UTF-8.
    public static func nfc(utf8 bytes: some Collection<UInt8>) -> String? {
        var ascii = true
        for byte in bytes where byte >= 0x80 { ascii = false; break }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return text.precomposedStringWithCanonicalMapping
    }
}
